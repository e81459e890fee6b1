package nn

import (
	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/kernels"
	"github.com/nnplay/nnplay/engine/spec"
)

// SoftmaxCrossEntropy is softmax followed by cross-entropy, computed in one
// step from logits z (the scores before softmax). With t_i the target row
// (one-hot for sparse targets) and lse(z) = m + log Σ_k e^(z_k − m),
// m = max_k z_k:
//
//	L = 1/N Σ_i [ (Σ_k t_ik)·lse(z_i) − Σ_k t_ik·z_ik ]
//	dL/dz_i = ((Σ_k t_ik)·softmax(z_i) − t_i) / N    (= (p − onehot(y)) / N)
//
// Nothing here rounds to 0 before a log, so loss and gradient stay finite
// and exact even for logits of ±1000, where a separate softmax would give
// probabilities of exactly 0 and 1.
//
// It is the from_logits form of both cross-entropies, and the loss that
// FuseSoftmax trains with when a model ends in softmax.
type SoftmaxCrossEntropy struct {
	// Sparse says targets are class indices (N,); else rows (N, K).
	Sparse bool

	p      *tensor.Dense // softmax of the last logits
	target *tensor.Dense
	grad   *tensor.Dense
}

var (
	_ Loss      = (*SoftmaxCrossEntropy)(nil)
	_ NamedLoss = (*SoftmaxCrossEntropy)(nil)
)

// Forward returns the mean cross-entropy of softmax(logits) against target.
func (s *SoftmaxCrossEntropy) Forward(logits, target *tensor.Dense) float64 {
	mustCheck(s.CheckTarget(logits, target))
	n, k := logits.Shape()[0], logits.Shape()[1]
	s.p = reuse(s.p, n, k)
	s.target = target
	total := kernels.SoftmaxCrossEntropy(floats(s.p), floats(logits), floats(target), k, s.Sparse)
	return total / float64(n)
}

// Backward returns dL/dz = ((Σ_k t_ik)·p_i − t_i) / N for the last Forward.
func (s *SoftmaxCrossEntropy) Backward() *tensor.Dense {
	n, k := s.p.Shape()[0], s.p.Shape()[1]
	s.grad = reuse(s.grad, n, k)
	kernels.SoftmaxCrossEntropyGrad(floats(s.grad), floats(s.p), floats(s.target), k, s.Sparse, 1/float64(n))
	return s.grad
}

// Spec names the cross-entropy this is, read from logits.
func (s *SoftmaxCrossEntropy) Spec() (name string, fromLogits bool) {
	if s.Sparse {
		return spec.LossSparseCategoricalCrossentropy, true
	}
	return spec.LossCategoricalCrossentropy, true
}

// CheckTarget checks target against logits (N, K): (N,) class indices when
// Sparse, else (N, K) finite values.
func (s *SoftmaxCrossEntropy) CheckTarget(logits, target *tensor.Dense) error {
	name, _ := s.Spec()
	if s.Sparse {
		return checkSparse(name, logits, target)
	}
	return checkDense(name, logits, target)
}

// SoftmaxEnder is a layer whose output is a softmax of scores it can hand
// out instead: Softmax, and Dense with a softmax activation.
type SoftmaxEnder interface {
	Layer
	// EndsInSoftmax reports whether the layer's last step is a softmax.
	EndsInSoftmax() bool
	// ForwardLogits is Forward without the final softmax.
	ForwardLogits(x *tensor.Dense, training bool) *tensor.Dense
	// BackwardLogits is Backward given dL/d(logits) instead of dL/dy.
	BackwardLogits(dz *tensor.Dense) *tensor.Dense
}

// FuseSoftmax prepares a model for training with its final softmax fused
// into the loss, as Keras does when a softmax output meets a cross-entropy.
// When the last layer ends in softmax (a Softmax layer, or Dense with
// activation softmax) and loss is a cross-entropy from probabilities, it
// returns fused = true, a copy of layers whose last entry is a view of the
// same layer that outputs logits (same Params, so training it trains the
// model), and a SoftmaxCrossEntropy to use as the loss. Otherwise it
// returns layers, loss and false unchanged.
//
// How a Sequential uses it (the only special case is this call):
//
//	train, trainLoss, _ := FuseSoftmax(layers, loss)     // once, at Compile
//	// TrainBatch / Evaluate's loss: the same code as the unfused case,
//	//   h := x; for _, l := range train { h = l.Forward(h, Training) }
//	//   L := trainLoss.Forward(h, y); g := trainLoss.Backward()
//	//   for i := len(train)-1; i >= 0; i-- { g = train[i].Backward(g) }
//	// Predict: the original layers, so it returns probabilities.
//
// Argmax of logits equals argmax of probabilities, so accuracy can be read
// from either. The fused loss is the exact cross-entropy; the unfused one
// clips probabilities to [1e-7, 1 − 1e-7] and so tops out near 16.1.
func FuseSoftmax(layers []Layer, loss Loss) (train []Layer, trainLoss Loss, fused bool) {
	if len(layers) == 0 {
		return layers, loss, false
	}
	last, ok := layers[len(layers)-1].(SoftmaxEnder)
	if !ok || !last.EndsInSoftmax() {
		return layers, loss, false
	}
	switch l := loss.(type) {
	case *SparseCategoricalCrossentropy:
		if l.FromLogits {
			return layers, loss, false
		}
		trainLoss = &SoftmaxCrossEntropy{Sparse: true}
	case *CategoricalCrossentropy:
		if l.FromLogits {
			return layers, loss, false
		}
		trainLoss = &SoftmaxCrossEntropy{}
	default:
		return layers, loss, false
	}
	train = append([]Layer(nil), layers...)
	train[len(train)-1] = logitsView{last}
	return train, trainLoss, true
}

// logitsView is a SoftmaxEnder seen without its final softmax.
type logitsView struct{ SoftmaxEnder }

func (v logitsView) Forward(x *tensor.Dense, training bool) *tensor.Dense {
	return v.ForwardLogits(x, training)
}

func (v logitsView) Backward(dz *tensor.Dense) *tensor.Dense { return v.BackwardLogits(dz) }
