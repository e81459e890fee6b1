package nn

import (
	"math"
	"math/rand/v2"
	"testing"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/spec"
)

// TestInputGradientFiniteDifference checks ∂z_c/∂x and ∂p_c/∂x against
// central differences of the model's own forward pass, for an MLP ending
// in a Dense softmax, a CNN ending in a Softmax layer and a from-logits
// model, and that the model's weights, grads and training stream are
// untouched.
func TestInputGradientFiniteDifference(t *testing.T) {
	cnn := spec.Model{
		Input: []int{28, 28, 1},
		Layers: []spec.Layer{
			spec.Conv2D(3, 3, spec.ActTanh), {Type: spec.TypeFlatten}, spec.Dense(10, ""), {Type: spec.TypeSoftmax},
		},
		Optimizer: spec.Adam(0.01), Loss: spec.LossSparseCategoricalCrossentropy,
		BatchSize: 4, Epochs: 1, Seed: 3, Dataset: spec.DatasetMNIST,
	}
	logits := tinySpec(spec.Adam(0.01))
	logits.Layers[1].Activation = ""
	logits.FromLogits = true
	mlp := tinySpec(spec.Adam(0.01))
	mlp.Layers[0].Activation = spec.ActTanh // smooth, so differences are exact enough
	for _, tc := range []struct {
		name string
		s    spec.Model
	}{{"mlp", mlp}, {"cnn", cnn}, {"from_logits", logits}} {
		m := mustBuild(t, tc.s)
		width := inputSize(tc.s.Input)
		rng := rand.New(rand.NewPCG(9, 9))
		x := randTensor(rng, -1, 1, 3, width)
		classes := []int{0, 1, 2}
		for _, of := range []Score{ScoreLogit, ScoreProbability} {
			before := modelState(m)
			g, err := m.InputGradient(x, classes, of)
			if err != nil {
				t.Fatal(err)
			}
			if !sameState(before, modelState(m)) {
				t.Fatalf("%s %v: InputGradient changed the model", tc.name, of)
			}
			for n := range 3 {
				row := tensor.New(tensor.WithShape(1, width), tensor.WithBacking(append([]float32(nil), floats(x)[n*width:(n+1)*width]...)))
				score := func() float64 {
					gg, err := m.InputGradient(row, classes[n:n+1], of)
					if err != nil {
						t.Fatal(err)
					}
					return gg.Scores[0]
				}
				if got, want := g.Scores[n], score(); got != want {
					t.Errorf("%s %v: score of example %d is %v alone, %v in the batch", tc.name, of, n, want, got)
				}
				numeric := numericGrad(floats(row), 1e-2, score)
				compareGrads(t, tc.name+" "+of.String(), floats(g.Grad)[n*width:(n+1)*width], numeric)
			}
			// Probs are what Predict returns for the softmax models.
			if !tc.s.FromLogits {
				pred := m.Predict(x)
				for i, p := range floats(pred) {
					if math.Abs(float64(p-floats(g.Probs)[i])) > 1e-6 {
						t.Fatalf("%s: probs[%d] = %v, Predict %v", tc.name, i, floats(g.Probs)[i], p)
					}
				}
			}
		}
	}
}

func TestInputGradientErrors(t *testing.T) {
	m := mustBuild(t, tinySpec(spec.Adam(0.01)))
	x := newTensor(2, 3)
	if _, err := m.InputGradient(x, []int{0}, ScoreLogit); err == nil {
		t.Error("one class for two examples was accepted")
	}
	if _, err := m.InputGradient(x, []int{0, 3}, ScoreLogit); err == nil {
		t.Error("class 3 of a 3-class model was accepted")
	}
	if _, err := m.InputGradient(newTensor(2, 4), []int{0, 0}, ScoreLogit); err == nil {
		t.Error("inputs of the wrong width were accepted")
	}
}

// TestLayerOutput: each layer's output equals Activations', in chunks.
func TestLayerOutput(t *testing.T) {
	m := mustBuild(t, smallSpec(4))
	m.chunk = 3 // several chunks for 7 examples
	x := randTensor(rand.New(rand.NewPCG(1, 2)), 0, 1, 7, 784)
	acts, err := m.Activations(x)
	if err != nil {
		t.Fatal(err)
	}
	for l := range acts {
		got, err := m.LayerOutput(x, l)
		if err != nil {
			t.Fatal(err)
		}
		if !sameFloats(floats(got), floats(acts[l])) {
			t.Errorf("layer %d: LayerOutput differs from Activations", l)
		}
	}
	in, err := m.LayerOutput(x, -1)
	if err != nil || !sameFloats(floats(in), floats(x)) {
		t.Errorf("LayerOutput(x, -1) is not x (err %v)", err)
	}
	if _, err := m.LayerOutput(x, 3); err == nil {
		t.Error("layer 3 of a 3-layer model was accepted")
	}
}
