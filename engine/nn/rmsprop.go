package nn

import (
	"github.com/nnplay/nnplay/engine/kernels"
	"github.com/nnplay/nnplay/engine/spec"
)

// RMSProp divides each step by a moving root-mean-square of recent
// gradients, in Keras' form (no momentum, not centred):
//
//	a ← ρ·a + (1−ρ)·g²
//	w ← w − η·g / √(a + ε)
type RMSProp struct {
	LR          float64
	Rho         float64
	Epsilon     float64
	WeightDecay float64 // L2 λ: kernels use g + λ·w

	avg map[*Param][]float32
}

var (
	_ Optimizer     = (*RMSProp)(nil)
	_ Previewer     = (*RMSProp)(nil)
	_ optimizerSpec = (*RMSProp)(nil)
)

// NewRMSProp returns RMSProp with Keras' defaults: ρ 0.9, ε 1e-7.
func NewRMSProp(lr float64) *RMSProp {
	return &RMSProp{LR: lr, Rho: 0.9, Epsilon: 1e-7, avg: map[*Param][]float32{}}
}

// Step applies one update to every param.
func (o *RMSProp) Step(params []*Param) {
	if o.avg == nil { // a struct literal rather than the constructor
		o.avg = map[*Param][]float32{}
	}
	for _, p := range params {
		o.update(p, stateFor(o.avg, p, 0), p.Value.Float32s())
	}
}

// Preview returns the values Step(params) would leave in each param, and
// changes nothing: it runs the same update on a copy of the averages.
func (o *RMSProp) Preview(params []*Param) [][]float32 {
	out := make([][]float32, len(params))
	for k, p := range params {
		n := len(p.Value.Float32s())
		a := make([]float32, n)
		copy(a, o.avg[p])
		out[k] = make([]float32, n)
		o.update(p, a, out[k])
	}
	return out
}

// update moves the averages a in place and writes p's new weights into
// out (p's own values for Step), with kernels.RMSProp.
func (o *RMSProp) update(p *Param, a, out []float32) {
	w, grad := p.Value.Float32s(), p.Grad.Float32s()
	out = startFrom(out, w)
	kernels.RMSProp(out, grad[:len(w)], a[:len(w)], float32(o.LR), float32(o.Rho), float32(o.Epsilon), decayFor(p, o.WeightDecay))
}

// SetLearningRate sets η.
func (o *RMSProp) SetLearningRate(lr float64) { o.LR = lr }

// LearningRate returns η.
func (o *RMSProp) LearningRate() float64 { return o.LR }

// Spec describes this optimizer.
func (o *RMSProp) Spec() spec.Optimizer {
	return spec.Optimizer{Name: spec.OptRMSProp, LearningRate: o.LR, Rho: o.Rho, Epsilon: o.Epsilon, WeightDecay: o.WeightDecay}
}
