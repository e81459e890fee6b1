package nn

import (
	"math/rand/v2"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/spec"
)

// LSTM is Keras' long short-term memory layer (Hochreiter & Schmidhuber
// 1997, with a forget gate). For each step t of x (N, T, F), from
// h_{−1} = c_{−1} = 0, with σ the recurrent activation (sigmoid) and act
// the activation (tanh):
//
//	i = σ(x_t·W_i + h_{t−1}·U_i + b_i)     input gate
//	f = σ(x_t·W_f + h_{t−1}·U_f + b_f)     forget gate
//	g = act(x_t·W_c + h_{t−1}·U_c + b_c)   candidate cell state
//	o = σ(x_t·W_o + h_{t−1}·U_o + b_o)     output gate
//	c_t = f ⊙ c_{t−1} + i ⊙ g
//	h_t = o ⊙ act(c_t)
//
// W (F, 4U), U (U, 4U) and b (4U) hold the four blocks in Keras' order
// i, f, c, o. The forget block of b starts at 1 (Keras' unit_forget_bias),
// so the cell remembers at first. It outputs h_{T−1} (N, U), or every h_t
// (N, T, U) with return_sequences. See recurrent.go for the layout.
type LSTM struct {
	recurrentCore

	// What Forward keeps for Backward, each (N, T, ·).
	gates *tensor.Dense // i, f, g, o after their activations (N, T, 4U)
	c     []float32     // cell states c_t (N, T, U)
	actC  []float32     // act(c_t) (N, T, U)
	h     *tensor.Dense // h_t (N, T, U)

	dz     []float32 // dL/d(gate pre-activations) (N, T, 4U)
	dh, dc []float32 // dL/dh_{t−1}, dL/dc_{t−1} carried back from step t, (N, U)
}

var (
	_ Layer                = (*LSTM)(nil)
	_ Freezer              = (*LSTM)(nil)
	_ inputGradientSkipper = (*LSTM)(nil)
	_ stepReader           = (*LSTM)(nil)
)

// NewLSTM returns the LSTM layer that the validated spec layer l describes,
// for inputs (T, F) = in, its kernels drawn from rng and its forget bias 1.
func NewLSTM(in []int, l spec.Layer, rng *rand.Rand) *LSTM {
	m := &LSTM{recurrentCore: newRecurrentCore(in, l, rng)}
	if m.Bias != nil {
		b := floats(m.Bias.Value)
		for j := m.Units; j < 2*m.Units; j++ {
			b[j] = 1
		}
	}
	return m
}

// Forward: z = x·W + b for all steps at once; then step by step
// z_t += h_{t−1}·U, the gates, c_t and h_t as in the type's comment.
func (m *LSTM) Forward(x *tensor.Dense, training bool) *tensor.Dense {
	n := m.begin(x)
	T, u := m.Timesteps, m.Units
	m.gates = reuse(m.gates, n, T, 4*u)
	m.h = reuse(m.h, n, T, u)
	m.c = grow(m.c, n*T*u)
	m.actC = grow(m.actC, n*T*u)
	z, h := floats(m.gates), floats(m.h)
	m.project(z)
	for t := 0; t < T; t++ {
		if t > 0 {
			m.recurrent(t, h, z, 0, 4*u)
		}
		for e := 0; e < n; e++ {
			at := (e*T + t) * u
			gz := z[4*at : 4*at+4*u]
			m.gate.apply(gz[:2*u]) // i, f
			m.act.apply(gz[2*u : 3*u])
			m.gate.apply(gz[3*u:])
			i, f, g, o := gz[:u], gz[u:2*u], gz[2*u:3*u], gz[3*u:]
			c, ac, ht := m.c[at:at+u], m.actC[at:at+u], h[at:at+u]
			for j := range c {
				prev := float32(0)
				if t > 0 {
					prev = m.c[at-u+j]
				}
				c[j] = f[j]*prev + i[j]*g[j]
			}
			copy(ac, c)
			m.act.apply(ac)
			for j := range ht {
				ht[j] = o[j] * ac[j]
			}
		}
	}
	return m.output(m.h)
}

// Backward, from the last step to the first, with dh_T = dc_T = 0 and
// dy_t the output's dL/dh_t:
//
//	dh  = dy_t + dh_t
//	dc  = dc_t + dh ⊙ o ⊙ act'(c_t)
//	dz_o = dh ⊙ act(c_t) ⊙ σ'   dz_i = dc ⊙ g ⊙ σ'
//	dz_f = dc ⊙ c_{t−1} ⊙ σ'    dz_c = dc ⊙ i ⊙ act'
//	dc_{t−1} = dc ⊙ f,  dh_{t−1} = dz_t·Uᵀ
//
// (each derivative taken from the value it differentiates), then
// dU += Σ_t h_{t−1}ᵀ·dz_t, dW += xᵀ·dz, db += Σ dz and dx = dz·Wᵀ over
// all steps at once.
func (m *LSTM) Backward(dy *tensor.Dense) *tensor.Dense {
	m.checkGrad(dy)
	n, T, u := m.n, m.Timesteps, m.Units
	gates, h, g := floats(m.gates), floats(m.h), floats(dy)
	m.dz = grow(m.dz, n*T*4*u)
	m.dh, m.dc = grow(m.dh, n*u), grow(m.dc, n*u)
	clear(m.dh)
	clear(m.dc)
	m.beginBackward()
	for t := T - 1; t >= 0; t-- {
		for e := 0; e < n; e++ {
			at := (e*T + t) * u
			gz, dz := gates[4*at:4*at+4*u], m.dz[4*at:4*at+4*u]
			dhs, dcs, dyt := m.dh[e*u:(e+1)*u], m.dc[e*u:(e+1)*u], m.stateGrad(g, e, t)
			for j := 0; j < u; j++ {
				i, f, gg, o := gz[j], gz[u+j], gz[2*u+j], gz[3*u+j]
				ac := m.actC[at+j]
				prev := float32(0)
				if t > 0 {
					prev = m.c[at-u+j]
				}
				dh := dhs[j]
				if dyt != nil {
					dh += dyt[j]
				}
				dc := dcs[j] + dh*o*m.act.deriv(ac)
				dz[j] = dc * gg * m.gate.deriv(i)
				dz[u+j] = dc * prev * m.gate.deriv(f)
				dz[2*u+j] = dc * i * m.act.deriv(gg)
				dz[3*u+j] = dh * ac * m.gate.deriv(o)
				dcs[j] = dc * f
			}
		}
		if t > 0 {
			m.stateGrads(t, m.dz, 0, 4*u, m.dh, 0)
		}
	}
	m.recurrentGrad(m.shifted(h), m.dz, 0, 4*u)
	return m.projectBackward(m.dz)
}
