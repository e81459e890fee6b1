package nn

import (
	"runtime"
	"testing"
	"time"

	"github.com/nnplay/nnplay/engine/spec"
)

// TestRowByRowRNNMNIST trains the LSTM preset (spec.RowByRowRNN: each
// digit read as 28 rows, one per step) on real MNIST for one epoch of a
// slice and checks it has learned to read digits: natively the first
// 10,000 training images (157 Adam steps), tested on the first 2,000 test
// images, at least 75% (seed 1 gives 83.2%); under wasm 2,000 and 500, at
// least 30% (40.2%; the weights are bit-identical natively). Chance is
// 10%. The full 3-epoch run is BenchmarkRowByRowMNIST.
func TestRowByRowRNNMNIST(t *testing.T) {
	if testing.Short() {
		t.Skip("a long cross-check or training run: make test runs it (make check is -short)")
	}
	train, test := loadMNIST(t)
	n, nt, bar := 10000, 2000, 0.75
	if runtime.GOARCH == "wasm" {
		n, nt, bar = 2000, 500, 0.30
	}
	s := spec.RowByRowRNN()
	s.Epochs = 1
	m := mustBuild(t, s)
	x, y := train.Slice(0, n).Tensors()
	if _, err := m.Fit(x, y, FitConfigFor(s)); err != nil {
		t.Fatal(err)
	}
	tx, ty := test.Slice(0, nt).Tensors()
	ev, err := m.Evaluate(tx, ty)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("1 epoch on %d images: test accuracy %.4f on %d", n, ev.Accuracy, nt)
	if ev.Accuracy < bar {
		t.Errorf("test accuracy %.4f after one epoch on %d images, want at least %.2f", ev.Accuracy, n, bar)
	}
}

// BenchmarkRowByRowMNIST trains the row-by-row presets (LSTM and GRU) on
// all of MNIST for their 3 epochs and reports the test accuracy after each
// epoch and the seconds each epoch took (run with -benchtime 1x; minutes).
func BenchmarkRowByRowMNIST(b *testing.B) {
	for _, c := range []struct {
		name string
		spec spec.Model
	}{{"LSTM", spec.RowByRowRNN()}, {"GRU", spec.RowByRowGRU()}} {
		b.Run(c.name, func(b *testing.B) {
			train, test := loadMNIST(b)
			x, y := train.Tensors()
			tx, ty := test.Tensors()
			for range b.N {
				m, err := Build(c.spec)
				if err != nil {
					b.Fatal(err)
				}
				cfg := FitConfigFor(c.spec)
				start := time.Now()
				cfg.OnEpoch = func(e EpochEnd) bool {
					took := time.Since(start)
					ev, err := m.Evaluate(tx, ty)
					if err != nil {
						b.Fatal(err)
					}
					b.Logf("%s epoch %d: train loss %.4f, test accuracy %.4f, %.1f s", c.name, e.Epoch, e.Loss, ev.Accuracy, took.Seconds())
					b.ReportMetric(ev.Accuracy, "acc"+string(rune('0'+e.Epoch)))
					b.ReportMetric(took.Seconds(), "s/epoch"+string(rune('0'+e.Epoch)))
					start = time.Now()
					return true
				}
				if _, err := m.Fit(x, y, cfg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
