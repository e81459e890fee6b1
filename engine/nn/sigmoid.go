package nn

import (
	"math"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/kernels"
	"github.com/nnplay/nnplay/engine/spec"
)

// Sigmoid squashes each input into (0, 1): y = σ(x) = 1 / (1 + e^(−x)).
type Sigmoid struct {
	FreezeFlag // carried for the spec; Sigmoid has no params

	y, dx *tensor.Dense
}

var (
	_ Layer   = (*Sigmoid)(nil)
	_ Freezer = (*Sigmoid)(nil)
)

// NewSigmoid returns a Sigmoid layer.
func NewSigmoid() *Sigmoid { return &Sigmoid{} }

// Forward: y = 1 / (1 + e^(−x)), computed as e^x / (1 + e^x) for x < 0 so
// that e^(−x) never overflows.
func (s *Sigmoid) Forward(x *tensor.Dense, training bool) *tensor.Dense {
	s.y = reuse(s.y, x.Shape()...)
	kernels.Sigmoid(floats(s.y), floats(x))
	return s.y
}

// sigmoid is σ(x) in float64, computed as kernels.Sigmoid computes each
// element (the recurrent layers' tests compare their float32 σ with it).
func sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

// Backward: dx = dy · y · (1 − y), since σ'(x) = σ(x)(1 − σ(x)).
func (s *Sigmoid) Backward(dy *tensor.Dense) *tensor.Dense {
	mustMatch("Sigmoid", "dy", dy.Shape(), s.y.Shape())
	s.dx = reuse(s.dx, dy.Shape()...)
	kernels.SigmoidGrad(floats(s.dx), floats(s.y), floats(dy))
	return s.dx
}

// Params returns nil: Sigmoid has no weights.
func (s *Sigmoid) Params() []*Param { return nil }

// Spec returns the layer's config.
func (s *Sigmoid) Spec() spec.Layer { return spec.Layer{Type: spec.TypeSigmoid, Frozen: s.Frozen} }
