package trainer

import (
	"fmt"

	"github.com/nnplay/nnplay/engine/nn"
	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// Requests that replace the model — build, reset, load_model (a link, a
// model file, imported weights), import_tfjs, replace_head and
// playground_build — go in two steps. First the new model is made and
// checked (newModel), changing nothing: a request refused there (a corrupt
// file, a bad spec, an impossible head) leaves the worker as it was, so a
// run keeps running or stays paused, a goal's run follows its goal and a
// snapshot stays on view. Only a model that is ready takes the old one's
// place (replace).

// replacement is a new model, made and checked, ready to take the
// worker's model's place.
type replacement struct {
	spec  spec.Model
	model *nn.Sequential
	infos []spec.LayerInfo
	// play is the playground the model trains in; nil for MNIST and the
	// user's data sets.
	play *playground
	// news are posted before the model is announced built: model_loaded,
	// head_replaced or playground_data.
	news []protocol.Event
	// epochs and steps are the training the model has had (a loaded
	// model's; 0 for a fresh one).
	epochs, steps int
}

// replacesModel says whether r asks for a new model (one of the requests
// newModel makes the model of).
func replacesModel(r protocol.Request) bool {
	switch r.(type) {
	case protocol.Build, protocol.Reset, protocol.LoadModel, protocol.ImportTFJS, protocol.ReplaceHead, protocol.PlaygroundBuild:
		return true
	}
	return false
}

// newModel makes the model r asks for without changing anything.
func (t *Trainer) newModel(r protocol.Request) (*replacement, error) {
	switch r := r.(type) {
	case protocol.Build:
		return t.build(r.Spec)
	case protocol.Reset:
		return t.reset()
	case protocol.LoadModel:
		if len(r.Weights) > 0 {
			return t.importWeights(r)
		}
		return t.loadModel(r)
	case protocol.ImportTFJS:
		return t.importTFJS(r)
	case protocol.ReplaceHead:
		return t.replaceHead(r)
	case protocol.PlaygroundBuild:
		return t.playgroundBuild(r)
	}
	return nil, fmt.Errorf("the worker makes no model for %q requests", r.Type())
}

// replace makes next the worker's model. What the old one had going ends
// first: a run towards a goal is dropped (goal_done, stopped), the GPU
// lets go of the old model, and a snapshot on view gives the old model
// its live weights back. Then next is announced (its news, built, state
// idle) with training rewound to the training it has had.
func (t *Trainer) replace(next *replacement) {
	if t.goal != nil {
		t.dropGoal()
		if t.state == protocol.StateRunning || t.state == protocol.StatePaused {
			t.setState(protocol.StateStopped)
		}
	}
	t.gpuRelease()
	t.leaveSnapshot()
	for _, e := range next.news {
		t.post(e)
	}
	t.play = next.play
	t.install(next.spec, next.model, next.infos)
	t.pos.global, t.epochsDone = next.steps, next.epochs
	t.resetPace()
}

// own is the worker's own spec and model: during a goal's run, those it
// has back when the run ends (a run from scratch trains a model of its
// own; a goal sets the spec's epochs to the run's length).
func (t *Trainer) own() (spec.Model, *nn.Sequential) {
	g := t.goal
	switch {
	case g == nil:
		return t.spec, t.model
	case g.stash != nil:
		return g.stash.spec, g.stash.model
	}
	s := t.spec
	s.Epochs = g.epochs
	return s, t.model
}
