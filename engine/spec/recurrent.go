package spec

import (
	"fmt"
	"math"
)

// Recurrent layers read a sequence, one timestep after another, carrying a
// state from step to step: their input is (timesteps, features), such as
// an MNIST digit read as 28 rows of 28 pixels.

// The returnSequences argument of SimpleRNN, LSTM and GRU (Keras'
// return_sequences).
const (
	ReturnSequences = true  // every timestep's state: output (timesteps, units)
	LastState       = false // the last timestep's state: output (units)
)

// SimpleRNN returns a SimpleRNN layer (tanh, with bias), Keras' defaults.
func SimpleRNN(units int, returnSequences bool) Layer {
	return Layer{Type: TypeSimpleRNN, Units: units, Activation: ActTanh, ReturnSequences: returnSequences}
}

// LSTM returns an LSTM layer with Keras' defaults: tanh, sigmoid gates,
// with bias.
func LSTM(units int, returnSequences bool) Layer {
	return Layer{Type: TypeLSTM, Units: units, Activation: ActTanh, RecurrentActivation: ActSigmoid, ReturnSequences: returnSequences}
}

// GRU returns a GRU layer with Keras' defaults: tanh, sigmoid gates, with
// bias, reset_after true.
func GRU(units int, returnSequences bool) Layer {
	return Layer{Type: TypeGRU, Units: units, Activation: ActTanh, RecurrentActivation: ActSigmoid, ReturnSequences: returnSequences}
}

// IsRecurrent reports whether t is a recurrent layer type.
func IsRecurrent(t string) bool {
	return t == TypeSimpleRNN || t == TypeLSTM || t == TypeGRU
}

// Gates is how many blocks of units a recurrent layer's kernels hold: 1
// for SimpleRNN, 4 for LSTM (i, f, c, o), 3 for GRU (z, r, h); 0 for
// other types.
func Gates(t string) int {
	switch t {
	case TypeSimpleRNN:
		return 1
	case TypeLSTM:
		return 4
	case TypeGRU:
		return 3
	}
	return 0
}

// GRUResetAfter is Keras' reset_after for a GRU: true (Keras 2 and 3's
// default, two bias rows) unless ResetAfter is set to false (TF.js' only
// form, one bias row).
func (l Layer) GRUResetAfter() bool { return l.ResetAfter == nil || *l.ResetAfter }

// RecurrentWeights gives the shapes of a recurrent layer's weights, in
// Keras' order, for f features: kernel (f, k·units), recurrent_kernel
// (units, k·units) and, with a bias, bias (k·units), or (2, 3·units) for a
// GRU with reset_after (input and recurrent bias rows).
func (l Layer) RecurrentWeights(f int) (names []string, shapes [][]int) {
	k, u := Gates(l.Type), l.Units
	names = []string{"kernel", "recurrent_kernel"}
	shapes = [][]int{{f, k * u}, {u, k * u}}
	if l.HasBias() {
		names = append(names, "bias")
		if l.Type == TypeGRU && l.GRUResetAfter() {
			shapes = append(shapes, []int{2, k * u})
		} else {
			shapes = append(shapes, []int{k * u})
		}
	}
	return names, shapes
}

// inferRecurrent: (timesteps, features) → (units), or (timesteps, units)
// with return_sequences.
func (l Layer) inferRecurrent(in []int) ([]int, int, *Error) {
	if len(in) != 2 {
		return nil, 0, needsSequence(in)
	}
	if l.Units < 1 || l.Units > MaxUnits {
		return nil, 0, fieldError(FieldUnits, fmt.Sprintf("units must be between 1 and %d, got %d", MaxUnits, l.Units))
	}
	if e := l.checkRecurrentActivations(); e != nil {
		return nil, 0, e
	}
	k, u, f := int64(Gates(l.Type)), int64(l.Units), int64(in[1])
	params := k * u * (f + u)
	if l.HasBias() {
		params += k * u
		if l.Type == TypeGRU && l.GRUResetAfter() {
			params += k * u
		}
	}
	if params > MaxParams {
		return nil, 0, fieldError(FieldUnits, fmt.Sprintf("%d features and %d units make %d weights, more than %d; use fewer units", f, u, params, MaxParams))
	}
	if l.ReturnSequences {
		return []int{in[0], l.Units}, int(params), nil
	}
	return []int{l.Units}, int(params), nil
}

// checkRecurrentActivations checks activation ("" means tanh),
// recurrent_activation ("" means sigmoid; LSTM and GRU) and the kernel
// initializer.
func (l Layer) checkRecurrentActivations() *Error {
	const names = "tanh, sigmoid, relu or linear"
	switch l.Activation {
	case "", ActTanh, ActSigmoid, ActReLU, ActLinear:
	default:
		return fieldError(FieldActivation, fmt.Sprintf("activation %q cannot be used in a recurrent layer; use %s", l.Activation, names))
	}
	if l.Type != TypeSimpleRNN {
		switch l.RecurrentActivation {
		case "", ActSigmoid, ActTanh, ActReLU, ActLinear:
		default:
			return fieldError(FieldRecurrentActivation, fmt.Sprintf("recurrent_activation %q cannot be used; use %s (sigmoid keeps the gates between 0 and 1)", l.RecurrentActivation, names))
		}
	}
	switch l.KernelInitializer {
	case "", InitGlorotUniform, InitHeNormal:
	default:
		return fieldError(FieldKernelInitializer, fmt.Sprintf("unknown kernel initializer %q; use glorot_uniform or he_normal", l.KernelInitializer))
	}
	return nil
}

// needsSequence is the Error for a recurrent layer given an input that is
// not (timesteps, features), with a Reshape that makes one.
func needsSequence(in []int) *Error {
	seq := sequenceOf(in)
	return fieldError("", fmt.Sprintf("needs a (timesteps, features) input but gets %s; add Reshape(%d, %d) first", plainShape(in), seq[0], seq[1]))
}

// sequenceOf suggests (timesteps, features) for a shape: an image's rows
// (h, w·c), a square vector's rows (784 → 28, 28), else one feature per
// step.
func sequenceOf(in []int) [2]int {
	size := 1
	for _, d := range in {
		size *= d
	}
	switch {
	case len(in) >= 3:
		return [2]int{in[0], size / in[0]}
	case len(in) == 1:
		if r := int(math.Sqrt(float64(size))); r > 1 && r*r == size {
			return [2]int{r, r}
		}
	}
	return [2]int{size, 1}
}

// plainShape formats a shape without the batch dimension: (784), (28, 28, 1).
func plainShape(s []int) string {
	out := "("
	for i, d := range s {
		if i > 0 {
			out += ", "
		}
		out += fmt.Sprint(d)
	}
	return out + ")"
}

// recurrentFloats is what a recurrent layer keeps per example for one
// training step (engine/nn's buffers): for T timesteps, F features, U units
// and k gates, the gates before and after their activations' gradients
// (2·T·k·U; a GRU keeps its recurrent part h·U apart, 2·T·k·U more), the
// states (T·U for SimpleRNN and GRU; h, c and act(c) for LSTM, 3·T·U),
// dL/dx (T·F), the output when it is only the last step's (U) and two
// state gradients carried between steps (2·U).
func recurrentFloats(l Layer, in []int) int64 {
	t, f := int64(in[0]), int64(in[1])
	k, u := int64(Gates(l.Type)), int64(l.Units)
	floats := 2*t*k*u + t*u + t*f + 2*u
	switch l.Type {
	case TypeLSTM:
		floats += 2 * t * u
	case TypeGRU:
		floats += 2 * t * k * u
	}
	if !l.ReturnSequences {
		floats += u
	}
	return floats
}
