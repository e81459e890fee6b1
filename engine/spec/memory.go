package spec

import "fmt"

// MaxMemory is the most memory a model may need to train: a browser tab
// has about this much before the worker is killed.
const MaxMemory = 512 << 20

// Im2ColFloats bounds the scratch buffer a Conv2D layer unrolls its input
// into (im2col): engine/nn groups a batch's examples so that the buffer
// stays under it, unless a single example needs more.
const Im2ColFloats = 1 << 19

// Memory is an estimate, in bytes, of what training a model takes.
type Memory struct {
	// Weights: every weight with its gradient, the copy a training step
	// keeps to undo a diverged update, and the optimizer's state (Adam
	// keeps 2 values per weight, RMSProp, Adagrad and SGD with momentum 1);
	// and once the largest kernel, which the matrix products copy
	// transposed for dL/dx = dL/dy·Wᵀ.
	Weights int64
	// Activations: at the model's batch size, the input batch, every
	// layer's output and the gradient it passes back, the buffers layers
	// keep for their backward pass (pre-activations, dropout masks,
	// max-pool positions, normalized values) and Conv2D's im2col scratch.
	Activations int64
}

// Total is the whole estimate in bytes.
func (m Memory) Total() int64 { return m.Weights + m.Activations }

// MemoryEstimate estimates the memory that training m takes, following
// the buffers engine/nn allocates. The batch size is clamped to 1…
// MaxBatchSize (Validate rejects others). It
// returns Infer's error for a model whose shapes do not work out.
//
// Predict and Evaluate run in chunks sized to stay well below the
// training batch's buffers, and the data set is not counted.
func MemoryEstimate(m Model) (Memory, error) {
	infos, err := m.Infer()
	if err != nil {
		return Memory{}, err
	}
	batch := int64(min(max(m.BatchSize, 1), MaxBatchSize))
	slots := int64(0)
	switch o := m.Optimizer; {
	case o.Name == OptAdam:
		slots = 2
	case o.Name == OptRMSProp, o.Name == OptAdagrad, o.Name == OptSGD && o.Momentum > 0:
		slots = 1
	}
	var mem Memory
	in := size(m.Input)
	perExample := in // the input batch
	var scratch, largestKernel int64
	for i, l := range m.Layers {
		info := infos[i]
		out := size(info.Output)
		trainable := int64(info.Params - info.NonTrainable)
		mem.Weights += 4 * (trainable*(3+slots) + int64(info.NonTrainable)*3)
		if l.Type == TypeDense || l.Type == TypeConv2D {
			bias := l.biasSize(info.Output[len(info.Output)-1]) // units or filters
			largestKernel = max(largestKernel, int64(info.Params-bias))
		}
		switch l.Type {
		case TypeFlatten, TypeReshape: // views: no buffers
		case TypeDense, TypeConv2D:
			perExample += out + in // output, dL/dx
			if l.Activation != "" && l.Activation != ActLinear {
				perExample += 2 * out // the activation's output and dL/dz
			}
			if l.Type == TypeConv2D {
				scratch += im2colFloats(l, m.inputOf(i, infos), info.Output, batch)
			}
		case TypeSimpleRNN, TypeLSTM, TypeGRU:
			perExample += recurrentFloats(l, m.inputOf(i, infos))
			largestKernel = max(largestKernel, int64(info.Params))
		case TypeDropout, TypeMaxPool2D, TypeBatchNormalization:
			perExample += 2*out + in // output, mask / argmax / x̂, dL/dx
		default:
			perExample += out + in
		}
		in = out
	}
	perExample += 2 * in // the loss's probabilities and gradient
	mem.Weights += 4 * largestKernel
	mem.Activations = 4 * (batch*perExample + scratch)
	return mem, nil
}

// inputOf is layer i's input shape.
func (m Model) inputOf(i int, infos []LayerInfo) []int {
	if i == 0 {
		return m.Input
	}
	return infos[i-1].Output
}

// im2colFloats is the size of a Conv2D layer's im2col buffer: one row of
// kh·kw·C values per output position, for as many examples as fit in
// Im2ColFloats (at least one, at most the batch).
func im2colFloats(l Layer, in, out []int, batch int64) int64 {
	perExample := int64(out[0]) * int64(out[1]) * int64(l.KernelSize[0]) * int64(l.KernelSize[1]) * int64(in[2])
	group := min(max(Im2ColFloats/perExample, 1), batch)
	return group * perExample
}

func size(shape []int) int64 {
	n := int64(1)
	for _, d := range shape {
		n *= int64(d)
	}
	return n
}

// checkMemory refuses a model whose training would not fit in a tab.
func (m Model) checkMemory() string {
	mem, err := MemoryEstimate(m)
	if err != nil || mem.Total() <= MaxMemory {
		return ""
	}
	advice := "lower the batch size or the filters"
	if mem.Weights > mem.Activations {
		advice = "use fewer units or filters"
	}
	return fmt.Sprintf("the model needs about %s at batch size %d (weights %s, activations %s); a browser tab has about %s — %s",
		MiB(mem.Total()), m.BatchSize, MiB(mem.Weights), MiB(mem.Activations), MiB(MaxMemory), advice)
}

// MiB formats a byte count in mebibytes: "731 MiB", "4.5 MiB", "0.2 MiB".
func MiB(bytes int64) string {
	mib := float64(bytes) / (1 << 20)
	if mib >= 10 {
		return fmt.Sprintf("%.0f MiB", mib)
	}
	return fmt.Sprintf("%.1f MiB", mib)
}
