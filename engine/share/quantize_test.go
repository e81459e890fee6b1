package share

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestQuantize checks the quantization rules on random groups: each scale
// is its group's max |w| / L, codes stay within ±L, the largest weight of
// a group lands on ±L, zero stays zero, and every value comes back within
// half a scale step.
func TestQuantize(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for _, levels := range []int{int8Levels, int4Levels} {
		for _, groups := range []int{1, 3, 16} {
			values := make([]float32, 16*groups+1)
			for i := range values {
				values[i] = float32(rng.NormFloat64() * float64(1+i%groups))
			}
			values[5] = 0
			codes, scales := quantize(values, groups, levels)
			if len(scales) != groups || len(codes) != len(values) {
				t.Fatalf("%d groups: %d scales and %d codes for %d values", groups, len(scales), len(codes), len(values))
			}
			maxAbs := make([]float64, groups)
			for i, v := range values {
				maxAbs[i%groups] = max(maxAbs[i%groups], math.Abs(float64(v)))
			}
			for g, s := range scales {
				if s != float32(maxAbs[g]/float64(levels)) {
					t.Errorf("L=%d group %d: scale %v, want max|w|/L = %v", levels, g, s, maxAbs[g]/float64(levels))
				}
			}
			for i, v := range values {
				q, s := codes[i], scales[i%groups]
				if int(q) < -levels || int(q) > levels {
					t.Fatalf("L=%d: code %d out of range", levels, q)
				}
				if math.Abs(float64(v)) == maxAbs[i%groups] && int(q) != levels && int(q) != -levels {
					t.Errorf("L=%d: the group's largest weight %v got code %d, want ±%d", levels, v, q, levels)
				}
				if v == 0 && q != 0 {
					t.Errorf("L=%d: 0 got code %d", levels, q)
				}
				if err := math.Abs(float64(v - dequantize(q, s))); err > float64(s)/2*(1+1e-6) {
					t.Errorf("L=%d: %v came back as %v, error %g > s/2 = %g", levels, v, dequantize(q, s), err, s/2)
				}
			}
		}
	}
}

// TestQuantizeZeros: an all-zero group has scale 0 and codes 0.
func TestQuantizeZeros(t *testing.T) {
	codes, scales := quantize([]float32{0, 1, 0, -1.27}, 2, int8Levels)
	if scales[0] != 0 || codes[0] != 0 || codes[2] != 0 {
		t.Errorf("zero group: scale %v, codes %v", scales[0], codes)
	}
	if scales[1] != float32(0.01) || codes[1] != 100 || codes[3] != -127 {
		t.Errorf("group [1, -1.27]: scale %v (want 0.01), codes %d %d (want 100 -127)", scales[1], codes[1], codes[3])
	}
}

// TestInt4Packing: every code −7…7 survives packing, even index in the low
// nibble, with an odd count padded by a zero nibble.
func TestInt4Packing(t *testing.T) {
	var codes []int8
	for q := -7; q <= 7; q++ {
		codes = append(codes, int8(q))
	}
	packed := packInt4(codes) // 15 codes: 8 bytes
	if len(packed) != 8 || packed[0] != 0xa9 || packed[7]>>4 != 0 {
		t.Fatalf("packed %x: want 8 bytes starting a9 (−7 low, −6 high) and a zero last nibble", packed)
	}
	for i, q := range codes {
		if got := int4Code(packed[i/2] >> (4 * (i % 2)) & 0x0f); got != q {
			t.Errorf("code %d came back as %d", q, got)
		}
	}
}
