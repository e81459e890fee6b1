// Package exportcases holds the models the export packages' tests
// (engine/torch, engine/onnx) check against PyTorch and onnxruntime: the
// presets and models covering every other layer type and setting.
package exportcases

import (
	"github.com/nnplay/nnplay/engine/spec"
)

// Model is a model the interop tests export: its name, spec, and whether
// it is one of the presets (which the distributed run checks too; the
// others cover layer types and settings the presets lack).
type Model struct {
	Name   string
	Spec   spec.Model
	Preset bool
}

// cnnBN is the small CNN preset with BatchNormalization after each
// convolution.
func cnnBN() spec.Model {
	s := spec.SmallCNN()
	s.Layers = []spec.Layer{
		spec.Conv2D(8, 3, spec.ActReLU),
		spec.BatchNormalization(),
		spec.Conv2D(16, 3, spec.ActReLU),
		spec.BatchNormalization(),
		spec.MaxPool2D(2),
		{Type: spec.TypeDropout, Rate: 0.25},
		{Type: spec.TypeFlatten},
		spec.Dense(32, spec.ActReLU),
		{Type: spec.TypeDropout, Rate: 0.5},
		spec.Dense(10, spec.ActSoftmax),
	}
	return s
}

// imageLayers has the image layers' other settings: padding same with
// stride 2 (padded one more after than before), he_normal, leaky_relu,
// average and max pooling with padding same, global average pooling, and
// SGD with Nesterov momentum and weight decay on a categorical loss.
func imageLayers() spec.Model {
	first := spec.Conv2D(6, 4, spec.ActLeakyReLU)
	first.Strides, first.Padding, first.KernelInitializer = []int{2, 2}, spec.PaddingSame, spec.InitHeNormal
	avg := spec.AveragePooling2D(3)
	avg.Strides, avg.Padding = []int{2, 2}, spec.PaddingSame
	mx := spec.MaxPool2D(2)
	mx.Padding = spec.PaddingSame
	second := spec.Conv2D(8, 3, spec.ActTanh)
	second.Padding = spec.PaddingSame
	return spec.Model{
		Input: []int{28, 28, 1},
		Layers: []spec.Layer{
			first, spec.BatchNormalization(), avg,
			{Type: spec.TypeLeakyReLU, Alpha: 0.1},
			second, mx,
			{Type: spec.TypeDropout, Rate: 0.2},
			{Type: spec.TypeGlobalAveragePooling2D},
			spec.Dense(10, spec.ActSoftmax),
		},
		Optimizer: spec.Optimizer{Name: spec.OptSGD, LearningRate: 0.05, Momentum: 0.9, Nesterov: true, WeightDecay: 1e-3},
		Loss:      spec.LossCategoricalCrossentropy,
		BatchSize: 32, Epochs: 1, Seed: 3, Dataset: spec.DatasetMNIST,
	}
}

// sequenceLayers has the recurrent settings PyTorch's built-in layers do
// not compute (run as Keras' equations step by step): SimpleRNN relu, a GRU
// with reset_after false, an LSTM with tanh gates and a linear activation;
// BatchNormalization over
// a sequence's features, Reshape to an image and back, Sigmoid, a Softmax
// layer; RMSProp with global_clipnorm.
func sequenceLayers() spec.Model {
	rnn := spec.SimpleRNN(12, spec.ReturnSequences)
	rnn.Activation = spec.ActReLU
	gru := spec.GRU(10, spec.ReturnSequences)
	gru.ResetAfter = spec.Bool(false)
	lstm := spec.LSTM(8, spec.LastState)
	lstm.RecurrentActivation, lstm.Activation = spec.ActTanh, spec.ActLinear
	opt := spec.Optimizer{Name: spec.OptRMSProp, LearningRate: 0.003, Rho: 0.9, Epsilon: 1e-7, GlobalClipNorm: 0.5}
	return spec.Model{
		Input: []int{784},
		Layers: []spec.Layer{
			spec.Reshape(14, 56),
			rnn, gru,
			spec.BatchNormalization(),
			spec.Reshape(14, 10, 1),
			{Type: spec.TypeSigmoid},
			spec.Reshape(14, 10),
			lstm,
			spec.Dense(10, spec.ActLinear),
			{Type: spec.TypeSoftmax},
		},
		Optimizer: opt,
		Loss:      spec.LossSparseCategoricalCrossentropy,
		BatchSize: 32, Epochs: 1, Seed: 4, Dataset: spec.DatasetMNIST,
	}
}

// denseLayers has a frozen layer, BatchNormalization on flat features,
// Tanh and LeakyReLU layers, a model ending in logits (from_logits), and
// Adagrad on an exponential schedule.
func denseLayers() spec.Model {
	first := spec.Dense(32, spec.ActTanh)
	first.Frozen = true
	return spec.Model{
		Input: []int{784},
		Layers: []spec.Layer{
			first,
			spec.BatchNormalization(),
			spec.Dense(24, spec.ActLinear),
			{Type: spec.TypeLeakyReLU, Alpha: 0.3},
			{Type: spec.TypeTanh},
			{Type: spec.TypeDropout, Rate: 0.1},
			spec.Dense(10, spec.ActLinear),
		},
		Optimizer:  spec.Optimizer{Name: spec.OptAdagrad, LearningRate: 0.05, Epsilon: 1e-7, Schedule: spec.ScheduleExponential, DecayRate: 0.5},
		Loss:       spec.LossSparseCategoricalCrossentropy,
		FromLogits: true,
		BatchSize:  32, Epochs: 1, Seed: 5, Dataset: spec.DatasetMNIST,
	}
}

// squaredError trains sigmoid outputs against one-hot targets with mean
// squared error and plain SGD.
func squaredError() spec.Model {
	return spec.Model{
		Input:     []int{784},
		Layers:    []spec.Layer{spec.Dense(16, spec.ActReLU), spec.Dense(10, spec.ActSigmoid)},
		Optimizer: spec.Optimizer{Name: spec.OptSGD, LearningRate: 0.5},
		Loss:      spec.LossMeanSquaredError,
		BatchSize: 32, Epochs: 1, Seed: 6, Dataset: spec.DatasetMNIST,
	}
}

// withoutBiases has a Conv2D and a Dense layer without a bias (use_bias
// false), each right before a BatchNormalization and then a ReLU (Keras'
// pattern: the normalization's β is the bias), beside a Conv2D and a
// Dense with one; Adam with weight decay on the kernels.
func withoutBiases() spec.Model {
	second := spec.Conv2D(8, 3, spec.ActReLU)
	second.Strides, second.Padding = []int{2, 2}, spec.PaddingSame
	opt := spec.Adam(0.003)
	opt.WeightDecay = 1e-4
	return spec.Model{
		Input: []int{28, 28, 1},
		Layers: []spec.Layer{
			spec.NoBias(spec.Conv2D(6, 3, spec.ActLinear)),
			spec.BatchNormalization(),
			{Type: spec.TypeReLU},
			spec.MaxPool2D(2),
			second,
			{Type: spec.TypeFlatten},
			spec.NoBias(spec.Dense(24, spec.ActLinear)),
			spec.BatchNormalization(),
			{Type: spec.TypeReLU},
			spec.Dense(10, spec.ActSoftmax),
		},
		Optimizer: opt,
		Loss:      spec.LossSparseCategoricalCrossentropy,
		BatchSize: 32, Epochs: 1, Seed: 7, Dataset: spec.DatasetMNIST,
	}
}

// Models is every model the tests check.
func Models() []Model {
	return []Model{
		{"seed MLP", spec.Seed(), true},
		{"LeNet", spec.LeNet(), true},
		{"small CNN with BatchNorm", cnnBN(), true},
		{"LSTM", spec.RowByRowRNN(), true},
		{"GRU", spec.RowByRowGRU(), true},
		{"image layers", imageLayers(), false},
		{"sequence layers", sequenceLayers(), false},
		{"dense layers", denseLayers(), false},
		{"squared error", squaredError(), false},
		{"without biases", withoutBiases(), false},
	}
}
