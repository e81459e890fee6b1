package trainer

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/nnplay/nnplay/engine/kernels"
	"github.com/nnplay/nnplay/engine/nn"
	"github.com/nnplay/nnplay/engine/spec"
)

// GPUPlan is a model as the WebGPU backend (wasm/webgpu) trains it: a
// chain of ops (Dense and Conv2D layers, activations, dropout, pools,
// BatchNormalization, reshapes) whose final softmax is fused into the
// cross-entropy, as nn.FuseSoftmax does on the CPU. PlanGPU makes one from
// a spec, or says why the spec needs the CPU.
//
// Every tensor is kept as a matrix per example (Layout): an image
// (H, W, C) is H·W rows of C channels, a vector of D values one row.
type GPUPlan struct {
	Input int // values per example (the product of the input shape)
	// InputShape is the shape the device takes the input in: the model's,
	// or that of a Flatten or Reshape that comes before any op.
	InputShape []int
	Classes    int     // outputs of the last op: the logits
	Ops        []GPUOp // the forward pass, in order
	// Optimizer is the spec's (any of them). Its learning rate is only the
	// starting one: each batch passes the rate to use (Set, schedules).
	Optimizer spec.Optimizer
}

// GPUKind is what an op computes.
type GPUKind int

// The kinds of op, with what they compute (x the input, y the output).
const (
	GPUDense      GPUKind = iota // y = act(x·W + b), or act(x·W) with NoBias
	GPUActivation                // y = act(x)
	// GPUDropout: y = x ⊙ mask. The CPU draws the masks for each batch
	// from the layer's own rng (nn.Dropout.DrawMask), so a run on the GPU
	// drops the units a run on the CPU would.
	GPUDropout
	GPUConv2D          // y = act(conv(x, K) + b), nn.Conv2D (no b with NoBias)
	GPUMaxPool2D       // y = the max of each window, nn.MaxPool2D
	GPUAvgPool2D       // y = the mean of each window, nn.AveragePooling2D
	GPUGlobalAvgPool2D // y[c] = the mean of channel c, nn.GlobalAveragePooling2D
	GPUBatchNorm       // y = γ·(x − μ)/√(σ² + ε) + β, nn.BatchNormalization
	GPUReshape         // the same values in another shape: Flatten, Reshape
)

var kindNames = [...]string{"Dense", "activation", "Dropout", "Conv2D", "MaxPool2D", "AveragePooling2D",
	"GlobalAveragePooling2D", "BatchNormalization", "reshape"}

// String names the kind.
func (k GPUKind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return fmt.Sprintf("GPUKind(%d)", int(k))
	}
	return kindNames[k]
}

// GPUOp is one step of the forward pass.
type GPUOp struct {
	Kind GPUKind
	// Layer is the index of the spec layer: for an op with params, the
	// layer whose params it trains.
	Layer             int
	In, Out           int   // values per example of x and y
	InShape, OutShape []int // their shapes (one example's)
	// Act is spec.ActLinear, ActReLU, ActLeakyReLU, ActSigmoid or ActTanh:
	// an activation op's, or a Dense or Conv2D layer's own activation (or
	// that of an activation layer right after a linear one, fused in).
	Act string
	// Alpha is leaky_relu's slope for x ≤ 0, as the CPU layer has it.
	Alpha float64
	// Frozen layers pass gradients on but are not updated; a frozen
	// BatchNormalization normalises with its moving statistics.
	Frozen bool
	// NoBias: a Dense or Conv2D without use_bias, whose only param is
	// its kernel (its sums start at 0).
	NoBias bool
	// Geom is the window of a Conv2D or a pool over its input image.
	Geom kernels.ConvGeometry
	// Momentum and Epsilon are a BatchNormalization's.
	Momentum, Epsilon float64
}

// Layout is how the device stores one example of a tensor of this shape:
// rows of cols values, cols the last axis (an image's channels) and rows
// the product of the others (1 for a vector).
func Layout(shape []int) (rows, cols int) {
	rows = 1
	for _, d := range shape[:len(shape)-1] {
		rows *= d
	}
	return rows, shape[len(shape)-1]
}

// GPUParam is one of an op's params as the device stores it: a Rows ×
// Cols matrix (a Conv2D kernel (kh, kw, C, F) is kh·kw·C × F, a bias or
// a BatchNormalization's γ one row).
type GPUParam struct {
	Rows, Cols int
	// Trainable params are updated by the optimizer (unless the op is
	// frozen); the others are a BatchNormalization's moving statistics,
	// which its forward pass updates.
	Trainable bool
}

// Params are the op's params, in the order its layer's Params lists them.
func (op GPUOp) Params() []GPUParam {
	learn := !op.Frozen
	kernelAndBias := func(rows, cols int) []GPUParam {
		if op.NoBias {
			return []GPUParam{{rows, cols, learn}}
		}
		return []GPUParam{{rows, cols, learn}, {1, cols, learn}}
	}
	switch op.Kind {
	case GPUDense:
		return kernelAndBias(op.In, op.Out)
	case GPUConv2D:
		return kernelAndBias(op.Geom.ColWidth(), op.OutShape[2])
	case GPUBatchNorm:
		_, c := Layout(op.OutShape)
		return []GPUParam{{1, c, learn}, {1, c, learn}, {1, c, false}, {1, c, false}}
	}
	return nil
}

// Params are the indices in Ops of the ops with params, in the order
// nn.Sequential.Params lists their layers'.
func (p *GPUPlan) Params() []int { return p.where(func(op GPUOp) bool { return len(op.Params()) > 0 }) }

// Dropouts are the Dropout ops' indices in Ops, in the order
// GPUSession.TrainBatch takes their masks.
func (p *GPUPlan) Dropouts() []int {
	return p.where(func(op GPUOp) bool { return op.Kind == GPUDropout })
}

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
// Conv2D, MaxPool2D, AveragePooling2D, GlobalAveragePooling2D,
// BatchNormalization, ReLU, LeakyReLU, Sigmoid, Tanh, Dropout, Flatten and
// Reshape layers ending in softmax with the (sparse) categorical
// cross-entropy (or logits with from_logits), trained by adam, sgd,
// rmsprop or adagrad, clipped or not.
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
	p := &GPUPlan{Input: 1, InputShape: slices.Clone(m.Input), Optimizer: m.Optimizer}
	for _, d := range m.Input {
		p.Input *= d
	}
	shape := slices.Clone(m.Input)
	width := p.Input
	last := len(m.Layers) - 1
	for i, l := range m.Layers {
		outShape := slices.Clone(infos[i].Output)
		out := 1
		for _, d := range outShape {
			out *= d
		}
		op := GPUOp{Layer: i, In: width, Out: out, InShape: shape, OutShape: outShape, Act: spec.ActLinear, Frozen: l.Frozen}
		switch l.Type {
		case spec.TypeFlatten, spec.TypeReshape:
			if len(p.Ops) == 0 {
				p.InputShape = outShape // the input is uploaded in this shape
				break
			}
			op.Kind, op.Frozen = GPUReshape, false
			p.Ops = append(p.Ops, op)
		case spec.TypeDense, spec.TypeConv2D:
			act, alpha := l.Activation, 0.0
			switch {
			case act == "":
				act = spec.ActLinear
			case act == spec.ActSoftmax && i == last && !m.FromLogits && l.Type == spec.TypeDense:
				act = spec.ActLinear // fused into the loss
			case act == spec.ActLeakyReLU:
				alpha = cmp.Or(l.Alpha, nn.DenseLeakyReLUAlpha)
			case act != spec.ActLinear && act != spec.ActReLU && act != spec.ActSigmoid && act != spec.ActTanh:
				return nil, fmt.Errorf("WebGPU runs %s activations linear, relu, leaky_relu, sigmoid and tanh; layer %d uses %s", l.Type, i+1, act)
			}
			op.Act, op.Alpha, op.NoBias = act, alpha, !l.HasBias()
			if l.Type == spec.TypeDense {
				op.Kind = GPUDense
			} else {
				op.Kind = GPUConv2D
				op.Geom = window(shape, l.KernelSize, stridesOr(l.Strides, []int{1, 1}), l.Padding)
			}
			p.Ops = append(p.Ops, op)
		case spec.TypeMaxPool2D, spec.TypeAveragePooling2D:
			op.Kind, op.Frozen = GPUMaxPool2D, false
			if l.Type == spec.TypeAveragePooling2D {
				op.Kind = GPUAvgPool2D
			}
			op.Geom = window(shape, l.PoolSize, stridesOr(l.Strides, l.PoolSize), l.Padding)
			p.Ops = append(p.Ops, op)
		case spec.TypeGlobalAveragePooling2D:
			// The mean of each channel: one window over the whole image.
			op.Kind, op.Frozen = GPUGlobalAvgPool2D, false
			op.Geom = window(shape, shape[:2], []int{1, 1}, spec.PaddingValid)
			p.Ops = append(p.Ops, op)
		case spec.TypeBatchNormalization:
			op.Kind, op.Momentum, op.Epsilon = GPUBatchNorm, l.Momentum, l.Epsilon
			p.Ops = append(p.Ops, op)
		case spec.TypeDropout:
			if l.Rate > 0 { // rate 0 is the identity, as on the CPU
				op.Kind, op.Frozen = GPUDropout, false
				p.Ops = append(p.Ops, op)
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
			if n := len(p.Ops); n > 0 && (p.Ops[n-1].Kind == GPUDense || p.Ops[n-1].Kind == GPUConv2D) && p.Ops[n-1].Act == spec.ActLinear {
				p.Ops[n-1].Act, p.Ops[n-1].Alpha = act, alpha // Dense or Conv2D then activation: one op
			} else {
				op.Kind, op.Act, op.Alpha, op.Frozen = GPUActivation, act, alpha, false
				p.Ops = append(p.Ops, op)
			}
		default:
			return nil, fmt.Errorf("WebGPU does not run %s layers (layer %d)", l.Type, i+1)
		}
		shape, width = outShape, out
	}
	if len(p.Params()) == 0 {
		return nil, fmt.Errorf("WebGPU needs a layer with weights to train")
	}
	lastLayer := m.Layers[last]
	softmaxEnd := lastLayer.Type == spec.TypeSoftmax || (lastLayer.Type == spec.TypeDense && lastLayer.Activation == spec.ActSoftmax)
	if softmaxEnd == m.FromLogits || len(shape) != 1 {
		return nil, fmt.Errorf("WebGPU needs a model that ends in softmax (or outputs logits with from_logits)")
	}
	p.Classes = width
	return p, nil
}

// window is the geometry of a Conv2D's or a pool's window (size) over
// images of shape in (H, W, C), as the CPU layers work it out.
func window(in, size, strides []int, padding string) kernels.ConvGeometry {
	return kernels.NewConvGeometry(in[0], in[1], in[2], size[0], size[1], strides[0], strides[1], padding == spec.PaddingSame)
}

// stridesOr is a layer's strides, or def where it gives none (Conv2D: 1,
// pools: the pool size, as Keras).
func stridesOr(strides, def []int) []int {
	if len(strides) == 2 {
		return strides
	}
	return def
}
