package nn

import (
	"gorgonia.org/tensor"

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
	ys, xs := floats(p.y), floats(x)
	if cap(p.argmax) < len(ys) {
		p.argmax = make([]int32, len(ys))
	}
	p.argmax = p.argmax[:len(ys)]
	out := 0 // the first channel of the current output position
	for e := 0; e < n; e++ {
		img := xs[e*g.ImageSize() : (e+1)*g.ImageSize()]
		for oy := 0; oy < g.OutH; oy++ {
			for ox := 0; ox < g.OutW; ox++ {
				y0, y1, x0, x1 := p.window(oy, ox)
				best, where := ys[out:out+g.C], p.argmax[out:out+g.C]
				first := (y0*g.W + x0) * g.C
				copy(best, img[first:first+g.C])
				for c := range where {
					where[c] = int32(first + c)
				}
				for iy := y0; iy < y1; iy++ {
					for ix := x0; ix < x1; ix++ {
						at := (iy*g.W + ix) * g.C
						for c, v := range img[at : at+g.C] {
							if v > best[c] {
								best[c], where[c] = v, int32(at+c)
							}
						}
					}
				}
				out += g.C
			}
		}
	}
	return p.y
}

// Backward: dx[where the max of window w was] += dy[w]; 0 elsewhere.
func (p *MaxPool2D) Backward(dy *tensor.Dense) *tensor.Dense {
	mustMatch("MaxPool2D", "dy", dy.Shape(), p.y.Shape())
	g := p.geom
	p.dx = reuse(p.dx, p.in...)
	dx := floats(p.dx)
	clear(dx)
	perExample := g.Positions() * g.C
	for i, v := range floats(dy) {
		dx[i/perExample*g.ImageSize()+int(p.argmax[i])] += v
	}
	return p.dx
}

// Params returns nil: MaxPool2D has no weights.
func (p *MaxPool2D) Params() []*Param { return nil }

// Spec returns the layer's config.
func (p *MaxPool2D) Spec() spec.Layer { return p.spec(spec.TypeMaxPool2D) }
