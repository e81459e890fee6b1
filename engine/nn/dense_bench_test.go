package nn

import (
	"math/rand/v2"
	"testing"

	"github.com/nnplay/nnplay/engine/spec"
)

// BenchmarkDenseStep times one forward and backward pass of the seed
// model's first layer, Dense(784 → 128, relu), on a batch of 64:
// three GEMMs of 2·64·784·128 flops each.
func BenchmarkDenseStep(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	d := NewDense(784, 128, spec.ActReLU, spec.InitHeNormal, rng)
	x := randTensor(rng, 0, 1, 64, 784)
	dy := randTensor(rng, -1, 1, 64, 128)
	for b.Loop() {
		d.Forward(x, true)
		d.Backward(dy)
	}
	flops := 3 * 2 * 64 * 784 * 128 * float64(b.N)
	b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	b.ReportMetric(64*float64(b.N)/b.Elapsed().Seconds(), "samples/s")
}
