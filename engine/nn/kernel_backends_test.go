package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/kernels"
	"github.com/nnplay/nnplay/engine/spec"
)

// TestKernelBackendsTrainAlike trains models that run every layer kernel
// (bias, leaky ReLU, σ, tanh, softmax, dropout, max and average pooling
// with channel counts off the 4-lane width, overlapping and padded
// windows; a Conv2D and a Dense with a bias and one of each without) with
// every optimizer, three batches on plain Go and three on
// the fastest backend here (the SIMD module under nodeexec, gonum's GEMM
// natively), and wants the same losses and weights to the bit.
func TestKernelBackendsTrainAlike(t *testing.T) {
	defer kernels.SetBackend("auto")
	opt := func(name string, set func(*spec.Optimizer)) spec.Optimizer {
		o := spec.Optimizer{Name: name, LearningRate: 0.01}.Defaults()
		o.WeightDecay = 1e-3
		if set != nil {
			set(&o)
		}
		return o
	}
	pool := func(typ string, size, stride int, padding string) spec.Layer {
		return spec.Layer{Type: typ, PoolSize: []int{size, size}, Strides: []int{stride, stride}, Padding: padding}
	}
	cnn := spec.Model{
		Input: []int{28, 28, 1},
		Layers: []spec.Layer{
			spec.Conv2D(5, 3, spec.ActLeakyReLU),
			pool(spec.TypeMaxPool2D, 3, 2, spec.PaddingSame),
			{Type: spec.TypeDropout, Rate: 0.3},
			spec.NoBias(spec.Conv2D(6, 2, spec.ActTanh)),
			pool(spec.TypeMaxPool2D, 2, 2, ""),
			pool(spec.TypeAveragePooling2D, 2, 1, spec.PaddingSame),
			{Type: spec.TypeFlatten},
			spec.NoBias(spec.Dense(12, spec.ActSigmoid)),
			{Type: spec.TypeLeakyReLU, Alpha: 0.1},
			spec.Dense(10, ""),
			{Type: spec.TypeSoftmax},
		},
		Loss: spec.LossSparseCategoricalCrossentropy, BatchSize: 16, Epochs: 1, Seed: 4, Dataset: spec.DatasetMNIST,
	}
	for _, o := range []spec.Optimizer{
		opt(spec.OptAdam, nil),
		opt(spec.OptSGD, nil),
		opt(spec.OptSGD, func(o *spec.Optimizer) { o.Momentum = 0.9 }),
		opt(spec.OptSGD, func(o *spec.Optimizer) { o.Momentum = 0.9; o.Nesterov = true }),
		opt(spec.OptRMSProp, nil),
		opt(spec.OptAdagrad, nil),
	} {
		s := cnn
		s.Optimizer = o
		name := fmt.Sprintf("%s momentum=%g nesterov=%v", o.Name, o.Momentum, o.Nesterov)
		var wantLoss []float64
		var want [][]float32
		for _, backend := range []string{"go", kernels.Backends()[0]} {
			if err := kernels.SetBackend(backend); err != nil {
				t.Fatal(err)
			}
			m := mustBuild(t, s)
			rng := rand.New(rand.NewPCG(5, 6))
			var losses []float64
			for range 3 {
				xs, ys := make([]float32, 16*784), make([]float32, 16)
				for i := range xs {
					xs[i] = rng.Float32()
				}
				for i := range ys {
					ys[i] = float32(rng.IntN(10))
				}
				loss, err := m.TrainBatch(tensor.New(tensor.WithShape(16, 28, 28, 1), tensor.WithBacking(xs)),
					tensor.New(tensor.WithShape(16), tensor.WithBacking(ys)))
				if err != nil {
					t.Fatalf("%s on %s: %v", name, backend, err)
				}
				losses = append(losses, loss)
			}
			if want == nil {
				want, wantLoss = weights(m), losses
				continue
			}
			for i, l := range losses {
				if math.Float64bits(l) != math.Float64bits(wantLoss[i]) {
					t.Errorf("%s: batch %d loss %v on %s, %v on go", name, i, l, backend, wantLoss[i])
				}
			}
			if !sameBits(weights(m), want) {
				t.Errorf("%s: weights after 3 batches on %s differ from go's", name, backend)
			}
		}
	}
}
