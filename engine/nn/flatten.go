package nn

import (
	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/spec"
)

// Flatten reshapes each example to one row: (N, d1, d2, …) → (N, d1·d2·…).
// Row-major storage means no value moves: the output shares the input's
// memory (layers never write into their inputs).
type Flatten struct {
	FreezeFlag // carried for the spec; Flatten has no params

	in tensor.Shape // input shape of the last Forward
}

var (
	_ Layer   = (*Flatten)(nil)
	_ Freezer = (*Flatten)(nil)
)

// NewFlatten returns a Flatten layer.
func NewFlatten() *Flatten { return &Flatten{} }

// Forward: y = x viewed as (N, Π d_i).
func (f *Flatten) Forward(x *tensor.Dense, training bool) *tensor.Dense {
	f.in = x.Shape().Clone()
	n, width := rows(x)
	return tensor.New(tensor.WithShape(n, width), tensor.WithBacking(floats(x)))
}

// Backward: dx = dy viewed in the input's shape.
func (f *Flatten) Backward(dy *tensor.Dense) *tensor.Dense {
	mustMatch("Flatten", "dy size", tensor.Shape{dy.Shape().TotalSize()}, tensor.Shape{f.in.TotalSize()})
	return tensor.New(tensor.WithShape(f.in...), tensor.WithBacking(floats(dy)))
}

// Params returns nil: Flatten has no weights.
func (f *Flatten) Params() []*Param { return nil }

// Spec returns the layer's config.
func (f *Flatten) Spec() spec.Layer { return spec.Layer{Type: spec.TypeFlatten, Frozen: f.Frozen} }
