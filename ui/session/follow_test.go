package session

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/nnplay/nnplay/ui/route"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// A follower starts from the leader's state as it travels between the
// page's two wasm modules (JSON), applies the same events, and sends only
// what its places send: never a build, a data load or a queued request.
func TestFollowerCopiesStateAndSendsOnlyItsOwn(t *testing.T) {
	lead, w := newTestApp()
	lead.Handle(protocol.Ready{})
	lead.Handle(protocol.DataReady{Train: 60000, Test: 10000})
	lead.Handle(protocol.Built{})
	lead.Handle(protocol.Progress{State: protocol.StateRunning, GlobalBatch: 7})
	w.take()

	b, err := json.Marshal(Attachment{Shared: lead.Shared(), Place: route.Learn})
	if err != nil {
		t.Fatal(err)
	}
	var at Attachment
	if err := json.Unmarshal(b, &at); err != nil || at.Place != route.Learn {
		t.Fatalf("the attachment came back as %+v (%v)", at, err)
	}
	sh := at.Shared
	var sent []string
	f := New(func(r protocol.Request) { sent = append(sent, r.Type()) })
	f.Follow(sh, 1<<22, lead)
	if !f.ModelReady() || f.Training != protocol.StateRunning || f.Progress.GlobalBatch != 7 || f.DataTest != 10000 {
		t.Fatalf("follower: ready %v training %q batch %d test %d; want the leader's", f.ModelReady(), f.Training, f.Progress.GlobalBatch, f.DataTest)
	}
	if got, want := f.specJSON(), lead.specJSON(); got != want || got == "" || f.BuiltSpec() != lead.BuiltSpec() || f.Charts.Epochs != lead.Charts.Epochs {
		t.Errorf("follower's model %s (built %s), leader's %s (built %s)", got, f.BuiltSpec(), want, lead.BuiltSpec())
	}

	// The events that make a leader send (a second Ready, data loaded, a
	// model loaded, a build answered) change the follower's state alone.
	for _, ev := range []protocol.Event{protocol.Ready{}, protocol.DataReady{Train: 5, Test: 2}, protocol.State{State: protocol.StateIdle}, protocol.Built{}} {
		f.Handle(ev)
	}
	f.BuildThen(protocol.Predict{ID: 3})
	if len(sent) != 0 {
		t.Errorf("the follower sent %v on its own; want nothing", sent)
	}
	if !f.ModelReady() || f.DataTest != 2 || f.Training != protocol.StateIdle {
		t.Errorf("after the events: ready %v test %d training %q", f.ModelReady(), f.DataTest, f.Training)
	}
	id := f.NewID()
	f.Send(protocol.TraceRequest{ID: id})
	if !reflect.DeepEqual(sent, []string{"trace"}) || id <= lead.NewID() {
		t.Errorf("a place's request: sent %v with id %d; want [trace] with an id clear of the leader's", sent, id)
	}
	// Back to MNIST from a data set: the follower asks its leader (no
	// event would tell it) and sends nothing itself.
	lead.Handle(penguinsReady())
	f.Handle(penguinsReady())
	sent = nil
	f.UseMNIST()
	if !f.DataIsMNIST() || !lead.DataIsMNIST() || len(sent) != 0 {
		t.Errorf("UseMNIST from the follower: follower MNIST %v, leader MNIST %v, follower sent %v", f.DataIsMNIST(), lead.DataIsMNIST(), sent)
	}
	f.Handle(protocol.Error{Message: "gone", Fatal: true})
	if f.Worker != WorkerDead || f.ModelReady() {
		t.Errorf("a fatal error leaves the follower's worker %q", f.Worker)
	}
}
