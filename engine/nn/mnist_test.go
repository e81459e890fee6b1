package nn

import (
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	dataset "github.com/nnplay/nnplay/engine/data"
	"github.com/nnplay/nnplay/engine/spec"
)

// mnist loads real MNIST once for all tests from static/data/mnist under the
// repository root (the directory holding go.mod, found by walking up).
var mnist = sync.OnceValues(func() (*[2]*dataset.Set, error) {
	dir, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return nil, os.ErrNotExist
		}
		dir = parent
	}
	train, test, err := dataset.LoadMNIST(filepath.Join(dir, "static", "data", "mnist"))
	if err != nil {
		return nil, err
	}
	return &[2]*dataset.Set{train, test}, nil
})

func loadMNIST(t testing.TB) (train, test *dataset.Set) {
	t.Helper()
	sets, err := mnist()
	if err != nil {
		t.Fatalf("loading MNIST (run `make data` first): %v", err)
	}
	return sets[0], sets[1]
}

// TestSeedModelMNIST trains the seed model (784-128-64-10, Adam 0.001,
// batch 64) on real MNIST and checks its test accuracy.
//
// Natively: the full 60,000 training images for 2 epochs, at least 97.0%
// on the 10,000 test images (seed 1 gives 97.01%; seeds 1 to 5 give
// 96.7–97.1%, as Keras does with this model and batch size).
//
// Under wasm, where Go's compiler emits no SIMD: the first 6,000 training
// images for 1 epoch (94 Adam steps), tested on the first 1,000 test
// images, at least 80%. Early in training accuracy moves fast, so the bar
// leaves room: this slice gives 86.3% (natively too: the weights are
// bit-identical on both), while a broken gradient or optimizer stays far
// below it (chance is 10%).
func TestSeedModelMNIST(t *testing.T) {
	train, test := loadMNIST(t)
	s := spec.Seed()
	bar := 0.970
	if runtime.GOARCH == "wasm" {
		train, test = train.Slice(0, 6000), test.Slice(0, 1000)
		s.Epochs, bar = 1, 0.80
	}
	m, err := Build(s)
	if err != nil {
		t.Fatal(err)
	}
	x, y := train.Tensors()
	hist, err := m.Fit(x, y, FitConfigFor(s))
	if err != nil {
		t.Fatal(err)
	}
	tx, ty := test.Tensors()
	ev, err := m.Evaluate(tx, ty)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d epochs on %d images: train loss %.4f, acc %.4f; test loss %.4f, acc %.4f",
		s.Epochs, train.Len(), hist.Loss[len(hist.Loss)-1], hist.Accuracy[len(hist.Accuracy)-1], ev.Loss, ev.Accuracy)
	if ev.Accuracy < bar {
		t.Errorf("test accuracy %.4f, want at least %.3f", ev.Accuracy, bar)
	}
	if len(hist.Loss) != s.Epochs || (s.Epochs > 1 && hist.Loss[0] <= hist.Loss[len(hist.Loss)-1]) {
		t.Errorf("history %v: want %d epochs with a falling loss", hist.Loss, s.Epochs)
	}
	if ev.Confusion.Total() != test.Len() || ev.Confusion.Accuracy() != ev.Accuracy {
		t.Errorf("confusion: total %d (want %d), accuracy %v (want %v)", ev.Confusion.Total(), test.Len(), ev.Confusion.Accuracy(), ev.Accuracy)
	}
}
