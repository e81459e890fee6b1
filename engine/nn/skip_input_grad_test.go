package nn

import (
	"math/rand/v2"
	"slices"
	"testing"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/spec"
)

// TestSkipInputGradientKeepsWeightGradients: a layer told to skip dL/dx
// returns nil from Backward and accumulates exactly the weight gradients
// it does otherwise.
func TestSkipInputGradientKeepsWeightGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	conv := spec.Conv2D(4, 3, spec.ActReLU)
	conv.Strides = []int{2, 2}
	for _, c := range []struct {
		name  string
		layer func() Layer
		in    []int
	}{
		{"Dense", func() Layer { return NewDense(12, 5, spec.ActTanh, "", rand.New(rand.NewPCG(1, 2))) }, []int{3, 12}},
		{"Conv2D", func() Layer { return NewConv2D([]int{7, 7, 2}, conv, rand.New(rand.NewPCG(1, 2))) }, []int{3, 7, 7, 2}},
	} {
		x := randTensor(rng, -1, 1, c.in...)
		grads := func(skip bool) ([][]float32, *tensor.Dense) {
			l := c.layer()
			l.(inputGradientSkipper).skipInputGradient(skip)
			y := l.Forward(x, true)
			dx := l.Backward(randTensor(rand.New(rand.NewPCG(9, 9)), -1, 1, y.Shape()...))
			var g [][]float32
			for _, p := range l.Params() {
				g = append(g, slices.Clone(p.Grad.Float32s()))
			}
			return g, dx
		}
		full, dx := grads(false)
		skipped, none := grads(true)
		if dx == nil || none != nil {
			t.Errorf("%s: dx %v without skipping, %v with; want a tensor, then nil", c.name, dx != nil, none)
		}
		if !sameBits(full, skipped) {
			t.Errorf("%s: skipping dx changed the weight gradients", c.name)
		}
	}
}

// TestTrainBatchSkipsTheFirstInputGradient: a training step never asks
// the first layer for dL/dx (its buffer is never made), and a gradient
// check, which needs it, still gets it afterwards.
func TestTrainBatchSkipsTheFirstInputGradient(t *testing.T) {
	train, _ := loadMNIST(t)
	x, y := train.Slice(0, 32).Tensors()
	m := mustBuild(t, smallSpec(1))
	if _, err := m.TrainBatch(x, y); err != nil {
		t.Fatal(err)
	}
	first := m.Layers()[0].(*Dense)
	if first.dx != nil {
		t.Error("the first Dense computed dL/dx during a training step")
	}
	if first.noInputGrad {
		t.Error("the skip outlived the training step")
	}
}
