package nn

import (
	"math"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/spec"
)

// MeanAbsoluteError is the absolute error averaged over every output of
// every example (Keras' mean_absolute_error):
//
//	L = 1/(N·K) Σ_i Σ_k |p_ik − t_ik|
//	dL/dp_ik = sign(p_ik − t_ik) / (N·K)   (0 where p_ik = t_ik)
//
// It is less swayed by outliers than the squared error.
type MeanAbsoluteError struct {
	p, target *tensor.Dense
	grad      *tensor.Dense
}

var (
	_ Loss      = (*MeanAbsoluteError)(nil)
	_ NamedLoss = (*MeanAbsoluteError)(nil)
)

// Forward returns the mean absolute error over the batch.
func (m *MeanAbsoluteError) Forward(pred, target *tensor.Dense) float64 {
	mustCheck(m.CheckTarget(pred, target))
	m.p, m.target = pred, target
	t := floats(target)
	var total float64
	for j, v := range floats(pred) {
		total += math.Abs(float64(v) - float64(t[j]))
	}
	return total / float64(len(t))
}

// Backward returns dL/dpred = sign(p − t) / (N·K) for the last Forward.
func (m *MeanAbsoluteError) Backward() *tensor.Dense {
	m.grad = reuse(m.grad, m.p.Shape()...)
	g, t := floats(m.grad), floats(m.target)
	scale := 1 / float64(len(t))
	for j, v := range floats(m.p) {
		d := float64(v) - float64(t[j])
		switch {
		case d > 0:
			g[j] = float32(scale)
		case d < 0:
			g[j] = float32(-scale)
		default:
			g[j] = 0
		}
	}
	return m.grad
}

// Spec returns the loss's spec name; it never reads logits.
func (m *MeanAbsoluteError) Spec() (name string, fromLogits bool) {
	return spec.LossMeanAbsoluteError, false
}

// CheckTarget wants target with pred's (N, K) shape and finite values.
func (m *MeanAbsoluteError) CheckTarget(pred, target *tensor.Dense) error {
	return checkDense(spec.LossMeanAbsoluteError, pred, target)
}
