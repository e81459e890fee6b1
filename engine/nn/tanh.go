package nn

import (
	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/kernels"
	"github.com/nnplay/nnplay/engine/spec"
)

// Tanh squashes each input into (−1, 1): y = tanh(x).
type Tanh struct {
	FreezeFlag // carried for the spec; Tanh has no params

	y, dx *tensor.Dense
}

var (
	_ Layer   = (*Tanh)(nil)
	_ Freezer = (*Tanh)(nil)
)

// NewTanh returns a Tanh layer.
func NewTanh() *Tanh { return &Tanh{} }

// Forward: y = tanh(x).
func (t *Tanh) Forward(x *tensor.Dense, training bool) *tensor.Dense {
	t.y = reuse(t.y, x.Shape()...)
	kernels.Tanh(floats(t.y), floats(x))
	return t.y
}

// Backward: dx = dy · (1 − y²), since tanh'(x) = 1 − tanh²(x).
func (t *Tanh) Backward(dy *tensor.Dense) *tensor.Dense {
	mustMatch("Tanh", "dy", dy.Shape(), t.y.Shape())
	t.dx = reuse(t.dx, dy.Shape()...)
	kernels.TanhGrad(floats(t.dx), floats(t.y), floats(dy))
	return t.dx
}

// Params returns nil: Tanh has no weights.
func (t *Tanh) Params() []*Param { return nil }

// Spec returns the layer's config.
func (t *Tanh) Spec() spec.Layer { return spec.Layer{Type: spec.TypeTanh, Frozen: t.Frozen} }
