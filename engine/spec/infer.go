package spec

import (
	"fmt"
	"strings"
)

// Limits that keep a model trainable in a browser tab.
const (
	MaxUnits     = 4096
	MaxLayers    = 64
	MaxBatchSize = 4096
	MaxEpochs    = 1000
	// MaxInputSize caps the values in one example, so shape products
	// cannot overflow.
	MaxInputSize = 1 << 20
	// MaxParams caps the weights of the whole model: 2^25 float32 weights
	// with their gradients and Adam's two moments take 512 MiB.
	MaxParams = 1 << 25
)

// LayerInfo is one row of a model summary: what a layer outputs and how
// many weights it holds.
type LayerInfo struct {
	Type   string
	Output []int // without the batch dimension
	Params int
	// NonTrainable is how many of Params the optimizer leaves alone: all
	// of a frozen layer's, and BatchNormalization's moving mean and
	// variance (which the layer updates itself). Keras' summary counts
	// these as "Non-trainable params".
	NonTrainable int
}

// Infer checks every layer's config and infers its output shape and
// parameter count from the model's input, like Keras' model.summary().
// It returns the first problem found as an *Error.
func (m Model) Infer() ([]LayerInfo, error) {
	if len(m.Input) == 0 {
		return nil, fieldError(FieldInput, "input shape is empty")
	}
	size := 1
	for _, d := range m.Input {
		if d < 1 {
			return nil, fieldError(FieldInput, fmt.Sprintf("input shape %v: every dimension must be at least 1", m.Input))
		}
		if d > MaxInputSize/size {
			return nil, fieldError(FieldInput, fmt.Sprintf("input shape %v holds more than %d values per example", m.Input, MaxInputSize))
		}
		size *= d
	}
	if len(m.Layers) == 0 {
		return nil, fieldError(FieldLayers, "the model has no layers")
	}
	if len(m.Layers) > MaxLayers {
		return nil, fieldError(FieldLayers, fmt.Sprintf("the model has %d layers; at most %d are allowed", len(m.Layers), MaxLayers))
	}
	in := m.Input
	infos := make([]LayerInfo, len(m.Layers))
	total := 0
	for i, l := range m.Layers {
		out, params, e := l.infer(in)
		if e == nil {
			// Fields a type does not use may be set, but never to NaN or
			// ±Inf: JSON cannot hold them.
			e = l.finiteFields()
		}
		if e == nil && params > MaxParams-total {
			fewer := FieldUnits
			if l.Type == TypeConv2D {
				fewer = FieldFilters
			}
			e = fieldError(fewer, fmt.Sprintf("the model would have %d weights; at most %d fit in a browser tab; use fewer %s", total+params, MaxParams, fewer))
		}
		if e != nil {
			e.Layer, e.Type = i+1, l.Type
			return nil, e
		}
		total += params
		infos[i] = LayerInfo{Type: l.Type, Output: out, Params: params, NonTrainable: l.nonTrainable(params)}
		in = out
	}
	return infos, nil
}

// infer returns the layer's output shape and parameter count for input
// shape in, or an Error saying which rule the config breaks.
func (l Layer) infer(in []int) (out []int, params int, e *Error) {
	if !l.HasBias() && l.Type != "" && !HasBiasOption(l.Type) {
		return nil, 0, fieldError(FieldUseBias, fmt.Sprintf("use_bias applies to Dense, Conv2D, SimpleRNN, LSTM and GRU; a %s has no bias: remove use_bias", l.Type))
	}
	switch l.Type {
	case TypeDense:
		if len(in) != 1 {
			return nil, 0, fieldError("", fmt.Sprintf("needs a flat input, got shape %s; add Flatten first", Shape(in)))
		}
		if l.Units < 1 || l.Units > MaxUnits {
			return nil, 0, fieldError(FieldUnits, fmt.Sprintf("units must be between 1 and %d, got %d", MaxUnits, l.Units))
		}
		if in[0] > (MaxParams-l.Units)/l.Units {
			return nil, 0, fieldError(FieldUnits, fmt.Sprintf("%d inputs × %d units is more than %d weights; use fewer units", in[0], l.Units, MaxParams))
		}
		if e := l.checkActivation(); e != nil {
			return nil, 0, e
		}
		return []int{l.Units}, in[0]*l.Units + l.biasSize(l.Units), nil
	case TypeReLU, TypeSigmoid, TypeTanh:
		return in, 0, nil
	case TypeSoftmax:
		return in, 0, nil
	case TypeLeakyReLU:
		if !(l.Alpha > 0 && l.Alpha < 1) {
			return nil, 0, fieldError(FieldAlpha, fmt.Sprintf("alpha must be between 0 and 1 (exclusive), got %g", l.Alpha))
		}
		return in, 0, nil
	case TypeDropout:
		if !(l.Rate >= 0 && l.Rate < 1) {
			return nil, 0, fieldError(FieldRate, fmt.Sprintf("rate must be at least 0 and below 1, got %g", l.Rate))
		}
		return in, 0, nil
	case TypeFlatten:
		n := 1
		for _, d := range in {
			n *= d
		}
		return []int{n}, 0, nil
	case TypeConv2D:
		return l.inferConv2D(in)
	case TypeMaxPool2D, TypeAveragePooling2D:
		return l.inferPool2D(in)
	case TypeGlobalAveragePooling2D:
		if len(in) != 3 {
			return nil, 0, needsImage(in)
		}
		return []int{in[2]}, 0, nil
	case TypeBatchNormalization:
		return l.inferBatchNormalization(in)
	case TypeReshape:
		return l.inferReshape(in)
	case TypeSimpleRNN, TypeLSTM, TypeGRU:
		return l.inferRecurrent(in)
	case "":
		return nil, 0, fieldError(FieldType, "layer type is missing")
	default:
		return nil, 0, fieldError(FieldType, fmt.Sprintf("unknown layer type %q", l.Type))
	}
}

// checkActivation checks the activation, kernel initializer and alpha of
// a layer with weights (Dense, Conv2D).
func (l Layer) checkActivation() *Error {
	switch l.Activation {
	case "", ActLinear, ActReLU, ActLeakyReLU, ActSigmoid, ActTanh, ActSoftmax:
	default:
		return fieldError(FieldActivation, fmt.Sprintf("unknown activation %q; use one of linear, relu, leaky_relu, sigmoid, tanh, softmax", l.Activation))
	}
	switch l.KernelInitializer {
	case "", InitGlorotUniform, InitHeNormal:
	default:
		return fieldError(FieldKernelInitializer, fmt.Sprintf("unknown kernel initializer %q; use glorot_uniform or he_normal", l.KernelInitializer))
	}
	// Alpha 0 on a leaky_relu activation means the engine's default slope.
	if l.Activation == ActLeakyReLU && l.Alpha != 0 && !(l.Alpha > 0 && l.Alpha < 1) {
		return fieldError(FieldAlpha, fmt.Sprintf("alpha must be between 0 and 1 (exclusive), got %g", l.Alpha))
	}
	return nil
}

// biasSize is how many bias weights a Dense or Conv2D layer of n outputs
// holds: n, or 0 without use_bias.
func (l Layer) biasSize(n int) int {
	if !l.HasBias() {
		return 0
	}
	return n
}

// nonTrainable is how many of the layer's params weights the optimizer
// never updates.
func (l Layer) nonTrainable(params int) int {
	switch {
	case l.Frozen:
		return params
	case l.Type == TypeBatchNormalization:
		return params / 2 // moving mean and moving variance
	}
	return 0
}

// Shape formats a shape with the batch dimension, as Keras prints it:
// (None, 28, 28, 1).
func Shape(s []int) string {
	parts := []string{"None"}
	for _, d := range s {
		parts = append(parts, fmt.Sprint(d))
	}
	return "(" + strings.Join(parts, ", ") + ")"
}
