package playground

import (
	"reflect"
	"slices"
	"strconv"

	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/ui/model"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// What the playground's controls do. A change to the data or the model
// rebuilds both (new points, fresh weights, paused), as in TensorFlow
// Playground; learning rate and batch size reach a run between batches;
// the view settings only redraw. Every change rewrites the address (hash.go).

// Settings of the data.

// SetDataset picks a data set; all but the spiral have 2 classes.
func (p *Place) SetDataset(d string) {
	if !slices.Contains(Datasets, d) {
		return
	}
	p.Config.Dataset = d
	if d != spec.DatasetSpiral {
		p.Config.Classes = 2
	}
	p.changed(rebuild)
}

// SetClasses sets the spiral's number of arms (2 to MaxClasses).
func (p *Place) SetClasses(s string) {
	if n, err := strconv.Atoi(s); err == nil && n >= 2 && n <= MaxClasses && p.Config.Dataset == spec.DatasetSpiral && n != p.Config.Classes {
		p.Config.Classes = n
		p.changed(rebuild)
	}
}

// SetPoints, SetNoise and SetRatio take a select's or a slider's value
// (out-of-range and unreadable ones are ignored).
func (p *Place) SetPoints(s string) { p.setInt(s, MinPoints, MaxPoints, &p.Config.Points) }
func (p *Place) SetNoise(s string)  { p.setInt(s, 0, MaxNoise, &p.Config.Noise) }
func (p *Place) SetRatio(s string)  { p.setInt(s, MinRatio, MaxRatio, &p.Config.Ratio) }

func (p *Place) setInt(s string, lo, hi int, dst *int) {
	if n, err := strconv.Atoi(s); err == nil && n >= lo && n <= hi && n != *dst {
		*dst = n
		p.changed(rebuild)
	}
}

// SetSeed takes a typed seed; NewSeed picks the next one (new points and
// weights, like TensorFlow Playground's regenerate).
func (p *Place) SetSeed(s string) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n >= 0 && n <= MaxSeed && n != p.Config.Seed {
		p.Config.Seed = n
		p.changed(rebuild)
	}
}

// NewSeed moves to the next seed (wrapping after MaxSeed).
func (p *Place) NewSeed() { p.SetSeed(strconv.FormatInt((p.Config.Seed+1)%(MaxSeed+1), 10)) }

// SetFeature adds or removes an input feature, keeping the playground's
// order. Fewer than two leaves the model unbuilt, with a message.
func (p *Place) SetFeature(f string, on bool) {
	var out []string
	for _, k := range Features() {
		if k == f && on || k != f && slices.Contains(p.Config.Features, k) {
			out = append(out, k)
		}
	}
	p.Config.Features = out
	p.changed(rebuild)
}

// HasFeature says whether f is an input.
func (p *Place) HasFeature(f string) bool { return slices.Contains(p.Config.Features, f) }

// Settings of the network.

// The network is edited with the layer builder (p.Net): its rows are the
// hidden layers; the input shape (the features) and the output layer (a
// softmax over the classes) follow the other settings.

// newNet is the playground's builder state, empty.
func newNet() model.Editor {
	return model.Editor{
		Palette: LayerTypes, Limit: MaxRows, NewRow: NewLayer, Check: CheckLayer,
		FixedInput: true, NoFreeze: true,
	}
}

// loadNet puts the config's layers into the builder, with a fresh
// history: another run was opened.
func (p *Place) loadNet() {
	e := p.Net
	*e = newNet()
	m := p.Config.Model()
	m.Layers = slices.Clone(p.Config.Hidden)
	e.Tail = []spec.Layer{p.Config.Output()}
	e.Reset(m)
	e.OnChange = p.netEdited
}

// fixNet gives the builder the input and output of the current settings.
func (p *Place) fixNet() {
	p.Net.Tail = []spec.Layer{p.Config.Output()}
	p.Net.SetBase(p.Config.Model())
}

// netEdited takes the builder's layers when they are valid (else the
// builder shows why, and Blocked says so) and starts over with them.
func (p *Place) netEdited() {
	m, err := p.Net.Spec()
	if err != nil {
		return
	}
	hidden := m.Layers[:len(m.Layers)-len(p.Net.Tail)]
	if reflect.DeepEqual(hidden, p.Config.Hidden) {
		return
	}
	p.Config.Hidden = slices.Clone(hidden)
	p.changed(rebuild)
}

// NetProblem is why the builder's network cannot be used, or "".
func (p *Place) NetProblem() string {
	if _, err := p.Net.Spec(); err != nil {
		return "Fix the network first: " + err.Error()
	}
	return ""
}

// SetOptimizer picks one of Optimizers.
func (p *Place) SetOptimizer(o string) {
	if slices.Contains(Optimizers, o) && o != p.Config.Optimizer {
		p.Config.Optimizer = o
		p.changed(rebuild)
	}
}

// SetLR and SetBatch reach a built model between batches, without a
// rebuild (as in TensorFlow Playground). SetLR takes a learning rate
// above 0 and at most spec.MaxLearningRate.
func (p *Place) SetLR(s string) {
	if v, err := strconv.ParseFloat(s, 64); err == nil && v > 0 && v <= spec.MaxLearningRate {
		p.Config.LR = v
		p.changed(keepRun)
		p.live()
	}
}

// SetBatch sets the batch size (1 to MaxBatch).
func (p *Place) SetBatch(s string) {
	if n, err := strconv.Atoi(s); err == nil && n >= 1 && n <= MaxBatch {
		p.Config.Batch = n
		p.changed(keepRun)
		p.live()
	}
}

// live sends the learning rate and batch size to a built model.
func (p *Place) live() {
	if p.State != "" {
		p.request(protocol.Set{LearningRate: p.Config.LR, BatchSize: p.Config.Batch})
	}
}

// Settings of the view only.

// SetShowTest draws the test points or not; SetDiscretize colours the
// regions by the likeliest class only, or blends the classes' colours.
func (p *Place) SetShowTest(on bool)   { p.Config.ShowTest = on; p.changed(keepRun) }
func (p *Place) SetDiscretize(on bool) { p.Config.Discretize = on; p.changed(keepRun) }
