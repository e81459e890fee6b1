package nn

import (
	"github.com/nnplay/nnplay/engine/kernels"
	"github.com/nnplay/nnplay/engine/spec"
)

// AdagradInitialAccumulator is where each weight's sum of squared
// gradients starts (Keras' initial_accumulator_value).
const AdagradInitialAccumulator = 0.1

// Adagrad scales each weight's step by the inverse root of all its squared
// gradients so far, in Keras' form:
//
//	s ← s + g²            (s starts at 0.1)
//	w ← w − η·g / √(s + ε)
type Adagrad struct {
	LR          float64
	Epsilon     float64
	WeightDecay float64 // L2 λ: kernels use g + λ·w

	sum map[*Param][]float32
}

var (
	_ Optimizer     = (*Adagrad)(nil)
	_ Previewer     = (*Adagrad)(nil)
	_ optimizerSpec = (*Adagrad)(nil)
)

// NewAdagrad returns Adagrad with Keras' default ε 1e-7.
func NewAdagrad(lr float64) *Adagrad {
	return &Adagrad{LR: lr, Epsilon: 1e-7, sum: map[*Param][]float32{}}
}

// Step applies one update to every param.
func (o *Adagrad) Step(params []*Param) {
	if o.sum == nil { // a struct literal rather than the constructor
		o.sum = map[*Param][]float32{}
	}
	for _, p := range params {
		o.update(p, stateFor(o.sum, p, AdagradInitialAccumulator), p.Value.Float32s())
	}
}

// Preview returns the values Step(params) would leave in each param, and
// changes nothing: it runs the same update on a copy of the sums.
func (o *Adagrad) Preview(params []*Param) [][]float32 {
	out := make([][]float32, len(params))
	for k, p := range params {
		n := len(p.Value.Float32s())
		s := make([]float32, n)
		if old, ok := o.sum[p]; ok {
			copy(s, old)
		} else {
			for i := range s {
				s[i] = AdagradInitialAccumulator
			}
		}
		out[k] = make([]float32, n)
		o.update(p, s, out[k])
	}
	return out
}

// update adds g² to the sums s in place and writes p's new weights into
// out (p's own values for Step), with kernels.Adagrad.
func (o *Adagrad) update(p *Param, s, out []float32) {
	w, grad := p.Value.Float32s(), p.Grad.Float32s()
	out = startFrom(out, w)
	kernels.Adagrad(out, grad[:len(w)], s[:len(w)], float32(o.LR), float32(o.Epsilon), decayFor(p, o.WeightDecay))
}

// SetLearningRate sets η.
func (o *Adagrad) SetLearningRate(lr float64) { o.LR = lr }

// LearningRate returns η.
func (o *Adagrad) LearningRate() float64 { return o.LR }

// Spec describes this optimizer.
func (o *Adagrad) Spec() spec.Optimizer {
	return spec.Optimizer{Name: spec.OptAdagrad, LearningRate: o.LR, Epsilon: o.Epsilon, WeightDecay: o.WeightDecay}
}
