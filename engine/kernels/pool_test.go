package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// poolGeometries covers valid and same padding, windows that overlap
// (stride < size), that leave pixels out (stride > size) and hang over
// the edge, and channel counts around the 4-lane width.
func poolGeometries() []ConvGeometry {
	var gs []ConvGeometry
	for _, c := range []int{1, 3, 4, 5, 8, 13} {
		gs = append(gs,
			NewConvGeometry(6, 6, c, 2, 2, 2, 2, false),
			NewConvGeometry(7, 5, c, 2, 2, 2, 2, true),
			NewConvGeometry(7, 7, c, 3, 3, 2, 2, true),
			NewConvGeometry(5, 6, c, 3, 2, 1, 1, false),
			NewConvGeometry(8, 8, c, 2, 3, 3, 2, false),
			NewConvGeometry(3, 3, c, 3, 3, 1, 1, true),
		)
	}
	return append(gs, NewConvGeometry(24, 24, 64, 2, 2, 2, 2, false)) // the small CNN's pool
}

// poolInput draws n images with ties (values from a few levels) and the
// special values mixed in, so the first-max rule and NaN handling show.
func poolInput(rng *rand.Rand, g ConvGeometry, n int) []float32 {
	x := make([]float32, n*g.ImageSize())
	for i := range x {
		switch r := rng.IntN(10); {
		case r < 3:
			x[i] = float32(rng.IntN(3))
		case r == 3:
			x[i] = specials[rng.IntN(len(specials))]
		default:
			x[i] = float32(rng.NormFloat64())
		}
	}
	return x
}

// naiveMaxPool is max pooling straight from the definition: for every
// output, channel and window position, skipping positions outside the
// image; the first strict maximum wins.
func naiveMaxPool(g ConvGeometry, n int, x []float32) ([]float32, []int32) {
	y := make([]float32, n*g.Positions()*g.C)
	arg := make([]int32, len(y))
	for e := 0; e < n; e++ {
		for oy := 0; oy < g.OutH; oy++ {
			for ox := 0; ox < g.OutW; ox++ {
				for c := 0; c < g.C; c++ {
					o := ((e*g.OutH+oy)*g.OutW+ox)*g.C + c
					found := false
					for ky := 0; ky < g.KH; ky++ {
						for kx := 0; kx < g.KW; kx++ {
							iy, ix := oy*g.SH-g.PadTop+ky, ox*g.SW-g.PadLeft+kx
							if iy < 0 || iy >= g.H || ix < 0 || ix >= g.W {
								continue
							}
							at := (iy*g.W+ix)*g.C + c
							if v := x[e*g.ImageSize()+at]; !found || v > y[o] {
								y[o], arg[o], found = v, int32(at), true
							}
						}
					}
				}
			}
		}
	}
	return y, arg
}

func TestMaxPool(t *testing.T) {
	rng := rand.New(rand.NewPCG(61, 62))
	for _, g := range poolGeometries() {
		n := 3
		if g.C == 64 {
			n = 2
		}
		x := poolInput(rng, g, n)
		name := fmt.Sprintf("MaxPool %+v", g)
		wantY, wantArg := naiveMaxPool(g, n, x)
		y, arg := make([]float32, len(wantY)), make([]int32, len(wantY))
		MaxPool(g, n, x, y, arg)
		if i, ok := sameBits(y, wantY); !ok {
			t.Fatalf("%s: y[%d] = %g, naive %g", name, i, y[i], wantY[i])
		}
		for i := range arg {
			if arg[i] != wantArg[i] {
				t.Fatalf("%s: argmax[%d] = %d, naive %d", name, i, arg[i], wantArg[i])
			}
		}
		dy := elementwiseInputs(rng, len(y))
		backendsAgree(t, name, func() [][]float32 {
			y, arg := make([]float32, len(wantY)), make([]int32, len(wantY))
			MaxPool(g, n, x, y, arg)
			argf := make([]float32, len(arg)) // compared as values
			for i, v := range arg {
				argf[i] = float32(v)
			}
			dx := elementwiseInputs(rng, len(x)) // overwritten
			MaxPoolGrad(g, n, dy, arg, dx)
			return [][]float32{y, argf, dx}
		})
		// The gradient: each dy added where its max was, in order.
		dx := make([]float32, len(x))
		MaxPoolGrad(g, n, dy, wantArg, dx)
		want := make([]float32, len(x))
		for i, v := range dy {
			e := i / (g.Positions() * g.C)
			want[e*g.ImageSize()+int(wantArg[i])] += v
		}
		if i, ok := sameBits(dx, want); !ok {
			t.Fatalf("%s: MaxPoolGrad dx[%d] = %g, want %g", name, i, dx[i], want[i])
		}
	}
}

// TestAvgPool checks the average against float64 sums over the window
// less the padding, and the backward pass as the forward pass's adjoint:
// ⟨AvgPool(x), dy⟩ = ⟨x, AvgPoolGrad(dy)⟩.
func TestAvgPool(t *testing.T) {
	rng := rand.New(rand.NewPCG(63, 64))
	for _, g := range poolGeometries() {
		const n = 2
		x := randSlice(rng, n*g.ImageSize())
		y := make([]float32, n*g.Positions()*g.C)
		AvgPool(g, n, x, y)
		name := fmt.Sprintf("AvgPool %+v", g)
		for e := 0; e < n; e++ {
			for oy := 0; oy < g.OutH; oy++ {
				for ox := 0; ox < g.OutW; ox++ {
					for c := 0; c < g.C; c++ {
						var sum float64
						count := 0
						for ky := 0; ky < g.KH; ky++ {
							for kx := 0; kx < g.KW; kx++ {
								iy, ix := oy*g.SH-g.PadTop+ky, ox*g.SW-g.PadLeft+kx
								if iy >= 0 && iy < g.H && ix >= 0 && ix < g.W {
									sum += float64(x[e*g.ImageSize()+(iy*g.W+ix)*g.C+c])
									count++
								}
							}
						}
						o := ((e*g.OutH+oy)*g.OutW+ox)*g.C + c
						if want := sum / float64(count); math.Abs(float64(y[o])-want) > 1e-6 {
							t.Fatalf("%s: y[%d] = %g, want %g", name, o, y[o], want)
						}
					}
				}
			}
		}
		dy := randSlice(rng, len(y))
		dx := elementwiseInputs(rng, len(x)) // overwritten
		AvgPoolGrad(g, n, dy, dx)
		var lhs, rhs float64
		for i := range y {
			lhs += float64(y[i]) * float64(dy[i])
		}
		for i := range x {
			rhs += float64(x[i]) * float64(dx[i])
		}
		if math.Abs(lhs-rhs) > 1e-5*(1+math.Abs(lhs)) {
			t.Fatalf("%s: ⟨AvgPool(x), dy⟩ = %g but ⟨x, AvgPoolGrad(dy)⟩ = %g", name, lhs, rhs)
		}
	}
}
