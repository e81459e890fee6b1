package exportcases

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/data"
	"github.com/nnplay/nnplay/engine/nn"
	"github.com/nnplay/nnplay/engine/spec"
)

var mnist struct {
	sync.Once
	train, test *data.Set
	dir         string
	err         error
}

// MNIST is MNIST from static/data/mnist under the module root (read once),
// and that folder.
func MNIST(tb testing.TB) (train, test *data.Set, dir string) {
	tb.Helper()
	mnist.Do(func() {
		wd, err := os.Getwd()
		if err != nil {
			mnist.err = err
			return
		}
		for {
			if _, err := os.Stat(filepath.Join(wd, "go.mod")); err == nil {
				break
			}
			if filepath.Dir(wd) == wd {
				mnist.err = fmt.Errorf("no go.mod above the test's directory")
				return
			}
			wd = filepath.Dir(wd)
		}
		mnist.dir = filepath.Join(wd, "static", "data", "mnist")
		mnist.train, mnist.test, mnist.err = data.LoadMNIST(mnist.dir)
	})
	if mnist.err != nil {
		tb.Fatalf("loading MNIST (run `make data` first): %v", mnist.err)
	}
	return mnist.train, mnist.test, mnist.dir
}

// Targets is y (class indices) as s's loss wants it: the indices, or
// one-hot rows of classes for the categorical and squared-error losses.
func Targets(s spec.Model, y *tensor.Dense, classes int) *tensor.Dense {
	if s.Loss == spec.LossSparseCategoricalCrossentropy {
		return y
	}
	labels := y.Float32s()
	hot := make([]float32, len(labels)*classes)
	for i, l := range labels {
		hot[i*classes+int(l)] = 1
	}
	return tensor.New(tensor.WithShape(len(labels), classes), tensor.WithBacking(hot))
}

// Trained is the model built from s and trained four batches of train, so
// its weights (and BatchNorm statistics) are not the initial ones.
func Trained(tb testing.TB, s spec.Model, train *data.Set) *nn.Sequential {
	tb.Helper()
	m, err := nn.Build(s)
	if err != nil {
		tb.Fatal(err)
	}
	for b := 0; b < 4; b++ {
		idx := make([]int, s.BatchSize)
		for i := range idx {
			idx[i] = (b*s.BatchSize + i) * 7 % train.Len()
		}
		x, y := train.Batch(idx)
		if _, err := m.TrainBatch(x, Targets(s, y, 10)); err != nil {
			tb.Fatal(err)
		}
	}
	return m
}
