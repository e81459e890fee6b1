package session

import (
	"strings"
	"testing"

	"github.com/nnplay/nnplay/wasm/protocol"
)

// TestErrorForTakesOnlyItsOwnRequestsError: a request's wait ends on the
// error with its id, or on a fatal one; a training error (id 0) or
// another request's error is not its answer.
func TestErrorForTakesOnlyItsOwnRequestsError(t *testing.T) {
	const id = idBase + 3
	cases := []struct {
		name string
		ev   protocol.Event
		want bool
	}{
		{"its own refusal", protocol.Error{Message: "no", Request: "trace", ID: id}, true},
		{"a fatal error", protocol.Error{Message: "out of memory", Fatal: true}, true},
		{"a training error", protocol.Error{Message: "the loss is NaN at epoch 1, batch 3"}, false},
		{"another request's refusal", protocol.Error{Message: "no", Request: "trace", ID: id + 1}, false},
		{"an answer, not an error", protocol.Trace{ID: id}, false},
	}
	for _, c := range cases {
		if _, got := ErrorFor(c.ev, id); got != c.want {
			t.Errorf("%s: ErrorFor = %v; want %v", c.name, got, c.want)
		}
	}
	if _, got := ErrorFor(protocol.Error{Message: "a training error"}, 0); got {
		t.Errorf("an error without an id ended the wait of a request never sent (id 0)")
	}
}

// TestWorkerDeathReachesThePlaces: when the Worker dies without a word
// (its onerror), the places hear of it as a fatal error, once, so none is
// left waiting for an answer; the banner says so.
func TestWorkerDeathReachesThePlaces(t *testing.T) {
	a, _ := newTestApp()
	heard := errorsHeard(a)
	a.WorkerDied("the worker's script failed")
	a.WorkerDied("the worker's script failed")
	if len(*heard) != 1 || !(*heard)[0].Fatal {
		t.Errorf("the places heard %+v; want one fatal error", *heard)
	}
	want := "The training worker stopped: the worker's script failed. Reload the page to start again."
	if a.Worker != WorkerDead || a.ErrorText() != want {
		t.Errorf("worker %q, banner %q; want dead, %q", a.Worker, a.ErrorText(), want)
	}
}

// TestARefusedBuildRefusesWhatWaitedForIt: requests queued behind a build
// the worker refuses are not sent later, and each place that queued one
// hears of it as its own request's error, with the build's message.
func TestARefusedBuildRefusesWhatWaitedForIt(t *testing.T) {
	a, sent := builtSession()
	heard := errorsHeard(a)
	*sent = nil
	queued := protocol.TrainGoal{ID: a.NewID(), MaxBatches: 10}
	a.BuildThen(queued)
	build := lastBuild(*sent)
	if build.ID == 0 {
		t.Fatalf("BuildThen sent %v; want a build with an id", *sent)
	}
	a.Handle(protocol.Error{Message: "a training error, not the build's"})
	const why = "build: layer 1 (Dense): units must be between 1 and 4096, got 0"
	a.Handle(protocol.Error{Message: why, Request: build.Type(), ID: build.ID})
	last := (*heard)[len(*heard)-1]
	if _, ok := ErrorFor(last, queued.ID); !ok || last.Message != why || len(*heard) != 3 {
		t.Errorf("the places heard %+v; want the training error, the build's refusal, then the queued goal's with its message", *heard)
	}
	*sent = nil
	a.Handle(protocol.State{State: protocol.StateIdle})
	for _, r := range *sent {
		if r.Type() == queued.Type() {
			t.Errorf("the goal queued behind a refused build was sent later: %v", *sent)
		}
	}
}

// TestARefusedBuildKeepsTheWorkersModel: the worker keeps the model it had
// when it refuses a build, and so does the session: places may still ask
// about that model, Train says why the edited one is not built (not "being
// built" for ever), nothing queued behind the build is sent, and the next
// edit builds again.
func TestARefusedBuildKeepsTheWorkersModel(t *testing.T) {
	a, sent := builtSession()
	a.Model.SetField(0, "units", "100")
	a.Train()
	build := lastBuild(*sent)
	if build.ID == 0 || a.ModelReady() {
		t.Fatalf("Train after an edit sent %v, model ready %v; want a build, and the model not ready", *sent, a.ModelReady())
	}
	const why = "the model needs more memory than the worker has"
	a.Handle(protocol.Error{Message: why, Request: build.Type(), ID: build.ID})
	if !a.ModelReady() || a.Training != protocol.StateIdle {
		t.Errorf("after the refusal: model ready %v, training %q; want the worker's old model, idle", a.ModelReady(), a.Training)
	}
	if got := a.TrainBlocked(); !strings.Contains(got, why) || !strings.Contains(got, "change it to build again") {
		t.Errorf("Train blocked by %q; want the refusal's reason and what to do", got)
	}
	if got := a.StatusText(); !strings.HasSuffix(got, "The edited model could not be built; the worker keeps the one it had.") {
		t.Errorf("status %q", got)
	}
	*sent = nil
	a.Handle(protocol.State{State: protocol.StateIdle})
	a.Handle(protocol.DataReady{Train: 60000, Test: 10000})
	a.Train()
	if len(*sent) != 0 {
		t.Errorf("the refused model was built or started again: %v", *sent)
	}
	a.Model.SetField(0, "units", "64")
	if got := a.TrainBlocked(); got != "" {
		t.Errorf("after another edit Train is blocked by %q", got)
	}
	a.Train()
	if len(*sent) != 1 || (*sent)[0].Type() != build.Type() {
		t.Errorf("Train after another edit sent %v; want a build", *sent)
	}
}

// errorsHeard collects the errors a place subscribed to s would hear.
func errorsHeard(s *Session) *[]protocol.Error {
	var heard []protocol.Error
	s.Subscribe(func(ev protocol.Event) bool {
		if e, ok := ev.(protocol.Error); ok {
			heard = append(heard, e)
		}
		return false
	})
	return &heard
}

// lastBuild is the last build among sent (a zero Build when none).
func lastBuild(sent []protocol.Request) (build protocol.Build) {
	for _, r := range sent {
		if b, ok := r.(protocol.Build); ok {
			build = b
		}
	}
	return build
}
