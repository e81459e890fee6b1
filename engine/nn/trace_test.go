package nn

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/spec"
)

// tinySpec is 3 inputs → Dense 4 relu → Dense 3 softmax, small enough to
// follow by hand.
func tinySpec(opt spec.Optimizer) spec.Model {
	return spec.Model{
		Input:     []int{3},
		Layers:    []spec.Layer{spec.Dense(4, spec.ActReLU), spec.Dense(3, spec.ActSoftmax)},
		Optimizer: opt,
		Loss:      spec.LossSparseCategoricalCrossentropy,
		BatchSize: 4, Epochs: 1, Seed: 5, Dataset: spec.DatasetSpiral,
	}
}

// traceBatch is n random examples of size width with labels below k.
func traceBatch(rng *rand.Rand, n, width, k int) (x, y *tensor.Dense) {
	x = randTensor(rng, -1, 1, n, width)
	y = newTensor(n)
	for i := range floats(y) {
		floats(y)[i] = float32(rng.IntN(k))
	}
	return x, y
}

// bits returns v's float32 bit patterns, for exact comparisons.
func bitsOf(v []float32) []uint32 {
	b := make([]uint32, len(v))
	for i, x := range v {
		b[i] = math.Float32bits(x)
	}
	return b
}

func sameFloats(a, b []float32) bool {
	return sameBits([][]float32{a}, [][]float32{b})
}

// near reports |got − want| ≤ 1e-5·(1 + |want|) for every element.
func near(t *testing.T, what string, got []float32, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		if math.Abs(float64(got[i])-want[i]) > 1e-5*(1+math.Abs(want[i])) {
			t.Errorf("%s[%d] = %.7g, want %.7g", what, i, got[i], want[i])
		}
	}
}

// TestTraceMatchesHandComputation follows one example through the tiny
// model by hand in float64 and compares every number of the trace, then
// takes the real step and compares it with the trace's preview.
func TestTraceMatchesHandComputation(t *testing.T) {
	m := mustBuild(t, tinySpec(spec.Adam(0.05)))
	rng := rand.New(rand.NewPCG(3, 3))
	bx, by := traceBatch(rng, 4, 3, 3)
	for range 3 { // some Adam state, so the preview has moments to respect
		if _, err := m.TrainBatch(bx, by); err != nil {
			t.Fatal(err)
		}
	}
	x := tensor.New(tensor.WithShape(1, 3), tensor.WithBacking([]float32{0.7, -0.4, 0.25}))
	y := tensor.New(tensor.WithShape(1), tensor.WithBacking([]float32{2}))
	tr, err := m.Trace(x, y)
	if err != nil {
		t.Fatal(err)
	}

	// By hand: h = relu(x·W1 + b1), z = h·W2 + b2, p = softmax(z).
	d1, d2 := m.Layers()[0].(*Dense), m.Layers()[1].(*Dense)
	w1, b1, w2, b2 := floats(d1.Kernel.Value), floats(d1.Bias.Value), floats(d2.Kernel.Value), floats(d2.Bias.Value)
	xs := []float64{0.7, -0.4, 0.25}
	pre, h := make([]float64, 4), make([]float64, 4)
	for j := range 4 {
		pre[j] = float64(b1[j])
		for i := range 3 {
			pre[j] += xs[i] * float64(w1[i*4+j])
		}
		h[j] = max(pre[j], 0)
	}
	z, p := make([]float64, 3), make([]float64, 3)
	var sum float64
	for k := range 3 {
		z[k] = float64(b2[k])
		for j := range 4 {
			z[k] += h[j] * float64(w2[j*3+k])
		}
		sum += math.Exp(z[k])
	}
	for k := range 3 {
		p[k] = math.Exp(z[k]) / sum
	}
	loss := -math.Log(p[2])
	// Backward: dz = p − onehot(2); dW2 = hᵀ·dz; dh = dz·W2ᵀ; dpre = dh where pre > 0.
	dz := []float64{p[0], p[1], p[2] - 1}
	dW2, dh := make([]float64, 12), make([]float64, 4)
	for j := range 4 {
		for k := range 3 {
			dW2[j*3+k] = h[j] * dz[k]
			dh[j] += dz[k] * float64(w2[j*3+k])
		}
	}
	dpre, dW1, dx := make([]float64, 4), make([]float64, 12), make([]float64, 3)
	for j := range 4 {
		if pre[j] > 0 {
			dpre[j] = dh[j]
		}
		for i := range 3 {
			dW1[i*4+j] = xs[i] * dpre[j]
			dx[i] += dpre[j] * float64(w1[i*4+j])
		}
	}

	if len(tr.Layers) != 2 || tr.Layers[0].Type != spec.TypeDense {
		t.Fatalf("%d layers, first %q", len(tr.Layers), tr.Layers[0].Type)
	}
	near(t, "layer 0 output", floats(tr.Layers[0].Output), h)
	near(t, "layer 1 output", floats(tr.Layers[1].Output), p)
	near(t, "logits", tr.Softmax.Logits, z)
	near(t, "probs", tr.Softmax.Probs, p)
	if math.Abs(tr.Loss-loss) > 1e-6 || math.Abs(tr.Softmax.CrossEntropy-loss) > 1e-6 {
		t.Errorf("loss %v, cross-entropy %v; want %v", tr.Loss, tr.Softmax.CrossEntropy, loss)
	}
	near(t, "dL/dz", floats(tr.Layers[1].DOutput), dz)
	near(t, "softmax grad", tr.Softmax.Grad, dz)
	near(t, "dL/dh", floats(tr.Layers[0].DOutput), dh)
	near(t, "dL/dx", floats(tr.Layers[0].DInput), dx)
	near(t, "dL/dW2", floats(tr.Layers[1].Params[0].Grad), dW2)
	near(t, "dL/db2", floats(tr.Layers[1].Params[1].Grad), dz)
	near(t, "dL/dW1", floats(tr.Layers[0].Params[0].Grad), dW1)
	near(t, "dL/db1", floats(tr.Layers[0].Params[1].Grad), dpre)

	// The softmax parts fit together: p = Exp/Sum, shift = max z, label 2.
	s := tr.Softmax
	if !s.Fused || s.Label != 2 || s.Shift != float64(max(s.Logits[0], s.Logits[1], s.Logits[2])) {
		t.Errorf("fused %v, label %d, shift %v", s.Fused, s.Label, s.Shift)
	}
	for k := range 3 {
		if math.Abs(s.Exp[k]/s.Sum-p[k]) > 1e-6 {
			t.Errorf("Exp[%d]/Sum = %v, want %v", k, s.Exp[k]/s.Sum, p[k])
		}
	}
	// Grad is exactly what backprop carried into the last layer.
	if !sameFloats(s.Grad, floats(tr.Layers[1].DOutput)) {
		t.Errorf("softmax grad %v differs from the last layer's dL/dz %v", s.Grad, floats(tr.Layers[1].DOutput))
	}
	// The output is Predict's, bit for bit.
	pred := floats(m.Predict(x))
	if !sameFloats(pred, s.Probs) || !sameFloats(pred, floats(tr.Layers[1].Output)) {
		t.Errorf("trace probabilities %v; Predict gives %v", s.Probs, pred)
	}

	// The preview is the step: training on this one example (no dropout,
	// so training and inference agree) gives exactly the trace's After.
	if _, err := m.TrainBatch(x, y); err != nil {
		t.Fatal(err)
	}
	for li, l := range m.Layers() {
		for pi, par := range l.Params() {
			pt := tr.Layers[li].Params[pi]
			if !sameFloats(floats(par.Value), floats(pt.After)) {
				t.Errorf("layer %d %s after the step: %v; the trace previewed %v", li, pt.Name, floats(par.Value), floats(pt.After))
			}
			for e, u := range floats(pt.Update) {
				if u != floats(pt.After)[e]-floats(pt.Before)[e] {
					t.Errorf("layer %d %s[%d]: update %v is not After − Before", li, pt.Name, e, u)
				}
			}
		}
	}
}

// modelState is everything a trace must not change: weights, grads and
// the optimizer's moments, as bits.
func modelState(m *Sequential) [][]uint32 {
	var s [][]uint32
	for _, p := range m.Params() {
		s = append(s, bitsOf(floats(p.Value)), bitsOf(floats(p.Grad)))
	}
	if a, ok := m.Optimizer().(*Adam); ok {
		for _, p := range m.Params() {
			if st := a.state[p]; st != nil {
				s = append(s, bitsOf(st.m), bitsOf(st.v), []uint32{uint32(st.t)})
			}
		}
	}
	return s
}

func sameState(a, b [][]uint32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			if a[i][j] != b[i][j] {
				return false
			}
		}
	}
	return true
}

// TestTraceLeavesModelAlone: weights, grads and Adam's state are the same
// bits after a trace and a gradient check, and training goes on exactly as
// in a twin model that was never traced (so dropout's generator and
// everything else hidden is untouched too).
func TestTraceLeavesModelAlone(t *testing.T) {
	s := smallSpec(11)
	a, b := mustBuild(t, s), mustBuild(t, s)
	rng := rand.New(rand.NewPCG(4, 4))
	x, y := traceBatch(rng, 32, 784, 10)
	x1 := tensor.New(tensor.WithShape(1, 784), tensor.WithBacking(append([]float32(nil), floats(x)[:784]...)))
	y1 := tensor.New(tensor.WithShape(1), tensor.WithBacking([]float32{floats(y)[0]}))
	for _, m := range []*Sequential{a, b} {
		if _, err := m.TrainBatch(x, y); err != nil {
			t.Fatal(err)
		}
	}
	before := modelState(a)
	tr, err := a.Trace(x1, y1)
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Layers) != 3 || tr.Layers[1].Type != spec.TypeDropout {
		t.Fatalf("trace layers %d", len(tr.Layers))
	}
	if _, err := GradientCheck(a, x1, y1, []ParamIndex{{Layer: 0, Param: "kernel", Index: 5}, {Layer: 2, Param: "bias", Index: 3}}, 0); err != nil {
		t.Fatal(err)
	}
	if !sameState(before, modelState(a)) {
		t.Fatal("the trace or the gradient check changed the model's weights, grads or Adam state")
	}
	for range 3 {
		la, errA := a.TrainBatch(x, y)
		lb, errB := b.TrainBatch(x, y)
		if errA != nil || errB != nil || la != lb {
			t.Fatalf("losses %v, %v (%v, %v)", la, lb, errA, errB)
		}
	}
	if !sameBits(weights(a), weights(b)) {
		t.Error("after a trace, training gives different weights from the untraced twin")
	}
}

// TestTraceSoftmaxForms covers a model whose loss reads logits and one
// whose softmax output meets mean squared error (no fusion).
func TestTraceSoftmaxForms(t *testing.T) {
	x := tensor.New(tensor.WithShape(1, 3), tensor.WithBacking([]float32{0.3, 0.9, -0.5}))
	y := tensor.New(tensor.WithShape(1), tensor.WithBacking([]float32{1}))

	logits := tinySpec(spec.Adam(0.01))
	logits.Layers[1].Activation = spec.ActLinear
	logits.FromLogits = true
	m := mustBuild(t, logits)
	tr, err := m.Trace(x, y)
	if err != nil {
		t.Fatal(err)
	}
	out := floats(m.Predict(x))
	if tr.Softmax == nil || tr.Softmax.Fused || !sameFloats(tr.Softmax.Logits, out) {
		t.Fatalf("from logits: softmax %+v; the model outputs %v", tr.Softmax, out)
	}
	if math.Abs(tr.Loss-tr.Softmax.CrossEntropy) > 1e-12 || !sameFloats(tr.Softmax.Grad, floats(tr.Layers[1].DOutput)) {
		t.Errorf("from logits: loss %v vs cross-entropy %v; grad %v vs dL/dz %v", tr.Loss, tr.Softmax.CrossEntropy, tr.Softmax.Grad, floats(tr.Layers[1].DOutput))
	}

	mse := tinySpec(spec.Optimizer{Name: spec.OptSGD, LearningRate: 0.1})
	mse.Loss = spec.LossMeanSquaredError
	m = mustBuild(t, mse)
	onehot := tensor.New(tensor.WithShape(1, 3), tensor.WithBacking([]float32{0, 1, 0}))
	tr, err = m.Trace(x, onehot)
	if err != nil {
		t.Fatal(err)
	}
	p := floats(m.Predict(x))
	if tr.Softmax == nil || tr.Softmax.Fused || tr.Softmax.Label != 1 || !sameFloats(tr.Softmax.Probs, p) || !sameFloats(floats(tr.Layers[1].Output), p) {
		t.Fatalf("mse: softmax %+v; Predict %v", tr.Softmax, p)
	}
	// MSE's dL/dp = 2(p − t)/K, what the last layer was given.
	want := make([]float64, 3)
	for k := range 3 {
		want[k] = 2 * (float64(p[k]) - float64(floats(onehot)[k])) / 3
	}
	near(t, "mse dL/dp", floats(tr.Layers[1].DOutput), want)
}

func TestTraceRejects(t *testing.T) {
	m := mustBuild(t, tinySpec(spec.Adam(0.01)))
	x2, y2 := traceBatch(rand.New(rand.NewPCG(1, 1)), 2, 3, 3)
	if _, err := m.Trace(x2, y2); err == nil || err.Error() != "trace: follows one example; got a batch of 2" {
		t.Errorf("two examples: %v", err)
	}
	x := tensor.New(tensor.WithShape(1, 3), tensor.WithBacking([]float32{1, 2, 3}))
	bad := tensor.New(tensor.WithShape(1), tensor.WithBacking([]float32{7}))
	if _, err := m.Trace(x, bad); err == nil || !strings.Contains(err.Error(), "target 0 is 7") {
		t.Errorf("label 7 of 3 classes: %v", err)
	}
	wide := tensor.New(tensor.WithShape(1, 4), tensor.WithBacking([]float32{1, 2, 3, 4}))
	if _, err := m.Trace(wide, bad); err == nil || !strings.Contains(err.Error(), "inputs have shape") {
		t.Errorf("4 inputs to a 3-input model: %v", err)
	}
}

func TestActivationsEndInPredict(t *testing.T) {
	m := mustBuild(t, smallSpec(2))
	x, _ := traceBatch(rand.New(rand.NewPCG(2, 2)), 5, 784, 10)
	acts, err := m.Activations(x)
	if err != nil {
		t.Fatal(err)
	}
	if len(acts) != 3 || !acts[0].Shape().Eq(tensor.Shape{5, 32}) {
		t.Fatalf("%d activations, first %v", len(acts), acts[0].Shape())
	}
	if !sameFloats(floats(acts[2]), floats(m.Predict(x))) {
		t.Error("the last activation differs from Predict")
	}
	if !sameFloats(floats(acts[1]), floats(acts[0])) {
		t.Error("Dropout at inference should pass its input on")
	}
	if _, err := m.Activations(newTensor(2, 3)); err == nil {
		t.Error("3 inputs to a 784-input model: no error")
	}
}

// TestTraceOfACNN: the trace works through image layers too (Conv2D,
// BatchNormalization, pooling, Flatten): its output is Predict's, it
// leaves the model alone, and the gradient check agrees with its grads.
// (Smooth layers only: tanh and average pooling. With ReLU and max
// pooling a kernel weight moves hundreds of outputs, some across a kink,
// and central differences stop measuring the slope.)
func TestTraceOfACNN(t *testing.T) {
	m := mustBuild(t, spec.Model{
		Input: []int{28, 28, 1},
		Layers: []spec.Layer{
			spec.Conv2D(4, 3, spec.ActTanh), spec.BatchNormalization(), spec.AveragePooling2D(2),
			{Type: spec.TypeFlatten}, spec.Dense(10, spec.ActSoftmax),
		},
		Optimizer: spec.Adam(0.01), Loss: spec.LossSparseCategoricalCrossentropy,
		BatchSize: 8, Epochs: 1, Seed: 2, Dataset: spec.DatasetMNIST,
	})
	bx, by := traceBatch(rand.New(rand.NewPCG(7, 7)), 8, 784, 10)
	if _, err := m.TrainBatch(bx, by); err != nil { // moves the BatchNormalization averages
		t.Fatal(err)
	}
	x, y := oneExample(4)
	before := modelState(m)
	tr, err := m.Trace(x, y)
	if err != nil {
		t.Fatal(err)
	}
	if !sameState(before, modelState(m)) {
		t.Fatal("the trace changed the model")
	}
	if got := tr.Layers[0].Output.Shape(); !got.Eq(tensor.Shape{1, 26, 26, 4}) {
		t.Errorf("conv output %v", got)
	}
	if !sameFloats(tr.Softmax.Probs, floats(m.Predict(x))) {
		t.Error("the CNN's trace differs from Predict")
	}
	bn := tr.Layers[1].Params
	if len(bn) != 4 || !bn[0].Trainable || bn[2].Trainable || bn[2].Name != "moving_mean" {
		t.Fatalf("BatchNormalization params %d", len(bn))
	}
	for _, u := range floats(bn[2].Update) {
		if u != 0 {
			t.Fatal("the moving mean has an update")
		}
	}
	picks := []ParamIndex{{Layer: 0, Param: "kernel", Index: 5}, {Layer: 0, Param: "bias", Index: 1}, {Layer: 1, Param: "gamma", Index: 2}, {Layer: 4, Param: "kernel", Index: 33}}
	res, err := GradientCheck(m, x, y, picks, 0)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		want := floats(tr.Layers[picks[i].Layer].Params[map[string]int{"kernel": 0, "bias": 1, "gamma": 0}[picks[i].Param]].Grad)[picks[i].Index]
		if r.Analytic != float64(want) || r.RelErr > 1e-2 {
			t.Errorf("%+v: analytic %v (trace %v), numeric %v, relative error %.3g", r.ParamIndex, r.Analytic, want, r.Numeric, r.RelErr)
		}
	}
}
