package nn

import (
	"github.com/nnplay/nnplay/engine/kernels"
	"github.com/nnplay/nnplay/engine/spec"
)

// SGD is stochastic gradient descent with optional momentum, in Keras'
// form. With velocity v (zero at first), gradient g and learning rate η:
//
//	v ← m·v − η·g
//	w ← w + v            (classical momentum)
//	w ← w + m·v − η·g    (Nesterov: look one step further along v)
//
// With m = 0 this is plain w ← w − η·g.
type SGD struct {
	LR          float64
	Momentum    float64
	Nesterov    bool
	WeightDecay float64 // L2 λ: kernels use g + λ·w

	velocity map[*Param][]float32
}

var (
	_ Optimizer     = (*SGD)(nil)
	_ Previewer     = (*SGD)(nil)
	_ optimizerSpec = (*SGD)(nil)
)

// NewSGD returns SGD with the given learning rate and momentum.
func NewSGD(lr, momentum float64, nesterov bool) *SGD {
	return &SGD{LR: lr, Momentum: momentum, Nesterov: nesterov, velocity: map[*Param][]float32{}}
}

// Step applies one update to every param.
func (o *SGD) Step(params []*Param) {
	if o.velocity == nil { // a struct literal rather than the constructor
		o.velocity = map[*Param][]float32{}
	}
	for _, p := range params {
		var v []float32
		if o.Momentum != 0 {
			v = stateFor(o.velocity, p, 0)
		}
		o.update(p, v, p.Value.Float32s())
	}
}

// Preview returns the values Step(params) would leave in each param, and
// changes nothing: it runs the same update on a copy of the velocity.
func (o *SGD) Preview(params []*Param) [][]float32 {
	out := make([][]float32, len(params))
	for k, p := range params {
		n := len(p.Value.Float32s())
		var v []float32
		if o.Momentum != 0 {
			v = make([]float32, n)
			copy(v, o.velocity[p])
		}
		out[k] = make([]float32, n)
		o.update(p, v, out[k])
	}
	return out
}

// update moves the velocity v (nil without momentum) in place and writes
// p's new weights into out (p's own values for Step). The element-wise
// arithmetic is kernels.SGD and kernels.SGDMomentum (SIMD in the browser).
func (o *SGD) update(p *Param, v, out []float32) {
	w, grad := p.Value.Float32s(), p.Grad.Float32s()
	out = startFrom(out, w)
	lambda := decayFor(p, o.WeightDecay)
	if o.Momentum == 0 {
		kernels.SGD(out, grad[:len(w)], float32(o.LR), lambda)
		return
	}
	kernels.SGDMomentum(out, grad[:len(w)], v[:len(w)], float32(o.LR), float32(o.Momentum), lambda, o.Nesterov)
}

// SetLearningRate sets η.
func (o *SGD) SetLearningRate(lr float64) { o.LR = lr }

// LearningRate returns η.
func (o *SGD) LearningRate() float64 { return o.LR }

// Spec describes this optimizer.
func (o *SGD) Spec() spec.Optimizer {
	return spec.Optimizer{Name: spec.OptSGD, LearningRate: o.LR, Momentum: o.Momentum, Nesterov: o.Nesterov, WeightDecay: o.WeightDecay}
}

// startFrom returns out[:len(w)] holding w's values: the kernels update
// weights in place, so Preview steps a copy and leaves w alone.
func startFrom(out, w []float32) []float32 {
	out = out[:len(w)]
	if len(w) > 0 && &out[0] != &w[0] {
		copy(out, w)
	}
	return out
}

// stateFor returns p's slot in an optimizer's state map, creating it filled
// with init the first time p is seen.
func stateFor(state map[*Param][]float32, p *Param, init float32) []float32 {
	s, ok := state[p]
	if !ok {
		s = make([]float32, len(p.Value.Float32s()))
		if init != 0 {
			for i := range s {
				s[i] = init
			}
		}
		state[p] = s
	}
	return s
}
