package session

import (
	"reflect"
	"strings"
	"testing"

	"github.com/nnplay/nnplay/ui/route"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// fakeWorker records what the app sends.
type fakeWorker struct{ sent []string }

func newTestApp() (*Session, *fakeWorker) {
	w := &fakeWorker{}
	a := New(func(r protocol.Request) {
		// Not the Inside panel's polling (tested in teach_test.go) nor the
		// Backend select's query (backend_test.go).
		if r.Type() != "stats" && r.Type() != "backend" {
			w.sent = append(w.sent, r.Type())
		}
	})
	return a, w
}

func (w *fakeWorker) take() []string {
	s := w.sent
	w.sent = nil
	return s
}

func TestAppStartsWorkerLoadsDataAndBuilds(t *testing.T) {
	a, w := newTestApp()
	if a.TrainBlocked() == "" {
		t.Fatalf("Train is enabled before the worker runs")
	}
	a.Handle(protocol.Ready{})
	// The build goes out with the data request: the worker builds as soon
	// as MNIST is in.
	if got := w.take(); !reflect.DeepEqual(got, []string{"load_data", "build"}) {
		t.Errorf("on ready the app sent %v, want [load_data build]", got)
	}
	a.Handle(protocol.DataProgress{Stage: protocol.StageDownload, File: "train-images-idx3-ubyte.gz", Loaded: 50, Total: 200})
	if got, want := a.StatusText(), "Loading MNIST: downloading train-images-idx3-ubyte.gz, 25%"; got != want {
		t.Errorf("status = %q, want %q", got, want)
	}
	a.Handle(protocol.DataReady{Train: 60000, Test: 10000})
	if got := w.take(); len(got) != 0 {
		t.Errorf("on data_ready the app sent %v, want nothing (the model went with load_data)", got)
	}
	if a.TrainBlocked() == "" {
		t.Errorf("Train is enabled before the model is built")
	}
	a.Handle(protocol.Built{})
	if msg := a.TrainBlocked(); msg != "" {
		t.Errorf("Train is blocked after the build: %q", msg)
	}
	a.Train()
	if got := w.take(); !reflect.DeepEqual(got, []string{"start"}) {
		t.Errorf("Train on a fresh build sent %v, want [start]", got)
	}
}

func TestTrainAfterAnEditRebuildsThenStarts(t *testing.T) {
	a, w := newTestApp()
	a.Handle(protocol.Ready{})
	a.Handle(protocol.DataReady{Train: 60000, Test: 10000})
	a.Handle(protocol.Built{})
	w.take()
	a.Model.Epochs = "1"
	a.Model.Changed()
	a.Train()
	if got := w.take(); !reflect.DeepEqual(got, []string{"build"}) {
		t.Fatalf("Train after an edit sent %v, want [build] (start waits for the build)", got)
	}
	a.Handle(protocol.Built{})
	if got := w.take(); !reflect.DeepEqual(got, []string{"start"}) {
		t.Errorf("after the build the app sent %v, want [start]", got)
	}
	render := a.Handle(protocol.Progress{Epoch: 1, Epochs: 1, Batch: 1, Batches: 938, GlobalBatch: 1, State: protocol.StateRunning})
	if !render {
		t.Errorf("the first running progress (a state change) did not ask for a render")
	}
	if a.Handle(protocol.Progress{Epoch: 1, Epochs: 1, Batch: 2, Batches: 938, GlobalBatch: 2, State: protocol.StateRunning}) {
		t.Errorf("a progress message that changes only numbers asked for a full render")
	}
	if a.PauseLabel() != "Pause" || a.TrainBlocked() == "" {
		t.Errorf("while running: pause label %q, train blocked %q", a.PauseLabel(), a.TrainBlocked())
	}
	a.TogglePause()
	a.Handle(protocol.State{State: protocol.StatePaused})
	if a.PauseLabel() != "Resume" {
		t.Errorf("pause label %q while paused, want Resume", a.PauseLabel())
	}
	a.TogglePause()
	if got := w.take(); !reflect.DeepEqual(got, []string{"pause", "resume"}) {
		t.Errorf("pause then resume sent %v", got)
	}
}

func TestFatalErrorStopsTheApp(t *testing.T) {
	a, _ := newTestApp()
	a.Handle(protocol.Error{Message: "MNIST files not found at /data/mnist — run make data"})
	if got := a.ErrorText(); got != "MNIST files not found at /data/mnist — run make data" {
		t.Errorf("banner = %q", got)
	}
	a.DismissError()
	if a.ErrorText() != "" {
		t.Errorf("banner = %q after dismiss", a.ErrorText())
	}
	a.Handle(protocol.Error{Message: "out of memory", Fatal: true})
	want := "The training worker stopped: out of memory. Reload the page to start again."
	if got := a.ErrorText(); got != want {
		t.Errorf("banner = %q, want %q", got, want)
	}
	if a.TrainBlocked() == "" {
		t.Errorf("Train is enabled after the worker stopped")
	}
}

// TestTrainMoreContinuesAFinishedRun: after a run ends, Train more starts
// another from the current weights (no build), while Train rebuilds from
// the seed; an edit since the run disables Train more.
func TestTrainMoreContinuesAFinishedRun(t *testing.T) {
	a, w := newTestApp()
	a.Handle(protocol.Ready{})
	a.Handle(protocol.DataReady{Train: 60000, Test: 10000})
	a.Handle(protocol.Built{})
	if a.TrainMoreBlocked() == "" {
		t.Error("Train more is enabled before any run")
	}
	a.Train()
	a.Handle(protocol.State{State: protocol.StateRunning})
	a.Handle(protocol.State{State: protocol.StateDone})
	w.take()
	if msg := a.TrainMoreBlocked(); msg != "" {
		t.Fatalf("Train more is blocked after a finished run: %q", msg)
	}
	a.TrainMore()
	if got := w.take(); !reflect.DeepEqual(got, []string{"start"}) {
		t.Errorf("Train more sent %v, want [start] (no build)", got)
	}
	a.Handle(protocol.State{State: protocol.StateDone})
	a.Model.Epochs = "5"
	a.Model.Changed()
	if a.TrainMoreBlocked() == "" {
		t.Error("Train more is enabled after the model was edited")
	}
	a.TrainMore()
	if got := w.take(); len(got) != 0 {
		t.Errorf("a blocked Train more sent %v", got)
	}
}

// A model edited while MNIST loads is built again once the data is in: the
// build that went out with load_data was of the model before the edit.
func TestEditWhileLoadingRebuildsOnDataReady(t *testing.T) {
	a, w := newTestApp()
	a.Handle(protocol.Ready{})
	w.take()
	a.Model.Epochs = "1"
	a.Model.Changed()
	if got := w.take(); len(got) != 0 {
		t.Errorf("an edit while loading sent %v, want nothing until the data is in", got)
	}
	a.Handle(protocol.Built{})
	if a.TrainBlocked() == "" {
		t.Errorf("Train is enabled before MNIST is loaded")
	}
	a.Handle(protocol.DataReady{Train: 60000, Test: 10000})
	if got := w.take(); !reflect.DeepEqual(got, []string{"build"}) {
		t.Errorf("on data_ready after an edit the app sent %v, want [build]", got)
	}
}

// TestAfterBuildGoesBeforeTheStart: AfterBuild's requests (the run
// recorder's record_run) follow every build and come before a queued
// start, so the recorder has the fresh weights before the first batch.
func TestAfterBuildGoesBeforeTheStart(t *testing.T) {
	a, w := newTestApp()
	a.AfterBuild = []protocol.Request{protocol.RecordRun{Precision: "int8"}}
	a.Handle(protocol.Ready{})
	if got := w.take(); !reflect.DeepEqual(got, []string{"load_data", "build", "record_run"}) {
		t.Errorf("on ready the app sent %v, want [load_data build record_run]", got)
	}
	a.Handle(protocol.DataReady{Train: 60000, Test: 10000})
	a.Handle(protocol.Built{})
	a.Model.Epochs = "1"
	a.Model.Changed()
	a.Train()
	a.Handle(protocol.Built{})
	if got := w.take(); !reflect.DeepEqual(got, []string{"build", "record_run", "start"}) {
		t.Errorf("Train after an edit sent %v, want [build record_run start]", got)
	}
}

// TestStatusSaysASnapshotIsViewed: the status line says the views show a
// snapshot, on every place, until the live weights are back.
func TestStatusSaysASnapshotIsViewed(t *testing.T) {
	a, _ := newTestApp()
	a.Handle(protocol.Ready{})
	a.Handle(protocol.DataReady{Train: 60000, Test: 10000})
	a.Handle(protocol.Built{})
	a.Viewing = "Showing Run 2 after epoch 1."
	if got, want := a.StatusText(), "MNIST loaded (60,000 training, 10,000 test images). Ready to train. Showing Run 2 after epoch 1."; got != want {
		t.Errorf("status %q, want %q", got, want)
	}
	a.Viewing = ""
	if got := a.StatusText(); strings.Contains(got, "Showing") {
		t.Errorf("status %q after the live weights came back", got)
	}
}

// TestPlaceRendersOnlyWhileShowing: a place's subscriber sees every event,
// but asks for a render only while its place is on screen; a subscriber
// of no place renders whatever is on screen.
func TestPlaceRendersOnlyWhileShowing(t *testing.T) {
	a, _ := newTestApp()
	seen := 0
	a.SubscribePlace(route.Keep, func(protocol.Event) bool { seen++; return true })
	ev := protocol.ModelExport{ID: 1, Format: "file", File: []byte{1}}
	if a.Showing != route.Build {
		t.Fatalf("a new page shows %q; want the landing place", a.Showing)
	}
	if a.Handle(ev) || seen != 1 {
		t.Errorf("Keep off screen: render %v, seen %d; want no render, seen 1", a.Handle(ev), seen)
	}
	a.Showing = route.Keep
	if !a.Handle(ev) {
		t.Error("Keep on screen: no render")
	}
	a.Showing = route.Build
	a.Subscribe(func(protocol.Event) bool { return true })
	if !a.Handle(ev) {
		t.Error("a subscriber of no place: no render")
	}
}

// TestLaterRunsNowOrWhenScheduled: Later runs at once without a scheduler
// (native tests, before the page starts) and hands f to the scheduler
// once there is one.
func TestLaterRunsNowOrWhenScheduled(t *testing.T) {
	a, _ := newTestApp()
	ran := 0
	a.Later(func() { ran++ })
	if ran != 1 {
		t.Fatalf("without a scheduler Later ran f %d times; want 1", ran)
	}
	var queued []func()
	a.SetScheduler(func(f func()) { queued = append(queued, f) })
	a.Later(func() { ran++ })
	if ran != 1 || len(queued) != 1 {
		t.Fatalf("with a scheduler: ran %d, queued %d; want 1, 1", ran, len(queued))
	}
	queued[0]()
	if ran != 2 {
		t.Errorf("the scheduled f did not run")
	}
}
