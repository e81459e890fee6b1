// Package nn holds nnplay's layers, losses, optimizers and the Sequential
// model that trains them, on gorgonia.org/tensor float32 tensors.
//
// Every layer keeps its Forward and Backward side by side: Forward caches
// what Backward needs, Backward takes dL/d(output), accumulates dL/d(param)
// into each Param's Grad and returns dL/d(input). Shapes carry the batch
// dimension first.
package nn

import (
	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/spec"
)

// Forward's training argument.
const (
	Training  = true  // fitting: Dropout drops units, BatchNormalization uses the batch's statistics
	Inference = false // evaluating, predicting, inspecting
)

// Layer is one step of a Sequential model.
type Layer interface {
	// Forward maps a batch x to the layer's output. training (Training or
	// Inference) switches behaviour that differs between fitting and
	// inference (Dropout, BatchNormalization).
	Forward(x *tensor.Dense, training bool) *tensor.Dense
	// Backward takes dL/dy for the last Forward's output, adds dL/dθ to the
	// layer's Param grads and returns dL/dx.
	Backward(dy *tensor.Dense) *tensor.Dense
	// Params are the layer's weight tensors (none for activations), the
	// trainable ones and any NonTrainable state.
	Params() []*Param
	// Spec is the layer's config, enough to rebuild it.
	Spec() spec.Layer
}

// Freezer is a layer that can be frozen: the optimizer leaves a frozen
// layer's params alone, while gradients still flow through it to the layers
// before (Keras' trainable = False). Every nnplay layer is one, through an
// embedded FreezeFlag; those without params carry the flag for the spec.
type Freezer interface {
	Layer
	// SetFrozen freezes (true) or unfreezes (false) the layer.
	SetFrozen(frozen bool)
	// IsFrozen reports whether the layer is frozen.
	IsFrozen() bool
}

// FreezeFlag is the frozen flag every layer embeds, which makes it a Freezer.
// The Sequential reads it to decide which params the optimizer updates; the
// layer itself still computes all its gradients (BatchNormalization alone
// also runs in inference mode when frozen, as Keras does).
type FreezeFlag struct {
	Frozen bool
}

// SetFrozen sets Frozen.
func (f *FreezeFlag) SetFrozen(frozen bool) { f.Frozen = frozen }

// IsFrozen returns Frozen.
func (f *FreezeFlag) IsFrozen() bool { return f.Frozen }

// isFrozen reports whether the optimizer skips layer l's params: a
// Freezer's flag, or else what its spec says.
func isFrozen(l Layer) bool {
	if f, ok := l.(Freezer); ok {
		return f.IsFrozen()
	}
	return l.Spec().Frozen
}

// Param is a weight tensor and the gradient of the loss with respect to it.
type Param struct {
	Name  string // "kernel", "bias"
	Value *tensor.Dense
	Grad  *tensor.Dense
	// Decay says L2 weight decay applies (kernels yes, biases no).
	Decay bool
	// NonTrainable marks state the layer updates itself, such as
	// BatchNormalization's moving mean and variance: part of the model's
	// weights (saved and restored with them) but never given to the
	// optimizer. Its Grad stays zero.
	NonTrainable bool
}

// kernelAndBias is the Params of a layer with a kernel and an optional
// bias (nil without use_bias), Keras' order.
func kernelAndBias(kernel, bias *Param) []*Param {
	if bias == nil {
		return []*Param{kernel}
	}
	return []*Param{kernel, bias}
}

// Loss compares a batch of predictions with their targets.
type Loss interface {
	// Forward returns the mean loss over the batch and caches what Backward needs.
	Forward(pred, target *tensor.Dense) float64
	// Backward returns dL/d(pred) for the last Forward (the mean's 1/N included).
	Backward() *tensor.Dense
}

// Optimizer updates params from their grads.
type Optimizer interface {
	// Step applies one update to every param from its Grad.
	Step(params []*Param)
	// SetLearningRate changes the step size between batches.
	SetLearningRate(lr float64)
	LearningRate() float64
}
