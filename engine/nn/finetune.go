package nn

import (
	"fmt"
	"slices"

	"github.com/nnplay/nnplay/engine/spec"
)

// ReplaceHead adapts a trained model to a new task with classes classes,
// as in transfer learning: it returns a new model holding copies of m's
// layers before its last Dense layer — their weights and frozen flags
// included — followed by a new head, Dense(classes, softmax), whose kernel
// is drawn from seed as Build draws that layer's from a model seed (bias
// zero). Layers after m's last Dense (a Softmax, a Dropout) are dropped:
// the new head applies its own softmax. m is not changed.
//
// The new model is compiled with a fresh optimizer of m's kind and
// settings and m's loss (from probabilities). Its Spec has the new head
// and seed and no Classes (the new head's classes are the caller's to
// record: SetClasses). Freeze the layers to keep with SetTrainable.
func ReplaceHead(m *Sequential, classes int, seed int64) (*Sequential, error) {
	if classes < 2 || classes > spec.MaxUnits {
		return nil, fmt.Errorf("a new head needs 2 to %d classes, got %d", spec.MaxUnits, classes)
	}
	s := m.Spec()
	last := -1
	for i, l := range s.Layers {
		if l.Type == spec.TypeDense {
			last = i
		}
	}
	if last < 0 {
		return nil, fmt.Errorf("the model has no Dense layer to replace; end it with a Dense layer first")
	}
	head := spec.Dense(classes, spec.ActSoftmax)
	head.KernelInitializer = s.Layers[last].KernelInitializer
	s.Layers = append(slices.Clone(s.Layers[:last]), head)
	s.FromLogits, s.Seed, s.Classes = false, seed, nil
	infos, err := s.Infer()
	if err != nil {
		return nil, fmt.Errorf("the new head does not fit the model: %w", err)
	}
	opt, err := NewOptimizer(s.Optimizer)
	if err != nil {
		return nil, fmt.Errorf("the model's optimizer cannot be copied: %w", err)
	}
	loss, err := NewLoss(s.Loss, s.FromLogits)
	if err != nil {
		return nil, fmt.Errorf("the model's loss cannot be copied: %w", err)
	}
	layers := make([]Layer, len(s.Layers))
	in := s.Input
	for i, l := range s.Layers {
		layers[i] = buildLayer(l, in, uint64(seed), uint64(i))
		if i < last {
			// Same spec, same input: the params line up one to one.
			for j, p := range layers[i].Params() {
				copy(p.Value.Float32s(), m.layers[i].Params()[j].Value.Float32s())
			}
		}
		in = infos[i].Output
	}
	out := NewSequential(s.Input, layers...)
	out.Compile(opt, loss)
	out.settings = spec.Model{BatchSize: s.BatchSize, Epochs: s.Epochs, Seed: s.Seed, Dataset: s.Dataset, ValidationSplit: s.ValidationSplit}
	return out, nil
}

// SetClasses records which of the data set's classes the model's outputs
// stand for, in order (spec.Model.Classes: [5 6 7 8 9] for the digits 5–9
// relabelled 0–4); nil means all of them. It changes only what Spec
// reports.
func (m *Sequential) SetClasses(classes []int) {
	m.settings.Classes = slices.Clone(classes)
}

// firstTrained is the index of the first layer whose weights the
// optimizer updates (not frozen, with trainable params), or the number of
// layers when none is. A training step's backward pass stops there: the
// layers before it learn nothing, so neither their weight gradients nor
// the gradient with respect to their inputs is needed. Freezing a CNN's
// convolutions thus also saves their backward pass, most of a step's cost.
func (m *Sequential) firstTrained() int {
	for i, l := range m.layers {
		if isFrozen(l) {
			continue
		}
		for _, p := range l.Params() {
			if !p.NonTrainable {
				return i
			}
		}
	}
	return len(m.layers)
}
