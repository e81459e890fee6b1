package nn

import (
	"math/rand/v2"
	"testing"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/spec"
)

// BenchmarkTrainStepLeNet times one TrainBatch (forward, backward, Adam
// update) of spec.LeNet() at batch size 64, fed flat (64, 784) rows as the
// data set gives them, and reports samples/s. An MNIST epoch is 60,000
// samples: seconds per epoch ≈ 60,000 / (samples/s).
func BenchmarkTrainStepLeNet(b *testing.B) {
	benchTrainStep(b, spec.LeNet())
}

// BenchmarkTrainStepSmallCNN is the same for spec.SmallCNN().
func BenchmarkTrainStepSmallCNN(b *testing.B) {
	benchTrainStep(b, spec.SmallCNN())
}

func benchTrainStep(b *testing.B, s spec.Model) {
	const batch = 64
	s.BatchSize = batch
	m, err := Build(s)
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
}
