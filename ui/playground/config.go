package playground

import (
	"fmt"
	"slices"
	"strings"

	"github.com/nnplay/nnplay/engine/data/features"
	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/ui/model"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// Config is everything the playground's controls set; the address bar
// holds it (hash.go), so a link opens the same run.
type Config struct {
	Dataset    string       // circle, xor, gauss or spiral
	Classes    int          // 2; spiral 2 to 5
	Points     int          // train and test together
	Noise      int          // percent, 0 to 50
	Ratio      int          // percent of the points used for training, 10 to 90
	ShowTest   bool         // draw the test points
	Discretize bool         // colour regions by the most likely class only
	Features   []string     // features.All names, in that order
	Hidden     []spec.Layer // the hidden layers (net.go); a Dense softmax follows
	Optimizer  string
	LR         float64
	Batch      int
	Seed       int64
}

// Limits and choices of the playground's controls.
const (
	MaxLayers  = 6 // Dense hidden layers (TensorFlow Playground's limit)
	MaxUnits   = 8 // units a hidden layer
	MinPoints  = 20
	MaxPoints  = 2000
	MaxNoise   = 50
	MinRatio   = 10
	MaxRatio   = 90
	MaxBatch   = 100
	MaxClasses = 5
	MaxSeed    = 1<<31 - 1
	// EpochsPerSecond paces training so that it can be watched.
	EpochsPerSecond = 30
)

// The choices the controls offer. Activations are the names the
// activation setting of a link takes (for layers given as units alone);
// a Dense row of the builder offers model.Activations.
var (
	Datasets      = []string{spec.DatasetCircle, spec.DatasetXOR, spec.DatasetGauss, spec.DatasetSpiral}
	Activations   = []string{spec.ActReLU, spec.ActTanh, spec.ActSigmoid, spec.ActLeakyReLU, spec.ActLinear}
	Optimizers    = model.Optimizers // the Build & train place's
	LearningRates = []float64{0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3}
	BatchSizes    = []int{1, 2, 5, 10, 20, 30, 50, 100}
	PointCounts   = []int{100, 200, 500, 1000, 2000}
)

// Features lists the input features in the playground's order.
func Features() []string { return features.All }

// FeatureLabel is how a feature is written on the page: "x²" for x2.
func FeatureLabel(f string) string {
	switch f {
	case features.X2:
		return "x²"
	case features.Y2:
		return "y²"
	case features.XY:
		return "x·y"
	case features.SinX:
		return "sin x"
	case features.SinY:
		return "sin y"
	}
	return f
}

// DatasetLabel is a data set's button text: "XOR", "Circle".
func DatasetLabel(d string) string {
	if d == spec.DatasetXOR {
		return "XOR"
	}
	if d == "" {
		return ""
	}
	return strings.ToUpper(d[:1]) + d[1:]
}

// DefaultConfig is TensorFlow Playground's opening run: the circle,
// inputs x and y, hidden layers of 4 and 2 tanh units, SGD at 0.03,
// batches of 10.
func DefaultConfig() Config {
	return Config{
		Dataset: spec.DatasetCircle, Classes: 2, Points: 500, Noise: 0, Ratio: 50,
		Features:  []string{features.X, features.Y},
		Hidden:    Dense([]int{4, 2}, []string{spec.ActTanh, spec.ActTanh}),
		Optimizer: spec.OptSGD, LR: 0.03, Batch: 10, Seed: 1,
	}
}

// Clone returns a copy that shares no slices with c.
func (c Config) Clone() Config {
	c.Features = slices.Clone(c.Features)
	c.Hidden = slices.Clone(c.Hidden) // a layer's slices are never written in place
	return c
}

// FeaturesProblem says why the chosen features cannot train a model, or "".
func (c Config) FeaturesProblem() string {
	if len(c.Features) < spec.MinToyFeatures {
		return fmt.Sprintf("Choose at least %d input features (you have %d).", spec.MinToyFeatures, len(c.Features))
	}
	return ""
}

// Model is the network for c: the hidden layers, then a softmax over the
// classes, trained with sparse categorical cross-entropy.
func (c Config) Model() spec.Model {
	m := spec.Model{
		Input:     []int{len(c.Features)},
		Optimizer: spec.Optimizer{Name: c.Optimizer, LearningRate: c.LR},
		Loss:      spec.LossSparseCategoricalCrossentropy,
		BatchSize: c.Batch, Epochs: 1, Seed: c.Seed, Dataset: c.Dataset,
	}
	m.Layers = append(slices.Clone(c.Hidden), c.Output())
	return m.Defaults()
}

// Output is the model's last layer: a softmax over the classes.
func (c Config) Output() spec.Layer { return spec.Dense(c.Classes, spec.ActSoftmax) }

// Build is the worker request that makes c's points and model.
func (c Config) Build() protocol.PlaygroundBuild {
	return protocol.PlaygroundBuild{
		Dataset: c.Dataset, Points: c.Points, Noise: float64(c.Noise) / 100,
		Classes: c.Classes, TrainFraction: float64(c.Ratio) / 100,
		Features: slices.Clone(c.Features), Seed: c.Seed, Spec: c.Model(),
		EpochsPerSecond: EpochsPerSecond,
	}
}
