package kernels

import (
	"math/rand/v2"
	"strings"
	"testing"
)

func TestConvGeometry(t *testing.T) {
	cases := []struct {
		n, k, s  int
		same     bool
		out, pad int
	}{
		{28, 5, 1, true, 28, 2},  // 4 padded rows, 2 above
		{28, 5, 1, false, 24, 0}, // valid
		{28, 3, 2, true, 14, 0},  // 13·2+3−28 = 1 padded row, below
		{28, 3, 2, false, 13, 0},
		{7, 4, 1, true, 7, 1}, // 3 padded: 1 above, 2 below
		{5, 2, 2, true, 3, 0}, // 1 padded, below
		{3, 7, 1, true, 3, 3}, // window larger than the image: 6 padded
		{9, 3, 4, true, 3, 1}, // 2·4+3−9 = 2 padded: 1 above, 1 below
	}
	for _, c := range cases {
		g := NewConvGeometry(c.n, c.n, 1, c.k, c.k, c.s, c.s, c.same)
		if g.OutH != c.out || g.OutW != c.out || g.PadTop != c.pad || g.PadLeft != c.pad {
			t.Errorf("n=%d k=%d s=%d same=%v: out %d×%d pad %d,%d; want out %d pad %d",
				c.n, c.k, c.s, c.same, g.OutH, g.OutW, g.PadTop, g.PadLeft, c.out, c.pad)
		}
	}
}

// geometries covers both paddings, strides above 1, non-square windows,
// windows larger than the image (same) and several channels.
func geometries() []ConvGeometry {
	return []ConvGeometry{
		NewConvGeometry(5, 5, 1, 3, 3, 1, 1, false),
		NewConvGeometry(5, 5, 1, 3, 3, 1, 1, true),
		NewConvGeometry(6, 7, 3, 3, 2, 2, 1, true),
		NewConvGeometry(7, 6, 2, 3, 3, 2, 2, false),
		NewConvGeometry(4, 4, 2, 5, 5, 1, 1, true),
		NewConvGeometry(8, 5, 2, 2, 3, 3, 2, true),
		NewConvGeometry(3, 3, 4, 1, 1, 1, 1, false),
	}
}

// at is the definition of im2col's entry: image e's value at window
// offset (ky, kx), channel ch of output position (oy, ox), or 0 in the
// padding.
func at(g ConvGeometry, x []float32, e, oy, ox, ky, kx, ch int) float32 {
	iy, ix := oy*g.SH-g.PadTop+ky, ox*g.SW-g.PadLeft+kx
	if iy < 0 || iy >= g.H || ix < 0 || ix >= g.W {
		return 0
	}
	return x[e*g.ImageSize()+(iy*g.W+ix)*g.C+ch]
}

func TestIm2ColMatchesDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, g := range geometries() {
		n := 2
		x := make([]float32, n*g.ImageSize())
		for i := range x {
			x[i] = float32(rng.IntN(100) + 1) // never 0, so padding shows
		}
		col := make([]float32, n*g.Positions()*g.ColWidth())
		for i := range col {
			col[i] = -1 // every entry must be written
		}
		Im2Col(g, n, x, col)
		i := 0
		for e := 0; e < n; e++ {
			for oy := 0; oy < g.OutH; oy++ {
				for ox := 0; ox < g.OutW; ox++ {
					for ky := 0; ky < g.KH; ky++ {
						for kx := 0; kx < g.KW; kx++ {
							for ch := 0; ch < g.C; ch++ {
								if want := at(g, x, e, oy, ox, ky, kx, ch); col[i] != want {
									t.Fatalf("%+v: col[%d] (e %d, out %d,%d, window %d,%d, ch %d) = %v, want %v", g, i, e, oy, ox, ky, kx, ch, col[i], want)
								}
								i++
							}
						}
					}
				}
			}
		}
	}
}

// TestCol2ImIsAdjoint: ⟨Im2Col(x), c⟩ = ⟨x, Col2Im(c)⟩ for every x and c,
// which is what makes Col2Im the backward pass of Im2Col. Small integers
// keep every float32 sum exact. Col2Im adds to what dx holds.
func TestCol2ImIsAdjoint(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, g := range geometries() {
		n := 3
		x := make([]float32, n*g.ImageSize())
		c := make([]float32, n*g.Positions()*g.ColWidth())
		for i := range x {
			x[i] = float32(rng.IntN(7) - 3)
		}
		for i := range c {
			c[i] = float32(rng.IntN(7) - 3)
		}
		col := make([]float32, len(c))
		Im2Col(g, n, x, col)
		dx := make([]float32, len(x))
		for i := range dx {
			dx[i] = 1000
		}
		Col2Im(g, n, c, dx)
		var left, right float32
		for i := range col {
			left += col[i] * c[i]
		}
		for i := range x {
			right += x[i] * (dx[i] - 1000)
		}
		if left != right {
			t.Errorf("%+v: ⟨Im2Col(x), c⟩ = %v, ⟨x, Col2Im(c)⟩ = %v", g, left, right)
		}
	}
}

func TestIm2ColPanicsOnShortSlices(t *testing.T) {
	g := NewConvGeometry(4, 4, 1, 3, 3, 1, 1, false)
	defer func() {
		r := recover()
		if r == nil || !strings.Contains(r.(string), "kernels.Im2Col: 2 images need 32 image values and 72 col values, got 32 and 71") {
			t.Errorf("recovered %v", r)
		}
	}()
	Im2Col(g, 2, make([]float32, 32), make([]float32, 71))
}

func TestNewConvGeometryPanics(t *testing.T) {
	for _, f := range []func(){
		func() { NewConvGeometry(3, 3, 1, 4, 1, 1, 1, false) },
		func() { NewConvGeometry(3, 3, 1, 3, 3, 0, 1, true) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			f()
		}()
	}
}
