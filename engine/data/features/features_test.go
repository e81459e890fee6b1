package features

import (
	"math"
	"strings"
	"testing"
)

// TestExpandComputesEachFeature: every feature of the point (2, −3) by its
// definition, in the order asked for.
func TestExpandComputesEachFeature(t *testing.T) {
	got, err := Expand([]float32{2, -3}, All)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{2, -3, 4, 9, -6, math.Sin(2), math.Sin(-3)}
	for i, w := range want {
		if math.Abs(float64(got[i])-w) > 1e-6 {
			t.Errorf("%s(2, -3) = %g, want %g", All[i], got[i], w)
		}
	}
}

// TestGridPointsArePixelCentres: a 2×2 grid over [−6, 6]² has its first
// point at the top-left pixel's centre (−3, 3) and its last at (3, −3).
func TestGridPointsArePixelCentres(t *testing.T) {
	p, err := GridPoints(2, -6, 6)
	if err != nil {
		t.Fatal(err)
	}
	want := []float32{-3, 3, 3, 3, -3, -3, 3, -3}
	for i := range want {
		if p[i] != want[i] {
			t.Fatalf("grid points %v, want %v", p, want)
		}
	}
}

// TestBadInputsAreRefused: unknown, repeated or missing features, odd point
// data and impossible grids each get a message.
func TestBadInputsAreRefused(t *testing.T) {
	cases := []struct {
		err  error
		want string
	}{
		{Check(nil), "none chosen"},
		{Check([]string{"x", "z"}), `2 ("z") is not a feature`},
		{Check([]string{"x", "x"}), `"x" is chosen twice`},
		{func() error { _, err := Expand([]float32{1, 2, 3}, All); return err }(), "not (x, y) pairs"},
		{func() error { _, err := GridPoints(0, -6, 6); return err }(), "size must be 1 to 256"},
		{func() error { _, err := GridPoints(8, 6, -6); return err }(), "lo < hi"},
	}
	for _, c := range cases {
		if c.err == nil || !strings.Contains(c.err.Error(), c.want) {
			t.Errorf("error %v, want it to mention %q", c.err, c.want)
		}
	}
}
