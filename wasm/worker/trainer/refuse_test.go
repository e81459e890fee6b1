package trainer

import (
	"bytes"
	"slices"
	"testing"

	"github.com/nnplay/nnplay/engine/modelio"
	"github.com/nnplay/nnplay/engine/nn"
	"github.com/nnplay/nnplay/engine/share"
	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// Tests of refused models (replace.go): a request for a new model that is
// refused leaves the run as it was — running on with the weights it would
// have had, a goal's run following its goal — while one that is accepted
// ends the run and swaps the model as before.

// refusal is a request for a new model that the worker must refuse, and
// a part of the message it must give.
type refusal struct {
	name string
	req  protocol.Request
	want string
}

// refusals are bad requests for every way a model is replaced: damaged
// links and model files, weights and TF.js files that do not fit, an
// impossible head, invalid specs.
func refusals(t *testing.T) []refusal {
	t.Helper()
	m, err := nn.Build(spec.Seed())
	if err != nil {
		t.Fatal(err)
	}
	p := modelio.ToPayload(m, 0, 0)
	link, err := share.Encode(p, share.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var file bytes.Buffer
	if err := modelio.WriteFile(&file, p, share.Options{}); err != nil {
		t.Fatal(err)
	}
	damaged := slices.Clone(file.Bytes())
	damaged[len(damaged)-3] ^= 0x40
	zeroUnits := spec.Seed()
	zeroUnits.Layers[0].Units = 0
	cifar := spec.Seed()
	cifar.Dataset = "cifar10"
	return []refusal{
		{"a damaged model file", protocol.LoadModel{ID: 101, File: damaged}, "its checksum does not match"},
		{"an image as a model file", protocol.LoadModel{ID: 102, File: []byte("\x89PNG\r\n\x1a\n....")}, "this is not an nnplay model file"},
		{"a malformed link", protocol.LoadModel{ID: 103, Link: "garbage!"}, "the link is damaged"},
		{"a cut link", protocol.LoadModel{ID: 104, Link: link[:len(link)/2]}, "the link is damaged"},
		{"weights that are not a zip", protocol.LoadModel{ID: 105, Weights: []byte("not a zip"), Name: "weights.npz"}, "The model is unchanged."},
		{"TF.js model.json that is not JSON", protocol.ImportTFJS{ID: 106, ModelJSON: []byte(`{"modelTopology": [`)}, "this TensorFlow.js model cannot be opened"},
		{"a head of one class", protocol.ReplaceHead{ID: 107, Classes: []int{5}, Seed: 1}, "replace the head: a new head needs 2 to"},
		{"a frozen head", protocol.ReplaceHead{ID: 108, Classes: []int{5, 6}, Freeze: []int{2}, Seed: 1}, "layer 2 cannot be frozen"},
		{"a Dense layer of no units", protocol.Build{ID: 109, Spec: zeroUnits}, "build: layer 1 (Dense): units must be between 1 and 4096, got 0"},
		{"a spec for another data set", protocol.Build{Spec: cifar}, "build: "},
		{"a playground of an unknown data set", protocol.PlaygroundBuild{Dataset: "nope", Points: 100, Classes: 2, TrainFraction: 0.5, Features: []string{"x", "y"}, Spec: playSpec(2)}, "playground_build: "},
	}
}

// longSeed is the seed model for many epochs: a run that goes on until
// it is paused or stopped.
func longSeed() spec.Model {
	m := spec.Seed()
	m.Epochs = 1000
	return m
}

// refuse sends r.req and waits for its error: for that request, with
// r.want in its message, not fatal. It fails the test on any event from
// the refusal that says the model or the run changed.
func (h *harness) refuse(r refusal) {
	h.t.Helper()
	from := len(h.seen)
	h.send(r.req)
	er := h.await("the error for "+r.name, isType("error")).(protocol.Error)
	if !bytes.Contains([]byte(er.Message), []byte(r.want)) || er.Fatal || er.Request != r.req.Type() || er.ID != protocol.RequestID(r.req) {
		h.t.Errorf("%s: error %+v; want a non-fatal one for %s %d containing %q", r.name, er, r.req.Type(), protocol.RequestID(r.req), r.want)
	}
	for _, e := range h.seen[from:] {
		switch e.Type() {
		case "state", "built", "model_loaded", "head_replaced", "playground_data", "goal_done":
			h.t.Errorf("%s: the refusal sent %s %+v", r.name, e.Type(), e)
		}
	}
}

// trainsOn waits for the progress of a run still running, past batch
// after, and returns it.
func (h *harness) trainsOn(what string, after int) protocol.Progress {
	h.t.Helper()
	return h.await(what, func(e protocol.Event) bool {
		p, ok := e.(protocol.Progress)
		return ok && p.State == protocol.StateRunning && p.GlobalBatch > after
	}).(protocol.Progress)
}

// pauseAt pauses the run and returns the progress at the pause.
func (h *harness) pauseAt() protocol.Progress {
	h.t.Helper()
	h.send(protocol.Pause{})
	h.await("state paused", isState(protocol.StatePaused))
	return h.await("progress at the pause", isType("progress")).(protocol.Progress)
}

// sameSnapshot says whether every param of a and b is bit for bit alike.
func sameSnapshot(a, b protocol.Snapshot) bool {
	if len(a.Params) != len(b.Params) {
		return false
	}
	for i := range a.Params {
		if !bytes.Equal(a.Params[i].Data, b.Params[i].Data) {
			return false
		}
	}
	return true
}

// TestRefusedModelsLeaveTheRunGoing: while the seed model trains, every
// kind of bad model request is refused with its message, the run keeps
// running (more batches come), and when paused the weights are those of
// the same number of batches trained with no refusals at all.
func TestRefusedModelsLeaveTheRunGoing(t *testing.T) {
	train, test := mnist(t)
	train, test = train.Slice(0, 1280), test.Slice(0, 100)
	h := newHarness(t, nil).withData(train, test).run()
	h.send(protocol.Build{Spec: longSeed()}, protocol.Start{})
	h.await("state running", isState(protocol.StateRunning))
	at := h.trainsOn("progress", 0).GlobalBatch
	for _, r := range refusals(t) {
		h.refuse(r)
		at = h.trainsOn("progress after "+r.name, at).GlobalBatch
	}
	paused := h.pauseAt()
	got := h.weights(1)

	ref := newHarness(t, nil).withData(train, test).run()
	ref.send(protocol.Build{Spec: longSeed()})
	ref.await("idle", isState(protocol.StateIdle))
	for range paused.GlobalBatch {
		ref.send(protocol.Step{})
		ref.await("progress", isType("progress"))
	}
	if want := ref.weights(1); !sameSnapshot(got, want) {
		t.Errorf("after %d batches with refusals between them the weights differ from %d batches without", paused.GlobalBatch, paused.GlobalBatch)
	}
	t.Logf("%d refusals while training; paused at batch %d", len(refusals(t)), paused.GlobalBatch)
}

// TestRefusedModelsWhilePausedOrIdle: a refused model leaves an idle
// model idle, and a paused run paused with its weights (a step goes on
// from the next batch, Resume runs on).
func TestRefusedModelsWhilePausedOrIdle(t *testing.T) {
	train, test := mnist(t)
	h := newHarness(t, nil).withData(train.Slice(0, 640), test.Slice(0, 100)).run()
	h.send(protocol.Build{Spec: longSeed()})
	h.await("idle", isState(protocol.StateIdle))
	rs := refusals(t)
	h.refuse(rs[0])
	h.send(protocol.Start{})
	h.await("state running", isState(protocol.StateRunning))
	h.trainsOn("progress", 0)
	paused := h.pauseAt()
	before := h.weights(1)
	for _, r := range rs {
		h.refuse(r)
	}
	if after := h.weights(2); !sameSnapshot(before, after) {
		t.Errorf("refusals while paused changed the weights")
	}
	h.send(protocol.Step{})
	if p := h.await("progress after a step", isType("progress")).(protocol.Progress); p.GlobalBatch != paused.GlobalBatch+1 || p.State != protocol.StatePaused {
		t.Errorf("a step after refusals: %+v; want batch %d, paused", p, paused.GlobalBatch+1)
	}
	h.send(protocol.Resume{})
	h.await("state running", isState(protocol.StateRunning))
	h.trainsOn("progress after resume", paused.GlobalBatch+1)
}

// TestRefusedModelsLeaveTheGoalRunGoing: a run towards a goal, from the
// model or from scratch, follows its goal through refused models, and a
// stop afterwards ends it as before (a scratch run gives the worker's own
// model back).
func TestRefusedModelsLeaveTheGoalRunGoing(t *testing.T) {
	train, test := mnist(t)
	for _, scratch := range []bool{false, true} {
		h := newHarness(t, nil).withData(train.Slice(0, 1280), test.Slice(0, 100)).run().seedTrained(3)
		own := h.weights(1)
		h.send(protocol.Stop{})
		h.await("state stopped", isState(protocol.StateStopped))
		h.send(protocol.TrainGoal{ID: 2, MaxBatches: 100000, Scratch: scratch, ScratchSeed: 9})
		h.await("state running", isState(protocol.StateRunning))
		at := h.trainsOn("progress", 0).GlobalBatch
		for _, r := range refusals(t) {
			h.refuse(r)
			at = h.trainsOn("progress after "+r.name, at).GlobalBatch
		}
		from := len(h.seen)
		h.send(protocol.Stop{})
		done := h.await("goal_done", isType("goal_done")).(protocol.GoalDone)
		if done.ID != 2 || !done.Stopped || done.Batches < at-3 {
			t.Errorf("scratch %v: goal after refusals and a stop: %+v; want goal 2 stopped after at least %d batches", scratch, done, at-3)
		}
		if !slices.ContainsFunc(h.seen[from:], isState(protocol.StateStopped)) {
			t.Errorf("scratch %v: the stop did not leave the worker stopped", scratch)
		}
		if back := h.weights(3); scratch && !sameSnapshot(own, back) {
			t.Errorf("after a scratch run with refusals the worker's own model did not come back")
		}
	}
}

// TestAcceptedModelEndsTheRun: a good model while a goal's run goes
// drops the goal (stopped) and swaps the model as before: a model file
// opens with its own weights, and a new head during a run from scratch is
// put on the worker's own model, not the scratch one.
func TestAcceptedModelEndsTheRun(t *testing.T) {
	train, test := mnist(t)
	h := newHarness(t, nil).withData(train.Slice(0, 1280), test.Slice(0, 100)).run().seedTrained(3)
	own := h.weights(1)
	file := h.export(protocol.ExportModel{ID: 2, Format: protocol.FormatFile, Precision: "float32"}).File
	h.send(protocol.Stop{})
	h.await("state stopped", isState(protocol.StateStopped))

	h.send(protocol.TrainGoal{ID: 3, MaxBatches: 100000, Scratch: true, ScratchSeed: 9})
	h.await("state running", isState(protocol.StateRunning))
	h.trainsOn("progress", 0)
	h.send(protocol.ReplaceHead{ID: 4, Classes: []int{5, 6, 7, 8, 9}, Freeze: []int{0}, Seed: 2})
	if d := h.await("goal_done", isType("goal_done")).(protocol.GoalDone); d.ID != 3 || !d.Stopped {
		t.Errorf("goal after a new head: %+v; want goal 3 stopped", d)
	}
	h.await("state stopped", isState(protocol.StateStopped))
	h.await("head_replaced", isType("head_replaced"))
	h.await("built", isType("built"))
	h.await("idle", isState(protocol.StateIdle))
	head := h.weights(5)
	for layer := range 2 {
		if !layerUnchanged(own, head, layer) {
			t.Errorf("layer %d of the new head's model is not the worker's own model's", layer)
		}
	}

	h.send(protocol.TrainGoal{ID: 6, MaxBatches: 100000})
	h.await("state running", isState(protocol.StateRunning))
	h.trainsOn("progress", 0)
	h.send(protocol.LoadModel{ID: 7, File: file})
	if d := h.await("goal_done", isType("goal_done")).(protocol.GoalDone); d.ID != 6 || !d.Stopped {
		t.Errorf("goal after a model file: %+v; want goal 6 stopped", d)
	}
	h.await("state stopped", isState(protocol.StateStopped))
	if l := h.await("model_loaded", isType("model_loaded")).(protocol.ModelLoaded); l.ID != 7 || l.Steps != 3 {
		t.Errorf("model_loaded %+v; want id 7, 3 steps", l)
	}
	h.await("built", isType("built"))
	h.await("idle", isState(protocol.StateIdle))
	if got := h.weights(8); !sameSnapshot(own, got) {
		t.Errorf("the opened model file's weights are not the ones saved")
	}
}

// TestRefusedModelsKeepTheSnapshotOnView: while an earlier epoch's
// snapshot is on view, refused models leave it on view (its weights in
// the model); a new head that is accepted is made from the live weights,
// as training would be.
func TestRefusedModelsKeepTheSnapshotOnView(t *testing.T) {
	d := newDirect(t)
	d.do(protocol.Build{Spec: seed1()})
	s0 := find[protocol.RunSnapshot](t, d.do(protocol.RecordRun{Precision: "float32"}))
	d.trainEpoch()
	live := weights(d.tr.model)
	d.do(protocol.ViewSnapshot{ID: 1, Data: s0.Data})
	viewed := weights(d.tr.model)
	for _, r := range refusals(t) {
		if msg := d.doErr(r.req); !bytes.Contains([]byte(msg), []byte(r.want)) {
			t.Errorf("%s: error %q; want one containing %q", r.name, msg, r.want)
		}
		if !sameWeights(weights(d.tr.model), viewed) {
			t.Fatalf("after %s the model no longer holds the snapshot on view", r.name)
		}
	}
	d.do(protocol.ReplaceHead{ID: 2, Classes: []int{5, 6, 7, 8, 9}, Seed: 2})
	head := weights(d.tr.model)
	for i := range 4 { // the kernels and biases of the two layers kept
		if !sameWeights(head[i:i+1], live[i:i+1]) {
			t.Errorf("param %d of the new head's model is not the live weights'", i)
		}
	}
}

// TestRefusedModelsKeepTheGPUSession: on the GPU, refused models leave
// training in the same device session with the weights it would have had;
// an accepted model lets it go (the next batch opens one for the new
// model).
func TestRefusedModelsKeepTheGPUSession(t *testing.T) {
	steps := func(h *harness, n int) {
		for range n {
			h.send(protocol.Step{})
			h.await("progress", isType("progress"))
		}
	}
	ref := gpuHarness(t, nil)
	ref.send(protocol.Build{Spec: seed1()})
	ref.await("idle", isState(protocol.StateIdle))
	steps(ref, 4)
	want := ref.weights(1)

	g := &fakeGPU{adapter: GPUAdapter{Description: "FakeGPU"}}
	h := gpuHarness(t, g)
	h.send(protocol.BackendRequest{Name: protocol.BackendWebGPU}, protocol.Build{Spec: seed1()})
	h.await("idle", isState(protocol.StateIdle))
	steps(h, 2)
	for _, r := range refusals(t) {
		h.refuse(r)
	}
	steps(h, 2)
	sameParams(t, "4 batches on the fake GPU with refusals between", h.weights(1), want)
	if g.opens != 1 {
		t.Errorf("refused models: the fake GPU opened %d sessions; want 1", g.opens)
	}
	h.send(protocol.Build{Spec: seed1()})
	h.await("built", isType("built"))
	steps(h, 1)
	if g.opens != 2 {
		t.Errorf("after a new model and a step the fake GPU opened %d sessions; want 2", g.opens)
	}
}
