package nn

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/spec"
)

// BenchmarkTrainStep times one TrainBatch (forward, backward, Adam update)
// of the seed model (784-128-64-10) at batch sizes 32, 64 and 128, and
// reports training throughput in samples/s. The inputs are random pixels
// and labels: the step's cost does not depend on their values.
func BenchmarkTrainStep(b *testing.B) {
	for _, batch := range []int{32, 64, 128} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			m, err := Build(spec.Seed())
			if err != nil {
				b.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(1, 2))
			xs, ys := make([]float32, batch*784), make([]float32, batch)
			for i := range xs {
				xs[i] = rng.Float32()
			}
			for i := range ys {
				ys[i] = float32(rng.IntN(10))
			}
			x := tensor.New(tensor.WithShape(batch, 784), tensor.WithBacking(xs))
			y := tensor.New(tensor.WithShape(batch), tensor.WithBacking(ys))
			if _, err := m.TrainBatch(x, y); err != nil { // allocate buffers and optimizer state
				b.Fatal(err)
			}
			b.ResetTimer()
			for range b.N {
				if _, err := m.TrainBatch(x, y); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "samples/s")
		})
	}
}
