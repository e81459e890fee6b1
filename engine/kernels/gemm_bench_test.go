package kernels

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkGemm times the three forms a Dense layer with 784 inputs and 128
// units runs on a batch of 128: forward x·W (NN), the kernel gradient xᵀ·dy
// (TN) and the input gradient dy·Wᵀ (NT). GFLOP/s counts 2·m·n·k per call.
// Gemm's name carries the backend it ran on (simd, gonum or go).
func BenchmarkGemm(b *testing.B) {
	const batch, in, units = 128, 784, 128
	rng := rand.New(rand.NewPCG(1, 1))
	x, w, dy := randSlice(rng, batch*in), randSlice(rng, in*units), randSlice(rng, batch*units)
	forms := []struct {
		name       string
		tA, tB     bool
		m, n, k    int
		a, bm      []float32
		lda, ldb   int
		outRowsLen int
	}{
		{"NN_128x784x128", false, false, batch, units, in, x, w, in, units, units},
		{"TN_784x128x128", true, false, in, units, batch, x, dy, in, units, units},
		{"NT_128x784x128", false, true, batch, in, units, dy, w, units, units, in},
	}
	for _, kernel := range []struct {
		name string
		gemm gemmFunc
	}{{"Gemm(" + Backend() + ")", Gemm}, {"GemmGo", GemmGo}} {
		for _, f := range forms {
			c := make([]float32, f.m*f.outRowsLen)
			b.Run(kernel.name+"/"+f.name, func(b *testing.B) {
				for b.Loop() {
					kernel.gemm(f.tA, f.tB, f.m, f.n, f.k, 1, f.a, f.lda, f.bm, f.ldb, 0, c, f.outRowsLen)
				}
				flops := 2 * float64(f.m) * float64(f.n) * float64(f.k) * float64(b.N)
				b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}
