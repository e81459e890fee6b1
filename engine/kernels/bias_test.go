package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// backendsAgree runs compute with plain Go and then on the fastest backend
// here (the SIMD module under nodeexec) and fails unless every slice it
// returns has the same bits (any two NaNs count as the same). compute must
// build its inputs afresh each time: kernels work in place.
func backendsAgree(t *testing.T, name string, compute func() [][]float32) {
	t.Helper()
	defer SetBackend("auto")
	SetBackend("go")
	want := compute()
	fastest := Backends()[0]
	if err := SetBackend(fastest); err != nil {
		t.Fatal(err)
	}
	got := compute()
	for k := range want {
		if i, ok := sameBits(got[k], want[k]); !ok {
			t.Fatalf("%s on %s: output %d, value %d = %g (%#x), go %g (%#x)", name, fastest, k, i,
				got[k][i], math.Float32bits(got[k][i]), want[k][i], math.Float32bits(want[k][i]))
		}
	}
}

// widths are row lengths around the 4-lane width and the layers' sizes.
var widths = []int{1, 2, 3, 4, 5, 7, 8, 10, 13, 32, 64, 128}

func TestBiasBroadcast(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	for _, k := range widths {
		for _, rows := range []int{1, 2, 5, 64} {
			b := elementwiseInputs(rng, k)
			z0 := elementwiseInputs(rng, rows*k)
			name := fmt.Sprintf("BiasBroadcast %d×%d", rows, k)
			backendsAgree(t, name, func() [][]float32 {
				z := slices.Clone(z0)
				BiasBroadcast(z, b)
				return [][]float32{z}
			})
			z := slices.Clone(z0)
			BiasBroadcast(z, b)
			for i := 0; i < rows; i++ {
				for j := 0; j < k; j++ {
					if math.Float32bits(z[i*k+j]) != math.Float32bits(b[j]) {
						t.Fatalf("%s: z[%d][%d] = %g, want b[%d] = %g", name, i, j, z[i*k+j], j, b[j])
					}
				}
			}
		}
	}
}

// TestBiasGrad checks BiasGrad against the column sums taken the naive
// way, column by column, each in row order from db's old value (the order
// the kernel promises, so the bits must agree), and every backend against
// plain Go.
func TestBiasGrad(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	for _, k := range widths {
		for _, rows := range []int{1, 3, 64, 333} {
			dz := elementwiseInputs(rng, rows*k)
			db0 := randSlice(rng, k)
			name := fmt.Sprintf("BiasGrad %d×%d", rows, k)
			backendsAgree(t, name, func() [][]float32 {
				db := slices.Clone(db0)
				BiasGrad(db, dz)
				return [][]float32{db}
			})
			db := slices.Clone(db0)
			BiasGrad(db, dz)
			for j := 0; j < k; j++ {
				s := db0[j]
				for i := 0; i < rows; i++ {
					s += dz[i*k+j]
				}
				if math.Float32bits(s) != math.Float32bits(db[j]) && !(s != s && db[j] != db[j]) {
					t.Fatalf("%s: db[%d] = %g, column sum %g", name, j, db[j], s)
				}
			}
		}
	}
}

func TestKernelsRejectBadLengths(t *testing.T) {
	g := NewConvGeometry(4, 4, 2, 2, 2, 2, 2, false) // 2×2 outputs of 2 channels
	for _, tc := range []struct {
		call func()
		want string
	}{
		{func() { BiasBroadcast(make([]float32, 7), make([]float32, 2)) }, "kernels.BiasBroadcast: z has 7 values, not a whole number of rows of len(b) = 2"},
		{func() { BiasGrad(make([]float32, 0), make([]float32, 3)) }, "kernels.BiasGrad: dz has 3 values, not a whole number of rows of len(db) = 0"},
		{func() { LeakyReLUGrad(make([]float32, 4), make([]float32, 4), make([]float32, 3), 0.2) }, "kernels.LeakyReLUGrad: lengths differ: dy has 3 values, want 4"},
		{func() { Mul(make([]float32, 2), make([]float32, 3), make([]float32, 3)) }, "kernels.Mul: lengths differ: z has 2 values, want 3"},
		{func() { SGD(make([]float32, 3), make([]float32, 2), 0.1, 0) }, "kernels.SGD: lengths differ: g has 2 values, want 3"},
		{func() {
			SGDMomentum(make([]float32, 3), make([]float32, 3), make([]float32, 1), 0.1, 0.9, 0, false)
		}, "kernels.SGDMomentum: lengths differ: v has 1 values, want 3"},
		{func() { RMSProp(make([]float32, 3), make([]float32, 3), nil, 0.1, 0.9, 1e-7, 0) }, "kernels.RMSProp: lengths differ: a has 0 values, want 3"},
		{func() { Adagrad(make([]float32, 3), make([]float32, 3), make([]float32, 4), 0.1, 1e-7, 0) }, "kernels.Adagrad: lengths differ: s has 4 values, want 3"},
		{func() { Softmax(make([]float32, 6), make([]float32, 6), 4) }, "kernels.Softmax: x has 6 values, not a whole number of rows of len(a row) = 4"},
		{func() {
			SoftmaxCrossEntropy(make([]float32, 6), make([]float32, 6), make([]float32, 3), 3, true)
		}, "kernels.SoftmaxCrossEntropy: targets have 3 values, want 2 for 2 rows of 3 (sparse true)"},
		{func() { MaxPool(g, 2, make([]float32, 63), make([]float32, 16), make([]int32, 16)) }, "kernels.MaxPool: 2 images need 64 image values and 16 pooled values, got 63 and 16"},
		{func() { MaxPool(g, 1, make([]float32, 32), make([]float32, 8), make([]int32, 7)) }, "kernels.MaxPool: argmax has 7 values, want 8"},
		{func() { AvgPoolGrad(g, 1, make([]float32, 8), make([]float32, 31)) }, "kernels.AvgPoolGrad: 1 images need 32 image values and 8 pooled values, got 31 and 8"},
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
