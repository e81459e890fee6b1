package explain

import (
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/nnplay/nnplay/engine/data"
	"github.com/nnplay/nnplay/engine/nn"
	"github.com/nnplay/nnplay/engine/spec"
)

// mnistDir is where `make data` puts the MNIST idx files.
const mnistDir = "../../static/data/mnist"

var trained struct {
	once        sync.Once
	m           *nn.Sequential
	train, test *data.Set
	err         error
}

// seedMLP is the seed model (784-128-64-10) trained for one epoch on the
// first 20,000 MNIST training images, shared by the tests (they only read
// it), with the MNIST sets.
func seedMLP(t *testing.T) (*nn.Sequential, *data.Set, *data.Set) {
	t.Helper()
	trained.once.Do(func() {
		train, test, err := data.LoadMNIST(mnistDir)
		if err != nil {
			trained.err = err
			return
		}
		m, err := nn.Build(spec.Seed())
		if err != nil {
			trained.err = err
			return
		}
		x, y := train.Slice(0, 20000).Tensors()
		if _, err := m.Fit(x, y, nn.FitConfig{Epochs: 1, BatchSize: 64, Shuffle: true, Seed: 1}); err != nil {
			trained.err = err
			return
		}
		trained.m, trained.train, trained.test = m, train, test
	})
	if trained.err != nil {
		t.Fatalf("the trained seed MLP (MNIST from %s; run `make data` once): %v", mnistDir, trained.err)
	}
	return trained.m, trained.train, trained.test
}

// example returns example i of set as a flat input.
func example(set *data.Set, i int) []float32 { return set.AppendExample(nil, i) }

// linearSoftmax is Dense(k, softmax) on d inputs with random weights and
// biases from seed.
func linearSoftmax(d, k int, seed uint64) *nn.Sequential {
	rng := rand.New(rand.NewPCG(seed, 1))
	dense := nn.NewDense(d, k, spec.ActSoftmax, "", rng)
	for i := range dense.Bias.Value.Float32s() {
		dense.Bias.Value.Float32s()[i] = float32(rng.NormFloat64())
	}
	m := nn.NewSequential([]int{d}, dense)
	loss, _ := nn.NewLoss(spec.LossSparseCategoricalCrossentropy, false)
	m.Compile(nn.NewAdam(0.001), loss)
	return m
}
