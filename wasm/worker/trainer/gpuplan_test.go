package trainer

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/nnplay/nnplay/engine/kernels"
	"github.com/nnplay/nnplay/engine/nn"
	"github.com/nnplay/nnplay/engine/spec"
)

// TestPlanGPUSeed: the seed MLP is three Dense ops whose last softmax is
// left to the loss; a linear Dense followed by an activation layer is one
// op, an activation after a Dense with its own is an op of its own, and
// Flatten runs nothing.
func TestPlanGPUSeed(t *testing.T) {
	p, err := PlanGPU(spec.Seed())
	if err != nil {
		t.Fatal(err)
	}
	want := []GPUOp{
		{Layer: 0, Dense: true, In: 784, Out: 128, Act: spec.ActReLU},
		{Layer: 1, Dense: true, In: 128, Out: 64, Act: spec.ActReLU},
		{Layer: 2, Dense: true, In: 64, Out: 10, Act: spec.ActLinear},
	}
	if !reflect.DeepEqual(p.Ops, want) || p.Input != 784 || p.Classes != 10 || !slices.Equal(p.Params(), []int{0, 1, 2}) {
		t.Errorf("seed plan: input %d classes %d ops %+v params %v; want 784, 10, %+v, [0 1 2]", p.Input, p.Classes, p.Ops, p.Params(), want)
	}

	m := spec.Seed()
	m.Input = []int{28, 28, 1}
	m.Layers = []spec.Layer{
		{Type: spec.TypeFlatten},
		{Type: spec.TypeDense, Units: 30},
		{Type: spec.TypeTanh},
		{Type: spec.TypeDense, Units: 20, Activation: spec.ActSigmoid, Frozen: true},
		{Type: spec.TypeReLU},
		{Type: spec.TypeDense, Units: 10},
		{Type: spec.TypeSoftmax},
	}
	p, err = PlanGPU(m)
	if err != nil {
		t.Fatal(err)
	}
	want = []GPUOp{
		{Layer: 1, Dense: true, In: 784, Out: 30, Act: spec.ActTanh},
		{Layer: 3, Dense: true, In: 30, Out: 20, Act: spec.ActSigmoid, Frozen: true},
		{Layer: 4, In: 20, Out: 20, Act: spec.ActReLU},
		{Layer: 5, Dense: true, In: 20, Out: 10, Act: spec.ActLinear},
	}
	if !reflect.DeepEqual(p.Ops, want) || p.Input != 784 || p.Classes != 10 {
		t.Errorf("mixed plan: %+v; want %+v", p.Ops, want)
	}

	// Leaky ReLU carries its slope: a Dense activation's (Keras' 0.2 when
	// the spec gives none) or the layer's.
	m.Input = []int{784}
	m.Layers = []spec.Layer{
		{Type: spec.TypeDense, Units: 30, Activation: spec.ActLeakyReLU},
		{Type: spec.TypeDense, Units: 20, Activation: spec.ActLeakyReLU, Alpha: 0.05},
		{Type: spec.TypeLeakyReLU, Alpha: 0.1},
		{Type: spec.TypeDense, Units: 16},
		{Type: spec.TypeLeakyReLU, Alpha: 0.3},
		{Type: spec.TypeDense, Units: 10, Activation: spec.ActSoftmax},
	}
	p, err = PlanGPU(m)
	if err != nil {
		t.Fatal(err)
	}
	want = []GPUOp{
		{Layer: 0, Dense: true, In: 784, Out: 30, Act: spec.ActLeakyReLU, Alpha: nn.DenseLeakyReLUAlpha},
		{Layer: 1, Dense: true, In: 30, Out: 20, Act: spec.ActLeakyReLU, Alpha: 0.05},
		{Layer: 2, In: 20, Out: 20, Act: spec.ActLeakyReLU, Alpha: 0.1},
		{Layer: 3, Dense: true, In: 20, Out: 16, Act: spec.ActLeakyReLU, Alpha: 0.3},
		{Layer: 5, Dense: true, In: 16, Out: 10, Act: spec.ActLinear},
	}
	if !reflect.DeepEqual(p.Ops, want) {
		t.Errorf("leaky plan: %+v; want %+v", p.Ops, want)
	}

	// Dropout is an op of its own (its masks come from the CPU), after
	// which an activation layer stands alone; rate 0 runs nothing.
	m.Layers = []spec.Layer{
		{Type: spec.TypeDropout, Rate: 0.1},
		{Type: spec.TypeDense, Units: 30},
		{Type: spec.TypeDropout, Rate: 0.5},
		{Type: spec.TypeReLU},
		{Type: spec.TypeDropout},
		{Type: spec.TypeDense, Units: 10, Activation: spec.ActSoftmax},
	}
	p, err = PlanGPU(m)
	if err != nil {
		t.Fatal(err)
	}
	want = []GPUOp{
		{Layer: 0, Dropout: true, In: 784, Out: 784, Act: spec.ActLinear},
		{Layer: 1, Dense: true, In: 784, Out: 30, Act: spec.ActLinear},
		{Layer: 2, Dropout: true, In: 30, Out: 30, Act: spec.ActLinear},
		{Layer: 3, In: 30, Out: 30, Act: spec.ActReLU},
		{Layer: 5, Dense: true, In: 30, Out: 10, Act: spec.ActLinear},
	}
	if !reflect.DeepEqual(p.Ops, want) || !slices.Equal(p.Dropouts(), []int{0, 2}) || !slices.Equal(p.Params(), []int{1, 4}) {
		t.Errorf("dropout plan: %+v, dropouts %v, params %v; want %+v, [0 2], [1 4]", p.Ops, p.Dropouts(), p.Params(), want)
	}

	logits := spec.Seed()
	logits.FromLogits = true
	logits.Layers[2].Activation = ""
	if _, err := PlanGPU(logits); err != nil {
		t.Errorf("logits with from_logits: %v", err)
	}
}

// TestPlanGPURefuses: every spec the GPU cannot train gets a reason that
// names what is in the way.
func TestPlanGPURefuses(t *testing.T) {
	cases := []struct {
		name string
		edit func(m *spec.Model)
		want string
	}{
		{"conv", func(m *spec.Model) { *m = spec.LeNet() }, "WebGPU runs Dense models only; layer 1 is Conv2D"},
		{"batch norm", func(m *spec.Model) {
			m.Layers = append([]spec.Layer{spec.BatchNormalization()}, m.Layers...)
		}, "WebGPU runs Dense models only; layer 1 is BatchNormalization"},
		{"softmax inside", func(m *spec.Model) { m.Layers[0].Activation = spec.ActSoftmax }, "layer 1 uses softmax"},
		{"mse", func(m *spec.Model) { m.Loss = spec.LossMeanSquaredError },
			"(sparse) categorical cross-entropy only, not mean_squared_error"},
		{"no softmax", func(m *spec.Model) { m.Layers[2].Activation = spec.ActReLU }, "WebGPU needs a model that ends in softmax"},
		{"softmax inside", func(m *spec.Model) {
			m.Layers = append([]spec.Layer{{Type: spec.TypeDense, Units: 10}, {Type: spec.TypeSoftmax}}, m.Layers...)
		}, "WebGPU runs softmax only as the last layer"},
	}
	for _, c := range cases {
		m := spec.Seed()
		c.edit(&m)
		if err := m.Validate(); err != nil && c.name != "no softmax" {
			t.Fatalf("%s: the spec itself is invalid: %v", c.name, err)
		}
		if _, err := PlanGPU(m); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v; want it to contain %q", c.name, err, c.want)
		}
	}
}

// TestAdamStepSizeMatchesEngine: the step size the GPU is given makes the
// engine's Adam kernel take nn.Adam's steps to the bit, for steps 1–5.
func TestAdamStepSizeMatchesEngine(t *testing.T) {
	p, err := PlanGPU(spec.Seed())
	if err != nil {
		t.Fatal(err)
	}
	o := p.Optimizer
	adam := nn.NewAdam(o.LearningRate)
	adam.Beta1, adam.Beta2, adam.Epsilon = o.Beta1, o.Beta2, o.Epsilon
	param := &nn.Param{Name: "kernel", Value: newVector(0.5, -1, 2), Grad: newVector(0.1, -0.3, 0.02)}
	w := []float32{0.5, -1, 2}
	m, v := make([]float32, 3), make([]float32, 3)
	for step := 1; step <= 5; step++ {
		adam.Step([]*nn.Param{param})
		kernels.Adam(w, param.Grad.Float32s(), m, v, p.AdamStepSize(o.LearningRate, step), float32(o.Beta1), float32(o.Beta2), float32(o.Epsilon), 0)
		if !slices.Equal(w, param.Value.Float32s()) {
			t.Fatalf("step %d: %v with the plan's step size; nn.Adam gives %v", step, w, param.Value.Float32s())
		}
	}
}
