package share

import (
	"fmt"

	"github.com/nnplay/nnplay/engine/spec"
)

// Weight names a weight tensor the spec implies and gives its shape.
type Weight struct {
	// Layer is the index of the layer that holds it, from 0.
	Layer int
	// Name is Keras' name for it: the layer's name (its type in
	// snake_case, "_1", "_2"… after the first of a type, as Keras numbers
	// them) and the weight's, such as "dense_1/kernel" or
	// "batch_normalization/moving_mean".
	Name  string
	Shape []int
}

// ExpectedWeights lists the weight tensors of a model built from m, in the
// order engine/nn's Sequential.Params gives them (each layer's Params in
// layer order):
//
//	Dense:              kernel (in, units), bias (units)
//	Conv2D:             kernel (kh, kw, channels in, filters), bias (filters)
//	                    (Dense and Conv2D: no bias without use_bias)
//	BatchNormalization: gamma, beta, moving_mean, moving_variance, each (C)
//	                    for C the input's last dimension
//	SimpleRNN, LSTM, GRU: kernel (features, k·units), recurrent_kernel
//	                    (units, k·units), bias (k·units) or, for a GRU with
//	                    reset_after, (2, 3·units); k = 1, 4, 3 (see
//	                    spec.Layer.RecurrentWeights); no bias without use_bias
//
// Other layers hold no weights. It returns Infer's error for a model whose
// shapes do not work out.
func ExpectedWeights(m spec.Model) ([]Weight, error) {
	infos, err := m.Infer()
	if err != nil {
		return nil, err
	}
	var ws []Weight
	seen := map[string]int{}
	in := m.Input
	for i, l := range m.Layers {
		var params []Weight
		switch l.Type {
		case spec.TypeDense:
			params = []Weight{{Name: "kernel", Shape: []int{in[0], l.Units}}}
			if l.HasBias() {
				params = append(params, Weight{Name: "bias", Shape: []int{l.Units}})
			}
		case spec.TypeConv2D:
			params = []Weight{{Name: "kernel", Shape: []int{l.KernelSize[0], l.KernelSize[1], in[2], l.Filters}}}
			if l.HasBias() {
				params = append(params, Weight{Name: "bias", Shape: []int{l.Filters}})
			}
		case spec.TypeBatchNormalization:
			c := in[len(in)-1]
			for _, n := range []string{"gamma", "beta", "moving_mean", "moving_variance"} {
				params = append(params, Weight{Name: n, Shape: []int{c}})
			}
		case spec.TypeSimpleRNN, spec.TypeLSTM, spec.TypeGRU:
			names, shapes := l.RecurrentWeights(in[1])
			for j, n := range names {
				params = append(params, Weight{Name: n, Shape: shapes[j]})
			}
		}
		if got := count(params); got != infos[i].Params {
			// The lists above and spec's Infer must agree on every type;
			// a type added to spec with weights and not here ends up here.
			return nil, &spec.Error{Layer: i + 1, Type: l.Type,
				Msg: fmt.Sprintf("has %d weights but this nnplay's link format knows %d of them; share the recipe only", infos[i].Params, got)}
		}
		if len(params) > 0 {
			layer := spec.KerasName(l.Type)
			if n := seen[layer]; n > 0 {
				seen[layer] = n + 1
				layer = fmt.Sprintf("%s_%d", layer, n)
			} else {
				seen[layer] = 1
			}
			for _, p := range params {
				p.Layer, p.Name = i, layer+"/"+p.Name
				ws = append(ws, p)
			}
		}
		in = infos[i].Output
	}
	return ws, nil
}

// ExpectedShapes is the shapes of ExpectedWeights, in order.
func ExpectedShapes(m spec.Model) ([][]int, error) {
	ws, err := ExpectedWeights(m)
	if err != nil {
		return nil, err
	}
	shapes := make([][]int, len(ws))
	for i, w := range ws {
		shapes[i] = w.Shape
	}
	return shapes, nil
}

// count is how many values the weights hold.
func count(ws []Weight) int {
	n := 0
	for _, w := range ws {
		n += size(w.Shape)
	}
	return n
}

// size is the number of values in a tensor of the shape.
func size(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}
