package nn

import (
	"fmt"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/kernels"
	"github.com/nnplay/nnplay/engine/spec"
)

// pool2D is what MaxPool2D and AveragePooling2D share: a PoolH×PoolW
// window stepping by (StrideH, StrideW) over channels-last images, each
// channel pooled on its own, and the geometry worked out from the input.
// The loops are kernels.MaxPool, kernels.AvgPool and their gradients.
//
// With padding same the windows at the edges hang over the image; they pool
// only the image values they cover, as TensorFlow does (the padding is
// never a maximum and does not count in an average).
type pool2D struct {
	PoolH, PoolW     int
	StrideH, StrideW int
	Same             bool // padding same, else valid
	FreezeFlag            // carried for the spec; pools have no params

	strides []int  // as given (nil means the pool size), for Spec
	padding string // as given ("" means valid), for Spec
	geom    kernels.ConvGeometry
	in      tensor.Shape // input shape of the last Forward
}

func newPool2D(poolSize, strides []int, padding string) pool2D {
	if len(poolSize) != 2 {
		panic(fmt.Sprintf("nn: pool size %v is not [height, width]", poolSize))
	}
	p := pool2D{PoolH: poolSize[0], PoolW: poolSize[1], StrideH: poolSize[0], StrideW: poolSize[1],
		Same: padding == spec.PaddingSame, strides: append([]int(nil), strides...), padding: padding}
	if len(strides) == 2 {
		p.StrideH, p.StrideW = strides[0], strides[1]
	}
	return p
}

// setInput works out the geometry for a batch x (N, H, W, C) and returns N.
func (p *pool2D) setInput(layer string, x *tensor.Dense) int {
	s := x.Shape()
	if len(s) != 4 {
		panic(fmt.Sprintf("nn.%s: input has shape %v, want (N, height, width, channels)", layer, s))
	}
	if !s.Eq(p.in) {
		p.geom = kernels.NewConvGeometry(s[1], s[2], s[3], p.PoolH, p.PoolW, p.StrideH, p.StrideW, p.Same)
		p.in = s.Clone()
	}
	return s[0]
}

func (p *pool2D) spec(typ string) spec.Layer {
	return spec.Layer{Type: typ, PoolSize: []int{p.PoolH, p.PoolW}, Strides: append([]int(nil), p.strides...), Padding: p.padding, Frozen: p.Frozen}
}
