package nn

import (
	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/spec"
)

// MeanSquaredError is the squared error averaged over every output of
// every example (Keras: the mean over the last axis, then over the batch):
//
//	L = 1/(N·K) Σ_i Σ_k (p_ik − t_ik)²
//	dL/dp_ik = 2 (p_ik − t_ik) / (N·K)
type MeanSquaredError struct {
	p, target *tensor.Dense
	grad      *tensor.Dense
}

var (
	_ Loss      = (*MeanSquaredError)(nil)
	_ NamedLoss = (*MeanSquaredError)(nil)
)

// Forward returns the mean squared error over the batch.
func (m *MeanSquaredError) Forward(pred, target *tensor.Dense) float64 {
	mustCheck(m.CheckTarget(pred, target))
	m.p, m.target = pred, target
	t := floats(target)
	var total float64
	for j, v := range floats(pred) {
		d := float64(v) - float64(t[j])
		total += d * d
	}
	return total / float64(len(t))
}

// Backward returns dL/dpred = 2 (p − t) / (N·K) for the last Forward.
func (m *MeanSquaredError) Backward() *tensor.Dense {
	m.grad = reuse(m.grad, m.p.Shape()...)
	g, t := floats(m.grad), floats(m.target)
	scale := 2 / float64(len(t))
	for j, v := range floats(m.p) {
		g[j] = float32((float64(v) - float64(t[j])) * scale)
	}
	return m.grad
}

// Spec returns the loss's spec name; it never reads logits.
func (m *MeanSquaredError) Spec() (name string, fromLogits bool) {
	return spec.LossMeanSquaredError, false
}

// CheckTarget wants target with pred's (N, K) shape and finite values.
func (m *MeanSquaredError) CheckTarget(pred, target *tensor.Dense) error {
	return checkDense(spec.LossMeanSquaredError, pred, target)
}
