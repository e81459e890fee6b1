package nn

import (
	"math/rand/v2"

	"github.com/nnplay/nnplay/engine/spec"
)

// PCG stream constants for the random numbers Build draws from the model
// seed: layer i's kernel uses initStream+i and its dropout masks
// dropoutStream+i, so each layer's draws are independent of the others'
// (adding a Dropout does not change the next Dense's initial weights).
const (
	initStream    = 0x494e4954 // "INIT"
	dropoutStream = 0x44524f50 // "DROP"
)

// Build validates a spec (spec.Model.Validate), builds its layers with
// kernels drawn from m.Seed, and compiles the model with the spec's
// optimizer and loss. Settings are used as given (zero is not "default"):
// call spec's Defaults first to fill in Keras' defaults. The same spec
// always builds the same initial weights.
func Build(m spec.Model) (*Sequential, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	infos, err := m.Infer()
	if err != nil {
		return nil, err
	}
	seed := uint64(m.Seed)
	layers := make([]Layer, len(m.Layers))
	in := m.Input
	for i, l := range m.Layers {
		layers[i] = buildLayer(l, in, seed, uint64(i))
		in = infos[i].Output
	}
	opt, err := NewOptimizer(m.Optimizer)
	if err != nil {
		return nil, err
	}
	loss, err := NewLoss(m.Loss, m.FromLogits)
	if err != nil {
		return nil, err
	}
	model := NewSequential(m.Input, layers...)
	model.Compile(opt, loss)
	model.SetGlobalClipNorm(m.Optimizer.GlobalClipNorm)
	model.settings = spec.Model{BatchSize: m.BatchSize, Epochs: m.Epochs, Seed: m.Seed, Dataset: m.Dataset, ValidationSplit: m.ValidationSplit,
		Classes: append([]int(nil), m.Classes...), Data: m.Data.Clone(),
		// The schedule and its base rate: the optimizer's own rate moves.
		Optimizer: spec.Optimizer{LearningRate: m.Optimizer.LearningRate, Schedule: m.Optimizer.Schedule, DecayRate: m.Optimizer.DecayRate}}
	return model, nil
}

// buildLayer makes layer i of a validated spec, for input shape in, frozen
// as the spec says.
func buildLayer(l spec.Layer, in []int, seed, i uint64) Freezer {
	layer := newLayer(l, in, seed, i)
	layer.SetFrozen(l.Frozen)
	return layer
}

// newLayer makes layer i of a validated spec, for input shape in.
func newLayer(l spec.Layer, in []int, seed, i uint64) Freezer {
	switch l.Type {
	case spec.TypeDense:
		d := NewDense(in[0], l.Units, l.Activation, l.KernelInitializer, rand.New(rand.NewPCG(seed, initStream+i)))
		d.SetLeakyAlpha(l.Alpha)
		if !l.HasBias() {
			d.WithoutBias()
		}
		return d
	case spec.TypeReLU:
		return &ReLU{}
	case spec.TypeLeakyReLU:
		return NewLeakyReLU(l.Alpha)
	case spec.TypeSigmoid:
		return &Sigmoid{}
	case spec.TypeTanh:
		return &Tanh{}
	case spec.TypeSoftmax:
		return &Softmax{}
	case spec.TypeDropout:
		return newDropoutPCG(l.Rate, rand.NewPCG(seed, dropoutStream+i))
	case spec.TypeFlatten:
		return &Flatten{}
	case spec.TypeConv2D:
		return NewConv2D(in, l, rand.New(rand.NewPCG(seed, initStream+i)))
	case spec.TypeMaxPool2D:
		return NewMaxPool2D(l.PoolSize, l.Strides, l.Padding)
	case spec.TypeAveragePooling2D:
		return NewAveragePooling2D(l.PoolSize, l.Strides, l.Padding)
	case spec.TypeGlobalAveragePooling2D:
		return &GlobalAveragePooling2D{}
	case spec.TypeBatchNormalization:
		return NewBatchNormalization(in[len(in)-1], l.Momentum, l.Epsilon)
	case spec.TypeReshape:
		return NewReshape(l.TargetShape...)
	case spec.TypeSimpleRNN:
		return NewSimpleRNN(in, l, rand.New(rand.NewPCG(seed, initStream+i)))
	case spec.TypeLSTM:
		return NewLSTM(in, l, rand.New(rand.NewPCG(seed, initStream+i)))
	case spec.TypeGRU:
		return NewGRU(in, l, rand.New(rand.NewPCG(seed, initStream+i)))
	}
	panic("nn.Build: layer type " + l.Type + " passed validation but has no builder")
}

// Spec returns the model as a spec: its input, each layer's config, the
// optimizer (with its current learning rate, or under a schedule its base
// rate), the loss and, for a model from Build, the training settings it
// was built with. Build(m.Spec())
// rebuilds the same architecture (with fresh weights from the seed).
func (m *Sequential) Spec() spec.Model {
	s := m.settings
	s.Classes = append([]int(nil), s.Classes...)
	s.Data = s.Data.Clone()
	s.Input = append([]int(nil), m.input...)
	s.Layers = make([]spec.Layer, len(m.layers))
	for i, l := range m.layers {
		s.Layers[i] = l.Spec()
	}
	if o, ok := m.opt.(optimizerSpec); ok {
		sched := s.Optimizer
		s.Optimizer = o.Spec()
		if Scheduled(sched) {
			s.Optimizer.LearningRate, s.Optimizer.Schedule, s.Optimizer.DecayRate = sched.LearningRate, sched.Schedule, sched.DecayRate
		}
		s.Optimizer.GlobalClipNorm = m.clipNorm
	}
	if l, ok := m.loss.(NamedLoss); ok {
		s.Loss, s.FromLogits = l.Spec()
	}
	return s
}
