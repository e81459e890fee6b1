package nn

import (
	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/kernels"
	"github.com/nnplay/nnplay/engine/spec"
)

// MaxPool2D keeps the largest value of each window, channel by channel:
//
//	y[n,i,j,c] = max over the window at (i, j) of x[n, ·, ·, c]
//
// The gradient flows only to where each maximum came from (the first one
// in row-major order on a tie).
type MaxPool2D struct {
	pool2D

	argmax []int32 // per output: the index in its example of the max
	y, dx  *tensor.Dense
}

var (
	_ Layer   = (*MaxPool2D)(nil)
	_ Freezer = (*MaxPool2D)(nil)
)

// NewMaxPool2D returns a MaxPool2D layer with the given window, strides
// (nil: the window size, Keras' default) and padding ("valid", "" or
// "same").
func NewMaxPool2D(poolSize, strides []int, padding string) *MaxPool2D {
	return &MaxPool2D{pool2D: newPool2D(poolSize, strides, padding)}
}

// Forward: y = the max of each window; remembers where each max was.
func (p *MaxPool2D) Forward(x *tensor.Dense, training bool) *tensor.Dense {
	n := p.setInput("MaxPool2D", x)
	g := p.geom
	p.y = reuse(p.y, n, g.OutH, g.OutW, g.C)
	ys := floats(p.y)
	if cap(p.argmax) < len(ys) {
		p.argmax = make([]int32, len(ys))
	}
	p.argmax = p.argmax[:len(ys)]
	kernels.MaxPool(g, n, floats(x), ys, p.argmax)
	return p.y
}

// Backward: dx[where the max of window w was] += dy[w]; 0 elsewhere.
func (p *MaxPool2D) Backward(dy *tensor.Dense) *tensor.Dense {
	mustMatch("MaxPool2D", "dy", dy.Shape(), p.y.Shape())
	p.dx = reuse(p.dx, p.in...)
	kernels.MaxPoolGrad(p.geom, p.in[0], floats(dy), p.argmax, floats(p.dx))
	return p.dx
}

// Params returns nil: MaxPool2D has no weights.
func (p *MaxPool2D) Params() []*Param { return nil }

// Spec returns the layer's config.
func (p *MaxPool2D) Spec() spec.Layer { return p.spec(spec.TypeMaxPool2D) }
