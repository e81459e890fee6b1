package nn

import (
	"math"
	"strings"
	"testing"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/spec"
)

// optParam is a one-dimensional param holding w, with a zero gradient.
func optParam(decay bool, w ...float32) *Param {
	return &Param{
		Name:  "kernel",
		Value: tensor.New(tensor.WithShape(len(w)), tensor.WithBacking(append([]float32(nil), w...))),
		Grad:  tensor.New(tensor.WithShape(len(w)), tensor.Of(tensor.Float32)),
		Decay: decay,
	}
}

// stepWith sets p's gradient to g and takes one optimizer step.
func stepWith(o Optimizer, p *Param, g ...float32) {
	copy(p.Grad.Float32s(), g)
	o.Step([]*Param{p})
}

func assertWeights(t *testing.T, what string, p *Param, want ...float64) {
	t.Helper()
	got := p.Value.Float32s()
	for i, w := range want {
		if math.Abs(float64(got[i])-w) > 2e-6*math.Max(1, math.Abs(w)) {
			t.Errorf("%s: w[%d] = %.7f, want %.7f", what, i, got[i], w)
		}
	}
}

// TestAdamFirstTwoSteps checks Adam (η 0.1, β1 0.9, β2 0.999, ε 1e-7)
// against hand arithmetic. w = (1, −2); g1 = (0.5, −1); g2 = (−0.25, 2).
//
// Step 1: α = 0.1·√(1−0.999)/(1−0.9) = 0.0316228
//
//	m = 0.1·g1 = (0.05, −0.1);  v = 0.001·g1² = (0.00025, 0.001); √v = (0.0158114, 0.0316228)
//	w0 = 1 − 0.0316228·0.05/(0.0158114+1e-7)  = 1 − 0.0999994 = 0.9000006
//	w1 = −2 + 0.0316228·0.1/(0.0316228+1e-7) = −2 + 0.0999997 = −1.9000003
//
// Step 2: α = 0.1·√(1−0.999²)/(1−0.9²) = 0.1·0.0447102/0.19 = 0.0235317
//
//	m0 = 0.05 + 0.1·(−0.25−0.05) = 0.02;   v0 = 0.00025 + 0.001·(0.0625−0.00025) = 0.00031225; √v0 = 0.0176706
//	m1 = −0.1 + 0.1·(2+0.1) = 0.11;        v1 = 0.001 + 0.001·(4−0.001) = 0.004999;         √v1 = 0.0707036
//	w0 = 0.9000006 − 0.0235317·0.02/0.0176706 = 0.9000006 − 0.0266336 = 0.8733670
//	w1 = −1.9000003 − 0.0235317·0.11/0.0707036 = −1.9000003 − 0.0366103 = −1.9366106
func TestAdamFirstTwoSteps(t *testing.T) {
	o := NewAdam(0.1)
	p := optParam(true, 1, -2)
	stepWith(o, p, 0.5, -1)
	assertWeights(t, "after step 1", p, 0.9000006, -1.9000003)
	stepWith(o, p, -0.25, 2)
	assertWeights(t, "after step 2", p, 0.8733671, -1.9366106)
}

// TestAdamEpsilonPlacement: Keras adds ε to the uncorrected √v. With a
// large ε (0.01) that differs visibly from the paper's m̂/(√v̂ + ε):
//
//	Keras: w = 1 − 0.0316228·0.05/(0.0158114 + 0.01) = 1 − 0.0612574 = 0.9387426
//	paper: w = 1 − 0.1·0.5/(0.5 + 0.01)            = 1 − 0.0980392 = 0.9019608
func TestAdamEpsilonPlacement(t *testing.T) {
	o := NewAdam(0.1)
	o.Epsilon = 0.01
	p := optParam(false, 1)
	stepWith(o, p, 0.5)
	assertWeights(t, "one step with ε 0.01", p, 0.9387426)
}

// TestSGD: η 0.1, w = 1, g1 = 0.5, g2 = −1.
//
//	plain:    w = 1 − 0.1·0.5 = 0.95;  then 0.95 + 0.1 = 1.05
//	momentum 0.9: v = −0.05, w = 0.95;  v = 0.9·(−0.05) + 0.1 = 0.055, w = 1.005
//	Nesterov 0.9: v = −0.05, w = 1 + 0.9·(−0.05) − 0.05 = 0.905;
//	              v = 0.055, w = 0.905 + 0.9·0.055 + 0.1 = 1.0545
func TestSGD(t *testing.T) {
	for _, c := range []struct {
		name         string
		momentum     float64
		nesterov     bool
		want1, want2 float64
	}{
		{"plain", 0, false, 0.95, 1.05},
		{"momentum", 0.9, false, 0.95, 1.005},
		{"nesterov", 0.9, true, 0.905, 1.0545},
	} {
		o := NewSGD(0.1, c.momentum, c.nesterov)
		p := optParam(false, 1)
		stepWith(o, p, 0.5)
		assertWeights(t, c.name+" step 1", p, c.want1)
		stepWith(o, p, -1)
		assertWeights(t, c.name+" step 2", p, c.want2)
	}
}

// TestRMSProp: η 0.01, ρ 0.9, w = 1, g1 = 0.5, g2 = −1.
//
//	a = 0.1·0.25 = 0.025;            w = 1 − 0.01·0.5/√0.025 = 1 − 0.0316227 = 0.9683773
//	a = 0.9·0.025 + 0.1·1 = 0.1225;  w = 0.9683773 + 0.01/√0.1225 = 0.9683773 + 0.0285714 = 0.9969487
func TestRMSProp(t *testing.T) {
	o := NewRMSProp(0.01)
	p := optParam(false, 1)
	stepWith(o, p, 0.5)
	assertWeights(t, "step 1", p, 0.9683773)
	stepWith(o, p, -1)
	assertWeights(t, "step 2", p, 0.9969487)
}

// TestAdagrad: η 0.1, accumulator from 0.1, w = 1, g1 = 0.5, g2 = −1.
//
//	s = 0.1 + 0.25 = 0.35;  w = 1 − 0.1·0.5/√0.35 = 1 − 0.0845154 = 0.9154846
//	s = 0.35 + 1 = 1.35;    w = 0.9154846 + 0.1/√1.35 = 0.9154846 + 0.0860663 = 1.0015509
func TestAdagrad(t *testing.T) {
	o := NewAdagrad(0.1)
	p := optParam(false, 1)
	stepWith(o, p, 0.5)
	assertWeights(t, "step 1", p, 0.9154846)
	stepWith(o, p, -1)
	assertWeights(t, "step 2", p, 1.0015509)
}

// TestWeightDecaySGD: η 0.1, λ 0.01, w = 2, g = 0.5. A kernel steps by
// 0.1·(0.5 + 0.01·2) = 0.052 to 1.948; a bias (Decay false) by 0.05 to 1.95.
func TestWeightDecaySGD(t *testing.T) {
	o := NewSGD(0.1, 0, false)
	o.WeightDecay = 0.01
	kernel, bias := optParam(true, 2), optParam(false, 2)
	copy(kernel.Grad.Float32s(), []float32{0.5})
	copy(bias.Grad.Float32s(), []float32{0.5})
	o.Step([]*Param{kernel, bias})
	assertWeights(t, "kernel", kernel, 1.948)
	assertWeights(t, "bias", bias, 1.95)
}

// TestWeightDecayIsL2 checks, for every optimizer, that decay λ with
// gradient g moves a kernel exactly as no decay with gradient g + λ·w.
func TestWeightDecayIsL2(t *testing.T) {
	const lambda = 0.05
	for _, name := range []string{spec.OptSGD, spec.OptAdam, spec.OptRMSProp, spec.OptAdagrad} {
		s := spec.Optimizer{Name: name, LearningRate: 0.1, Momentum: 0.5}.Defaults()
		plain, err := NewOptimizer(s)
		if err != nil {
			t.Fatal(err)
		}
		s.WeightDecay = lambda
		decayed, _ := NewOptimizer(s)
		a, b := optParam(true, 1.5, -0.5), optParam(true, 1.5, -0.5)
		for _, g := range [][]float32{{0.3, -0.2}, {-0.1, 0.4}} {
			stepWith(decayed, a, g...)
			wb := b.Value.Float32s()
			stepWith(plain, b, g[0]+lambda*wb[0], g[1]+lambda*wb[1])
		}
		wa, wb := a.Value.Float32s(), b.Value.Float32s()
		if wa[0] != wb[0] || wa[1] != wb[1] {
			t.Errorf("%s: with decay %v, with g+λw %v", name, wa, wb)
		}
		if wa[0] == 1.5 {
			t.Errorf("%s: weights did not move", name)
		}
	}
}

func TestNewOptimizer(t *testing.T) {
	o, err := NewOptimizer(spec.Adam(0.002))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := o.(*Adam).Spec(), NewAdam(0.002).Spec(); got != want {
		t.Errorf("spec.Adam(0.002) built %+v, NewAdam(0.002) is %+v", got, want)
	}
	o.SetLearningRate(0.5)
	if o.LearningRate() != 0.5 {
		t.Errorf("SetLearningRate(0.5): LearningRate() = %g", o.LearningRate())
	}
	for _, s := range []spec.Optimizer{
		{Name: spec.OptSGD, LearningRate: 0.1, Momentum: 0.9, Nesterov: true, WeightDecay: 1e-4},
		{Name: spec.OptAdam, LearningRate: 0.01, Beta1: 0.8, Beta2: 0.99, Epsilon: 1e-8},
		{Name: spec.OptRMSProp, LearningRate: 0.01, Rho: 0.95, Epsilon: 1e-6},
		{Name: spec.OptAdagrad, LearningRate: 0.01, Epsilon: 1e-7, WeightDecay: 0.1},
	} {
		o, err := NewOptimizer(s)
		if err != nil {
			t.Fatalf("%+v: %v", s, err)
		}
		if got := o.(optimizerSpec).Spec(); got != s {
			t.Errorf("spec round trip: got %+v, want %+v", got, s)
		}
	}
}

func TestNewOptimizerErrors(t *testing.T) {
	for _, c := range []struct {
		o    spec.Optimizer
		want string
	}{
		{spec.Optimizer{Name: "adamw", LearningRate: 0.1}, `unknown optimizer "adamw"`},
		{spec.Optimizer{LearningRate: 0.1}, "optimizer name is missing"},
		{spec.Optimizer{Name: spec.OptAdam}, "learning rate must be a positive number, got 0"},
		{spec.Optimizer{Name: spec.OptSGD, LearningRate: math.NaN()}, "learning rate must be a positive number, got NaN"},
		{spec.Optimizer{Name: spec.OptSGD, LearningRate: 0.1, Momentum: 1}, "momentum must be at least 0 and below 1, got 1"},
		{spec.Optimizer{Name: spec.OptAdam, LearningRate: 0.1, Beta2: 1.5, Epsilon: 1e-7}, "beta_2 must be at least 0 and below 1, got 1.5"},
		{spec.Optimizer{Name: spec.OptAdam, LearningRate: 0.1}, "optimizer adam: epsilon must be a positive number, got 0"},
		{spec.Optimizer{Name: spec.OptRMSProp, LearningRate: 0.1, Epsilon: -1}, "epsilon must be a positive number, got -1"},
		{spec.Optimizer{Name: spec.OptAdagrad, LearningRate: 0.1, WeightDecay: -0.1}, "weight decay must be at least 0, got -0.1"},
	} {
		_, err := NewOptimizer(c.o)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("NewOptimizer(%+v) = %v, want an error containing %q", c.o, err, c.want)
		}
	}
}
