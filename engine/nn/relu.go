package nn

import (
	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/kernels"
	"github.com/nnplay/nnplay/engine/spec"
)

// ReLU is the rectified linear unit, element-wise: y = max(0, x).
type ReLU struct {
	FreezeFlag // carried for the spec; ReLU has no params

	x, y, dx *tensor.Dense
}

var (
	_ Layer   = (*ReLU)(nil)
	_ Freezer = (*ReLU)(nil)
)

// NewReLU returns a ReLU layer.
func NewReLU() *ReLU { return &ReLU{} }

// Forward: y = max(0, x).
func (r *ReLU) Forward(x *tensor.Dense, training bool) *tensor.Dense {
	r.x = x
	r.y = reuse(r.y, x.Shape()...)
	kernels.ReLU(floats(r.y), floats(x))
	return r.y
}

// Backward: dx = dy where x > 0, else 0 (the subgradient at 0 is taken as 0,
// as TensorFlow does).
func (r *ReLU) Backward(dy *tensor.Dense) *tensor.Dense {
	mustMatch("ReLU", "dy", dy.Shape(), r.x.Shape())
	r.dx = reuse(r.dx, dy.Shape()...)
	kernels.ReLUGrad(floats(r.dx), floats(r.x), floats(dy))
	return r.dx
}

// Params returns nil: ReLU has no weights.
func (r *ReLU) Params() []*Param { return nil }

// Spec returns the layer's config.
func (r *ReLU) Spec() spec.Layer { return spec.Layer{Type: spec.TypeReLU, Frozen: r.Frozen} }
