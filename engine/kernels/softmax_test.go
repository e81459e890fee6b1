package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

// naiveSoftmax is softmax of one row in float64, straight from the
// definition (fine for the moderate logits it is given).
func naiveSoftmax(x []float32) []float64 {
	p := make([]float64, len(x))
	var sum float64
	for j, v := range x {
		p[j] = math.Exp(float64(v))
		sum += p[j]
	}
	for j := range p {
		p[j] /= sum
	}
	return p
}

func TestSoftmax(t *testing.T) {
	rng := rand.New(rand.NewPCG(51, 52))
	const n, k = 7, 10
	x := make([]float32, n*k)
	for i := range x {
		x[i] = float32(rng.NormFloat64() * 3)
	}
	y := make([]float32, n*k)
	Softmax(y, x, k)
	for i := 0; i < n; i++ {
		want := naiveSoftmax(x[i*k : (i+1)*k])
		for j, w := range want {
			if got := float64(y[i*k+j]); math.Abs(got-w) > 1e-7 {
				t.Fatalf("row %d: p[%d] = %g, want %g", i, j, got, w)
			}
		}
	}
	// Huge logits: no overflow, and the log-sum-exp is exact.
	row := []float32{1000, 999, -1000}
	p := make([]float32, 3)
	lse := SoftmaxRow(p, row)
	if want := 1000 + math.Log(1+math.Exp(-1)); math.Abs(lse-want) > 1e-9 || math.IsNaN(float64(p[0])) {
		t.Fatalf("SoftmaxRow(%v) = %v, lse %g; want lse %g", row, p, lse, want)
	}
	if math.Abs(float64(p[0])-1/(1+math.Exp(-1))) > 1e-7 || p[2] != 0 {
		t.Fatalf("SoftmaxRow(%v) = %v", row, p)
	}
}

// TestSoftmaxGrad compares the backward pass with the Jacobian written
// out: dx_j = Σ_i dy_i·∂y_i/∂x_j, ∂y_i/∂x_j = y_i(δ_ij − y_j).
func TestSoftmaxGrad(t *testing.T) {
	rng := rand.New(rand.NewPCG(53, 54))
	const n, k = 5, 6
	x, dy := randSlice(rng, n*k), randSlice(rng, n*k)
	y, dx := make([]float32, n*k), make([]float32, n*k)
	Softmax(y, x, k)
	SoftmaxGrad(dx, y, dy, k)
	for r := 0; r < n; r++ {
		for j := 0; j < k; j++ {
			var want float64
			for i := 0; i < k; i++ {
				yi, yj := float64(y[r*k+i]), float64(y[r*k+j])
				delta := 0.0
				if i == j {
					delta = 1
				}
				want += float64(dy[r*k+i]) * yi * (delta - yj)
			}
			if got := float64(dx[r*k+j]); math.Abs(got-want) > 1e-7 {
				t.Fatalf("row %d: dx[%d] = %g, Jacobian %g", r, j, got, want)
			}
		}
	}
}

// TestSoftmaxCrossEntropy: the loss is −Σ t·log softmax(z) and the
// gradient (Σt)·p − t, for sparse and dense targets (dense ones need not
// sum to 1), against float64 from the definitions.
func TestSoftmaxCrossEntropy(t *testing.T) {
	rng := rand.New(rand.NewPCG(55, 56))
	const n, k = 6, 4
	z := randSlice(rng, n*k)
	for i := range z {
		z[i] *= 5
	}
	sparse := make([]float32, n)
	dense := make([]float32, n*k)
	for i := range sparse {
		sparse[i] = float32(rng.IntN(k))
		for j := 0; j < k; j++ {
			dense[i*k+j] = float32(rng.Float64())
		}
	}
	for _, tc := range []struct {
		name   string
		sparse bool
		t      []float32
		target func(i, j int) float64
	}{
		{"sparse", true, sparse, func(i, j int) float64 {
			if int(sparse[i]) == j {
				return 1
			}
			return 0
		}},
		{"dense", false, dense, func(i, j int) float64 { return float64(dense[i*k+j]) }},
	} {
		p, g := make([]float32, n*k), make([]float32, n*k)
		total := SoftmaxCrossEntropy(p, z, tc.t, k, tc.sparse)
		SoftmaxCrossEntropyGrad(g, p, tc.t, k, tc.sparse, 0.5)
		var want float64
		for i := 0; i < n; i++ {
			q := naiveSoftmax(z[i*k : (i+1)*k])
			var sum float64
			for j := 0; j < k; j++ {
				sum += tc.target(i, j)
				want -= tc.target(i, j) * math.Log(q[j])
			}
			for j := 0; j < k; j++ {
				wg := (sum*q[j] - tc.target(i, j)) * 0.5
				if got := float64(g[i*k+j]); math.Abs(got-wg) > 1e-7 {
					t.Fatalf("%s: g[%d][%d] = %g, want %g", tc.name, i, j, got, wg)
				}
			}
		}
		if math.Abs(total-want) > 1e-5 {
			t.Fatalf("%s: loss %g, want %g", tc.name, total, want)
		}
	}
}
