package nn

import (
	"math/rand/v2"
	"strings"
	"testing"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/spec"
)

// seedPicks picks weights of every param of the seed model, 784-128-64-10:
// ones whose gradient for the example is clearly non-zero (a weight from
// a pixel that is 0, or into a ReLU that is off, has gradient 0 and says
// nothing), found from a trace.
func seedPicks(t *testing.T, m *Sequential, x, y *tensor.Dense, perParam int) []ParamIndex {
	t.Helper()
	tr, err := m.Trace(x, y)
	if err != nil {
		t.Fatal(err)
	}
	var picks []ParamIndex
	for li, l := range tr.Layers {
		for _, p := range l.Params {
			found := 0
			for e, g := range floats(p.Grad) {
				if found < perParam && (g > 1e-3 || g < -1e-3) {
					picks = append(picks, ParamIndex{Layer: li, Param: p.Name, Index: e})
					found++
				}
			}
			if found < perParam {
				t.Fatalf("layer %d %s: only %d weights with a gradient above 1e-3", li, p.Name, found)
			}
		}
	}
	return picks
}

// oneExample is a random 784-pixel image in [0, 1] with label 3.
func oneExample(seed uint64) (x, y *tensor.Dense) {
	x = randTensor(rand.New(rand.NewPCG(seed, 9)), 0, 1, 1, 784)
	y = tensor.New(tensor.WithShape(1), tensor.WithBacking([]float32{3}))
	return x, y
}

// TestGradientCheckSeedModel: backprop agrees with central differences on
// the seed model, to a relative error far below what a wrong formula gives.
func TestGradientCheckSeedModel(t *testing.T) {
	m := mustBuild(t, spec.Seed())
	x, y := oneExample(1)
	picks := seedPicks(t, m, x, y, 4)
	res, err := GradientCheck(m, x, y, picks, 0)
	if err != nil {
		t.Fatal(err)
	}
	worst := 0.0
	for _, r := range res {
		worst = max(worst, r.RelErr)
		if r.RelErr > 1e-2 {
			t.Errorf("%+v: analytic %.6g, numeric %.6g, relative error %.3g", r.ParamIndex, r.Analytic, r.Numeric, r.RelErr)
		}
		if r.AbsErr != abs64(r.Analytic-r.Numeric) {
			t.Errorf("%+v: AbsErr %v is not |%v − %v|", r.ParamIndex, r.AbsErr, r.Analytic, r.Numeric)
		}
	}
	t.Logf("%d weights, worst relative error %.2g", len(res), worst)
}

func abs64(v float64) float64 { return max(v, -v) }

// wrongKernelGrad is a Dense layer whose backward pass overstates its
// kernel gradient by half: the bug a gradient check must catch.
type wrongKernelGrad struct{ *Dense }

func (w wrongKernelGrad) Backward(dy *tensor.Dense) *tensor.Dense {
	before := append([]float32(nil), floats(w.Kernel.Grad)...)
	dx := w.Dense.Backward(dy)
	for i, g := range floats(w.Kernel.Grad) {
		floats(w.Kernel.Grad)[i] = before[i] + 1.5*(g-before[i])
	}
	return dx
}

// TestGradientCheckCatchesAWrongGradient: the same check on a model whose
// first layer's kernel gradient is 1.5× too large reports a relative error
// of about 1/3 for that kernel, and still a small one for the others.
func TestGradientCheckCatchesAWrongGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	first := NewDense(784, 16, spec.ActTanh, spec.InitGlorotUniform, rng)
	last := NewDense(16, 10, spec.ActSoftmax, spec.InitGlorotUniform, rng)
	m := NewSequential([]int{784}, wrongKernelGrad{first}, last)
	m.Compile(NewAdam(0.001), &SparseCategoricalCrossentropy{})
	x, y := oneExample(2)
	picks := seedPicks(t, m, x, y, 3)
	res, err := GradientCheck(m, x, y, picks, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		wrong := r.Layer == 0 && r.Param == "kernel"
		switch {
		case wrong && (r.RelErr < 0.3 || r.RelErr > 0.37):
			t.Errorf("%+v (1.5× too large): relative error %.3g; want about 1/3", r.ParamIndex, r.RelErr)
		case !wrong && r.RelErr > 1e-2:
			t.Errorf("%+v (right): relative error %.3g", r.ParamIndex, r.RelErr)
		}
	}
}

func TestGradientCheckRejects(t *testing.T) {
	m := mustBuild(t, smallSpec(1))
	x, y := oneExample(3)
	cases := []struct {
		pick ParamIndex
		h    float64
		want string
	}{
		{ParamIndex{Layer: 3, Param: "kernel"}, 0, "pick 1: layer 3 is out of range: the model has layers 0 to 2"},
		{ParamIndex{Layer: 1, Param: "kernel"}, 0, "layer 1 (Dropout) has no weights"},
		{ParamIndex{Layer: 0, Param: "gamma"}, 0, `layer 0 (Dense) has no param "gamma"; it has [kernel bias]`},
		{ParamIndex{Layer: 2, Param: "bias", Index: 10}, 0, "index 10 is out of range for bias, which has 10 values (0 to 9)"},
		{ParamIndex{Layer: 2, Param: "bias", Index: -1}, 0, "index -1 is out of range"},
		{ParamIndex{Layer: 0, Param: "bias"}, -1, "step h must be above 0"},
		{ParamIndex{Layer: 0, Param: "bias"}, 2, "step h must be above 0 and at most 1, got 2"},
	}
	for _, c := range cases {
		_, err := GradientCheck(m, x, y, []ParamIndex{c.pick}, c.h)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v, h %v: error %v; want it to contain %q", c.pick, c.h, err, c.want)
		}
	}
	bn := mustBuild(t, spec.Model{
		Input:     []int{4},
		Layers:    []spec.Layer{spec.BatchNormalization(), spec.Dense(2, spec.ActSoftmax)},
		Optimizer: spec.Adam(0.01), Loss: spec.LossSparseCategoricalCrossentropy,
		BatchSize: 2, Epochs: 1, Seed: 1, Dataset: spec.DatasetXOR,
	})
	x4 := tensor.New(tensor.WithShape(1, 4), tensor.WithBacking([]float32{1, 2, 3, 4}))
	y4 := tensor.New(tensor.WithShape(1), tensor.WithBacking([]float32{1}))
	_, err := GradientCheck(bn, x4, y4, []ParamIndex{{Layer: 0, Param: "moving_mean"}}, 0)
	if err == nil || !strings.Contains(err.Error(), "moving_mean is layer state, not a trained weight") {
		t.Errorf("moving mean: %v", err)
	}
}
