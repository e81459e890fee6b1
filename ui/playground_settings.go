package ui

import (
	"reflect"
	"slices"
	"strconv"

	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// What the playground's controls do. A change to the data or the model
// rebuilds both (new points, fresh weights, paused), as in TensorFlow
// Playground; learning rate and batch size reach a run between batches;
// the view settings only redraw. Every change rewrites the URL hash.

// Settings of the data.

func (p *Playground) SetDataset(d string) {
	if !slices.Contains(PlayDatasets, d) {
		return
	}
	p.Config.Dataset = d
	if d != spec.DatasetSpiral {
		p.Config.Classes = 2
	}
	p.changed(true)
}

func (p *Playground) SetClasses(s string) {
	if n, err := strconv.Atoi(s); err == nil && n >= 2 && n <= MaxPlayClasses && p.Config.Dataset == spec.DatasetSpiral {
		p.Config.Classes = n
		p.changed(true)
	}
}

func (p *Playground) SetPoints(s string) { p.setInt(s, MinPlayPoints, MaxPlayPoints, &p.Config.Points) }
func (p *Playground) SetNoise(s string)  { p.setInt(s, 0, MaxPlayNoise, &p.Config.Noise) }
func (p *Playground) SetRatio(s string)  { p.setInt(s, MinPlayRatio, MaxPlayRatio, &p.Config.Ratio) }

func (p *Playground) setInt(s string, lo, hi int, dst *int) {
	if n, err := strconv.Atoi(s); err == nil && n >= lo && n <= hi && n != *dst {
		*dst = n
		p.changed(true)
	}
}

// SetSeed takes a typed seed; NewSeed picks the next one (new points and
// weights, like TensorFlow Playground's regenerate).
func (p *Playground) SetSeed(s string) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n >= 0 && n <= MaxPlaySeed && n != p.Config.Seed {
		p.Config.Seed = n
		p.changed(true)
	}
}

func (p *Playground) NewSeed() { p.SetSeed(strconv.FormatInt((p.Config.Seed+1)%(MaxPlaySeed+1), 10)) }

// SetFeature adds or removes an input feature, keeping the playground's
// order. Fewer than two leaves the model unbuilt, with a message.
func (p *Playground) SetFeature(f string, on bool) {
	var out []string
	for _, k := range PlayFeatures() {
		if k == f && on || k != f && slices.Contains(p.Config.Features, k) {
			out = append(out, k)
		}
	}
	p.Config.Features = out
	p.changed(true)
}

// HasFeature says whether f is an input.
func (p *Playground) HasFeature(f string) bool { return slices.Contains(p.Config.Features, f) }

// Settings of the network.

// The network is edited with the layer builder (p.Net): its rows are the
// hidden layers; the input shape (the features) and the output layer (a
// softmax over the classes) follow the other settings.

// newNetEditor makes the playground's builder state, holding c's layers.
func newNetEditor() *ModelEditor {
	return &ModelEditor{
		Palette: PlayLayerTypes, Limit: MaxPlayRows, NewRow: NewPlayLayer, Check: CheckPlayLayer,
		FixedInput: true, NoFreeze: true,
	}
}

// loadNet puts the config's layers into the builder (a fresh history:
// another run was opened).
func (p *Playground) loadNet() {
	e := p.Net
	e.OnChange = nil
	*e = *newNetEditor()
	m := p.Config.Model()
	m.Layers = slices.Clone(p.Config.Hidden)
	e.Tail = []spec.Layer{p.Config.Output()}
	e.loadSpec(m)
	e.OnChange = p.netEdited
}

// fixNet gives the builder the input and output of the current settings.
func (p *Playground) fixNet() {
	e := p.Net
	m := p.Config.Model()
	e.base.Input, e.base.Dataset = m.Input, m.Dataset
	e.Input = joinInts(m.Input, ",")
	e.Tail = []spec.Layer{p.Config.Output()}
	e.Changed()
}

// netEdited takes the builder's layers when they are valid (else the
// builder shows why, and Blocked says so) and starts over with them.
func (p *Playground) netEdited() {
	m, err := p.Net.Spec()
	if err != nil {
		return
	}
	hidden := m.Layers[:len(m.Layers)-len(p.Net.Tail)]
	if reflect.DeepEqual(hidden, p.Config.Hidden) {
		return
	}
	p.Config.Hidden = slices.Clone(hidden)
	p.changed(true)
}

// NetProblem is why the builder's network cannot be used, or "".
func (p *Playground) NetProblem() string {
	if _, err := p.Net.Spec(); err != nil {
		return "Fix the network first: " + err.Error()
	}
	return ""
}

func (p *Playground) SetOptimizer(o string) {
	if slices.Contains(Optimizers, o) && o != p.Config.Optimizer {
		p.Config.Optimizer = o
		p.changed(true)
	}
}

// SetLR and SetBatch reach a built model between batches, without a
// rebuild (as in TensorFlow Playground).
func (p *Playground) SetLR(s string) {
	if v, err := strconv.ParseFloat(s, 64); err == nil && v > 0 && v <= spec.MaxLearningRate {
		p.Config.LR = v
		p.changed(false)
		p.live()
	}
}

func (p *Playground) SetBatch(s string) {
	if n, err := strconv.Atoi(s); err == nil && n >= 1 && n <= MaxPlayBatch {
		p.Config.Batch = n
		p.changed(false)
		p.live()
	}
}

func (p *Playground) live() {
	if p.State != "" {
		p.request(protocol.Set{LearningRate: p.Config.LR, BatchSize: p.Config.Batch})
	}
}

// Settings of the view only.

func (p *Playground) SetShowTest(on bool)   { p.Config.ShowTest = on; p.changed(false) }
func (p *Playground) SetDiscretize(on bool) { p.Config.Discretize = on; p.changed(false) }
