package trainer

import (
	"fmt"
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
	want := []string{
		"0 Dense 784→128 relu",
		"1 Dense 128→64 relu",
		"2 Dense 64→10 linear",
	}
	if !slices.Equal(describeOps(p.Ops), want) || p.Input != 784 || p.Classes != 10 || !slices.Equal(p.Params(), []int{0, 1, 2}) {
		t.Errorf("seed plan: input %d classes %d ops %+v params %v; want 784, 10, %+v, [0 1 2]", p.Input, p.Classes, describeOps(p.Ops), p.Params(), want)
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
	want = []string{
		"1 Dense 784→30 tanh",
		"3 Dense 30→20 sigmoid frozen",
		"4 activation 20→20 relu",
		"5 Dense 20→10 linear",
	}
	if !slices.Equal(describeOps(p.Ops), want) || p.Input != 784 || p.Classes != 10 {
		t.Errorf("mixed plan: %q; want %q", describeOps(p.Ops), want)
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
	want = []string{
		"0 Dense 784→30 leaky_relu α=0.2",
		"1 Dense 30→20 leaky_relu α=0.05",
		"2 activation 20→20 leaky_relu α=0.1",
		"3 Dense 20→16 leaky_relu α=0.3",
		"5 Dense 16→10 linear",
	}
	if !slices.Equal(describeOps(p.Ops), want) {
		t.Errorf("leaky plan: %q; want %q", describeOps(p.Ops), want)
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
	want = []string{
		"0 Dropout 784→784 linear",
		"1 Dense 784→30 linear",
		"2 Dropout 30→30 linear",
		"3 activation 30→30 relu",
		"5 Dense 30→10 linear",
	}
	if !slices.Equal(describeOps(p.Ops), want) || !slices.Equal(p.Dropouts(), []int{0, 2}) || !slices.Equal(p.Params(), []int{1, 4}) {
		t.Errorf("dropout plan: %+v, dropouts %v, params %v; want %+v, [0 2], [1 4]", describeOps(p.Ops), p.Dropouts(), p.Params(), want)
	}

	logits := spec.Seed()
	logits.FromLogits = true
	logits.Layers[2].Activation = ""
	if _, err := PlanGPU(logits); err != nil {
		t.Errorf("logits with from_logits: %v", err)
	}
}

// describeOps writes each op as "layer kind in→out act", with the
// slope of a leaky ReLU and "frozen" where they apply.
func describeOps(ops []GPUOp) []string {
	var ds []string
	for _, op := range ops {
		d := fmt.Sprintf("%d %v %d→%d %s", op.Layer, op.Kind, op.In, op.Out, op.Act)
		if op.Alpha != 0 {
			d += fmt.Sprintf(" α=%g", op.Alpha)
		}
		if op.Frozen {
			d += " frozen"
		}
		ds = append(ds, d)
	}
	return ds
}

// TestPlanGPUCNN: LeNet is its Conv2D and MaxPool2D ops with their
// windows as the CPU layers work them out (padding same then valid), the
// Flatten between 4-aligned layouts, and the Dense ops; a model with a
// Reshape of the input, BatchNormalization, strides, average pooling and
// a global average pool gets their ops, shapes and params too.
func TestPlanGPUCNN(t *testing.T) {
	p, err := PlanGPU(spec.LeNet())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"0 Conv2D 784→4704 relu", "1 MaxPool2D 4704→1176 linear", "2 Conv2D 1176→1600 relu", "3 MaxPool2D 1600→400 linear",
		"4 reshape 400→400 linear", "5 Dense 400→120 relu", "6 Dense 120→84 relu", "7 Dense 84→10 linear",
	}
	if !slices.Equal(describeOps(p.Ops), want) || !slices.Equal(p.Params(), []int{0, 2, 5, 6, 7}) {
		t.Errorf("LeNet plan: %q, params %v; want %q, [0 2 5 6 7]", describeOps(p.Ops), p.Params(), want)
	}
	same := kernels.NewConvGeometry(28, 28, 1, 5, 5, 1, 1, true)
	if g := p.Ops[0].Geom; g != same || g.PadTop != 2 || g.OutH != 28 {
		t.Errorf("LeNet conv 1: %+v; want %+v (padding 2, 28×28 out)", g, same)
	}
	if g := p.Ops[2].Geom; g != kernels.NewConvGeometry(14, 14, 6, 5, 5, 1, 1, false) || g.OutH != 10 {
		t.Errorf("LeNet conv 2: %+v; want valid 10×10 out", g)
	}
	if g := p.Ops[1].Geom; g.KH != 2 || g.SH != 2 || g.OutH != 14 {
		t.Errorf("LeNet pool 1: %+v; want 2×2, stride 2, 14×14 out", g)
	}
	if ps := p.Ops[2].Params(); !slices.Equal(ps, []GPUParam{{150, 16, true}, {1, 16, true}}) {
		t.Errorf("LeNet conv 2 params %v; want a 150×16 kernel and 16 biases", ps)
	}

	m := spec.LeNet()
	m.Input = []int{784}
	conv := spec.Conv2D(8, 3, spec.ActLinear)
	conv.Strides = []int{2, 2}
	bn := spec.BatchNormalization()
	bn.Frozen = true
	m.Layers = []spec.Layer{
		spec.Reshape(28, 28, 1), conv, {Type: spec.TypeReLU}, spec.BatchNormalization(),
		{Type: spec.TypeAveragePooling2D, PoolSize: []int{3, 3}, Strides: []int{1, 1}, Padding: spec.PaddingSame},
		{Type: spec.TypeGlobalAveragePooling2D}, bn, spec.Reshape(2, 4), {Type: spec.TypeFlatten}, spec.Dense(10, spec.ActSoftmax),
	}
	p, err = PlanGPU(m)
	if err != nil {
		t.Fatal(err)
	}
	want = []string{
		"1 Conv2D 784→1352 relu", "3 BatchNormalization 1352→1352 linear", "4 AveragePooling2D 1352→1352 linear",
		"5 GlobalAveragePooling2D 1352→8 linear", "6 BatchNormalization 8→8 linear frozen", "7 reshape 8→8 linear", "8 reshape 8→8 linear",
		"9 Dense 8→10 linear",
	}
	if !slices.Equal(describeOps(p.Ops), want) || !slices.Equal(p.InputShape, []int{28, 28, 1}) || p.Input != 784 {
		t.Errorf("strided plan: %q, input %v; want %q, input (28, 28, 1)", describeOps(p.Ops), p.InputShape, want)
	}
	if g := p.Ops[0].Geom; g.OutH != 13 || g.SH != 2 {
		t.Errorf("strided conv: %+v; want stride 2, 13×13 out", g)
	}
	if g := p.Ops[3].Geom; g.KH != 13 || g.KW != 13 || g.OutH != 1 {
		t.Errorf("global pool: %+v; want one 13×13 window", g)
	}
	if ps := p.Ops[4].Params(); !slices.Equal(ps, []GPUParam{{1, 8, false}, {1, 8, false}, {1, 8, false}, {1, 8, false}}) || p.Ops[1].Params()[2].Trainable {
		t.Errorf("batch norm params %v, %v; want γ, β and the moving statistics, none trained when frozen, the moving ones never", ps, p.Ops[1].Params())
	}
	if rows, cols := Layout(p.Ops[5].OutShape); rows != 2 || cols != 4 {
		t.Errorf("reshape (2, 4) stored as %d×%d; want 2×4", rows, cols)
	}
}

// TestPlanGPUWithoutBias: a Conv2D and a Dense without use_bias run on
// the GPU as ops whose only param is the kernel, in the order
// nn.Sequential.Params lists the model's.
func TestPlanGPUWithoutBias(t *testing.T) {
	s := spec.LeNet()
	s.Layers[2] = spec.NoBias(s.Layers[2])
	s.Layers[5] = spec.NoBias(s.Layers[5])
	p, err := PlanGPU(s)
	if err != nil {
		t.Fatal(err)
	}
	if ps := p.Ops[2].Params(); !p.Ops[2].NoBias || !slices.Equal(ps, []GPUParam{{150, 16, true}}) {
		t.Errorf("conv 2 without bias: %v; want the 150×16 kernel alone", ps)
	}
	if ps := p.Ops[5].Params(); !p.Ops[5].NoBias || !slices.Equal(ps, []GPUParam{{400, 120, true}}) {
		t.Errorf("dense 1 without bias: %v; want the 400×120 kernel alone", ps)
	}
	if p.Ops[0].NoBias || len(p.Ops[6].Params()) != 2 {
		t.Error("layers with a bias lost it")
	}
	m, err := nn.Build(s)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, i := range p.Params() {
		n += len(p.Ops[i].Params())
	}
	if n != len(m.Params()) {
		t.Errorf("the plan holds %d params, the model %d", n, len(m.Params()))
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
		{"recurrent", func(m *spec.Model) { *m = spec.RowByRowRNN() }, "WebGPU does not run LSTM layers (layer 2)"},
		{"softmax conv", func(m *spec.Model) {
			*m = spec.LeNet()
			m.Layers[0].Activation = spec.ActSoftmax
		}, "WebGPU runs Conv2D activations linear, relu, leaky_relu, sigmoid and tanh; layer 1 uses softmax"},
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
