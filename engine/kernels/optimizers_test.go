package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// optimizerCase is one optimizer kernel: step runs one update on w with
// gradient g and state slices s (zero or the given start), ref is the same
// step on one element in float64, from the formula in the kernel's doc.
type optimizerCase struct {
	name  string
	state int     // how many state slices
	init  float32 // their starting value
	step  func(w, g []float32, s [][]float32, lambda float32)
	ref   func(w, g float64, s []float64, lambda float64) float64
}

var optimizerCases = []optimizerCase{
	{"SGD", 0, 0,
		func(w, g []float32, s [][]float32, l float32) { SGD(w, g, 0.05, l) },
		func(w, g float64, s []float64, l float64) float64 { return w - 0.05*(g+l*w) }},
	{"SGDMomentum", 1, 0,
		func(w, g []float32, s [][]float32, l float32) { SGDMomentum(w, g, s[0], 0.05, 0.9, l, false) },
		func(w, g float64, s []float64, l float64) float64 {
			s[0] = 0.9*s[0] - 0.05*(g+l*w)
			return w + s[0]
		}},
	{"SGDNesterov", 1, 0,
		func(w, g []float32, s [][]float32, l float32) { SGDMomentum(w, g, s[0], 0.05, 0.9, l, true) },
		func(w, g float64, s []float64, l float64) float64 {
			s[0] = 0.9*s[0] - 0.05*(g+l*w)
			return w + 0.9*s[0] - 0.05*(g+l*w)
		}},
	{"RMSProp", 1, 0,
		func(w, g []float32, s [][]float32, l float32) { RMSProp(w, g, s[0], 0.01, 0.9, 1e-7, l) },
		func(w, g float64, s []float64, l float64) float64 {
			g += l * w
			s[0] = 0.9*s[0] + 0.1*g*g
			return w - 0.01*g/math.Sqrt(s[0]+1e-7)
		}},
	{"Adagrad", 1, 0.1,
		func(w, g []float32, s [][]float32, l float32) { Adagrad(w, g, s[0], 0.01, 1e-7, l) },
		func(w, g float64, s []float64, l float64) float64 {
			g += l * w
			s[0] += g * g
			return w - 0.01*g/math.Sqrt(s[0]+1e-7)
		}},
}

// TestOptimizersBackendsAgree: three steps of each update give plain Go's
// bits for the weights and the state, with and without weight decay, on
// lengths around the 4-lane width, and the gradient is left alone.
func TestOptimizersBackendsAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	for _, oc := range optimizerCases {
		for _, n := range lengths {
			for _, lambda := range []float32{0, 1e-3} {
				w0, g := elementwiseInputs(rng, n), randSlice(rng, n)
				name := fmt.Sprintf("%s n=%d λ=%g", oc.name, n, lambda)
				backendsAgree(t, name, func() [][]float32 {
					w, g0 := slices.Clone(w0), slices.Clone(g)
					out := [][]float32{w}
					for range oc.state {
						s := make([]float32, n)
						for i := range s {
							s[i] = oc.init
						}
						out = append(out, s)
					}
					for range 3 {
						oc.step(w, g, out[1:], lambda)
					}
					if !slices.Equal(g, g0) {
						t.Fatalf("%s: the kernel changed the gradient", name)
					}
					return out
				})
			}
		}
	}
}

// TestOptimizersFormula: two steps of each update against its formula in
// float64.
func TestOptimizersFormula(t *testing.T) {
	rng := rand.New(rand.NewPCG(43, 44))
	const n = 37
	for _, oc := range optimizerCases {
		for _, lambda := range []float32{0, 0.1} {
			w, g := randSlice(rng, n), randSlice(rng, n)
			want := make([]float64, n)
			states := make([][]float32, oc.state)
			refState := make([][]float64, n)
			for k := range states {
				states[k] = make([]float32, n)
				for i := range states[k] {
					states[k][i] = oc.init
				}
			}
			for i := range want {
				want[i] = float64(w[i])
				refState[i] = make([]float64, oc.state)
				for k := range refState[i] {
					refState[i][k] = float64(oc.init)
				}
			}
			for range 2 {
				oc.step(w, g, states, lambda)
				for i := range want {
					want[i] = oc.ref(want[i], float64(g[i]), refState[i], float64(lambda))
				}
			}
			for i := range w {
				if math.Abs(float64(w[i])-want[i]) > 1e-5 {
					t.Fatalf("%s λ=%g: w[%d] = %.8g, formula %.8g", oc.name, lambda, i, w[i], want[i])
				}
			}
		}
	}
}
