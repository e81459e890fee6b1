package onnx

import (
	"github.com/nnplay/nnplay/engine/share"
	"github.com/nnplay/nnplay/engine/spec"
)

// gateOrder[t][j] is the Keras gate that ONNX's gate j of layer type t
// is. Keras: LSTM i, f, c, o; GRU z, r, h. ONNX: LSTM i, o, f, c; GRU z,
// r, h (the same); RNN one block.
var gateOrder = map[string][]int{
	spec.TypeSimpleRNN: {0},
	spec.TypeLSTM:      {0, 3, 1, 2},
	spec.TypeGRU:       {0, 1, 2},
}

// onnxOps names ONNX's operator for each recurrent type.
var onnxOps = map[string]string{spec.TypeSimpleRNN: "RNN", spec.TypeLSTM: "LSTM", spec.TypeGRU: "GRU"}

// onnxActivation is ONNX's name of a recurrent activation; linear is
// Affine with alpha 1, beta 0.
func onnxActivation(a string) string {
	switch a {
	case spec.ActSigmoid:
		return "Sigmoid"
	case spec.ActReLU:
		return "Relu"
	case spec.ActLinear:
		return "Affine"
	}
	return "Tanh"
}

// recurrent adds a SimpleRNN, LSTM or GRU on x, (N, T, F), as ONNX's RNN,
// LSTM or GRU: X is (T, N, F) there, W (1, k·U, F), R (1, k·U, U) and
// B (1, 2·k·U), the input bias then the recurrent one. Keras' single bias
// is the input bias (recurrent 0); a reset_after GRU's two rows are both,
// and reset_after is ONNX's linear_before_reset.
func (b *builder) recurrent(l spec.Layer, name string, ws []share.Tensor, in []int, x string) string {
	g := b.g
	f, u := in[1], l.Units
	order := gateOrder[l.Type]
	k := len(order)
	w := g.floats(name+"/W", []int{1, k * u, f}, gatesTransposed(ws[0].Values, f, u, order))
	r := g.floats(name+"/R", []int{1, k * u, u}, gatesTransposed(ws[1].Values, u, u, order))
	bias := ""
	if l.HasBias() {
		bv := make([]float32, 2*k*u)
		src := ws[2].Values
		reorder(bv[:k*u], src[:k*u], u, order)
		if l.Type == spec.TypeGRU && l.GRUResetAfter() {
			reorder(bv[k*u:], src[k*u:], u, order)
		}
		bias = g.floats(name+"/B", []int{1, 2 * k * u}, bv)
	}
	act, ract := l.Activation, l.RecurrentActivation
	if act == "" {
		act = spec.ActTanh
	}
	if ract == "" {
		ract = spec.ActSigmoid
	}
	var acts []string
	switch l.Type {
	case spec.TypeSimpleRNN:
		acts = []string{act}
	case spec.TypeLSTM:
		acts = []string{ract, act, act} // f (gates), g (cell input), h (output)
	case spec.TypeGRU:
		acts = []string{ract, act} // f (gates), g (candidate)
	}
	names := make([]string, len(acts))
	var alphas, betas []float32
	for i, a := range acts {
		names[i] = onnxActivation(a)
		if names[i] == "Affine" {
			alphas, betas = append(alphas, 1), append(betas, 0)
		}
	}
	attrs := []attr{intAttr("hidden_size", int64(u)), stringsAttr("activations", names...)}
	if len(alphas) > 0 {
		attrs = append(attrs, floatsAttr("activation_alpha", alphas...), floatsAttr("activation_beta", betas...))
	}
	if l.Type == spec.TypeGRU && l.GRUResetAfter() {
		attrs = append(attrs, intAttr("linear_before_reset", 1))
	}
	xt := g.node("Transpose", "", []string{x}, intsAttr("perm", 1, 0, 2))
	y, yh := g.fresh(name+"/Y"), g.fresh(name+"/Y_h")
	outs := []string{y, yh}
	if !l.ReturnSequences {
		outs[0] = ""
	}
	g.nodeOutputs(onnxOps[l.Type], []string{xt, w, r, bias}, outs, attrs...)
	if l.ReturnSequences {
		// Y: (T, 1, N, U) → (N, T, U).
		s := g.node("Squeeze", "", []string{y, g.int64s("axes", 1)})
		return g.node("Transpose", g.fresh(name), []string{s}, intsAttr("perm", 1, 0, 2))
	}
	// Y_h: (1, N, U) → (N, U).
	return g.node("Squeeze", g.fresh(name), []string{yh, g.int64s("axes", 0)})
}

// gatesTransposed is a Keras kernel (rows, k·u), gates side by side, as
// ONNX's (k·u, rows) with the gates in ONNX's order.
func gatesTransposed(kernel []float32, rows, u int, order []int) []float32 {
	k := len(order)
	out := make([]float32, len(kernel))
	for j, kg := range order {
		for unit := range u {
			for row := range rows {
				out[(j*u+unit)*rows+row] = kernel[row*k*u+kg*u+unit]
			}
		}
	}
	return out
}

// reorder copies a bias (k·u) from Keras' gate order into ONNX's.
func reorder(dst, src []float32, u int, order []int) {
	for j, kg := range order {
		copy(dst[j*u:(j+1)*u], src[kg*u:(kg+1)*u])
	}
}
