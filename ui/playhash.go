package ui

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/nnplay/nnplay/engine/data/features"
	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// The 2-D playground's settings and their URL form. Like TensorFlow
// Playground, the whole state lives in the location hash, so a link opens
// the same run:
//
//	#playground&dataset=spiral&classes=3&points=500&noise=10&ratio=50&test=1
//	  &features=x,y,x2&layers=8,8&activation=relu&optimizer=adam&lr=0.01
//	  &batch=10&seed=1&discretize=0
//
// noise and ratio are percentages (ratio: the share of points used for
// training); layers lists the hidden layers ("" for none; see playnet.go
// for the form of each); activation is one name for every units-only
// layer or one per such layer. A
// setting left out takes its default; a bad one is reported and replaced
// by its default, so a damaged link still opens a working playground.
// This file is plain Go (no DOM), tested on its own.

// PlayConfig is everything the playground's controls set.
type PlayConfig struct {
	Dataset    string       // circle, xor, gauss or spiral
	Classes    int          // 2; spiral 2 to 5
	Points     int          // train and test together
	Noise      int          // percent, 0 to 50
	Ratio      int          // percent of the points used for training, 10 to 90
	ShowTest   bool         // draw the test points
	Discretize bool         // colour regions by the most likely class only
	Features   []string     // features.All names, in that order
	Hidden     []spec.Layer // the hidden layers (playnet.go); a Dense softmax follows
	Optimizer  string
	LR         float64
	Batch      int
	Seed       int64
}

// Limits and choices of the playground's controls.
const (
	MaxPlayLayers  = 6 // hidden layers (TensorFlow Playground's limit)
	MaxPlayUnits   = 8 // units a hidden layer
	MinPlayPoints  = 20
	MaxPlayPoints  = 2000
	MaxPlayNoise   = 50
	MinPlayRatio   = 10
	MaxPlayRatio   = 90
	MaxPlayBatch   = 100
	MaxPlayClasses = 5
	MaxPlaySeed    = 1<<31 - 1
	// PlayEpochsPerSecond paces training so that it can be watched.
	PlayEpochsPerSecond = 30
)

var (
	PlayDatasets      = []string{spec.DatasetCircle, spec.DatasetXOR, spec.DatasetGauss, spec.DatasetSpiral}
	PlayActivations   = []string{spec.ActReLU, spec.ActTanh, spec.ActSigmoid, spec.ActLeakyReLU, spec.ActLinear}
	PlayLearningRates = []float64{0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3}
	PlayBatchSizes    = []int{1, 2, 5, 10, 20, 30, 50, 100}
	PlayPointCounts   = []int{100, 200, 500, 1000, 2000}
)

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

// DefaultPlayConfig is TensorFlow Playground's opening run: the circle,
// inputs x and y, hidden layers of 4 and 2 tanh units, SGD at 0.03,
// batches of 10.
func DefaultPlayConfig() PlayConfig {
	return PlayConfig{
		Dataset: spec.DatasetCircle, Classes: 2, Points: 500, Noise: 0, Ratio: 50,
		Features:  []string{features.X, features.Y},
		Hidden:    PlayDense([]int{4, 2}, []string{spec.ActTanh, spec.ActTanh}),
		Optimizer: spec.OptSGD, LR: 0.03, Batch: 10, Seed: 1,
	}
}

// Clone returns a copy that shares no slices with c.
func (c PlayConfig) Clone() PlayConfig {
	c.Features = slices.Clone(c.Features)
	c.Hidden = slices.Clone(c.Hidden) // a layer's slices are never written in place
	return c
}

// FeaturesProblem says why the chosen features cannot train a model, or "".
func (c PlayConfig) FeaturesProblem() string {
	if len(c.Features) < spec.MinToyFeatures {
		return fmt.Sprintf("Choose at least %d input features (you have %d).", spec.MinToyFeatures, len(c.Features))
	}
	return ""
}

// Model is the network for c: the hidden layers, then a softmax over the
// classes, trained with sparse categorical cross-entropy.
func (c PlayConfig) Model() spec.Model {
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
func (c PlayConfig) Output() spec.Layer { return spec.Dense(c.Classes, spec.ActSoftmax) }

// Build is the worker request that makes c's points and model.
func (c PlayConfig) Build() protocol.PlaygroundBuild {
	return protocol.PlaygroundBuild{
		Dataset: c.Dataset, Points: c.Points, Noise: float64(c.Noise) / 100,
		Classes: c.Classes, TrainFraction: float64(c.Ratio) / 100,
		Features: slices.Clone(c.Features), Seed: c.Seed, Spec: c.Model(),
		EpochsPerSecond: PlayEpochsPerSecond,
	}
}

// IsPlaygroundHash says whether a location hash opens the playground: it
// starts with "playground" or sets a data set.
func IsPlaygroundHash(hash string) bool {
	h := strings.TrimPrefix(hash, "#")
	if h == "playground" || strings.HasPrefix(h, "playground&") {
		return true
	}
	for _, part := range strings.Split(h, "&") {
		if strings.HasPrefix(part, "dataset=") {
			return true
		}
	}
	return false
}

// Hash is c as a location hash (with the leading #), settings in a fixed
// order so equal configs give equal hashes.
func (c PlayConfig) Hash() string {
	var b strings.Builder
	b.WriteString("#playground")
	add := func(k, v string) { b.WriteString("&" + k + "=" + v) }
	add("dataset", c.Dataset)
	add("classes", strconv.Itoa(c.Classes))
	add("points", strconv.Itoa(c.Points))
	add("noise", strconv.Itoa(c.Noise))
	add("ratio", strconv.Itoa(c.Ratio))
	add("test", boolDigit(c.ShowTest))
	add("features", strings.Join(c.Features, ","))
	layers, act := layersHash(c.Hidden)
	add("layers", layers)
	if act != "" {
		add("activation", act)
	}
	add("optimizer", c.Optimizer)
	add("lr", strconv.FormatFloat(c.LR, 'g', -1, 64))
	add("batch", strconv.Itoa(c.Batch))
	add("seed", strconv.FormatInt(c.Seed, 10))
	add("discretize", boolDigit(c.Discretize))
	return b.String()
}

// ParsePlayHash reads a location hash (with or without the #). Settings
// it cannot use keep their defaults; problems lists each, in words.
func ParsePlayHash(hash string) (c PlayConfig, problems []string) {
	c = DefaultPlayConfig()
	vals := map[string]string{}
	for _, part := range strings.Split(strings.TrimPrefix(hash, "#"), "&") {
		if part == "" || part == "playground" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			problems = append(problems, fmt.Sprintf("%q is not a setting (want name=value)", clip(part)))
			continue
		}
		if u, err := url.QueryUnescape(v); err == nil {
			v = u
		}
		if _, known := playKeys[k]; !known {
			problems = append(problems, fmt.Sprintf("%q is not a playground setting", clip(k)))
			continue
		}
		vals[k] = strings.TrimSpace(v)
	}
	p := &hashParser{vals: vals}
	p.choice("dataset", PlayDatasets, &c.Dataset)
	p.intIn("classes", 2, MaxPlayClasses, &c.Classes)
	if c.Classes != 2 && c.Dataset != spec.DatasetSpiral {
		p.fail("classes", fmt.Sprintf("%d classes need the spiral data set (the %s has 2)", c.Classes, c.Dataset), "2")
		c.Classes = 2
	}
	p.intIn("points", MinPlayPoints, MaxPlayPoints, &c.Points)
	p.intIn("noise", 0, MaxPlayNoise, &c.Noise)
	p.intIn("ratio", MinPlayRatio, MaxPlayRatio, &c.Ratio)
	p.flag("test", &c.ShowTest)
	p.flag("discretize", &c.Discretize)
	p.features(&c.Features)
	p.layers(&c)
	p.choice("optimizer", Optimizers, &c.Optimizer)
	if v, ok := vals["lr"]; ok {
		lr, err := strconv.ParseFloat(v, 64)
		if err != nil || !(lr > 0 && lr <= spec.MaxLearningRate) {
			p.fail("lr", fmt.Sprintf("must be a number above 0 and at most %d", spec.MaxLearningRate), fmtFloat(c.LR))
		} else {
			c.LR = lr
		}
	}
	p.intIn("batch", 1, MaxPlayBatch, &c.Batch)
	if v, ok := vals["seed"]; ok {
		s, err := strconv.ParseInt(v, 10, 64)
		if err != nil || s < 0 || s > MaxPlaySeed {
			p.fail("seed", fmt.Sprintf("must be a whole number from 0 to %d", MaxPlaySeed), "1")
		} else {
			c.Seed = s
		}
	}
	return c, append(problems, p.problems...)
}

// playKeys are the settings a hash may hold.
var playKeys = map[string]struct{}{
	"dataset": {}, "classes": {}, "points": {}, "noise": {}, "ratio": {}, "test": {},
	"discretize": {}, "features": {}, "layers": {}, "activation": {}, "optimizer": {},
	"lr": {}, "batch": {}, "seed": {},
}

func boolDigit(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

func allSame(s []string) bool {
	for _, v := range s {
		if v != s[0] {
			return false
		}
	}
	return true
}

func fmtFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// clip shortens a pasted value for a message.
func clip(s string) string {
	if r := []rune(s); len(r) > 24 {
		return string(r[:24]) + "…"
	}
	return s
}
