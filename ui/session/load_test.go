package session

import (
	"reflect"
	"testing"

	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/ui/model"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// A model link opened at start: nothing is built over it, the loaded
// model needs no build, and Train then starts it as it is.
func TestLoadedModelIsNotBuiltOver(t *testing.T) {
	a, w := newTestApp()
	m := model.PresetModel(model.PresetSoftmax)
	a.Model.LoadSpec(m)
	a.AssumeBuilt()
	a.ModelLoading = true
	a.Handle(protocol.Ready{})
	a.Handle(protocol.DataReady{Train: 60000, Test: 10000})
	if got := w.take(); !reflect.DeepEqual(got, []string{"load_data"}) {
		t.Fatalf("while a model loads the app sent %v, want [load_data] (no build)", got)
	}
	a.ModelLoading = false
	a.Loaded(m)
	if a.Training != "" || a.BuiltSpec() == "" {
		t.Errorf("after Loaded: training %q, built spec %q", a.Training, a.BuiltSpec())
	}
	a.Handle(protocol.Built{})
	a.Train()
	if got := w.take(); !reflect.DeepEqual(got, []string{"start"}) {
		t.Errorf("Train on the loaded model sent %v, want [start] (no rebuild)", got)
	}
}

// A refused link at start: the worker has no model, so the edited one is
// built once the data is in; a refused file later leaves the worker's
// model alone.
func TestLoadRefusedBuildsWhenTheWorkerHasNoModel(t *testing.T) {
	a, w := newTestApp()
	a.Model.LoadSpec(model.PresetModel(model.PresetSoftmax))
	a.AssumeBuilt()
	a.ModelLoading = true
	a.Handle(protocol.Ready{})
	w.take()
	a.LoadRefused()
	if a.ModelLoading {
		t.Errorf("ModelLoading is still set after a refusal")
	}
	if got := w.take(); len(got) != 0 {
		t.Errorf("before the data the app sent %v, want nothing", got)
	}
	a.Handle(protocol.DataReady{Train: 60000, Test: 10000})
	if got := w.take(); !reflect.DeepEqual(got, []string{"build"}) {
		t.Fatalf("after a refused link and the data the app sent %v, want [build]", got)
	}
	a.Handle(protocol.Built{})
	a.ModelLoading = true
	a.LoadRefused()
	if got := w.take(); len(got) != 0 {
		t.Errorf("a refused file with a model in the worker sent %v, want nothing", got)
	}
}

func TestBuildThenSendsAfterTheBuild(t *testing.T) {
	a, w := newTestApp()
	a.Handle(protocol.Ready{})
	a.Handle(protocol.DataReady{Train: 60000, Test: 10000})
	a.Handle(protocol.Built{})
	w.take()
	m := spec.Seed()
	m.Epochs = 1
	a.Model.LoadSpec(m)
	a.BuildThen(protocol.TrainGoal{ID: 9, MaxBatches: 10})
	if got := w.take(); !reflect.DeepEqual(got, []string{"build"}) {
		t.Fatalf("BuildThen sent %v, want [build] first", got)
	}
	a.Handle(protocol.Built{})
	if got := w.take(); !reflect.DeepEqual(got, []string{"train_goal"}) {
		t.Errorf("after the build the app sent %v, want [train_goal]", got)
	}
}
