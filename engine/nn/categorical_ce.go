package nn

import (
	"math"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/spec"
)

// CategoricalCrossentropy is the cross-entropy of predictions (N, K)
// against target rows t (N, K), usually one-hot.
//
// From probabilities (Keras' default), with p clipped to [ε, 1 − ε]:
//
//	L = −1/N Σ_i Σ_k t_ik log p_ik
//	dL/dp_ik = −t_ik / (N·p_ik) (0 where p is clipped)
//
// From logits it is SoftmaxCrossEntropy. Unlike Keras we do not first
// divide p by its row sum: p comes from a softmax, whose rows sum to 1.
type CategoricalCrossentropy struct {
	FromLogits bool

	logits SoftmaxCrossEntropy
	p      *tensor.Dense
	target *tensor.Dense
	grad   *tensor.Dense
}

var (
	_ Loss      = (*CategoricalCrossentropy)(nil)
	_ NamedLoss = (*CategoricalCrossentropy)(nil)
)

// Forward returns the mean loss over the batch.
func (c *CategoricalCrossentropy) Forward(pred, target *tensor.Dense) float64 {
	if c.FromLogits {
		c.logits.Sparse = false
		return c.logits.Forward(pred, target)
	}
	mustCheck(c.CheckTarget(pred, target))
	c.p, c.target = pred, target
	p, t := floats(pred), floats(target)
	var total float64
	for j, tj := range t {
		if tj != 0 {
			total -= float64(tj) * math.Log(clip(p[j]))
		}
	}
	return total / float64(pred.Shape()[0])
}

// Backward returns dL/dpred for the last Forward.
func (c *CategoricalCrossentropy) Backward() *tensor.Dense {
	if c.FromLogits {
		return c.logits.Backward()
	}
	n, k := c.p.Shape()[0], c.p.Shape()[1]
	c.grad = reuse(c.grad, n, k)
	g, p, t := floats(c.grad), floats(c.p), floats(c.target)
	for j, tj := range t {
		g[j] = float32(float64(tj) * clipGrad(p[j]) / float64(n))
	}
	return c.grad
}

// Spec returns the loss's spec name and FromLogits.
func (c *CategoricalCrossentropy) Spec() (name string, fromLogits bool) {
	return spec.LossCategoricalCrossentropy, c.FromLogits
}

// CheckTarget wants target with pred's (N, K) shape and finite values.
func (c *CategoricalCrossentropy) CheckTarget(pred, target *tensor.Dense) error {
	return checkDense(spec.LossCategoricalCrossentropy, pred, target)
}
