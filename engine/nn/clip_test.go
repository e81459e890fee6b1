package nn

import (
	"math"
	"testing"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/spec"
)

func TestClipGlobalNorm(t *testing.T) {
	grad := func(g ...float32) *Param {
		return &Param{Value: tensor.New(tensor.WithShape(len(g)), tensor.Of(tensor.Float32)),
			Grad: tensor.New(tensor.WithShape(len(g)), tensor.WithBacking(g))}
	}
	// Joint norm of (3, 0) and (0, 4) is 5.
	a, b := grad(3, 0), grad(0, 4)
	if n := clipGlobalNorm([]*Param{a, b}, 10); n != 5 {
		t.Errorf("norm %g, want 5", n)
	}
	if a.Grad.Float32s()[0] != 3 || b.Grad.Float32s()[1] != 4 {
		t.Error("gradients under the limit were changed")
	}
	if n := clipGlobalNorm([]*Param{a, b}, 1); n != 5 {
		t.Errorf("norm before clipping %g, want 5", n)
	}
	// Scaled by 1/5: same direction, norm 1.
	if ga, gb := a.Grad.Float32s(), b.Grad.Float32s(); math.Abs(float64(ga[0])-0.6) > 1e-7 || math.Abs(float64(gb[1])-0.8) > 1e-7 || ga[1] != 0 || gb[0] != 0 {
		t.Errorf("clipped to %v %v, want [0.6 0] [0 0.8]", ga, gb)
	}
}

// TestTrainBatchClipsGradients: with SGD (no momentum) at rate η a step
// moves the weights by η·g, so with clipping the whole step has norm
// η·c when the gradient is larger than c, and is unchanged when it is not.
func TestTrainBatchClipsGradients(t *testing.T) {
	train, _ := loadMNIST(t)
	x, y := train.Slice(0, 64).Tensors()
	stepNorm := func(clip float64) float64 {
		s := smallSpec(3)
		s.Layers = []spec.Layer{spec.Dense(16, spec.ActReLU), spec.Dense(10, spec.ActSoftmax)}
		s.Optimizer = spec.Optimizer{Name: spec.OptSGD, LearningRate: 0.1, GlobalClipNorm: clip}
		m := mustBuild(t, s)
		if got := m.Spec().Optimizer.GlobalClipNorm; got != clip {
			t.Errorf("Spec() lost the clip norm: %g, want %g", got, clip)
		}
		before := weights(m)
		if _, err := m.TrainBatch(x, y); err != nil {
			t.Fatal(err)
		}
		var sum float64
		for i, w := range weights(m) {
			for j := range w {
				d := float64(w[j]) - float64(before[i][j])
				sum += d * d
			}
		}
		return math.Sqrt(sum)
	}
	free := stepNorm(0)
	gradNorm := free / 0.1
	if gradNorm < 0.2 {
		t.Fatalf("the test needs a gradient norm well above 0.1, got %g", gradNorm)
	}
	if got := stepNorm(0.1); math.Abs(got-0.1*0.1) > 1e-5 {
		t.Errorf("clipped at 0.1: step norm %g, want η·c = 0.01 (unclipped gradient norm %g)", got, gradNorm)
	}
	if got := stepNorm(10 * gradNorm); math.Abs(got-free) > 1e-7 {
		t.Errorf("a clip above the gradient norm changed the step: %g vs %g", got, free)
	}
}
