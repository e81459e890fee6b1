package share

import "math"

// IEEE 754 binary16 ("half precision"): 1 sign bit, 5 exponent bits (bias
// 15) and 10 fraction bits.
//
//	exponent 1…30: (−1)^s · 2^(e−15) · (1 + f/1024)   normal, 6.1e-5 … 65504
//	exponent 0:    (−1)^s · 2^(−14) · f/1024           subnormal, down to 2^−24 ≈ 6e-8
//	exponent 31:   ±Inf when f = 0, else NaN
//
// Every half is exactly a float32, so widening is exact; narrowing rounds to
// the nearest half, ties to the one with an even fraction, which keeps the
// error at most half a unit in the last place: a relative error of at most
// 2^−11 ≈ 4.9e-4 for normal values and an absolute error of at most 2^−25
// below them.
//
// float16Overflow is where rounding to nearest reaches +Inf: halfway
// between 65504, the largest finite half ((2 − 2^−10) · 2^15), and the next
// step, 65536.
const float16Overflow = 65520

// Float16Bits rounds f to the nearest half (ties to even) and returns its
// bits. Values of magnitude 65520 and above become ±Inf, as IEEE rounding
// says; NaN stays NaN.
func Float16Bits(f float32) uint16 {
	b := math.Float32bits(f)
	sign := uint16(b>>16) & 0x8000
	exp := int(b>>23) & 0xff
	frac := b & 0x7fffff
	if exp == 0xff { // Inf or NaN
		if frac != 0 {
			return sign | 0x7e00 // a quiet NaN
		}
		return sign | 0x7c00
	}
	e := exp - 127 + 15 // the exponent biased for a half
	switch {
	case e >= 0x1f:
		return sign | 0x7c00 // too large: Inf
	case e <= 0:
		// A half subnormal counts units of 2^−24. f = m · 2^(exp−150) with
		// the 24-bit significand m, so it is m / 2^(14−e) such units.
		if e < -10 {
			return sign // below 2^−25, half the smallest subnormal: rounds to 0
		}
		m := frac | 0x800000
		return sign | uint16(roundShift(m, uint(14-e)))
	}
	// Normal: keep the exponent and the top 10 fraction bits, round on
	// the 13 dropped. A carry out of the fraction steps the exponent up,
	// which is right, and past 30 gives Inf's bits, also right.
	return sign | uint16(roundShift(uint32(e)<<23|frac, 13))
}

// roundShift is x / 2^shift rounded to the nearest integer, ties to even.
func roundShift(x uint32, shift uint) uint32 {
	q := x >> shift
	rem := x & (1<<shift - 1)
	half := uint32(1) << (shift - 1)
	if rem > half || (rem == half && q&1 == 1) {
		q++
	}
	return q
}

// Float16Value widens half bits h to the float32 they stand for (exactly).
func Float16Value(h uint16) float32 {
	sign := uint32(h&0x8000) << 16
	exp := uint32(h>>10) & 0x1f
	frac := uint32(h & 0x3ff)
	switch exp {
	case 0x1f: // Inf or NaN
		return math.Float32frombits(sign | 0x7f800000 | frac<<13)
	case 0: // zero or subnormal: frac · 2^−24, exact in float32
		v := float32(frac) * (1.0 / (1 << 24))
		if sign != 0 {
			v = -v
		}
		return v
	}
	return math.Float32frombits(sign | (exp+127-15)<<23 | frac<<13)
}

// fitsFloat16 says every value of vs rounds to a finite half.
func fitsFloat16(vs []float32) bool {
	for _, v := range vs {
		if v >= float16Overflow || v <= -float16Overflow {
			return false
		}
	}
	return true
}
