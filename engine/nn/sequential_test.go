package nn

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/spec"
)

// smallSpec is a quick MNIST model with every kind of randomness: kernels,
// dropout masks and the shuffle all come from the seed.
func smallSpec(seed int64) spec.Model {
	return spec.Model{
		Input: []int{784},
		Layers: []spec.Layer{
			spec.Dense(32, spec.ActReLU),
			{Type: spec.TypeDropout, Rate: 0.2},
			spec.Dense(10, spec.ActSoftmax),
		},
		Optimizer: spec.Adam(0.001),
		Loss:      spec.LossSparseCategoricalCrossentropy,
		BatchSize: 32, Epochs: 1, Seed: seed, Dataset: spec.DatasetMNIST,
	}
}

func weights(m *Sequential) [][]float32 {
	var ws [][]float32
	for _, p := range m.Params() {
		ws = append(ws, append([]float32(nil), p.Value.Float32s()...))
	}
	return ws
}

// sameBits reports whether two weight sets are bit-for-bit equal.
func sameBits(a, b [][]float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			if math.Float32bits(a[i][j]) != math.Float32bits(b[i][j]) {
				return false
			}
		}
	}
	return true
}

func mustBuild(t *testing.T, s spec.Model) *Sequential {
	t.Helper()
	m, err := Build(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestFitDeterministic: the same spec and seed give bit-identical weights
// after Build + Fit (kernels, dropout and shuffle all seeded); another
// seed gives other weights.
func TestFitDeterministic(t *testing.T) {
	train, _ := loadMNIST(t)
	x, y := train.Slice(0, 1000).Tensors()
	run := func(seed int64) [][]float32 {
		s := smallSpec(seed)
		m := mustBuild(t, s)
		if _, err := m.Fit(x, y, FitConfigFor(s)); err != nil {
			t.Fatal(err)
		}
		return weights(m)
	}
	a, b, c := run(7), run(7), run(8)
	if !sameBits(a, b) {
		t.Error("two runs with seed 7 gave different weights")
	}
	if sameBits(a, c) {
		t.Error("seeds 7 and 8 gave the same weights")
	}
}

// TestDivergedLoss forces divergence: a linear model under mean squared
// error with SGD at learning rate 10 (the spec's maximum) overshoots more
// each step. Fit stops with an error naming the epoch and batch, and keeps
// the weights from before the failing step (those after the last good
// batch).
func TestDivergedLoss(t *testing.T) {
	train, _ := loadMNIST(t)
	x, labels := train.Slice(0, 640).Tensors()
	y, err := OneHot(labels, 10)
	if err != nil {
		t.Fatal(err)
	}
	s := spec.Seed()
	s.Layers = []spec.Layer{spec.Dense(32, spec.ActLinear), spec.Dense(10, spec.ActLinear)}
	s.Loss = spec.LossMeanSquaredError
	s.Optimizer = spec.Optimizer{Name: spec.OptSGD, LearningRate: 10}
	m := mustBuild(t, s)
	before := weights(m) // the weights before the latest step
	_, err = m.Fit(x, y, FitConfig{Epochs: 3, BatchSize: 32, Shuffle: true, Seed: 1,
		OnBatch: func(BatchEnd) bool { before = weights(m); return true }})
	var d *DivergedError
	if !errors.As(err, &d) {
		t.Fatalf("Fit with learning rate 10: err = %v, want a *DivergedError", err)
	}
	want := fmt.Sprintf("epoch 1, batch %d: loss is %v — the run diverged; try a lower learning rate (now 10)", d.Batch, d.Loss)
	if err.Error() != want || d.Batch < 2 || d.Weights {
		t.Errorf("error %q, want %q with batch ≥ 2", err, want)
	}
	if !math.IsNaN(d.Loss) && !math.IsInf(d.Loss, 0) {
		t.Errorf("diverged loss %v, want NaN or Inf", d.Loss)
	}
	if !sameBits(weights(m), before) {
		t.Error("weights changed in the diverged step")
	}
}

// TestDivergedUpdate: a finite loss whose update overflows float32 leaves
// the weights as they were and says so.
func TestDivergedUpdate(t *testing.T) {
	s := spec.Model{
		Input:     []int{2},
		Layers:    []spec.Layer{spec.Dense(2, spec.ActLinear)},
		Optimizer: spec.Optimizer{Name: spec.OptSGD, LearningRate: 1},
		Loss:      spec.LossMeanSquaredError,
		BatchSize: 2, Epochs: 1, Seed: 1, Dataset: spec.DatasetXOR,
	}
	m := mustBuild(t, s)
	m.Optimizer().SetLearningRate(1e36) // past spec's limit, to overflow float32
	x := tensor.New(tensor.WithShape(2, 2), tensor.WithBacking([]float32{1, 2, -3, 4}))
	y := tensor.New(tensor.WithShape(2, 2), tensor.WithBacking([]float32{1e3, 0, 0, 1e3}))
	before := weights(m)
	loss, err := m.TrainBatch(x, y)
	var d *DivergedError
	if !errors.As(err, &d) || !d.Weights {
		t.Fatalf("TrainBatch: err = %v, want a *DivergedError for the weights", err)
	}
	if want := "the update made weights NaN or infinite — the run diverged; try a lower learning rate (now 1e+36)"; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
	if math.IsInf(loss, 0) || math.IsNaN(loss) {
		t.Errorf("loss %v, want the finite loss of the batch", loss)
	}
	if !sameBits(weights(m), before) {
		t.Error("weights changed in the diverged step")
	}
}

// TestSetTrainableEveryLayerType: every layer type Build makes freezes and
// unfreezes through SetTrainable, its spec says so, and Build honours a
// spec's frozen flag; a layer that is no Freezer is refused by name.
func TestSetTrainableEveryLayerType(t *testing.T) {
	rnn := func(typ string) spec.Layer { return spec.Layer{Type: typ, Units: 2} }
	cases := []struct {
		l  spec.Layer
		in []int
	}{
		{spec.Dense(3, spec.ActReLU), []int{4}},
		{spec.Layer{Type: spec.TypeReLU}, []int{4}},
		{spec.Layer{Type: spec.TypeLeakyReLU, Alpha: 0.1}, []int{4}},
		{spec.Layer{Type: spec.TypeSigmoid}, []int{4}},
		{spec.Layer{Type: spec.TypeTanh}, []int{4}},
		{spec.Layer{Type: spec.TypeSoftmax}, []int{4}},
		{spec.Layer{Type: spec.TypeDropout, Rate: 0.5}, []int{4}},
		{spec.Layer{Type: spec.TypeFlatten}, []int{2, 2}},
		{spec.Layer{Type: spec.TypeConv2D, Filters: 2, KernelSize: []int{3, 3}}, []int{5, 5, 1}},
		{spec.Layer{Type: spec.TypeMaxPool2D, PoolSize: []int{2, 2}}, []int{4, 4, 1}},
		{spec.Layer{Type: spec.TypeAveragePooling2D, PoolSize: []int{2, 2}}, []int{4, 4, 1}},
		{spec.Layer{Type: spec.TypeGlobalAveragePooling2D}, []int{4, 4, 1}},
		{spec.Layer{Type: spec.TypeBatchNormalization, Momentum: 0.9, Epsilon: 1e-3}, []int{4, 4, 2}},
		{spec.Layer{Type: spec.TypeReshape, TargetShape: []int{2, 2}}, []int{4}},
		{rnn(spec.TypeSimpleRNN), []int{3, 2}},
		{rnn(spec.TypeLSTM), []int{3, 2}},
		{rnn(spec.TypeGRU), []int{3, 2}},
	}
	for i, c := range cases {
		layer := buildLayer(c.l, c.in, 1, uint64(i))
		m := NewSequential(c.in, layer)
		if !m.Trainable(0) || layer.Spec().Frozen {
			t.Errorf("%s: built from an unfrozen spec, it is frozen", c.l.Type)
		}
		if err := m.SetTrainable(0, false); err != nil {
			t.Fatalf("%s: SetTrainable(0, false): %v", c.l.Type, err)
		}
		if m.Trainable(0) || !layer.IsFrozen() || !layer.Spec().Frozen {
			t.Errorf("%s: SetTrainable(0, false) left it trainable (IsFrozen %v, spec %v)", c.l.Type, layer.IsFrozen(), layer.Spec().Frozen)
		}
		if err := m.SetTrainable(0, true); err != nil || !m.Trainable(0) || layer.Spec().Frozen {
			t.Errorf("%s: SetTrainable(0, true) left it frozen (err %v)", c.l.Type, err)
		}
		frozen := c.l
		frozen.Frozen = true
		if !buildLayer(frozen, c.in, 1, uint64(i)).IsFrozen() {
			t.Errorf("%s: built from a frozen spec, it is not frozen", c.l.Type)
		}
	}

	m := NewSequential([]int{4}, notFreezer{NewReLU()})
	want := "layer 0 (nn.notFreezer) cannot be frozen: it has no SetFrozen method (nn.Freezer)"
	if err := m.SetTrainable(0, false); err == nil || err.Error() != want {
		t.Errorf("SetTrainable on a layer without SetFrozen: %v, want %q", err, want)
	}
}

// notFreezer is a Layer without SetFrozen.
type notFreezer struct{ r *ReLU }

func (n notFreezer) Forward(x *tensor.Dense, training bool) *tensor.Dense {
	return n.r.Forward(x, training)
}
func (n notFreezer) Backward(dy *tensor.Dense) *tensor.Dense { return n.r.Backward(dy) }
func (n notFreezer) Params() []*Param                        { return nil }
func (n notFreezer) Spec() spec.Layer                        { return n.r.Spec() }

// TestFrozenLayer: a frozen layer's weights stay put through Fit while the
// others train; SetTrainable freezes and unfreezes; Spec and Summary say so.
func TestFrozenLayer(t *testing.T) {
	train, _ := loadMNIST(t)
	x, y := train.Slice(0, 256).Tensors()
	s := smallSpec(3)
	s.Layers[0].Frozen = true
	m := mustBuild(t, s)
	first, last := m.Layers()[0].(*Dense), m.Layers()[2].(*Dense)
	k0, k2 := append([]float32(nil), first.Kernel.Value.Float32s()...), append([]float32(nil), last.Kernel.Value.Float32s()...)
	if _, err := m.Fit(x, y, FitConfigFor(s)); err != nil {
		t.Fatal(err)
	}
	if !sameBits([][]float32{k0}, [][]float32{first.Kernel.Value.Float32s()}) {
		t.Error("frozen layer 0's kernel changed")
	}
	if sameBits([][]float32{k2}, [][]float32{last.Kernel.Value.Float32s()}) {
		t.Error("trainable layer 2's kernel did not change")
	}
	if !m.Spec().Layers[0].Frozen || !strings.Contains(m.Summary(), "Non-trainable params: 25,120") {
		t.Errorf("spec or summary does not show layer 0 frozen:\n%s", m.Summary())
	}

	if err := m.SetTrainable(0, true); err != nil {
		t.Fatal(err)
	}
	if err := m.SetTrainable(2, false); err != nil {
		t.Fatal(err)
	}
	k0 = append(k0[:0], first.Kernel.Value.Float32s()...)
	k2 = append(k2[:0], last.Kernel.Value.Float32s()...)
	if _, err := m.TrainBatch(x, y); err != nil {
		t.Fatal(err)
	}
	if sameBits([][]float32{k0}, [][]float32{first.Kernel.Value.Float32s()}) {
		t.Error("unfrozen layer 0 did not train")
	}
	if !sameBits([][]float32{k2}, [][]float32{last.Kernel.Value.Float32s()}) {
		t.Error("layer 2, frozen by SetTrainable, changed")
	}
	if err := m.SetTrainable(3, false); err == nil || err.Error() != "layer index 3 is out of range: the model has 3 layers (0 to 2)" {
		t.Errorf("SetTrainable(3): %v", err)
	}
}

// TestFitCallbacksStop: OnBatch returning false stops at once (that epoch
// is not recorded); OnEpoch returning false stops after that epoch.
func TestFitCallbacksStop(t *testing.T) {
	train, _ := loadMNIST(t)
	x, y := train.Slice(0, 200).Tensors()
	s := smallSpec(1)
	m := mustBuild(t, s)
	var seen []BatchEnd
	hist, err := m.Fit(x, y, FitConfig{Epochs: 5, BatchSize: 32, OnBatch: func(b BatchEnd) bool {
		seen = append(seen, b)
		return b.Batch < 3
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != 3 || !hist.Stopped || len(hist.Loss) != 0 {
		t.Errorf("OnBatch stop after 3: %d batches, Stopped %v, %d epochs recorded", len(seen), hist.Stopped, len(hist.Loss))
	}
	if b := seen[0]; b.Epoch != 1 || b.Batch != 1 || b.Batches != 7 || b.Size != 32 || !(b.Loss > 0) || b.Accuracy < 0 || b.Accuracy > 1 {
		t.Errorf("first BatchEnd %+v, want epoch 1, batch 1 of 7, size 32, a loss and an accuracy", b)
	}

	var epochs []EpochEnd
	hist, err = m.Fit(x, y, FitConfig{Epochs: 5, BatchSize: 32, OnEpoch: func(e EpochEnd) bool {
		epochs = append(epochs, e)
		return e.Epoch < 2
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(epochs) != 2 || !hist.Stopped || len(hist.Loss) != 2 || epochs[1].Loss != hist.Loss[1] {
		t.Errorf("OnEpoch stop after 2: %d epochs seen, Stopped %v, history %v", len(epochs), hist.Stopped, hist.Loss)
	}
}

// TestValidationSplit: the last 20% are held out, never trained on, and
// validated after each epoch exactly as Evaluate does.
func TestValidationSplit(t *testing.T) {
	train, _ := loadMNIST(t)
	x, y := train.Slice(0, 500).Tensors()
	s := smallSpec(2)
	s.ValidationSplit = 0.2
	m := mustBuild(t, s)
	trained := 0
	cfg := FitConfigFor(s)
	cfg.Epochs = 2
	cfg.OnBatch = func(b BatchEnd) bool { trained += b.Size; return true }
	hist, err := m.Fit(x, y, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if trained != 2*400 {
		t.Errorf("trained on %d examples in 2 epochs, want 800", trained)
	}
	vx, vy := train.Slice(400, 500).Tensors()
	ev, err := m.Evaluate(vx, vy)
	if err != nil {
		t.Fatal(err)
	}
	if len(hist.ValLoss) != 2 || hist.ValLoss[1] != ev.Loss || hist.ValAccuracy[1] != ev.Accuracy {
		t.Errorf("validation history %v / %v, want 2 epochs ending in Evaluate's %v / %v", hist.ValLoss, hist.ValAccuracy, ev.Loss, ev.Accuracy)
	}

	// A separate validation set gives the same numbers.
	m2 := mustBuild(t, s)
	tx, ty := train.Slice(0, 400).Tensors()
	hist2, err := m2.Fit(tx, ty, FitConfig{Epochs: 2, BatchSize: 32, Shuffle: true, Seed: 2, ValidationX: vx, ValidationY: vy})
	if err != nil {
		t.Fatal(err)
	}
	if hist2.ValLoss[1] != hist.ValLoss[1] {
		t.Errorf("validation set: loss %v, validation split: %v", hist2.ValLoss[1], hist.ValLoss[1])
	}
}

func TestFitRejects(t *testing.T) {
	train, _ := loadMNIST(t)
	x, y := train.Slice(0, 10).Tensors()
	m := mustBuild(t, smallSpec(1))
	for _, c := range []struct {
		cfg  FitConfig
		x, y *tensor.Dense
		want string
	}{
		{FitConfig{Epochs: 0, BatchSize: 4}, x, y, "fit: epochs must be at least 1, got 0"},
		{FitConfig{Epochs: 1, BatchSize: 0}, x, y, "fit: batch size must be at least 1, got 0"},
		{FitConfig{Epochs: 1, BatchSize: 4, ValidationSplit: 1}, x, y, "fit: validation split must be at least 0 and below 1, got 1"},
		{FitConfig{Epochs: 1, BatchSize: 4, ValidationSplit: 0.95}, x, y, "fit: a validation split of 0.95 of 10 examples leaves 0 to train on and 10 to validate on; each needs at least 1"},
		{FitConfig{Epochs: 1, BatchSize: 4, ValidationSplit: 0.5, ValidationX: x, ValidationY: y}, x, y, "fit: give either a validation split or a validation set, not both"},
		{FitConfig{Epochs: 1, BatchSize: 4, ValidationX: x}, x, y, "fit: give both ValidationX and ValidationY, or neither"},
		{FitConfig{Epochs: 1, BatchSize: 4}, tensor.New(tensor.WithShape(10, 28, 28), tensor.Of(tensor.Float32)), y, "inputs have shape [10 28 28], want (N, 784) with N ≥ 1: N examples of shape [784]"},
		{FitConfig{Epochs: 1, BatchSize: 4}, x, tensor.New(tensor.WithShape(9), tensor.Of(tensor.Float32)), "targets have shape [9] but there are 10 inputs; want 10 targets"},
		{FitConfig{Epochs: 1, BatchSize: 4}, x, tensor.New(tensor.WithShape(10), tensor.WithBacking([]float32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10})), "sparse_categorical_crossentropy: target 9 is 10, want a class index from 0 to 9"},
		{FitConfig{Epochs: 1, BatchSize: 4}, tensor.New(tensor.WithShape(10, 784), tensor.Of(tensor.Float64)), y, "inputs are float64, want float32"},
	} {
		if _, err := m.Fit(c.x, c.y, c.cfg); err == nil || err.Error() != c.want {
			t.Errorf("Fit: err = %v, want %q", err, c.want)
		}
	}
	if _, err := NewSequential([]int{784}, NewDense(784, 10, spec.ActSoftmax, "", rand.New(rand.NewPCG(1, 2)))).Fit(x, y, FitConfig{Epochs: 1, BatchSize: 4}); err == nil ||
		!strings.Contains(err.Error(), "not compiled") {
		t.Errorf("Fit before Compile: err = %v", err)
	}
}
