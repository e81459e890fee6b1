package kernels

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// sameBits reports whether a and b hold the same float32 bits, counting
// any two NaNs as the same (SIMD max may return a different NaN payload).
func sameBits(a, b []float32) (int, bool) {
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) && !(a[i] != a[i] && b[i] != b[i]) {
			return i, false
		}
	}
	return 0, true
}

// specials are values every element-wise kernel must treat exactly as the
// Go loop does.
var specials = []float32{0, float32(math.Copysign(0, -1)), 1, -1, 1e-40, -1e-40, 3e38, -3e38,
	float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN())}

// elementwiseInputs returns n random values with the specials mixed in.
func elementwiseInputs(rng *rand.Rand, n int) []float32 {
	x := randSlice(rng, n)
	for i := range x {
		if rng.IntN(8) == 0 {
			x[i] = specials[rng.IntN(len(specials))]
		}
	}
	return x
}

// lengths exercise the vector loop, its scalar tail and both alone.
var lengths = []int{1, 2, 3, 4, 5, 7, 8, 9, 16, 31, 1000, 8193}

// TestAdamBackendsAgree: every backend gives plain Go's bits, for lengths
// around the 4-lane width, with and without weight decay, over three steps.
func TestAdamBackendsAgree(t *testing.T) {
	defer SetBackend("auto")
	rng := rand.New(rand.NewPCG(13, 14))
	for _, n := range lengths {
		for _, lambda := range []float32{0, 1e-3} {
			w0 := elementwiseInputs(rng, n)
			var ref [][]float32
			for _, backend := range []string{"go", Backends()[0]} {
				SetBackend(backend)
				w, m, v := slices.Clone(w0), make([]float32, n), make([]float32, n)
				g := randSlice(rand.New(rand.NewPCG(uint64(n), 1)), n)
				g0 := slices.Clone(g)
				for step := 1; step <= 3; step++ {
					alpha := float32(0.001 * math.Sqrt(1-math.Pow(0.999, float64(step))) / (1 - math.Pow(0.9, float64(step))))
					Adam(w, g, m, v, alpha, 0.9, 0.999, 1e-7, lambda)
				}
				if !slices.Equal(g, g0) {
					t.Fatalf("%s n=%d: Adam changed the gradient", backend, n)
				}
				if ref == nil {
					ref = [][]float32{w, m, v}
					continue
				}
				for k, got := range [][]float32{w, m, v} {
					if i, ok := sameBits(got, ref[k]); !ok {
						t.Fatalf("%s n=%d λ=%g: %s[%d] = %g, go %g", backend, n, lambda, "wmv"[k:k+1], i, got[i], ref[k][i])
					}
				}
			}
		}
	}
}

// TestAdamStep checks one step against the formula in float64, so the Go
// version (which every backend matches) computes what its comment says.
func TestAdamStep(t *testing.T) {
	w, g := []float32{0.5, -1, 2}, []float32{0.1, 0.2, -0.3}
	m, v := []float32{0.01, 0, -0.02}, []float32{0.001, 0, 0.002}
	alpha, b1, b2, eps, lambda := 0.01, 0.9, 0.999, 1e-7, 0.1
	want := make([]float64, 3)
	for i := range w {
		gi := float64(g[i]) + lambda*float64(w[i])
		mi := float64(m[i]) + (1-b1)*(gi-float64(m[i]))
		vi := float64(v[i]) + (1-b2)*(gi*gi-float64(v[i]))
		want[i] = float64(w[i]) - alpha*mi/(math.Sqrt(vi)+eps)
	}
	Adam(w, g, m, v, float32(alpha), float32(b1), float32(b2), float32(eps), float32(lambda))
	for i := range w {
		if math.Abs(float64(w[i])-want[i]) > 1e-6 {
			t.Errorf("w[%d] = %.8g, want %.8g", i, w[i], want[i])
		}
	}
}

func TestReLUBackendsAgree(t *testing.T) {
	defer SetBackend("auto")
	rng := rand.New(rand.NewPCG(15, 16))
	for _, n := range lengths {
		x, dy := elementwiseInputs(rng, n), elementwiseInputs(rng, n)
		var refY, refDx []float32
		for _, backend := range []string{"go", Backends()[0]} {
			SetBackend(backend)
			y, dx := make([]float32, n), make([]float32, n)
			ReLU(y, x)
			ReLUGrad(dx, x, dy)
			if refY == nil {
				refY, refDx = y, dx
				continue
			}
			if i, ok := sameBits(y, refY); !ok {
				t.Fatalf("%s n=%d: ReLU y[%d] = %g for x = %g, go %g", backend, n, i, y[i], x[i], refY[i])
			}
			if i, ok := sameBits(dx, refDx); !ok {
				t.Fatalf("%s n=%d: ReLUGrad dx[%d] = %g for x = %g, dy = %g, go %g", backend, n, i, dx[i], x[i], dy[i], refDx[i])
			}
		}
	}
	// The definition, on the special values (in place, as layers may use it).
	x := slices.Clone(specials)
	ReLU(x, x)
	for i, v := range specials {
		want := float32(0)
		if v > 0 || v != v {
			want = v
		}
		if math.Float32bits(x[i]) != math.Float32bits(want) && !(v != v && x[i] != x[i]) {
			t.Errorf("ReLU(%g) = %g, want %g", v, x[i], want)
		}
	}
}

func TestElementwiseRejectLengths(t *testing.T) {
	for _, tc := range []struct {
		call func()
		want string
	}{
		{func() {
			Adam(make([]float32, 3), make([]float32, 3), make([]float32, 2), make([]float32, 3), 1, 0.9, 0.999, 1e-7, 0)
		}, "kernels.Adam: lengths differ: w 3, g 3, m 2, v 3"},
		{func() { ReLU(make([]float32, 3), make([]float32, 4)) }, "kernels.ReLU: lengths differ: y 3, x 4"},
		{func() { ReLUGrad(make([]float32, 4), make([]float32, 4), make([]float32, 1)) }, "kernels.ReLUGrad: lengths differ: dx 4, x 4, dy 1"},
	} {
		func() {
			defer func() {
				if msg, _ := recover().(string); !strings.Contains(msg, tc.want) {
					t.Errorf("panic %q, want %q", msg, tc.want)
				}
			}()
			tc.call()
		}()
	}
}

// BenchmarkAdam times one Adam step over the seed MLP's 109,386 weights.
func BenchmarkAdam(b *testing.B) {
	const n = 784*128 + 128 + 128*64 + 64 + 64*10 + 10
	rng := rand.New(rand.NewPCG(1, 1))
	w, g, m, v := randSlice(rng, n), randSlice(rng, n), make([]float32, n), make([]float32, n)
	b.Run(Backend(), func(b *testing.B) {
		for b.Loop() {
			Adam(w, g, m, v, 1e-3, 0.9, 0.999, 1e-7, 0)
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mparams/s")
	})
}
