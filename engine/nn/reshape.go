package nn

import (
	"fmt"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/spec"
)

// Reshape views each example in another shape with the same number of
// values: (N, d1, d2, …) → (N, t1, t2, …). Like Flatten, no value moves:
// the output shares the input's memory. One target size may be -1, worked
// out from the input's size.
type Reshape struct {
	TargetShape []int // as the spec gave it
	FreezeFlag        // carried for the spec; Reshape has no params

	in tensor.Shape // input shape of the last Forward
}

var (
	_ Layer   = (*Reshape)(nil)
	_ Freezer = (*Reshape)(nil)
)

// NewReshape returns a Reshape layer to target, the shape of one example.
func NewReshape(target ...int) *Reshape {
	return &Reshape{TargetShape: append([]int(nil), target...)}
}

// Forward: y = x viewed as (N, target...).
func (r *Reshape) Forward(x *tensor.Dense, training bool) *tensor.Dense {
	r.in = x.Shape().Clone()
	n, width := rows(x)
	shape := []int{n}
	known, free := 1, -1
	for i, d := range r.TargetShape {
		if d == -1 {
			free = i + 1
		} else {
			known *= d
		}
		shape = append(shape, d)
	}
	if free > 0 && known > 0 && width%known == 0 {
		shape[free] = width / known
		known = width
	}
	if known != width {
		panic(fmt.Sprintf("nn.Reshape: input %v cannot be viewed as %v", x.Shape(), r.TargetShape))
	}
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(floats(x)))
}

// Backward: dx = dy viewed in the input's shape.
func (r *Reshape) Backward(dy *tensor.Dense) *tensor.Dense {
	mustMatch("Reshape", "dy size", tensor.Shape{dy.Shape().TotalSize()}, tensor.Shape{r.in.TotalSize()})
	return tensor.New(tensor.WithShape(r.in...), tensor.WithBacking(floats(dy)))
}

// Params returns nil: Reshape has no weights.
func (r *Reshape) Params() []*Param { return nil }

// Spec returns the layer's config.
func (r *Reshape) Spec() spec.Layer {
	return spec.Layer{Type: spec.TypeReshape, TargetShape: append([]int(nil), r.TargetShape...), Frozen: r.Frozen}
}
