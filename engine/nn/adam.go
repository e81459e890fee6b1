package nn

import (
	"math"

	"github.com/nnplay/nnplay/engine/kernels"
	"github.com/nnplay/nnplay/engine/spec"
)

// Adam keeps moving averages of each weight's gradient (m) and squared
// gradient (v), in Keras' bias-corrected form. At step t (1, 2, …):
//
//	m ← m + (1−β1)·(g − m)
//	v ← v + (1−β2)·(g² − v)
//	α = η·√(1−β2^t) / (1−β1^t)
//	w ← w − α·m / (√v + ε)
//
// Folding both bias corrections into α is what Keras does; ε is added to
// the uncorrected √v.
type Adam struct {
	LR          float64
	Beta1       float64
	Beta2       float64
	Epsilon     float64
	WeightDecay float64 // L2 λ: kernels use g + λ·w

	state map[*Param]*adamState
}

var (
	_ Optimizer     = (*Adam)(nil)
	_ Previewer     = (*Adam)(nil)
	_ optimizerSpec = (*Adam)(nil)
)

type adamState struct {
	m, v []float32
	t    int // steps taken on this param
}

// NewAdam returns Adam with Keras' defaults: β1 0.9, β2 0.999, ε 1e-7.
func NewAdam(lr float64) *Adam {
	return &Adam{LR: lr, Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-7, state: map[*Param]*adamState{}}
}

// Step applies one update to every param.
func (o *Adam) Step(params []*Param) {
	if o.state == nil { // a struct literal rather than the constructor
		o.state = map[*Param]*adamState{}
	}
	for _, p := range params {
		w := p.Value.Float32s()
		s := o.state[p]
		if s == nil {
			s = &adamState{m: make([]float32, len(w)), v: make([]float32, len(w))}
			o.state[p] = s
		}
		s.t++
		o.update(p, s.m, s.v, s.t, w)
	}
}

// Preview returns the values Step(params) would leave in each param, and
// changes nothing: it runs the same update on copies of the moments m, v
// (zero for a param not seen yet) with the step count t + 1.
func (o *Adam) Preview(params []*Param) [][]float32 {
	out := make([][]float32, len(params))
	for k, p := range params {
		n := len(p.Value.Float32s())
		m, v, t := make([]float32, n), make([]float32, n), 1
		if s := o.state[p]; s != nil {
			copy(m, s.m)
			copy(v, s.v)
			t = s.t + 1
		}
		out[k] = make([]float32, n)
		o.update(p, m, v, t, out[k])
	}
	return out
}

// update is step t for one param: it moves the moments m and v in place
// and writes the new weights into out (p's own values for Step). The
// element-wise arithmetic is kernels.Adam (SIMD in the browser).
func (o *Adam) update(p *Param, m, v []float32, t int, out []float32) {
	w, grad := p.Value.Float32s(), p.Grad.Float32s()
	alpha := float32(o.LR * math.Sqrt(1-math.Pow(o.Beta2, float64(t))) / (1 - math.Pow(o.Beta1, float64(t))))
	lambda := float32(decayFor(p, o.WeightDecay))
	out = startFrom(out, w)
	kernels.Adam(out, grad[:len(w)], m[:len(w)], v[:len(w)], alpha, float32(o.Beta1), float32(o.Beta2), float32(o.Epsilon), lambda)
}

// SetLearningRate sets η.
func (o *Adam) SetLearningRate(lr float64) { o.LR = lr }

// LearningRate returns η.
func (o *Adam) LearningRate() float64 { return o.LR }

// Spec describes this optimizer.
func (o *Adam) Spec() spec.Optimizer {
	return spec.Optimizer{Name: spec.OptAdam, LearningRate: o.LR, Beta1: o.Beta1, Beta2: o.Beta2, Epsilon: o.Epsilon, WeightDecay: o.WeightDecay}
}
