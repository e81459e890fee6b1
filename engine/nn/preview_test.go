package nn

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestPreviewIsTheNextStep: for every optimizer and setting, Preview
// returns exactly (bit for bit) the weights the next Step leaves, and
// calling it changes nothing: the steps after it are those of a twin
// optimizer that was never asked.
func TestPreviewIsTheNextStep(t *testing.T) {
	sgd := func(m float64, nesterov bool, decay float64) Optimizer {
		o := NewSGD(0.1, m, nesterov)
		o.WeightDecay = decay
		return o
	}
	adamDecay := func() Optimizer { a := NewAdam(0.01); a.WeightDecay = 0.01; return a }
	cases := []struct {
		name string
		make func() Optimizer
	}{
		{"sgd", func() Optimizer { return sgd(0, false, 0) }},
		{"sgd decay", func() Optimizer { return sgd(0, false, 0.05) }},
		{"sgd momentum", func() Optimizer { return sgd(0.9, false, 0) }},
		{"sgd nesterov decay", func() Optimizer { return sgd(0.9, true, 0.05) }},
		{"adam", func() Optimizer { return NewAdam(0.01) }},
		{"adam decay", adamDecay},
		{"rmsprop", func() Optimizer { return NewRMSProp(0.01) }},
		{"adagrad", func() Optimizer { return NewAdagrad(0.1) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(8, 8))
			kernel := &Param{Name: "kernel", Value: randTensor(rng, -1, 1, 3, 4), Grad: newTensor(3, 4), Decay: true}
			bias := &Param{Name: "bias", Value: randTensor(rng, -1, 1, 4), Grad: newTensor(4)}
			params := []*Param{kernel, bias}
			twin := []*Param{{Name: "kernel", Value: cloneTensor(kernel.Value), Grad: newTensor(3, 4), Decay: true}, {Name: "bias", Value: cloneTensor(bias.Value), Grad: newTensor(4)}}
			o, other := c.make(), c.make()
			for step := range 4 {
				for i, p := range params {
					copy(floats(p.Grad), floats(randTensor(rng, -1, 1, p.Grad.Shape()...)))
					copy(floats(twin[i].Grad), floats(p.Grad))
				}
				preview := o.(Previewer).Preview(params)
				again := o.(Previewer).Preview(params)
				o.Step(params)
				other.Step(twin)
				for i, p := range params {
					what := fmt.Sprintf("step %d, %s", step+1, p.Name)
					if !sameFloats(preview[i], floats(p.Value)) {
						t.Errorf("%s: preview %v; Step gave %v", what, preview[i], floats(p.Value))
					}
					if !sameFloats(again[i], preview[i]) {
						t.Errorf("%s: a second preview differs from the first", what)
					}
					if !sameFloats(floats(p.Value), floats(twin[i].Value)) {
						t.Errorf("%s: previewing changed the optimizer: %v vs a twin's %v", what, floats(p.Value), floats(twin[i].Value))
					}
				}
			}
		})
	}
}
