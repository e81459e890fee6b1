package nn

import (
	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/kernels"
	"github.com/nnplay/nnplay/engine/spec"
)

// Softmax turns each row of scores (logits) into probabilities over the last
// axis: y_i = e^(x_i) / Σ_j e^(x_j).
//
// Trained with a cross-entropy loss, a final Softmax is best fused with the
// loss (see FuseSoftmax): its own Backward is exact, but the probabilities
// it feeds the loss round to 0 or 1 for confident predictions.
type Softmax struct {
	FreezeFlag // carried for the spec; Softmax has no params

	y, dx *tensor.Dense
}

var (
	_ Layer        = (*Softmax)(nil)
	_ Freezer      = (*Softmax)(nil)
	_ SoftmaxEnder = (*Softmax)(nil)
)

// NewSoftmax returns a Softmax layer.
func NewSoftmax() *Softmax { return &Softmax{} }

// Forward: y_i = e^(x_i − m) / Σ_j e^(x_j − m) with m = max_j x_j per row;
// subtracting m changes nothing mathematically and keeps e^· from
// overflowing.
func (s *Softmax) Forward(x *tensor.Dense, training bool) *tensor.Dense {
	_, k := lastAxis(x)
	s.y = reuse(s.y, x.Shape()...)
	kernels.Softmax(floats(s.y), floats(x), k)
	return s.y
}

// softmaxRow writes softmax(x) into y and returns log Σ_j e^(x_j), the
// log-sum-exp that the fused cross-entropy needs (kernels.SoftmaxRow).
func softmaxRow(x, y []float32) (logSumExp float64) { return kernels.SoftmaxRow(y, x) }

// Backward: dx_i = y_i · (dy_i − Σ_j dy_j y_j), the softmax Jacobian
// ∂y_j/∂x_i = y_j(δ_ij − y_i) applied to dy without forming it.
func (s *Softmax) Backward(dy *tensor.Dense) *tensor.Dense {
	mustMatch("Softmax", "dy", dy.Shape(), s.y.Shape())
	_, k := lastAxis(dy)
	s.dx = reuse(s.dx, dy.Shape()...)
	kernels.SoftmaxGrad(floats(s.dx), floats(s.y), floats(dy), k)
	return s.dx
}

// lastAxis splits t into rows along its last axis: n rows of k values.
func lastAxis(t *tensor.Dense) (n, k int) {
	s := t.Shape()
	k = s[len(s)-1]
	return t.Shape().TotalSize() / k, k
}

// Params returns nil: Softmax has no weights.
func (s *Softmax) Params() []*Param { return nil }

// Spec returns the layer's config.
func (s *Softmax) Spec() spec.Layer { return spec.Layer{Type: spec.TypeSoftmax, Frozen: s.Frozen} }

// EndsInSoftmax is true: the whole layer is a softmax (see FuseSoftmax).
func (s *Softmax) EndsInSoftmax() bool { return true }

// ForwardLogits is the identity: without its softmax, this layer is nothing.
func (s *Softmax) ForwardLogits(x *tensor.Dense, training bool) *tensor.Dense { return x }

// BackwardLogits is the identity: dL/dx = dL/dz.
func (s *Softmax) BackwardLogits(dz *tensor.Dense) *tensor.Dense { return dz }
