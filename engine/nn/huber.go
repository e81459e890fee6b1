package nn

import (
	"math"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/spec"
)

// Huber is the Huber loss (Keras' huber, δ = Delta): squared for small
// errors, absolute for large ones, averaged over every output of every
// example. With d = p − t:
//
//	ℓ(d) = ½ d²            when |d| ≤ δ
//	ℓ(d) = δ (|d| − ½ δ)   otherwise
//	L = 1/(N·K) Σ_i Σ_k ℓ(d_ik)
//	dL/dp_ik = clip(d_ik, −δ, δ) / (N·K)
//
// Delta 0 means spec.DefaultHuberDelta (1).
type Huber struct {
	Delta     float64
	p, target *tensor.Dense
	grad      *tensor.Dense
}

var (
	_ Loss      = (*Huber)(nil)
	_ NamedLoss = (*Huber)(nil)
)

func (h *Huber) delta() float64 {
	if h.Delta == 0 {
		return spec.DefaultHuberDelta
	}
	return h.Delta
}

// Forward returns the mean Huber loss over the batch.
func (h *Huber) Forward(pred, target *tensor.Dense) float64 {
	mustCheck(h.CheckTarget(pred, target))
	h.p, h.target = pred, target
	t := floats(target)
	delta := h.delta()
	var total float64
	for j, v := range floats(pred) {
		d := math.Abs(float64(v) - float64(t[j]))
		if d <= delta {
			total += 0.5 * d * d
		} else {
			total += delta * (d - 0.5*delta)
		}
	}
	return total / float64(len(t))
}

// Backward returns dL/dpred = clip(p − t, −δ, δ) / (N·K) for the last Forward.
func (h *Huber) Backward() *tensor.Dense {
	h.grad = reuse(h.grad, h.p.Shape()...)
	g, t := floats(h.grad), floats(h.target)
	scale := 1 / float64(len(t))
	delta := h.delta()
	for j, v := range floats(h.p) {
		d := max(-delta, min(delta, float64(v)-float64(t[j])))
		g[j] = float32(d * scale)
	}
	return h.grad
}

// Spec returns the loss's spec name; it never reads logits.
func (h *Huber) Spec() (name string, fromLogits bool) {
	return spec.LossHuber, false
}

// CheckTarget wants target with pred's (N, K) shape and finite values.
func (h *Huber) CheckTarget(pred, target *tensor.Dense) error {
	return checkDense(spec.LossHuber, pred, target)
}
