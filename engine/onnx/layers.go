package onnx

import (
	"github.com/nnplay/nnplay/engine/share"
	"github.com/nnplay/nnplay/engine/spec"
)

// builder turns layers into nodes. Values of an image shape (H, W, C) are
// held channels first, (N, C, H, W), between nodes.
type builder struct {
	g *graph
}

// layer adds layer l (Keras name name, weights ws) reading x of shape in
// (one example, nnplay's layout) and returns its output's name.
func (b *builder) layer(l spec.Layer, name string, ws []share.Tensor, in, out []int, x string) string {
	g := b.g
	image := len(in) == 3
	switch l.Type {
	case spec.TypeDense:
		k := g.floats(name+"/kernel", ws[0].Shape, ws[0].Values)
		return b.activation(l, g.node("Gemm", g.fresh(name), b.withBias(l, name, ws, x, k)), 1)
	case spec.TypeConv2D:
		kh, kw, c, f := ws[0].Shape[0], ws[0].Shape[1], ws[0].Shape[2], ws[0].Shape[3]
		k := g.floats(name+"/kernel", []int{f, c, kh, kw}, hwioToOIHW(ws[0].Values, kh, kw, c, f))
		strides, pads := window(l, l.KernelSize, []int{1, 1}, in)
		y := g.node("Conv", g.fresh(name), b.withBias(l, name, ws, x, k),
			intsAttr("kernel_shape", int64(kh), int64(kw)), intsAttr("strides", strides...), intsAttr("pads", pads...))
		return b.activation(l, y, 1)
	case spec.TypeMaxPool2D, spec.TypeAveragePooling2D:
		strides, pads := window(l, l.PoolSize, l.PoolSize, in)
		attrs := []attr{intsAttr("kernel_shape", int64(l.PoolSize[0]), int64(l.PoolSize[1])), intsAttr("strides", strides...), intsAttr("pads", pads...)}
		if l.Type == spec.TypeMaxPool2D {
			return g.node("MaxPool", "", []string{x}, attrs...)
		}
		// count_include_pad 0: an edge window averages only the image
		// values it covers, as Keras does.
		return g.node("AveragePool", "", []string{x}, append(attrs, intAttr("count_include_pad", 0))...)
	case spec.TypeGlobalAveragePooling2D:
		y := g.node("GlobalAveragePool", "", []string{x})
		return g.node("Flatten", "", []string{y}, intAttr("axis", 1))
	case spec.TypeBatchNormalization:
		params := make([]string, 4)
		for i, w := range ws {
			params[i] = g.floats(w.Name, w.Shape, w.Values)
		}
		seq := len(in) == 2 // (N, T, F): ONNX normalizes axis 1
		if seq {
			x = g.node("Transpose", "", []string{x}, intsAttr("perm", 0, 2, 1))
		}
		y := g.node("BatchNormalization", g.fresh(name), append([]string{x}, params...), floatAttr("epsilon", float32(l.Epsilon)))
		if seq {
			y = g.node("Transpose", "", []string{y}, intsAttr("perm", 0, 2, 1))
		}
		return y
	case spec.TypeDropout:
		return x // the identity at inference
	case spec.TypeFlatten:
		if image {
			x = g.node("Transpose", "", []string{x}, intsAttr("perm", 0, 2, 3, 1))
		}
		return g.node("Flatten", "", []string{x}, intAttr("axis", 1))
	case spec.TypeReshape:
		if image {
			x = g.node("Transpose", "", []string{x}, intsAttr("perm", 0, 2, 3, 1))
		}
		shape := []int64{0} // 0: the batch, copied from the input
		for _, d := range out {
			shape = append(shape, int64(d))
		}
		y := g.node("Reshape", "", []string{x, g.int64s("shape", shape...)})
		if len(out) == 3 {
			y = g.node("Transpose", "", []string{y}, intsAttr("perm", 0, 3, 1, 2))
		}
		return y
	case spec.TypeReLU:
		return g.node("Relu", "", []string{x})
	case spec.TypeLeakyReLU:
		alpha := l.Alpha
		if alpha == 0 {
			alpha = spec.DefaultLeakyReLUAlpha
		}
		return g.node("LeakyRelu", "", []string{x}, floatAttr("alpha", float32(alpha)))
	case spec.TypeSigmoid:
		return g.node("Sigmoid", "", []string{x})
	case spec.TypeTanh:
		return g.node("Tanh", "", []string{x})
	case spec.TypeSoftmax:
		axis := int64(-1)
		if image {
			axis = 1
		}
		return g.node("Softmax", "", []string{x}, intAttr("axis", axis))
	case spec.TypeSimpleRNN, spec.TypeLSTM, spec.TypeGRU:
		return b.recurrent(l, name, ws, in, x)
	}
	panic("onnx: layer type " + l.Type + " has no ONNX counterpart") // Infer knows every type
}

// withBias is a Gemm's or Conv's inputs: x, the kernel k and the bias
// (ws[1]), or x and k alone without use_bias (C and B are optional inputs
// of Gemm and Conv).
func (b *builder) withBias(l spec.Layer, name string, ws []share.Tensor, x, k string) []string {
	if !l.HasBias() {
		return []string{x, k}
	}
	return []string{x, k, b.g.floats(name+"/bias", ws[1].Shape, ws[1].Values)}
}

// activation adds a Dense or Conv2D activation; axis is the channels' for
// softmax.
func (b *builder) activation(l spec.Layer, x string, axis int64) string {
	g := b.g
	switch l.Activation {
	case spec.ActReLU:
		return g.node("Relu", "", []string{x})
	case spec.ActLeakyReLU:
		alpha := l.Alpha
		if alpha == 0 {
			alpha = 0.2 // nn.DenseLeakyReLUAlpha, Keras' activations.leaky_relu
		}
		return g.node("LeakyRelu", "", []string{x}, floatAttr("alpha", float32(alpha)))
	case spec.ActSigmoid:
		return g.node("Sigmoid", "", []string{x})
	case spec.ActTanh:
		return g.node("Tanh", "", []string{x})
	case spec.ActSoftmax:
		return g.node("Softmax", "", []string{x}, intAttr("axis", axis))
	}
	return x // linear
}

// window is a Conv2D's or pool's strides (default given) and ONNX pads
// [top, left, bottom, right]: for padding same TensorFlow's, the odd one
// after.
func window(l spec.Layer, size, defaultStride, in []int) (strides, pads []int64) {
	s := l.Strides
	if len(s) == 0 {
		s = defaultStride
	}
	strides = []int64{int64(s[0]), int64(s[1])}
	pads = []int64{0, 0, 0, 0}
	if l.Padding == spec.PaddingSame {
		for axis := range 2 {
			before, after := spec.SamePadding(in[axis], size[axis], s[axis])
			pads[axis], pads[axis+2] = int64(before), int64(after)
		}
	}
	return strides, pads
}

// hwioToOIHW is a Keras kernel (kh, kw, in, out) in ONNX's (out, in, kh, kw).
func hwioToOIHW(k []float32, kh, kw, c, f int) []float32 {
	out := make([]float32, len(k))
	for i := range kh {
		for j := range kw {
			for ci := range c {
				for o := range f {
					out[((o*c+ci)*kh+i)*kw+j] = k[((i*kw+j)*c+ci)*f+o]
				}
			}
		}
	}
	return out
}
