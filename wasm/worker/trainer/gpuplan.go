package trainer

import (
	"cmp"
	"fmt"
	"math"

	"github.com/nnplay/nnplay/engine/nn"
	"github.com/nnplay/nnplay/engine/spec"
)

// GPUPlan is a model as the WebGPU backend (wasm/webgpu) trains it: a
// chain of Dense layers, activations and dropout whose final softmax is
// fused into the cross-entropy, as nn.FuseSoftmax does on the CPU. PlanGPU
// makes one from a spec, or says why the spec needs the CPU.
type GPUPlan struct {
	Input   int     // values per example (the product of the input shape)
	Classes int     // outputs of the last op: the logits
	Ops     []GPUOp // the forward pass, in order
	// Optimizer is the spec's (any of them). Its learning rate is only the
	// starting one: each batch passes the rate to use (Set, schedules).
	Optimizer spec.Optimizer
}

// GPUOp is one step of the forward pass: a Dense layer, y = act(x·W + b),
// a standalone activation, y = act(x), or dropout, y = x ⊙ mask.
type GPUOp struct {
	// Layer is the index of the spec layer: for a Dense op, the layer whose
	// params (kernel, bias) it trains.
	Layer int
	Dense bool
	// Dropout ops multiply by a mask the CPU draws for each batch from
	// the layer's own rng (nn.Dropout.DrawMask), so a run on the GPU
	// drops the units a run on the CPU would.
	Dropout bool
	In, Out int // widths of x and y (equal for an activation)
	// Act is spec.ActLinear, ActReLU, ActLeakyReLU, ActSigmoid or ActTanh.
	// A Dense layer's own activation, or the one of an activation layer
	// right after a linear Dense (fused into it), lands here.
	Act string
	// Alpha is leaky_relu's slope for x ≤ 0, as the CPU layer has it.
	Alpha float64
	// Frozen Dense layers pass gradients on but are not updated.
	Frozen bool
}

// Params are the Dense ops' indices in Ops: each has two params, the
// kernel (In × Out) and the bias (Out), in the order nn.Sequential.Params
// lists them.
func (p *GPUPlan) Params() []int { return p.where(func(op GPUOp) bool { return op.Dense }) }

// Dropouts are the Dropout ops' indices in Ops, in the order
// GPUSession.TrainBatch takes their masks.
func (p *GPUPlan) Dropouts() []int { return p.where(func(op GPUOp) bool { return op.Dropout }) }

// where lists the indices of the ops that match.
func (p *GPUPlan) where(match func(GPUOp) bool) []int {
	var is []int
	for i, op := range p.Ops {
		if match(op) {
			is = append(is, i)
		}
	}
	return is
}

// AdamStepSize is Adam's α at step t (1, 2, …) for learning rate lr, with
// both bias corrections folded in, computed exactly as nn.Adam does:
// α = lr·√(1−β2^t)/(1−β1^t), in float64, rounded once to float32.
func (p *GPUPlan) AdamStepSize(lr float64, t int) float32 {
	b1, b2 := p.Optimizer.Beta1, p.Optimizer.Beta2
	return float32(lr * math.Sqrt(1-math.Pow(b2, float64(t))) / (1 - math.Pow(b1, float64(t))))
}

// PlanGPU returns the plan that trains m on the GPU, or an error saying
// (to the user) why m trains on the CPU instead: the GPU runs Dense,
// ReLU, LeakyReLU, Sigmoid, Tanh, Dropout and Flatten layers ending in
// softmax with the (sparse) categorical cross-entropy (or logits with
// from_logits), trained by any of the optimizers, clipped or not.
func PlanGPU(m spec.Model) (*GPUPlan, error) {
	infos, err := m.Infer()
	if err != nil {
		return nil, err
	}
	// The trainer's targets are class labels: for their one-hot rows the
	// categorical cross-entropy is the sparse one, so the device takes the
	// labels either way.
	if m.Loss != spec.LossSparseCategoricalCrossentropy && m.Loss != spec.LossCategoricalCrossentropy {
		return nil, fmt.Errorf("WebGPU trains with the (sparse) categorical cross-entropy only, not %s", m.Loss)
	}
	switch m.Optimizer.Name {
	case spec.OptAdam, spec.OptSGD, spec.OptRMSProp, spec.OptAdagrad:
	default:
		return nil, fmt.Errorf("WebGPU trains with adam, sgd, rmsprop or adagrad, not %s", m.Optimizer.Name)
	}
	p := &GPUPlan{Input: 1, Optimizer: m.Optimizer}
	for _, d := range m.Input {
		p.Input *= d
	}
	width := p.Input
	last := len(m.Layers) - 1
	for i, l := range m.Layers {
		out := 1
		for _, d := range infos[i].Output {
			out *= d
		}
		switch l.Type {
		case spec.TypeFlatten:
			// Row-major data is flat already: nothing to run.
		case spec.TypeDense:
			act, alpha := l.Activation, 0.0
			switch {
			case act == "":
				act = spec.ActLinear
			case act == spec.ActSoftmax && i == last && !m.FromLogits:
				act = spec.ActLinear // fused into the loss
			case act == spec.ActLeakyReLU:
				alpha = cmp.Or(l.Alpha, nn.DenseLeakyReLUAlpha)
			case act != spec.ActLinear && act != spec.ActReLU && act != spec.ActSigmoid && act != spec.ActTanh:
				return nil, fmt.Errorf("WebGPU runs Dense activations linear, relu, leaky_relu, sigmoid and tanh; layer %d uses %s", i+1, act)
			}
			p.Ops = append(p.Ops, GPUOp{Layer: i, Dense: true, In: width, Out: out, Act: act, Alpha: alpha, Frozen: l.Frozen})
		case spec.TypeDropout:
			if l.Rate > 0 { // rate 0 is the identity, as on the CPU
				p.Ops = append(p.Ops, GPUOp{Layer: i, Dropout: true, In: width, Out: width, Act: spec.ActLinear})
			}
		case spec.TypeSoftmax:
			if i != last || m.FromLogits {
				return nil, fmt.Errorf("WebGPU runs softmax only as the last layer, fused into the loss (layer %d)", i+1)
			}
		case spec.TypeReLU, spec.TypeLeakyReLU, spec.TypeSigmoid, spec.TypeTanh:
			act := map[string]string{spec.TypeReLU: spec.ActReLU, spec.TypeLeakyReLU: spec.ActLeakyReLU,
				spec.TypeSigmoid: spec.ActSigmoid, spec.TypeTanh: spec.ActTanh}[l.Type]
			alpha := 0.0
			if act == spec.ActLeakyReLU {
				alpha = l.Alpha // validated: in (0, 1)
			}
			if n := len(p.Ops); n > 0 && p.Ops[n-1].Dense && p.Ops[n-1].Act == spec.ActLinear {
				p.Ops[n-1].Act, p.Ops[n-1].Alpha = act, alpha // Dense then activation: one op
			} else {
				p.Ops = append(p.Ops, GPUOp{Layer: i, In: width, Out: width, Act: act, Alpha: alpha})
			}
		default:
			return nil, fmt.Errorf("WebGPU runs Dense models only; layer %d is %s", i+1, l.Type)
		}
		width = out
	}
	if len(p.Params()) == 0 {
		return nil, fmt.Errorf("WebGPU needs a Dense layer to train")
	}
	lastLayer := m.Layers[last]
	softmaxEnd := lastLayer.Type == spec.TypeSoftmax || (lastLayer.Type == spec.TypeDense && lastLayer.Activation == spec.ActSoftmax)
	if softmaxEnd == m.FromLogits {
		return nil, fmt.Errorf("WebGPU needs a model that ends in softmax (or outputs logits with from_logits)")
	}
	p.Classes = width
	return p, nil
}
