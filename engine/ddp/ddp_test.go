package ddp

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"gorgonia.org/tensor"

	dataset "github.com/nnplay/nnplay/engine/data"
	"github.com/nnplay/nnplay/engine/nn"
	"github.com/nnplay/nnplay/engine/spec"
)

// mnist loads real MNIST once from static/data/mnist under the repository
// root (make data puts it there).
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

// mlp is the seed MLP with dropout, a frozen layer (fine-tuning) and
// global clipping: dense layers, dropout masks and clipping across shares.
func mlp() spec.Model {
	s := spec.Seed()
	frozen := spec.Dense(32, spec.ActReLU)
	frozen.Frozen = true
	s.Layers = []spec.Layer{
		spec.Dense(64, spec.ActReLU),
		{Type: spec.TypeDropout, Rate: 0.3},
		frozen,
		spec.Dense(10, spec.ActSoftmax),
	}
	s.Optimizer.GlobalClipNorm = 1
	return s
}

// cnn has BatchNormalization (trained, and frozen) and Dropout between
// convolutions and pooling. No BatchNormalization follows a convolution
// directly: that bias's gradient is rounding noise around 0, which Adam
// turns into steps of the learning rate's size, so two summation orders
// part at once (the README's performance section).
func cnn() spec.Model {
	s := spec.LeNet()
	s.Layers = []spec.Layer{
		spec.Conv2D(6, 5, spec.ActReLU),
		spec.MaxPool2D(2),
		{Type: spec.TypeBatchNormalization, Momentum: 0.9, Epsilon: 1e-3},
		{Type: spec.TypeDropout, Rate: 0.25},
		spec.Conv2D(8, 3, spec.ActReLU),
		{Type: spec.TypeBatchNormalization, Momentum: 0.9, Epsilon: 1e-3, Frozen: true},
		spec.MaxPool2D(2),
		{Type: spec.TypeFlatten},
		spec.Dense(32, spec.ActReLU),
		{Type: spec.TypeBatchNormalization, Momentum: 0.9, Epsilon: 1e-3},
		{Type: spec.TypeDropout, Rate: 0.5},
		spec.Dense(10, spec.ActSoftmax),
	}
	return s
}

// cnnNoBias is cnn's arrangement with a convolution and a Dense layer
// without a bias (use_bias false). Keras' own pattern, a convolution
// without a bias right before a BatchNormalization, makes the output
// blind to the kernel's scale, and Adam turned the rounding differences
// of the summation order into weights 1.1e-4 apart (1 vs 2 and 4 workers,
// 30 steps on plain Go kernels under Node; 2.4e-6 natively): a property of
// that model, not of the replicas.
func cnnNoBias() spec.Model {
	s := spec.LeNet()
	bn := spec.Layer{Type: spec.TypeBatchNormalization, Momentum: 0.9, Epsilon: 1e-3}
	s.Layers = []spec.Layer{
		spec.NoBias(spec.Conv2D(6, 5, spec.ActReLU)),
		spec.MaxPool2D(2),
		bn,
		{Type: spec.TypeFlatten},
		spec.NoBias(spec.Dense(32, spec.ActReLU)),
		bn,
		spec.Dense(10, spec.ActSoftmax),
	}
	return s
}

// lstm is the row-by-row LSTM preset, smaller.
func lstm() spec.Model {
	s := spec.RowByRowRNN()
	s.Layers[1].Units = 16
	return s
}

// run trains spec s for steps batches of s.BatchSize from MNIST on
// workers replicas (1: the coordinator alone), with the schedule the
// spec asks for, and returns the model. kill, when above 0, terminates
// helper 1 during that step (counted from 1), after sums collective sums.
func run(t *testing.T, s spec.Model, workers, steps, kill, sums int) (*nn.Sequential, []Outcome) {
	t.Helper()
	train, _ := loadMNIST(t)
	m := mustBuild(t, s)
	var replicas []*nn.Sequential
	for range workers - 1 {
		replicas = append(replicas, mustBuild(t, s))
	}
	local := NewLocal(replicas...)
	defer local.Close()
	c := &Coordinator{Model: m, Helpers: local}
	n := steps * s.BatchSize
	order := dataset.Permutation(n, s.Seed, 0)
	var outs []Outcome
	for b := range steps {
		if nn.Scheduled(s.Optimizer) {
			m.Optimizer().SetLearningRate(nn.ScheduledLearningRate(s.Optimizer, b, steps, 1))
		}
		x, y := train.Batch(order[b*s.BatchSize : (b+1)*s.BatchSize])
		x = asInput(t, x, s.Input)
		if b+1 == kill {
			local.Kill(1, sums)
		}
		out, err := c.Step(x, y)
		if err != nil {
			t.Fatalf("%d workers, step %d: %v", workers, b+1, err)
		}
		outs = append(outs, out)
	}
	return m, outs
}

func mustBuild(t *testing.T, s spec.Model) *nn.Sequential {
	t.Helper()
	m, err := nn.Build(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func asInput(t *testing.T, x *tensor.Dense, input []int) *tensor.Dense {
	t.Helper()
	if err := x.Reshape(append([]int{x.Shape()[0]}, input...)...); err != nil {
		t.Fatal(err)
	}
	return x
}

func weights(m *nn.Sequential) []float32 { return Flatten(nil, m.Params(), Values) }

// accuracy is m's accuracy on the first 2,000 test images, in percent.
func accuracy(t *testing.T, m *nn.Sequential, input []int) float64 {
	_, test := loadMNIST(t)
	x, y := test.Slice(0, 2000).Tensors()
	ev, err := m.Evaluate(asInput(t, x, input), y)
	if err != nil {
		t.Fatal(err)
	}
	return 100 * ev.Accuracy
}

var cases = []struct {
	name  string
	spec  func() spec.Model
	steps int // for the cross-count comparison
}{
	{"mlp", mlp, 100},
	{"cnn", cnn, 100},
	{"cnn without biases", cnnNoBias, 100},
	{"lstm", lstm, 100},
}

// TestSameCountSameBits: the same spec, seed and worker count give
// bit-identical weights on every run.
func TestSameCountSameBits(t *testing.T) {
	steps := 20
	if testing.Short() {
		steps = 5
	}
	for _, c := range cases {
		for _, workers := range []int{2, 3} {
			a, _ := run(t, c.spec(), workers, steps, 0, 0)
			b, _ := run(t, c.spec(), workers, steps, 0, 0)
			wa, wb := weights(a), weights(b)
			for i := range wa {
				if math.Float32bits(wa[i]) != math.Float32bits(wb[i]) {
					t.Errorf("%s, %d workers: weight %d is %v in one run and %v in another", c.name, workers, i, wa[i], wb[i])
					break
				}
			}
		}
	}
}

// TestOneWorkerIsTrainBatch: one worker trains exactly as the model's
// own TrainBatch.
func TestOneWorkerIsTrainBatch(t *testing.T) {
	train, _ := loadMNIST(t)
	for _, c := range cases {
		s := c.spec()
		a, b := mustBuild(t, s), mustBuild(t, s)
		co := &Coordinator{Model: b}
		for i := range 3 {
			x, y := train.Slice(i*s.BatchSize, (i+1)*s.BatchSize).Tensors()
			x = asInput(t, x, s.Input)
			la, err := a.TrainBatch(x, y)
			if err != nil {
				t.Fatal(err)
			}
			out, err := co.Step(x, y)
			if err != nil {
				t.Fatal(err)
			}
			if la != out.Loss {
				t.Errorf("%s, batch %d: loss %v, TrainBatch's %v", c.name, i, out.Loss, la)
			}
		}
		wa, wb := weights(a), weights(b)
		for i := range wa {
			if math.Float32bits(wa[i]) != math.Float32bits(wb[i]) {
				t.Errorf("%s: weight %d is %v, TrainBatch's %v", c.name, i, wb[i], wa[i])
				break
			}
		}
	}
}

// relDiff is ‖a − b‖ / ‖a‖.
func relDiff(a, b []float32) float64 {
	var d, n float64
	for i := range a {
		d += (float64(a[i]) - float64(b[i])) * (float64(a[i]) - float64(b[i]))
		n += float64(a[i]) * float64(a[i])
	}
	return math.Sqrt(d / n)
}

// TestCountsAgree: across worker counts the weights after 100 steps differ
// only by summation order — within 1e-4 relative — and the test accuracy
// within 0.3 points; the loss of every batch agrees too.
func TestCountsAgree(t *testing.T) {
	for _, c := range cases {
		steps := c.steps
		switch {
		case testing.Short():
			steps = 10
		case runtime.GOARCH == "wasm":
			steps = 30 // plain Go kernels under Node: a tenth of the speed
		}
		one, oneOut := run(t, c.spec(), 1, steps, 0, 0)
		w1, acc1 := weights(one), accuracy(t, one, c.spec().Input)
		for _, workers := range []int{2, 3, 4} {
			m, outs := run(t, c.spec(), workers, steps, 0, 0)
			d := relDiff(w1, weights(m))
			acc := accuracy(t, m, c.spec().Input)
			t.Logf("%s: 1 vs %d workers after %d steps: weights %.2e relative, accuracy %.2f vs %.2f %%", c.name, workers, steps, d, acc1, acc)
			if !(d <= 1e-4) {
				t.Errorf("%s: 1 vs %d workers: weights differ by %.3g relative, want ≤ 1e-4", c.name, workers, d)
			}
			if math.Abs(acc-acc1) > 0.3 {
				t.Errorf("%s: 1 vs %d workers: test accuracy %.2f vs %.2f %%, want within 0.3 points", c.name, workers, acc, acc1)
			}
			for i := range outs {
				if math.Abs(outs[i].Loss-oneOut[i].Loss) > 1e-3*math.Abs(oneOut[i].Loss) || outs[i].Correct != oneOut[i].Correct && i < 5 {
					t.Errorf("%s, %d workers, batch %d: loss %v correct %d; one worker: %v, %d", c.name, workers, i+1, outs[i].Loss, outs[i].Correct, oneOut[i].Loss, oneOut[i].Correct)
					break
				}
			}
		}
	}
}

// TestWorkersTrainTheSameModel: with several workers a batch's first
// forward pass (same weights) gives the same loss as one worker's within
// rounding, which needs the same dropout masks and the whole batch's
// BatchNormalization statistics; a share's own statistics would be far off.
func TestWorkersTrainTheSameModel(t *testing.T) {
	for _, workers := range []int{2, 4} {
		_, one := run(t, cnn(), 1, 1, 0, 0)
		_, many := run(t, cnn(), workers, 1, 0, 0)
		if d := math.Abs(one[0].Loss - many[0].Loss); d > 1e-6*one[0].Loss || one[0].Correct != many[0].Correct {
			t.Errorf("%d workers: first batch loss %v (%d correct), one worker %v (%d)", workers, many[0].Loss, many[0].Correct, one[0].Loss, one[0].Correct)
		}
	}
}

// TestLostHelper: a helper terminated during a batch is dropped, the batch
// is trained again from the same weights without it, and training goes
// on: the weights are bit for bit those of a run whose third worker left
// before that batch.
func TestLostHelper(t *testing.T) {
	s := mlp()
	steps, kill := 12, 6
	got, outs := run(t, s, 3, steps, kill, 0)
	for i, o := range outs {
		want := 0
		if i+1 == kill {
			want = 1
		}
		if len(o.Lost) != want {
			t.Fatalf("step %d: lost %v, want %d helper(s)", i+1, o.Lost, want)
		}
	}
	if l := outs[kill-1].Lost[0]; l.Rank != 1 || !strings.Contains(l.Error(), "training worker 2 stopped: it was terminated") {
		t.Errorf("lost: %v (rank %d)", l, l.Rank)
	}
	sameBits(t, got, dropping(t, s, 3, steps, kill))
}

// dropping trains as run does, dropping helper 1 by hand before step drop.
func dropping(t *testing.T, s spec.Model, workers, steps, drop int) *nn.Sequential {
	train, _ := loadMNIST(t)
	m := mustBuild(t, s)
	var replicas []*nn.Sequential
	for range workers - 1 {
		replicas = append(replicas, mustBuild(t, s))
	}
	local := NewLocal(replicas...)
	defer local.Close()
	c := &Coordinator{Model: m, Helpers: local}
	order := dataset.Permutation(steps*s.BatchSize, s.Seed, 0)
	for b := range steps {
		if nn.Scheduled(s.Optimizer) {
			m.Optimizer().SetLearningRate(nn.ScheduledLearningRate(s.Optimizer, b, steps, 1))
		}
		if b+1 == drop {
			local.Drop(1)
		}
		x, y := train.Batch(order[b*s.BatchSize : (b+1)*s.BatchSize])
		if _, err := c.Step(asInput(t, x, s.Input), y); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

// sameBits fails unless a and b have bit-identical weights.
func sameBits(t *testing.T, got, want *nn.Sequential) {
	t.Helper()
	wg, wm := weights(got), weights(want)
	for i := range wg {
		if math.Float32bits(wg[i]) != math.Float32bits(wm[i]) {
			t.Fatalf("weight %d: %v after the lost helper, %v with it dropped before", i, wg[i], wm[i])
		}
	}
}

// TestLostHelperDuringBatchNorm: a helper lost while the others wait in
// BatchNormalization's sums ends the batch there; it is trained again.
func TestLostHelperDuringBatchNorm(t *testing.T) {
	got, outs := run(t, cnn(), 3, 4, 2, 3)
	if len(outs[1].Lost) != 1 {
		t.Fatalf("step 2 lost %v, want one helper", outs[1].Lost)
	}
	sameBits(t, got, dropping(t, cnn(), 3, 4, 2))
}

// TestFailingHelper: a helper whose replica does not fit (it throws) is
// dropped with the reason, and the batch trains without it.
func TestFailingHelper(t *testing.T) {
	train, _ := loadMNIST(t)
	s := mlp()
	other := mlp()
	other.Layers[0].Units = 63
	m := mustBuild(t, s)
	local := NewLocal(mustBuild(t, other), mustBuild(t, s))
	defer local.Close()
	c := &Coordinator{Model: m, Helpers: local}
	x, y := train.Slice(0, 64).Tensors()
	out, err := c.Step(x, y)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Lost) != 1 || !strings.Contains(out.Lost[0].Reason, "weights in tensor 0 but") || local.Len() != 1 {
		t.Fatalf("lost %v, %d helpers left", out.Lost, local.Len())
	}
}

// TestDivergedKeepsWeights: a diverged batch on several workers leaves
// the weights as they were and says so.
func TestDivergedKeepsWeights(t *testing.T) {
	train, _ := loadMNIST(t)
	s := cnn()
	m := mustBuild(t, s)
	local := NewLocal(mustBuild(t, s))
	defer local.Close()
	c := &Coordinator{Model: m, Helpers: local}
	x, y := train.Slice(0, 64).Tensors()
	x = asInput(t, x, s.Input)
	before := weights(m)
	xs := x.Float32s()
	xs[len(xs)-1] = float32(math.Inf(1)) // in the helper's share
	_, err := c.Step(x, y)
	var d *nn.DivergedError
	if !errors.As(err, &d) {
		t.Fatalf("err %v, want a DivergedError", err)
	}
	after := weights(m)
	for i := range before {
		if math.Float32bits(before[i]) != math.Float32bits(after[i]) {
			t.Fatalf("weight %d moved from %v to %v", i, before[i], after[i])
		}
	}
}

func TestSplit(t *testing.T) {
	for _, c := range []struct {
		b, n int
		want []int
	}{{10, 3, []int{0, 4, 7, 10}}, {64, 2, []int{0, 32, 64}}, {2, 3, []int{0, 1, 2, 2}}, {5, 1, []int{0, 5}}} {
		got := Split(c.b, c.n)
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("Split(%d, %d) = %v, want %v", c.b, c.n, got, c.want)
				break
			}
		}
	}
}
