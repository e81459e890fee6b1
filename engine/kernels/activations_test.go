package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestActivationsBackendsAgree: the element-wise kernels with a SIMD
// version give plain Go's bits, for lengths around the 4-lane width, on
// random values with the special ones mixed in, in place as well.
func TestActivationsBackendsAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	for _, n := range lengths {
		x, y, dy := elementwiseInputs(rng, n), elementwiseInputs(rng, n), elementwiseInputs(rng, n)
		for _, tc := range []struct {
			name string
			run  func() []float32
		}{
			{"LeakyReLU", func() []float32 { out := make([]float32, n); LeakyReLU(out, x, 0.2); return out }},
			{"LeakyReLU in place", func() []float32 { out := slices.Clone(x); LeakyReLU(out, out, 0.3); return out }},
			{"LeakyReLUGrad", func() []float32 { out := make([]float32, n); LeakyReLUGrad(out, x, dy, 0.2); return out }},
			{"SigmoidGrad", func() []float32 { out := make([]float32, n); SigmoidGrad(out, y, dy); return out }},
			{"TanhGrad", func() []float32 { out := make([]float32, n); TanhGrad(out, y, dy); return out }},
			{"TanhGrad into dy", func() []float32 { out := slices.Clone(dy); TanhGrad(out, y, out); return out }},
			{"Mul", func() []float32 { out := make([]float32, n); Mul(out, x, dy); return out }},
			{"Mul into x", func() []float32 { out := slices.Clone(x); Mul(out, out, y); return out }},
		} {
			backendsAgree(t, fmt.Sprintf("%s n=%d", tc.name, n), func() [][]float32 { return [][]float32{tc.run()} })
		}
	}
}

// TestActivationsDefinitions checks each kernel against its formula,
// computed here in float64 per element.
func TestActivationsDefinitions(t *testing.T) {
	rng := rand.New(rand.NewPCG(33, 34))
	const n = 1001
	x, dy := make([]float32, n), randSlice(rng, n)
	for i := range x {
		x[i] = float32(rng.NormFloat64() * 4)
	}
	x[0], x[1], x[2], x[3] = 0, -1000, 1000, float32(math.Copysign(0, -1))
	out, y := make([]float32, n), make([]float32, n)
	check := func(name string, got []float32, want func(i int) float64, tol float64) {
		t.Helper()
		for i := range got {
			if w := want(i); math.Abs(float64(got[i])-w) > tol*max(1, math.Abs(w)) || math.IsNaN(float64(got[i])) {
				t.Fatalf("%s: element %d (x = %g, dy = %g) = %g, want %g", name, i, x[i], dy[i], got[i], w)
			}
		}
	}
	const alpha = 0.2
	LeakyReLU(out, x, alpha)
	check("LeakyReLU", out, func(i int) float64 { return math.Max(float64(x[i]), alpha*float64(x[i])) }, 1e-7)
	LeakyReLUGrad(out, x, dy, alpha)
	check("LeakyReLUGrad", out, func(i int) float64 {
		if x[i] > 0 {
			return float64(dy[i])
		}
		return alpha * float64(dy[i])
	}, 1e-7)
	Sigmoid(y, x)
	check("Sigmoid", y, func(i int) float64 { return 1 / (1 + math.Exp(-float64(x[i]))) }, 1e-7)
	if y[1] != 0 || y[2] != 1 {
		t.Errorf("Sigmoid(−1000), Sigmoid(1000) = %g, %g; want 0, 1", y[1], y[2])
	}
	SigmoidGrad(out, y, dy)
	check("SigmoidGrad", out, func(i int) float64 { s := float64(y[i]); return float64(dy[i]) * s * (1 - s) }, 1e-6)
	Tanh(y, x)
	check("Tanh", y, func(i int) float64 { return math.Tanh(float64(x[i])) }, 1e-7)
	TanhGrad(out, y, dy)
	check("TanhGrad", out, func(i int) float64 { v := float64(y[i]); return float64(dy[i]) * (1 - v*v) }, 1e-6)
	Mul(out, x, dy)
	check("Mul", out, func(i int) float64 { return float64(x[i]) * float64(dy[i]) }, 1e-7)
}
