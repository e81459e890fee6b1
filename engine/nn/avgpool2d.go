package nn

import (
	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/kernels"
	"github.com/nnplay/nnplay/engine/spec"
)

// AveragePooling2D averages each window, channel by channel, over the
// image values it covers (count), so padding same does not dilute the
// edges (TensorFlow's rule):
//
//	y[n,i,j,c] = (1/count(i,j)) · Σ over the window at (i, j) of x[n, ·, ·, c]
type AveragePooling2D struct {
	pool2D

	y, dx *tensor.Dense
}

var (
	_ Layer   = (*AveragePooling2D)(nil)
	_ Freezer = (*AveragePooling2D)(nil)
)

// NewAveragePooling2D returns an AveragePooling2D layer with the given
// window, strides (nil: the window size, Keras' default) and padding
// ("valid", "" or "same").
func NewAveragePooling2D(poolSize, strides []int, padding string) *AveragePooling2D {
	return &AveragePooling2D{pool2D: newPool2D(poolSize, strides, padding)}
}

// Forward: y = the mean of each window.
func (p *AveragePooling2D) Forward(x *tensor.Dense, training bool) *tensor.Dense {
	n := p.setInput("AveragePooling2D", x)
	g := p.geom
	p.y = reuse(p.y, n, g.OutH, g.OutW, g.C)
	kernels.AvgPool(g, n, floats(x), floats(p.y))
	return p.y
}

// Backward: every value a window covers gets dy[window]/count.
func (p *AveragePooling2D) Backward(dy *tensor.Dense) *tensor.Dense {
	mustMatch("AveragePooling2D", "dy", dy.Shape(), p.y.Shape())
	p.dx = reuse(p.dx, p.in...)
	kernels.AvgPoolGrad(p.geom, p.in[0], floats(dy), floats(p.dx))
	return p.dx
}

// Params returns nil: AveragePooling2D has no weights.
func (p *AveragePooling2D) Params() []*Param { return nil }

// Spec returns the layer's config.
func (p *AveragePooling2D) Spec() spec.Layer { return p.spec(spec.TypeAveragePooling2D) }
