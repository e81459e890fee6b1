package nn

import (
	"math"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/spec"
)

// SparseCategoricalCrossentropy is the cross-entropy of predictions
// (N, K) against class indices y (N,).
//
// From probabilities (Keras' default), with p clipped to [ε, 1 − ε]:
//
//	L = −1/N Σ_i log p_{i,y_i}
//	dL/dp_{i,y_i} = −1 / (N·p_{i,y_i}), 0 elsewhere (and 0 where clipped)
//
// From logits it is SoftmaxCrossEntropy: L = 1/N Σ_i lse(z_i) − z_{i,y_i}.
type SparseCategoricalCrossentropy struct {
	FromLogits bool

	logits SoftmaxCrossEntropy
	p      *tensor.Dense
	target *tensor.Dense
	grad   *tensor.Dense
}

var (
	_ Loss      = (*SparseCategoricalCrossentropy)(nil)
	_ NamedLoss = (*SparseCategoricalCrossentropy)(nil)
)

// Forward returns the mean loss over the batch.
func (s *SparseCategoricalCrossentropy) Forward(pred, target *tensor.Dense) float64 {
	if s.FromLogits {
		s.logits.Sparse = true
		return s.logits.Forward(pred, target)
	}
	mustCheck(s.CheckTarget(pred, target))
	s.p, s.target = pred, target
	n, k := pred.Shape()[0], pred.Shape()[1]
	p, t := floats(pred), floats(target)
	var total float64
	for i := 0; i < n; i++ {
		total -= math.Log(clip(p[i*k+int(t[i])]))
	}
	return total / float64(n)
}

// Backward returns dL/dpred for the last Forward.
func (s *SparseCategoricalCrossentropy) Backward() *tensor.Dense {
	if s.FromLogits {
		return s.logits.Backward()
	}
	n, k := s.p.Shape()[0], s.p.Shape()[1]
	s.grad = reuse(s.grad, n, k)
	g, p, t := floats(s.grad), floats(s.p), floats(s.target)
	clear(g)
	for i := 0; i < n; i++ {
		j := i*k + int(t[i])
		g[j] = float32(clipGrad(p[j]) / float64(n))
	}
	return s.grad
}

// Spec returns the loss's spec name and FromLogits.
func (s *SparseCategoricalCrossentropy) Spec() (name string, fromLogits bool) {
	return spec.LossSparseCategoricalCrossentropy, s.FromLogits
}

// CheckTarget wants pred (N, K) and target (N,) class indices in [0, K).
func (s *SparseCategoricalCrossentropy) CheckTarget(pred, target *tensor.Dense) error {
	return checkSparse(spec.LossSparseCategoricalCrossentropy, pred, target)
}

// clip returns p clipped to [ε, 1 − ε], in float64.
func clip(p float32) float64 {
	return min(max(float64(p), epsilon), 1-epsilon)
}

// clipGrad is d(−log clip(p))/dp: −1/p inside [ε, 1 − ε], 0 outside, where
// the clip is flat (as TensorFlow's clip_by_value gradient).
func clipGrad(p float32) float64 {
	if v := float64(p); v >= epsilon && v <= 1-epsilon {
		return -1 / v
	}
	return 0
}
