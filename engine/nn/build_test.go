package nn

import (
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/spec"
)

// TestBuildSpecRoundTrip: Build(s).Spec() gives s back, for specs that use
// every layer type, activation, initializer, optimizer and loss.
func TestBuildSpecRoundTrip(t *testing.T) {
	every := spec.Model{
		Input: []int{28, 28, 1},
		Layers: []spec.Layer{
			{Type: spec.TypeFlatten},
			{Type: spec.TypeDense, Units: 32, Activation: spec.ActReLU, KernelInitializer: spec.InitHeNormal, Frozen: true},
			{Type: spec.TypeDense, Units: 16, Activation: spec.ActLeakyReLU},
			{Type: spec.TypeDense, Units: 16, Activation: spec.ActLeakyReLU, Alpha: 0.1},
			{Type: spec.TypeDense, Units: 16, Activation: spec.ActSigmoid, KernelInitializer: spec.InitGlorotUniform},
			{Type: spec.TypeDense, Units: 16, Activation: spec.ActTanh},
			{Type: spec.TypeDense, Units: 16, Activation: spec.ActLinear},
			{Type: spec.TypeReLU},
			{Type: spec.TypeLeakyReLU, Alpha: 0.3},
			{Type: spec.TypeSigmoid, Frozen: true},
			{Type: spec.TypeTanh},
			{Type: spec.TypeDropout, Rate: 0.25},
			{Type: spec.TypeDense, Units: 10},
			{Type: spec.TypeSoftmax},
		},
		Optimizer:       spec.Optimizer{Name: spec.OptSGD, LearningRate: 0.05, Momentum: 0.9, Nesterov: true, WeightDecay: 1e-4},
		Loss:            spec.LossCategoricalCrossentropy,
		BatchSize:       128,
		Epochs:          3,
		Seed:            42,
		Dataset:         spec.DatasetMNIST,
		ValidationSplit: 0.1,
	}
	logits := spec.Model{
		Input:     []int{2},
		Layers:    []spec.Layer{spec.Dense(8, spec.ActTanh), spec.Dense(3, "")},
		Optimizer: spec.Optimizer{Name: spec.OptRMSProp, LearningRate: 0.01, Rho: 0.9, Epsilon: 1e-7},
		Loss:      spec.LossSparseCategoricalCrossentropy, FromLogits: true,
		BatchSize: 10, Epochs: 20, Seed: -5, Dataset: spec.DatasetSpiral,
	}
	mse := spec.Model{
		Input:     []int{7},
		Layers:    []spec.Layer{spec.Dense(4, spec.ActSigmoid), spec.Dense(2, spec.ActSigmoid)},
		Optimizer: spec.Optimizer{Name: spec.OptAdagrad, LearningRate: 0.1, Epsilon: 1e-7},
		Loss:      spec.LossMeanSquaredError,
		BatchSize: 1, Epochs: 1, Dataset: spec.DatasetXOR,
	}
	regression := spec.TableMLP(spec.DatasetCars, spec.Data{
		Name: "cars", Kind: spec.KindTable, Task: spec.TaskRegression, Shape: []int{3}, Target: "Miles_per_Gallon",
		Columns: []spec.Column{{Name: "Horsepower", Kind: spec.ColumnNumeric, Fill: "104.5"}, {Name: "Origin", Kind: spec.ColumnCategorical, Categories: []string{"USA", "Japan"}}},
		Scaling: spec.ScalingMinMax, Offset: []float64{46, 0, 0}, Scale: []float64{184, 1, 1}, TargetOffset: 23.5, TargetScale: 7.8,
	})
	regression.Loss = spec.LossHuber
	mae := regression
	mae.Loss = spec.LossMeanAbsoluteError
	for _, s := range []spec.Model{spec.Seed(), every, logits, mse, regression, mae} {
		m := mustBuild(t, s)
		if got := m.Spec(); !reflect.DeepEqual(got, s) {
			t.Errorf("Build(s).Spec():\n got %+v\nwant %+v", got, s)
		}
	}
}

// TestBuildSeedsWeights: the seed fixes the initial weights; each layer
// draws from its own stream, so a Dropout added in front of a Dense layer
// leaves that layer's initial kernel alone.
func TestBuildSeedsWeights(t *testing.T) {
	a, b := mustBuild(t, spec.Seed()), mustBuild(t, spec.Seed())
	if !sameBits(weights(a), weights(b)) {
		t.Error("two builds of the seed spec have different weights")
	}
	s := spec.Seed()
	s.Seed = 2
	if sameBits(weights(a), weights(mustBuild(t, s))) {
		t.Error("seeds 1 and 2 built the same weights")
	}
	for _, p := range a.Params() {
		if p.Name == "bias" && p.Value.Float32s()[0] != 0 {
			t.Error("biases should start at zero")
		}
	}
}

func TestBuildRejects(t *testing.T) {
	s := spec.Seed()
	s.Layers[1].Units = 0
	_, err := Build(s)
	var se *spec.Error
	if !errors.As(err, &se) || err.Error() != "layer 2 (Dense): units must be between 1 and 4096, got 0" {
		t.Errorf("Build with 0 units: %v", err)
	}
	s = spec.Seed()
	s.Optimizer.Epsilon = 0
	if _, err := Build(s); err == nil || !strings.Contains(err.Error(), "epsilon") {
		t.Errorf("Build with epsilon 0: %v", err)
	}
}

func TestSummary(t *testing.T) {
	want := `Model: "sequential"
____________________________________________________________________
Layer (type)                   Output Shape                  Param #
====================================================================
dense (Dense)                  (None, 128)                   100,480
dense_1 (Dense)                (None, 64)                      8,256
dense_2 (Dense)                (None, 10)                        650
====================================================================
Total params: 109,386 (427.29 KB)
Trainable params: 109,386 (427.29 KB)
Non-trainable params: 0 (0 B)
____________________________________________________________________
`
	if got := mustBuild(t, spec.Seed()).Summary(); got != want {
		t.Errorf("Summary():\n%s\nwant\n%s", got, want)
	}

	s := spec.Seed()
	s.Input = []int{28, 28}
	s.Layers = append([]spec.Layer{{Type: spec.TypeFlatten}}, s.Layers...)
	s.Layers[1].Frozen = true
	want = `Model: "sequential"
________________________________________________________________________________
Layer (type)                   Output Shape                  Param #   Trainable
================================================================================
flatten (Flatten)              (None, 784)                         0   Y
dense (Dense)                  (None, 128)                   100,480   N
dense_1 (Dense)                (None, 64)                      8,256   Y
dense_2 (Dense)                (None, 10)                        650   Y
================================================================================
Total params: 109,386 (427.29 KB)
Trainable params: 8,906 (34.79 KB)
Non-trainable params: 100,480 (392.50 KB)
________________________________________________________________________________
`
	if got := mustBuild(t, s).Summary(); got != want {
		t.Errorf("Summary() with a frozen layer:\n%s\nwant\n%s", got, want)
	}
}

// TestTrainBatchFollowsTheGradient checks the whole training step against
// finite differences: with plain SGD at learning rate 1, one TrainBatch
// moves every weight by −dL/dw, where dL/dw is measured by nudging that
// weight and re-evaluating the loss. The model ends in softmax, so the
// step runs through the fused softmax + cross-entropy; a second step
// checks that gradients are cleared between batches.
func TestTrainBatchFollowsTheGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	m := NewSequential([]int{4},
		NewDense(4, 5, spec.ActTanh, "", rng),
		NewDense(5, 3, spec.ActSoftmax, "", rng))
	m.Compile(NewSGD(1, 0, false), &SparseCategoricalCrossentropy{})
	x := tensor.New(tensor.WithShape(6, 4), tensor.WithBacking([]float32{
		0.5, -1, 0.25, 2, -0.5, 0.75, 1, -1.5, 1.25, 0.1, -0.3, 0.6,
		-2, 0.4, 0.9, -0.2, 0.3, 0.3, -0.7, 1.1, 0.8, -0.6, 0.2, -1.2}))
	y := tensor.New(tensor.WithShape(6), tensor.WithBacking([]float32{0, 2, 1, 1, 0, 2}))
	loss := func() float64 {
		ev, err := m.Evaluate(x, y)
		if err != nil {
			t.Fatal(err)
		}
		return ev.Loss
	}
	for step := 1; step <= 2; step++ {
		var numeric [][]float64
		for _, p := range m.Params() {
			w := p.Value.Float32s()
			g := make([]float64, len(w))
			for i := range w {
				const h = 1e-2
				old := w[i]
				w[i] = old + h
				up := loss()
				w[i] = old - h
				down := loss()
				w[i] = old
				g[i] = (up - down) / (2 * h)
			}
			numeric = append(numeric, g)
		}
		before := weights(m)
		if _, err := m.TrainBatch(x, y); err != nil {
			t.Fatal(err)
		}
		after := weights(m)
		for pi, g := range numeric {
			for i, want := range g {
				got := float64(before[pi][i] - after[pi][i])
				if math.Abs(got-want) > 2e-3+1e-2*math.Abs(want) {
					t.Errorf("step %d, %s %d: moved by %.5f, −dL/dw is %.5f", step, m.Params()[pi].Name, i, got, want)
				}
			}
		}
	}
}

// TestFusedSoftmaxLoss: a model ending in softmax trains through the fused
// softmax + cross-entropy, which is exact where the probabilities round to
// 0: a wrong prediction by a logit margin of 1000 costs a loss of 1000, not
// the clipped −log(1e−7) ≈ 16.1 of a separate softmax.
func TestFusedSoftmaxLoss(t *testing.T) {
	d := NewDense(1, 2, spec.ActSoftmax, "", rand.New(rand.NewPCG(1, 1)))
	copy(d.Kernel.Value.Float32s(), []float32{1000, 0}) // logits (1000, 0) for x = 1
	m := NewSequential([]int{1}, d)
	m.Compile(NewSGD(1e-6, 0, false), &SparseCategoricalCrossentropy{})
	x := tensor.New(tensor.WithShape(1, 1), tensor.WithBacking([]float32{1}))
	y := tensor.New(tensor.WithShape(1), tensor.WithBacking([]float32{1}))
	ev, err := m.Evaluate(x, y)
	if err != nil {
		t.Fatal(err)
	}
	loss, err := m.TrainBatch(x, y)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(loss-1000) > 1e-3 || math.Abs(ev.Loss-1000) > 1e-3 {
		t.Errorf("TrainBatch loss %v, Evaluate loss %v, want 1000", loss, ev.Loss)
	}
	if p := m.Predict(x).Float32s(); p[0] != 1 || p[1] != 0 {
		t.Errorf("Predict gives %v, want the probabilities (1, 0)", p)
	}
}

// TestEvaluatePredict: Evaluate's accuracy and confusion agree with the
// argmax of Predict, for sparse and one-hot targets, across chunks.
func TestEvaluatePredict(t *testing.T) {
	train, _ := loadMNIST(t)
	set := train.Slice(0, chunkSize+300) // more than one chunk
	x, y := set.Tensors()
	s := smallSpec(5)
	m := mustBuild(t, s)
	if _, err := m.Fit(x, y, FitConfigFor(s)); err != nil {
		t.Fatal(err)
	}
	p := m.Predict(x)
	if got := p.Shape(); !got.Eq(tensor.Shape{set.Len(), 10}) {
		t.Fatalf("Predict shape %v", got)
	}
	correct, probs := 0, p.Float32s()
	for i, label := range set.Labels {
		row := probs[i*10 : (i+1)*10]
		var sum float64
		for _, v := range row {
			sum += float64(v)
		}
		if math.Abs(sum-1) > 1e-5 {
			t.Fatalf("example %d: probabilities sum to %v", i, sum)
		}
		if rowClass(row) == label {
			correct++
		}
	}
	ev, err := m.Evaluate(x, y)
	if err != nil {
		t.Fatal(err)
	}
	want := float64(correct) / float64(set.Len())
	if ev.Accuracy != want || ev.Confusion.Total() != set.Len() || ev.Confusion.Accuracy() != want {
		t.Errorf("Evaluate accuracy %v, confusion %d/%v; from Predict %v", ev.Accuracy, ev.Confusion.Total(), ev.Confusion.Accuracy(), want)
	}
	oneHot, _ := OneHot(y, 10)
	m.Compile(m.Optimizer(), &CategoricalCrossentropy{})
	ev2, err := m.Evaluate(x, oneHot)
	if err != nil {
		t.Fatal(err)
	}
	if ev2.Accuracy != ev.Accuracy || math.Abs(ev2.Loss-ev.Loss) > 1e-9 {
		t.Errorf("one-hot targets: %v / %v, class indices: %v / %v", ev2.Loss, ev2.Accuracy, ev.Loss, ev.Accuracy)
	}
	if _, err := m.Evaluate(x, y); err == nil || !strings.Contains(err.Error(), "categorical_crossentropy: targets have shape (1324), want (1324, 10) like the predictions (class indices need sparse_categorical_crossentropy, or OneHot)") {
		t.Errorf("class indices for categorical_crossentropy: %v", err)
	}
	if err := m.CheckInput(tensor.New(tensor.WithShape(2, 3), tensor.Of(tensor.Float32))); err == nil {
		t.Error("CheckInput accepted shape (2, 3) for a 784-input model")
	}
}

// TestBuildDenseLeakyAlpha: a Dense leaky_relu's alpha from the spec is the
// slope the layer uses for negative inputs; 0 means the default slope.
func TestBuildDenseLeakyAlpha(t *testing.T) {
	for _, c := range []struct{ alpha, want float64 }{{0.1, 0.1}, {0, DenseLeakyReLUAlpha}} {
		s := spec.Model{
			Input:     []int{2},
			Layers:    []spec.Layer{{Type: spec.TypeDense, Units: 1, Activation: spec.ActLeakyReLU, Alpha: c.alpha}, spec.Dense(2, spec.ActSoftmax)},
			Optimizer: spec.Adam(0.001), Loss: spec.LossSparseCategoricalCrossentropy,
			BatchSize: 1, Epochs: 1, Dataset: spec.DatasetCircle,
		}
		d := mustBuild(t, s).Layers()[0].(*Dense)
		copy(floats(d.Kernel.Value), []float32{1, 1})
		x := newTensor(1, 2)
		copy(floats(x), []float32{-1, -1})
		if got := floats(d.Forward(x, false))[0]; math.Abs(float64(got)+2*c.want) > 1e-6 {
			t.Errorf("alpha %g: Dense(leaky_relu) of -2 = %g, want %g", c.alpha, got, -2*c.want)
		}
	}
}
