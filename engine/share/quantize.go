package share

import "math"

// Symmetric linear quantization with L levels each side of zero (L = 127
// for int8, 7 for int4). A group of weights — the whole tensor, or one
// output channel — shares one scale
//
//	s = max |w| / L    (stored as float32; 0 when every w is 0)
//
// and each weight is stored as the integer code
//
//	q = round(w / s), clamped to −L … L    (ties to even)
//
// and read back as w' = q · s. Rounding to the nearest code keeps
// |w − w'| ≤ s/2: the largest weight of the group lands exactly on ±L·s
// and zero stays exactly zero. The code −L−1 (−128, −8) is never written,
// which keeps the range symmetric.
//
// Per channel, the group of the value at row-major index i is i mod C,
// with C the size of the last dimension (a Dense kernel's units, a Conv2D
// kernel's filters): every output unit gets a scale fitted to its own
// weights, so one large weight does not coarsen the whole layer.
const (
	int8Levels = 127
	int4Levels = 7
)

// quantize returns the codes of values and the scales of their groups,
// values[i] being in group i mod groups.
func quantize(values []float32, groups, levels int) (codes []int8, scales []float32) {
	maxAbs := make([]float64, groups)
	for i, v := range values {
		g := i % groups
		maxAbs[g] = max(maxAbs[g], math.Abs(float64(v)))
	}
	scales = make([]float32, groups)
	for g, m := range maxAbs {
		scales[g] = float32(m / float64(levels))
	}
	codes = make([]int8, len(values))
	for i, v := range values {
		s := float64(scales[i%groups])
		if s == 0 {
			continue // every weight of the group is 0
		}
		q := math.RoundToEven(float64(v) / s)
		codes[i] = int8(max(-float64(levels), min(float64(levels), q)))
	}
	return codes, scales
}

// dequantize is w' = q · s for each code, computed in float64 and rounded
// once to float32, so it gives the same bits on every machine.
func dequantize(code int8, scale float32) float32 {
	return float32(float64(code) * float64(scale))
}

// packInt4 stores two 4-bit two's complement codes per byte, the even
// index in the low nibble; an odd count leaves the last high nibble 0.
func packInt4(codes []int8) []byte {
	out := make([]byte, (len(codes)+1)/2)
	for i, q := range codes {
		nib := byte(q) & 0x0f
		if i%2 == 1 {
			nib <<= 4
		}
		out[i/2] |= nib
	}
	return out
}

// int4Code is the signed value of a 4-bit two's complement nibble.
func int4Code(nib byte) int8 {
	return int8(nib<<4) >> 4
}
