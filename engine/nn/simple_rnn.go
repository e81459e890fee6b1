package nn

import (
	"math/rand/v2"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/spec"
)

// SimpleRNN is Keras' fully connected recurrent layer (Elman network):
// for each step t of x (N, T, F), from h_{−1} = 0,
//
//	h_t = act(x_t·W + h_{t−1}·U + b)
//
// with W (F, U), U (U, U) and b (U). It outputs h_{T−1} (N, U), or every
// h_t (N, T, U) with return_sequences. See recurrent.go for the layout.
type SimpleRNN struct {
	recurrentCore

	h  *tensor.Dense // h_t for every step (N, T, U): after act, what Backward needs
	dz []float32     // dL/d(x_t·W + h_{t−1}·U + b), (N, T, U)
	dh []float32     // dL/dh_{t−1} carried back from step t, (N, U)
}

var (
	_ Layer                = (*SimpleRNN)(nil)
	_ Freezer              = (*SimpleRNN)(nil)
	_ inputGradientSkipper = (*SimpleRNN)(nil)
	_ stepReader           = (*SimpleRNN)(nil)
)

// NewSimpleRNN returns the SimpleRNN layer that the validated spec layer l
// describes, for inputs (T, F) = in, its kernels drawn from rng.
func NewSimpleRNN(in []int, l spec.Layer, rng *rand.Rand) *SimpleRNN {
	return &SimpleRNN{recurrentCore: newRecurrentCore(in, l, rng)}
}

// Forward: z = x·W + b for all steps at once; then step by step
// z_t += h_{t−1}·U and h_t = act(z_t).
func (s *SimpleRNN) Forward(x *tensor.Dense, training bool) *tensor.Dense {
	n := s.begin(x)
	T, u := s.Timesteps, s.Units
	s.h = reuse(s.h, n, T, u)
	h := floats(s.h)
	s.project(h) // h holds z until each step's act
	for t := 0; t < T; t++ {
		if t > 0 {
			s.recurrent(t, h, h, 0, u)
		}
		for e := 0; e < n; e++ {
			s.act.apply(h[(e*T+t)*u : (e*T+t+1)*u])
		}
	}
	return s.output(s.h)
}

// Backward, from the last step to the first, with dh_T = 0:
//
//	dz_t = (dy_t + dh_t) ⊙ act'(z_t)     dy_t: dL/dh_t from the output
//	dh_{t−1} = dz_t·Uᵀ
//
// then dU += Σ_t h_{t−1}ᵀ·dz_t, dW += xᵀ·dz, db += Σ dz and dx = dz·Wᵀ
// over all steps at once.
func (s *SimpleRNN) Backward(dy *tensor.Dense) *tensor.Dense {
	s.checkGrad(dy)
	n, T, u := s.n, s.Timesteps, s.Units
	h, g := floats(s.h), floats(dy)
	s.dz = grow(s.dz, n*T*u)
	s.dh = grow(s.dh, n*u)
	clear(s.dh)
	s.beginBackward()
	for t := T - 1; t >= 0; t-- {
		for e := 0; e < n; e++ {
			at := (e*T + t) * u
			dz, dh, dyt := s.dz[at:at+u], s.dh[e*u:(e+1)*u], s.stateGrad(g, e, t)
			for j, y := range h[at : at+u] {
				d := dh[j]
				if dyt != nil {
					d += dyt[j]
				}
				dz[j] = d * s.act.deriv(y)
			}
		}
		if t > 0 {
			s.stateGrads(t, s.dz, 0, u, s.dh, 0)
		}
	}
	s.recurrentGrad(s.shifted(h), s.dz, 0, u)
	return s.projectBackward(s.dz)
}
