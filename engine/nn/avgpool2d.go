package nn

import (
	"gorgonia.org/tensor"

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
	ys, xs := floats(p.y), floats(x)
	clear(ys)
	out := 0
	for e := 0; e < n; e++ {
		img := xs[e*g.ImageSize() : (e+1)*g.ImageSize()]
		for oy := 0; oy < g.OutH; oy++ {
			for ox := 0; ox < g.OutW; ox++ {
				y0, y1, x0, x1 := p.window(oy, ox)
				sum := ys[out : out+g.C]
				for iy := y0; iy < y1; iy++ {
					for ix := x0; ix < x1; ix++ {
						at := (iy*g.W + ix) * g.C
						for c, v := range img[at : at+g.C] {
							sum[c] += v
						}
					}
				}
				inv := 1 / float32((y1-y0)*(x1-x0))
				for c := range sum {
					sum[c] *= inv
				}
				out += g.C
			}
		}
	}
	return p.y
}

// Backward: every value a window covers gets dy[window]/count.
func (p *AveragePooling2D) Backward(dy *tensor.Dense) *tensor.Dense {
	mustMatch("AveragePooling2D", "dy", dy.Shape(), p.y.Shape())
	g := p.geom
	p.dx = reuse(p.dx, p.in...)
	dx, dys := floats(p.dx), floats(dy)
	clear(dx)
	out := 0
	for e := 0; e < p.in[0]; e++ {
		img := dx[e*g.ImageSize() : (e+1)*g.ImageSize()]
		for oy := 0; oy < g.OutH; oy++ {
			for ox := 0; ox < g.OutW; ox++ {
				y0, y1, x0, x1 := p.window(oy, ox)
				inv := 1 / float32((y1-y0)*(x1-x0))
				grad := dys[out : out+g.C]
				for iy := y0; iy < y1; iy++ {
					for ix := x0; ix < x1; ix++ {
						at := (iy*g.W + ix) * g.C
						for c, v := range grad {
							img[at+c] += float32(v * inv) // rounded: no FMA, same bits everywhere
						}
					}
				}
				out += g.C
			}
		}
	}
	return p.dx
}

// Params returns nil: AveragePooling2D has no weights.
func (p *AveragePooling2D) Params() []*Param { return nil }

// Spec returns the layer's config.
func (p *AveragePooling2D) Spec() spec.Layer { return p.spec(spec.TypeAveragePooling2D) }
