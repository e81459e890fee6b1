package finetune

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/ui/session"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// readyPlace is a page whose worker is ready and whose model is built; it
// records every request sent.
func readyPlace(t *testing.T) (*Place, *[]protocol.Request) {
	t.Helper()
	var sent []protocol.Request
	s := session.New(func(r protocol.Request) { sent = append(sent, r) })
	p := New(s)
	s.Handle(protocol.Ready{})
	s.Handle(protocol.DataReady{Train: 60000, Test: 10000})
	s.Handle(protocol.Built{})
	sent = nil
	return p, &sent
}

// last returns the last request sent and forgets them all.
func last(t *testing.T, sent *[]protocol.Request) protocol.Request {
	t.Helper()
	if len(*sent) == 0 {
		t.Fatalf("nothing was sent")
	}
	r := (*sent)[len(*sent)-1]
	*sent = nil
	return r
}

// snapshotOf is a snapshot of spec with params whose bytes are fill per layer.
func snapshotOf(id int, s spec.Model, fill func(layer int) byte) protocol.Snapshot {
	snap := protocol.Snapshot{ID: id, Spec: s}
	for i := range s.Layers {
		snap.Params = append(snap.Params, protocol.ParamData{Layer: i, Name: "kernel", Shape: []int{2}, Data: bytes.Repeat([]byte{fill(i)}, 8)})
	}
	return snap
}

func TestLessonSteps(t *testing.T) {
	p, sent := readyPlace(t)
	a, l := p.S, p.Lesson
	if l.Blocked(2) == "" || l.Blocked(1) != "" {
		t.Fatalf("at the start: step 1 blocked %q, step 2 blocked %q", l.Blocked(1), l.Blocked(2))
	}
	l.TrainBase()
	build, ok := last(t, sent).(protocol.Build)
	if !ok || !reflect.DeepEqual(build.Spec.Classes, Low) || len(build.Spec.Layers) != 7 {
		t.Fatalf("step 1 sent %+v; want a build of the lesson's CNN for 0–4", build)
	}
	a.Handle(protocol.Built{})
	goal, ok := last(t, sent).(protocol.TrainGoal)
	if !ok || goal.MaxBatches != BaseBatches || goal.Scratch {
		t.Fatalf("after the build step 1 sent %+v", goal)
	}
	if l.Blocked(1) != "A step is running." {
		t.Errorf("while step 1 runs, step 1 is blocked by %q", l.Blocked(1))
	}
	a.Handle(protocol.GoalDone{ID: goal.ID, Reached: true, Batches: 300, Accuracy: 0.99, Seconds: 11.8})
	a.Handle(protocol.State{State: protocol.StateDone})
	if l.Blocked(2) != "" || !strings.Contains(l.BaseText(), "99.0% of the test digits 0–4 right after 300 batches (11.8 s)") {
		t.Fatalf("after step 1: step 2 blocked %q; %q", l.Blocked(2), l.BaseText())
	}

	l.ReplaceHead()
	head := last(t, sent).(protocol.ReplaceHead)
	if !reflect.DeepEqual(head.Classes, High) || !reflect.DeepEqual(head.Freeze, []int{0, 1, 2, 3, 4}) {
		t.Fatalf("step 2 sent %+v", head)
	}
	tuned := Spec()
	tuned.Classes, tuned.Seed = High, 2
	for i := range 5 {
		tuned.Layers[i].Frozen = true
	}
	a.Handle(protocol.HeadReplaced{ID: head.ID, Spec: tuned, Accuracy: 0.213})
	snap := last(t, sent).(protocol.SnapshotRequest)
	a.Handle(protocol.Built{})
	if m, _ := a.Model.Spec(); !reflect.DeepEqual(m.Classes, High) || !m.Layers[0].Frozen || a.BuiltSpec() != specJSON(t, m) {
		t.Errorf("after step 2 the model panel holds %+v (built %s)", m, a.BuiltSpec())
	}
	a.Handle(snapshotOf(snap.ID, tuned, func(i int) byte { return byte(i) }))
	if l.FrozenBefore == nil || l.FrozenBefore.Weights != 5*2 || len(l.FrozenBefore.Layers) != 5 {
		t.Fatalf("the frozen layers' print: %+v", l.FrozenBefore)
	}
	if !strings.Contains(l.BeforeText(), "21.3% of the test digits 5–9") || l.Blocked(3) != "" {
		t.Errorf("after step 2: %q, step 3 blocked %q", l.BeforeText(), l.Blocked(3))
	}

	l.FineTune()
	goal = last(t, sent).(protocol.TrainGoal)
	a.Handle(protocol.GoalDone{ID: goal.ID, Reached: true, Batches: 300, Accuracy: 0.987, Seconds: 5.1})
	snap = last(t, sent).(protocol.SnapshotRequest)
	// The head's weights moved, the frozen layers' did not.
	a.Handle(snapshotOf(snap.ID, tuned, func(i int) byte {
		if i >= 5 {
			return byte(100 + i)
		}
		return byte(i)
	}))
	if !strings.Contains(l.FrozenText(), "unchanged") || l.CRCBefore() != l.CRCAfter() || len(l.CRCBefore()) != 8 {
		t.Errorf("frozen text %q (CRC-32 %q before, %q after); want unchanged", l.FrozenText(), l.CRCBefore(), l.CRCAfter())
	}
	a.Handle(snapshotOf(snap.ID, tuned, func(int) byte { return 7 })) // an old id: ignored
	if !strings.Contains(l.FrozenText(), "unchanged") {
		t.Errorf("a snapshot the lesson did not ask for changed its print: %q", l.FrozenText())
	}

	l.FromScratch()
	goal = last(t, sent).(protocol.TrainGoal)
	if !goal.Scratch || goal.Target != 0.987 || goal.Every != CheckEvery || goal.MaxBatches != ScratchBatches {
		t.Fatalf("step 4 sent %+v", goal)
	}
	a.Handle(protocol.GoalDone{ID: goal.ID, Reached: true, Batches: 425, Accuracy: 0.988, Seconds: 11.4})
	if want := "Fine-tuning took 5.1 s; training from scratch 11.4 s: 6.3 s saved (55%), both measured now in this tab."; l.SavedText() != want {
		t.Errorf("saved text %q\nwant       %q", l.SavedText(), want)
	}

	// Another model in the worker: the later steps wait for step 1 again.
	a.Handle(protocol.Built{})
	if l.Blocked(2) == "" {
		t.Errorf("after another model was built, step 2 is not blocked")
	}
}

func specJSON(t *testing.T, m spec.Model) string {
	t.Helper()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestLessonStepTakesOnlyItsOwnError: a step waits through errors that
// are not its own (a training error, another place's refused request) and
// takes its answer; its own refusal ends it, the banner saying why.
func TestLessonStepTakesOnlyItsOwnError(t *testing.T) {
	p, sent := readyPlace(t)
	a, l := p.S, p.Lesson
	l.TrainBase()
	a.Handle(protocol.Built{})
	goal := last(t, sent).(protocol.TrainGoal)
	a.Handle(protocol.GoalDone{ID: goal.ID, Reached: true, Batches: 300, Accuracy: 0.99, Seconds: 11.8})
	a.Handle(protocol.State{State: protocol.StateDone})

	l.ReplaceHead()
	head := last(t, sent).(protocol.ReplaceHead)
	a.Handle(protocol.Error{Message: "the loss is NaN at epoch 1, batch 3: training paused"})
	a.Handle(protocol.Error{Message: "trace: index 10000 is past the test set", Request: "trace", ID: head.ID + 1000})
	if l.Phase != "head" || l.Blocked(2) != "A step is running." {
		t.Errorf("after errors not its own: phase %q, step 2 blocked by %q; want step 2 still running", l.Phase, l.Blocked(2))
	}
	tuned := Spec()
	tuned.Classes, tuned.Seed = High, 2
	a.Handle(protocol.HeadReplaced{ID: head.ID, Spec: tuned, Accuracy: 0.213})
	a.Handle(protocol.Built{})
	if l.Head == nil || l.Phase != "" || l.Blocked(3) != "" {
		t.Errorf("the head's answer after other errors: head %v, phase %q, step 3 blocked by %q", l.Head != nil, l.Phase, l.Blocked(3))
	}

	*sent = nil
	l.FineTune()
	tune := last(t, sent).(protocol.TrainGoal)
	const why = "train_goal: the worker has no data for 5–9"
	a.Handle(protocol.Error{Message: why, Request: tune.Type(), ID: tune.ID})
	if l.Phase != "" || l.Blocked(3) != "" || a.ErrorText() != why {
		t.Errorf("after its own refusal: phase %q, step 3 blocked by %q, banner %q; want the step over and the banner saying why", l.Phase, l.Blocked(3), a.ErrorText())
	}
}

// TestARefusedBuildEndsStepOne: step 1's goal waits behind the build of
// the lesson's CNN; when the worker refuses that build, the step ends
// instead of running for ever.
func TestARefusedBuildEndsStepOne(t *testing.T) {
	p, sent := readyPlace(t)
	a, l := p.S, p.Lesson
	l.TrainBase()
	build := last(t, sent).(protocol.Build)
	const why = "build: the worker is out of memory for this model"
	a.Handle(protocol.Error{Message: why, Request: build.Type(), ID: build.ID})
	if l.Phase != "" || l.Blocked(1) == "A step is running." || a.ErrorText() != why {
		t.Errorf("after the build was refused: phase %q, step 1 blocked by %q, banner %q", l.Phase, l.Blocked(1), a.ErrorText())
	}
}
