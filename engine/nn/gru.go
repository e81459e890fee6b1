package nn

import (
	"math/rand/v2"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/spec"
)

// GRU is Keras' gated recurrent unit (Cho et al. 2014). For each step t of
// x (N, T, F), from h_{−1} = 0, with σ the recurrent activation (sigmoid)
// and act the activation (tanh), and W (F, 3U), U (U, 3U) in Keras' block
// order z, r, h:
//
//	z = σ(x_t·W_z + b_z + h_{t−1}·U_z + b'_z)     update gate
//	r = σ(x_t·W_r + b_r + h_{t−1}·U_r + b'_r)     reset gate
//	ĥ = act(x_t·W_h + b_h + r ⊙ (h_{t−1}·U_h + b'_h))   candidate state
//	h_t = z ⊙ h_{t−1} + (1 − z) ⊙ ĥ
//
// That is reset_after (Keras 2 and 3's default, cuDNN's form): the reset
// gate scales h_{t−1}·U_h, and the bias has two rows (2, 3U), b for the
// input and b' for the recurrent part. With reset_after false (TF.js' only
// form) the bias is one row (3U), b' = 0, and the reset gate scales the
// state before U_h:  ĥ = act(x_t·W_h + b_h + (r ⊙ h_{t−1})·U_h).
// It outputs h_{T−1} (N, U), or every h_t (N, T, U) with return_sequences.
type GRU struct {
	recurrentCore
	// ResetAfter is Keras' reset_after (see above).
	ResetAfter bool

	// What Forward keeps for Backward, each (N, T, ·).
	gates *tensor.Dense // z, r, ĥ after their activations (N, T, 3U)
	rec   []float32     // the recurrent part: h_{t−1}·U + b' (reset_after), or h_{t−1}·U_zr and (r ⊙ h_{t−1})·U_h (N, T, 3U)
	rh    []float32     // r ⊙ h_{t−1} (N, T, U), reset_after false only
	h     *tensor.Dense // h_t (N, T, U)

	dzx, dzr []float32 // dL/d(input part), dL/d(recurrent part) (N, T, 3U)
	dh       []float32 // dL/dh_{t−1} carried back from step t (N, U)
	drh      []float32 // dL/d(r ⊙ h_{t−1}) of one step (N, U), reset_after false only
}

var (
	_ Layer                = (*GRU)(nil)
	_ Freezer              = (*GRU)(nil)
	_ inputGradientSkipper = (*GRU)(nil)
	_ stepReader           = (*GRU)(nil)
)

// NewGRU returns the GRU layer that the validated spec layer l describes,
// for inputs (T, F) = in, its kernels drawn from rng.
func NewGRU(in []int, l spec.Layer, rng *rand.Rand) *GRU {
	return &GRU{recurrentCore: newRecurrentCore(in, l, rng), ResetAfter: l.GRUResetAfter()}
}

// Spec returns the layer's config.
func (m *GRU) Spec() spec.Layer {
	l := m.recurrentCore.Spec()
	if !m.ResetAfter {
		l.ResetAfter = spec.Bool(false)
	}
	return l
}

// Forward: x·W + b for all steps at once, then step by step the recurrent
// part, the gates and h_t as in the type's comment.
func (m *GRU) Forward(x *tensor.Dense, training bool) *tensor.Dense {
	n := m.begin(x)
	T, u := m.Timesteps, m.Units
	m.gates = reuse(m.gates, n, T, 3*u)
	m.h = reuse(m.h, n, T, u)
	m.rec = grow(m.rec, n*T*3*u)
	zx, h, rec := floats(m.gates), floats(m.h), m.rec
	m.project(zx)
	if m.ResetAfter {
		m.fill(rec, 3*u, u) // b', or 0 without a bias
	} else {
		m.rh = grow(m.rh, n*T*u)
		clear(m.rh) // step 0's r ⊙ h_{−1} stays 0
		clear(rec)
	}
	for t := 0; t < T; t++ {
		if t > 0 {
			cols := 3 * u // reset_after: h_{t−1}·U for all three blocks
			if !m.ResetAfter {
				cols = 2 * u // else z and r first; U_h waits for r
			}
			m.recurrent(t, h, rec, 0, cols)
		}
		for e := 0; e < n; e++ {
			at := (e*T + t) * u
			gz, rz := zx[3*at:3*at+3*u], rec[3*at:3*at+3*u]
			for j := 0; j < 2*u; j++ {
				gz[j] += rz[j]
			}
			m.gate.apply(gz[:2*u]) // z, r
			if m.ResetAfter {
				for j := 0; j < u; j++ {
					gz[2*u+j] += gz[u+j] * rz[2*u+j] // + r ⊙ (h_{t−1}·U_h + b'_h)
				}
			} else if t > 0 {
				for j := 0; j < u; j++ {
					m.rh[at+j] = gz[u+j] * h[at-u+j] // r ⊙ h_{t−1}
				}
			}
		}
		if !m.ResetAfter && t > 0 {
			m.recurrentOf(t, m.rh, rec)
			for e := 0; e < n; e++ {
				at := (e*T + t) * u
				for j := 0; j < u; j++ {
					zx[3*at+2*u+j] += rec[3*at+2*u+j]
				}
			}
		}
		for e := 0; e < n; e++ {
			at := (e*T + t) * u
			gz := zx[3*at : 3*at+3*u]
			m.act.apply(gz[2*u:]) // ĥ
			for j := 0; j < u; j++ {
				prev := float32(0)
				if t > 0 {
					prev = h[at-u+j]
				}
				z := gz[j]
				h[at+j] = z*prev + (1-z)*gz[2*u+j]
			}
		}
	}
	return m.output(m.h)
}

// fill sets every row of rec (N·T rows of width values) to the bias's
// second row b', or 0 without a bias.
func (m *GRU) fill(rec []float32, width, u int) {
	if m.Bias == nil {
		clear(rec)
		return
	}
	b := floats(m.Bias.Value)[width:]
	for i := 0; i < len(rec); i += width {
		copy(rec[i:i+width], b)
	}
}

// recurrentOf writes (r ⊙ h_{t−1})·U_h into the ĥ block of step t's rows
// of rec (reset_after false).
func (m *GRU) recurrentOf(t int, rh, rec []float32) {
	u := m.Units
	// recurrent reads "h_{t−1}" at step t−1 of its h argument: shift rh by
	// one step so step t's r ⊙ h_{t−1} sits there.
	m.recurrent(t, rh[u:], rec, 2*u, u)
}

// Backward, from the last step to the first, with dh_T = 0, dy_t the
// output's dL/dh_t and s = h_{t−1}·U_h + b'_h:
//
//	dh   = dy_t + dh_t
//	dz_z = dh ⊙ (h_{t−1} − ĥ) ⊙ σ'(z)
//	dz_h = dh ⊙ (1 − z) ⊙ act'(ĥ)              (dL/d of ĥ's argument)
//	dz_r = dz_h ⊙ s ⊙ σ'(r)                   reset_after
//	dh_{t−1} = dh ⊙ z + [dz_z, dz_r, r ⊙ dz_h]·Uᵀ
//
// and with reset_after false, d(r ⊙ h_{t−1}) = dz_h·U_hᵀ, so
// dz_r = d(r ⊙ h_{t−1}) ⊙ h_{t−1} ⊙ σ'(r) and dh_{t−1} gains
// d(r ⊙ h_{t−1}) ⊙ r + [dz_z, dz_r]·U_zrᵀ. Then over all steps at once:
// dU += Σ_t h_{t−1}ᵀ·(the recurrent part's gradient) (U_h's block from
// (r ⊙ h_{t−1})ᵀ with reset_after false), db' += Σ of that gradient, and
// dW, db and dx from [dz_z, dz_r, dz_h].
func (m *GRU) Backward(dy *tensor.Dense) *tensor.Dense {
	m.checkGrad(dy)
	n, T, u := m.n, m.Timesteps, m.Units
	gates, h, g := floats(m.gates), floats(m.h), floats(dy)
	m.dzx = grow(m.dzx, n*T*3*u)
	m.dh = grow(m.dh, n*u)
	clear(m.dh)
	m.beginBackward()
	if m.ResetAfter {
		m.dzr = grow(m.dzr, n*T*3*u)
	} else {
		m.drh = grow(m.drh, n*u)
	}
	for t := T - 1; t >= 0; t-- {
		for e := 0; e < n; e++ {
			at := (e*T + t) * u
			gz, dzx := gates[3*at:3*at+3*u], m.dzx[3*at:3*at+3*u]
			dhs, dyt := m.dh[e*u:(e+1)*u], m.stateGrad(g, e, t)
			for j := 0; j < u; j++ {
				z, hh := gz[j], gz[2*u+j]
				prev := float32(0)
				if t > 0 {
					prev = h[at-u+j]
				}
				dh := dhs[j]
				if dyt != nil {
					dh += dyt[j]
				}
				dzx[j] = dh * (prev - hh) * m.gate.deriv(z)
				dzx[2*u+j] = dh * (1 - z) * m.act.deriv(hh)
				dhs[j] = dh * z // dh_{t−1}'s direct part; the products add the rest
			}
			if m.ResetAfter {
				rz, dzr := m.rec[3*at:3*at+3*u], m.dzr[3*at:3*at+3*u]
				for j := 0; j < u; j++ {
					r := gz[u+j]
					dzx[u+j] = dzx[2*u+j] * rz[2*u+j] * m.gate.deriv(r)
					dzr[j], dzr[u+j], dzr[2*u+j] = dzx[j], dzx[u+j], dzx[2*u+j]*r
				}
			}
		}
		if m.ResetAfter {
			if t > 0 {
				m.stateGrads(t, m.dzr, 0, 3*u, m.dh, 1)
			}
			continue
		}
		if t == 0 {
			for e := 0; e < n; e++ { // h_{−1} = 0: r gets no gradient
				at := e * T * u
				clear(m.dzx[3*at+u : 3*at+2*u])
			}
			continue
		}
		// reset_after false: through U_h to r ⊙ h_{t−1}, then r and h_{t−1}.
		m.stateGrads(t, m.dzx, 2*u, u, m.drh, 0)
		for e := 0; e < n; e++ {
			at := (e*T + t) * u
			gz, dzx, dhs, drh := gates[3*at:3*at+3*u], m.dzx[3*at:3*at+3*u], m.dh[e*u:(e+1)*u], m.drh[e*u:(e+1)*u]
			for j := 0; j < u; j++ {
				r, prev := gz[u+j], h[at-u+j]
				dzx[u+j] = drh[j] * prev * m.gate.deriv(r)
				dhs[j] += drh[j] * r
			}
		}
		m.stateGrads(t, m.dzx, 0, 2*u, m.dh, 1)
	}
	prev := m.shifted(h)
	if m.ResetAfter {
		m.recurrentGrad(prev, m.dzr, 0, 3*u)
		if m.Bias != nil {
			addRowSums(floats(m.Bias.Grad)[3*u:], m.dzr, n*T, 3*u, 3*u)
		}
	} else {
		m.recurrentGrad(prev, m.dzx, 0, 2*u)
		m.recurrentGrad(m.rh, m.dzx, 2*u, u)
	}
	return m.projectBackward(m.dzx)
}
