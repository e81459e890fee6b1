package share

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"
)

// TestFloat16Known checks values from the IEEE 754 tables.
func TestFloat16Known(t *testing.T) {
	for _, c := range []struct {
		bits uint16
		v    float64
	}{
		{0x0000, 0}, {0x3c00, 1}, {0xc000, -2}, {0x3555, 0.333251953125},
		{0x7bff, 65504},                   // largest finite
		{0x0400, math.Pow(2, -14)},        // smallest normal
		{0x03ff, 1023 * math.Pow(2, -24)}, // largest subnormal
		{0x0001, math.Pow(2, -24)},        // smallest subnormal
		{0x8001, -math.Pow(2, -24)},
		{0x7c00, math.Inf(1)}, {0xfc00, math.Inf(-1)},
	} {
		if got := Float16Value(c.bits); float64(got) != c.v {
			t.Errorf("Float16Value(%#04x) = %v, want %v", c.bits, got, c.v)
		}
		if got := Float16Bits(float32(c.v)); got != c.bits {
			t.Errorf("Float16Bits(%v) = %#04x, want %#04x", c.v, got, c.bits)
		}
	}
	if got := Float16Bits(float32(math.Copysign(0, -1))); got != 0x8000 {
		t.Errorf("Float16Bits(-0) = %#04x, want 0x8000", got)
	}
	if h := Float16Bits(float32(math.NaN())); h&0x7c00 != 0x7c00 || h&0x3ff == 0 {
		t.Errorf("Float16Bits(NaN) = %#04x, not a NaN", h)
	}
}

// TestFloat16EveryHalf: every half widens to a float32 that narrows back to
// the same bits (NaNs to a NaN).
func TestFloat16EveryHalf(t *testing.T) {
	for h := range 1 << 16 {
		f := Float16Value(uint16(h))
		got := Float16Bits(f)
		if math.IsNaN(float64(f)) {
			if got&0x7c00 != 0x7c00 || got&0x3ff == 0 {
				t.Fatalf("NaN %#04x came back as %#04x", h, got)
			}
			continue
		}
		if got != uint16(h) {
			t.Fatalf("%#04x → %v → %#04x", h, f, got)
		}
	}
}

// nearestHalf is the reference rounding, by search rather than bit
// arithmetic: the finite half nearest to |f| (ties to the even bit
// pattern), or Inf from 65520 up, with f's sign.
func nearestHalf(halves []float64, f float32) uint16 {
	a := math.Abs(float64(f))
	var bits uint16
	if a >= 65520 {
		bits = 0x7c00
	} else {
		i := sort.SearchFloat64s(halves, a) // halves[i-1] < a <= halves[i]
		switch {
		case i < len(halves) && halves[i] == a:
		case a-halves[i-1] < halves[i]-a, a-halves[i-1] == halves[i]-a && (i-1)%2 == 0:
			i--
		}
		bits = uint16(i)
	}
	if math.Signbit(float64(f)) {
		bits |= 0x8000
	}
	return bits
}

// TestFloat16Rounding compares Float16Bits with the reference rounding on
// every tie (the midpoints between neighbouring halves), the float32s
// just either side of each, and a million random float32s of every
// exponent.
func TestFloat16Rounding(t *testing.T) {
	halves := make([]float64, 0x7c00+1) // 0 … 65504, then 65536 (the step to Inf)
	for h := range 0x7c00 {
		halves[h] = float64(Float16Value(uint16(h)))
	}
	halves[0x7c00] = 65536
	check := func(f float32) {
		if got, want := Float16Bits(f), nearestHalf(halves, f); got != want {
			t.Fatalf("Float16Bits(%v = %#08x) = %#04x, want %#04x", f, math.Float32bits(f), got, want)
		}
	}
	for h := range 0x7c00 {
		mid := float32((halves[h] + halves[h+1]) / 2) // 12 significant bits: exact
		for _, f := range []float32{mid, math.Nextafter32(mid, 0), math.Nextafter32(mid, 1e9)} {
			check(f)
			check(-f)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	n := 1_000_000
	if testing.Short() {
		n = 100_000
	}
	for range n {
		f := math.Float32frombits(rng.Uint32())
		if !math.IsNaN(float64(f)) {
			check(f)
		}
	}
}
