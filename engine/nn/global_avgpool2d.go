package nn

import (
	"fmt"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/spec"
)

// GlobalAveragePooling2D averages each channel over the whole image:
// (N, H, W, C) → (N, C), y[n,c] = (1/(H·W)) · Σ_{i,j} x[n,i,j,c].
type GlobalAveragePooling2D struct {
	FreezeFlag // carried for the spec; it has no params

	in    tensor.Shape
	y, dx *tensor.Dense
}

var (
	_ Layer   = (*GlobalAveragePooling2D)(nil)
	_ Freezer = (*GlobalAveragePooling2D)(nil)
)

// NewGlobalAveragePooling2D returns a GlobalAveragePooling2D layer.
func NewGlobalAveragePooling2D() *GlobalAveragePooling2D { return &GlobalAveragePooling2D{} }

// Forward: y[n,c] = mean over positions of x[n,·,·,c].
func (p *GlobalAveragePooling2D) Forward(x *tensor.Dense, training bool) *tensor.Dense {
	s := x.Shape()
	if len(s) != 4 {
		panic(fmt.Sprintf("nn.GlobalAveragePooling2D: input has shape %v, want (N, height, width, channels)", s))
	}
	p.in = s.Clone()
	n, positions, c := s[0], s[1]*s[2], s[3]
	p.y = reuse(p.y, n, c)
	ys, xs := floats(p.y), floats(x)
	clear(ys)
	inv := 1 / float32(positions)
	for e := 0; e < n; e++ {
		sum := ys[e*c : (e+1)*c]
		for at := e * positions * c; at < (e+1)*positions*c; at += c {
			for ch, v := range xs[at : at+c] {
				sum[ch] += v
			}
		}
		for ch := range sum {
			sum[ch] *= inv
		}
	}
	return p.y
}

// Backward: dx[n,i,j,c] = dy[n,c] / (H·W) at every position.
func (p *GlobalAveragePooling2D) Backward(dy *tensor.Dense) *tensor.Dense {
	mustMatch("GlobalAveragePooling2D", "dy", dy.Shape(), p.y.Shape())
	n, positions, c := p.in[0], p.in[1]*p.in[2], p.in[3]
	p.dx = reuse(p.dx, p.in...)
	dx, dys := floats(p.dx), floats(dy)
	inv := 1 / float32(positions)
	for e := 0; e < n; e++ {
		grad := dys[e*c : (e+1)*c]
		for at := e * positions * c; at < (e+1)*positions*c; at += c {
			for ch, v := range grad {
				dx[at+ch] = v * inv
			}
		}
	}
	return p.dx
}

// Params returns nil: GlobalAveragePooling2D has no weights.
func (p *GlobalAveragePooling2D) Params() []*Param { return nil }

// Spec returns the layer's config.
func (p *GlobalAveragePooling2D) Spec() spec.Layer {
	return spec.Layer{Type: spec.TypeGlobalAveragePooling2D, Frozen: p.Frozen}
}
