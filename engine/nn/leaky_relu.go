package nn

import (
	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/kernels"
	"github.com/nnplay/nnplay/engine/spec"
)

// LeakyReLU lets a small slope through for negative inputs, element-wise:
// y = x for x > 0, y = α·x otherwise. Unlike ReLU its units never go
// completely silent.
type LeakyReLU struct {
	Alpha      float64 // α, the slope for x ≤ 0, in (0, 1)
	FreezeFlag         // carried for the spec; LeakyReLU has no params

	x, y, dx *tensor.Dense
}

var (
	_ Layer   = (*LeakyReLU)(nil)
	_ Freezer = (*LeakyReLU)(nil)
)

// NewLeakyReLU returns a LeakyReLU layer with slope alpha for x ≤ 0.
func NewLeakyReLU(alpha float64) *LeakyReLU { return &LeakyReLU{Alpha: alpha} }

// Forward: y = x if x > 0 else α·x.
func (l *LeakyReLU) Forward(x *tensor.Dense, training bool) *tensor.Dense {
	l.x = x
	l.y = reuse(l.y, x.Shape()...)
	kernels.LeakyReLU(floats(l.y), floats(x), float32(l.Alpha))
	return l.y
}

// Backward: dx = dy if x > 0 else α·dy.
func (l *LeakyReLU) Backward(dy *tensor.Dense) *tensor.Dense {
	mustMatch("LeakyReLU", "dy", dy.Shape(), l.x.Shape())
	l.dx = reuse(l.dx, dy.Shape()...)
	kernels.LeakyReLUGrad(floats(l.dx), floats(l.x), floats(dy), float32(l.Alpha))
	return l.dx
}

// Params returns nil: LeakyReLU has no weights.
func (l *LeakyReLU) Params() []*Param { return nil }

// Spec returns the layer's config.
func (l *LeakyReLU) Spec() spec.Layer {
	return spec.Layer{Type: spec.TypeLeakyReLU, Alpha: l.Alpha, Frozen: l.Frozen}
}
