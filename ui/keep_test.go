package ui

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// Tests of My models, the fine-tuning lesson and the handwriting
// examples: what the page asks the worker and what it shows from the
// answers. (IndexedDB is absent under Node: storing is a no-op here; the
// browser tests cover it.)

// readyApp is an app whose worker is ready and whose model is built; it
// records every request sent.
func readyApp(t *testing.T) (*App, *[]protocol.Request) {
	t.Helper()
	a := NewApp()
	var sent []protocol.Request
	a.Send = func(r protocol.Request) { sent = append(sent, r) }
	a.Handle(protocol.Ready{})
	a.Handle(protocol.DataReady{Train: 60000, Test: 10000})
	a.Handle(protocol.Built{})
	sent = nil
	return a, &sent
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

func TestArchLine(t *testing.T) {
	for _, c := range []struct {
		m    spec.Model
		want string
	}{
		{spec.Seed(), "Dense 128 relu → Dense 64 relu → Dense 10 softmax"},
		{LessonSpec(), "Conv2D 6@5×5 relu → MaxPool 2×2 → Conv2D 16@5×5 relu → MaxPool 2×2 → Flatten → Dense 64 relu → Dense 5 softmax (digits 0–4)"},
	} {
		if got := ArchLine(c.m); got != c.want {
			t.Errorf("ArchLine = %q\nwant      %q", got, c.want)
		}
	}
	m := spec.Seed()
	m.Layers[0].Frozen = true
	m.Classes = []int{3, 5}
	m.Layers[2].Units = 2
	if got, want := ArchLine(m), "Dense 128 relu (frozen) → Dense 64 relu → Dense 2 softmax (digits 3, 5)"; got != want {
		t.Errorf("ArchLine = %q, want %q", got, want)
	}
}

func TestLibrarySaveRenameDeleteUndoLoad(t *testing.T) {
	a, sent := readyApp(t)
	l := a.library()
	l.SaveName = " first "
	l.SaveAs()
	ask, ok := last(t, sent).(protocol.ExportModel)
	if !ok || ask.Format != protocol.FormatFile || ask.Precision != "float32" || !ask.Evaluate {
		t.Fatalf("Save as sent %+v; want a float32 file export with its accuracy", ask)
	}
	if l.SaveBlocked() != "Saving…" {
		t.Errorf("while saving, Save is blocked by %q", l.SaveBlocked())
	}
	file := []byte("nnplay model\n...")
	a.Handle(protocol.ModelExport{ID: ask.ID, Format: protocol.FormatFile, Precision: "float32", File: file, Evaluated: true, Accuracy: 0.9731})
	if len(l.Saved) != 1 || l.Saved[0].Name != "first" || l.Saved[0].AccuracyText() != "97.31%" ||
		l.Saved[0].Arch != "Dense 128 relu → Dense 64 relu → Dense 10 softmax" || !bytes.Equal(l.Saved[0].File, file) {
		t.Fatalf("after saving, My models holds %+v", l.Saved)
	}
	l.SaveAs() // no name: Model 2
	ask = last(t, sent).(protocol.ExportModel)
	a.Handle(protocol.ModelExport{ID: ask.ID, Format: protocol.FormatFile, Precision: "float32", File: []byte("x")})
	if got := []string{l.Saved[0].Name, l.Saved[1].Name}; !reflect.DeepEqual(got, []string{"Model 2", "first"}) || l.Saved[0].AccuracyText() != "—" {
		t.Errorf("My models lists %v (accuracy %q); want newest first, no accuracy when not measured", got, l.Saved[0].AccuracyText())
	}

	l.StartRename(l.Saved[1].Key)
	l.RenameText = "mlp"
	l.CommitRename()
	if l.Saved[1].Name != "mlp" || l.Renaming != "" {
		t.Errorf("after renaming: %q (renaming %q)", l.Saved[1].Name, l.Renaming)
	}
	l.StartRename(l.Saved[1].Key)
	l.RenameText = "  "
	l.CommitRename()
	if l.Saved[1].Name != "mlp" {
		t.Errorf("an empty name renamed the entry to %q", l.Saved[1].Name)
	}

	key := l.Saved[0].Key
	l.Delete(key)
	if len(l.Saved) != 1 || l.Deleted == nil || !strings.Contains(l.Note, "Deleted “Model 2”") {
		t.Fatalf("after delete: %d entries, note %q", len(l.Saved), l.Note)
	}
	l.Undo()
	if len(l.Saved) != 2 || l.Saved[0].Key != key || l.Deleted != nil {
		t.Errorf("after undo: %+v", l.Saved)
	}

	l.Load(l.byKey2("mlp"))
	load, ok := last(t, sent).(protocol.LoadModel)
	if !ok || !bytes.Equal(load.File, file) {
		t.Fatalf("Load sent %+v; want the saved file", load)
	}
	a.Handle(protocol.ModelLoaded{ID: load.ID, Spec: spec.Seed(), Weights: true, Precision: "float32"})
	if !strings.HasPrefix(a.Share.Opened, "Loaded “mlp” from My models: ") {
		t.Errorf("after loading, the Share panel says %q", a.Share.Opened)
	}
}

// byKey2 is the key of the entry named name.
func (l *Library) byKey2(name string) string { return l.Saved[l.find(name)].Key }

func TestModelJSONIndex(t *testing.T) {
	for _, c := range []struct {
		names []string
		want  int
	}{
		{[]string{"group1-shard1of1.bin", "model.json"}, 1},
		{[]string{"weights.bin", "my-model.JSON"}, 1},
		{[]string{"a.json", "Model.json"}, 1},
		{[]string{"group1-shard1of1.bin"}, -1},
	} {
		if got := modelJSONIndex(c.names); got != c.want {
			t.Errorf("modelJSONIndex(%v) = %d, want %d", c.names, got, c.want)
		}
	}
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
	a, sent := readyApp(t)
	l := a.lesson()
	if l.Blocked(2) == "" || l.Blocked(1) != "" {
		t.Fatalf("at the start: step 1 blocked %q, step 2 blocked %q", l.Blocked(1), l.Blocked(2))
	}
	l.TrainBase()
	build, ok := last(t, sent).(protocol.Build)
	if !ok || !reflect.DeepEqual(build.Spec.Classes, LessonLow) || len(build.Spec.Layers) != 7 {
		t.Fatalf("step 1 sent %+v; want a build of the lesson's CNN for 0–4", build)
	}
	a.Handle(protocol.Built{})
	goal, ok := last(t, sent).(protocol.TrainGoal)
	if !ok || goal.MaxBatches != LessonBaseBatches || goal.Scratch {
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
	if !reflect.DeepEqual(head.Classes, LessonHigh) || !reflect.DeepEqual(head.Freeze, []int{0, 1, 2, 3, 4}) {
		t.Fatalf("step 2 sent %+v", head)
	}
	tuned := LessonSpec()
	tuned.Classes, tuned.Seed = LessonHigh, 2
	for i := range 5 {
		tuned.Layers[i].Frozen = true
	}
	a.Handle(protocol.HeadReplaced{ID: head.ID, Spec: tuned, Accuracy: 0.213})
	snap := last(t, sent).(protocol.SnapshotRequest)
	a.Handle(protocol.Built{})
	if m, _ := a.Model.Spec(); !reflect.DeepEqual(m.Classes, LessonHigh) || !m.Layers[0].Frozen || a.needsBuild() {
		t.Errorf("after step 2 the model panel holds %+v (needs build %v)", m, a.needsBuild())
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
	if !strings.Contains(l.FrozenText(), "unchanged") {
		t.Errorf("frozen text %q; want unchanged", l.FrozenText())
	}
	a.Handle(snapshotOf(snap.ID, tuned, func(int) byte { return 7 })) // an old id: ignored
	if !strings.Contains(l.FrozenText(), "unchanged") {
		t.Errorf("a snapshot the lesson did not ask for changed its print: %q", l.FrozenText())
	}

	l.FromScratch()
	goal = last(t, sent).(protocol.TrainGoal)
	if !goal.Scratch || goal.Target != 0.987 || goal.Every != LessonCheckEvery || goal.MaxBatches != LessonScratchBatches {
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

func TestHandwritingTune(t *testing.T) {
	a, sent := readyApp(t)
	h := a.hand()
	if h.TuneBlocked() == "" {
		t.Errorf("fine-tuning is possible without drawings")
	}
	for i, label := range []int{3, 3, 8} {
		d := Drawing{ID: int64(i + 1), Label: label, Pixels: bytes.Repeat([]byte{byte(i)}, drawingPixels)}
		h.Drawings = append(h.Drawings, d)
	}
	if got, want := h.CountsText(), "3 drawings: 2 × 3, 1 × 8."; got != want {
		t.Errorf("CountsText = %q, want %q", got, want)
	}
	h.Tune()
	r := last(t, sent).(protocol.TuneExamples)
	if !reflect.DeepEqual(r.Labels, []int{3, 3, 8}) || len(r.Pixels) != 3*drawingPixels || r.Pixels[2*drawingPixels] != 2 ||
		r.Mix != 3*HandMixPer || r.Epochs != HandEpochs {
		t.Fatalf("Tune sent labels %v, %d pixels, mix %d, epochs %d", r.Labels, len(r.Pixels), r.Mix, r.Epochs)
	}
	if h.TuneBlocked() != "Fine-tuning…" {
		t.Errorf("while tuning: blocked %q", h.TuneBlocked())
	}
	a.Handle(protocol.ExamplesTuned{ID: r.ID, Before: 0, After: 1, TestBefore: 0.97, TestAccuracy: 0.95, Batches: 10, Seconds: 0.2})
	if h.Tuning || !strings.Contains(h.Note, "your drawings 0.0% → 100.0% right; MNIST test accuracy 97.0% → 95.0%") {
		t.Errorf("after tuning: %q", h.Note)
	}
	h.Mix = false
	h.Delete(2)
	h.Tune()
	if r := last(t, sent).(protocol.TuneExamples); r.Mix != 0 || !reflect.DeepEqual(r.Labels, []int{3, 8}) {
		t.Errorf("without mixing, after a delete: labels %v, mix %d", r.Labels, r.Mix)
	}
}

func TestShareCheck(t *testing.T) {
	a, sent := readyApp(t)
	s := a.share()
	s.CheckTest()
	r := last(t, sent).(protocol.TestPredict)
	if r.Count != CheckCount {
		t.Fatalf("the check asks for %d images", r.Count)
	}
	a.Handle(protocol.TestPredictions{ID: r.ID, Predicted: []int{7, 2, 1}, Labels: []int{7, 2, 2}, Right: 2, ProbsCRC: 0xabc})
	if s.CheckDigits() != "7,2,1" || s.CheckCRC() != "00000abc" || s.CheckRight() != "2" || !strings.HasPrefix(s.CheckText(), "2 of the first 3 test images right") {
		t.Errorf("check: %q %q %q %q", s.CheckDigits(), s.CheckCRC(), s.CheckRight(), s.CheckText())
	}
}

func TestPadShowsASubsetModelsDigits(t *testing.T) {
	a, _ := readyApp(t)
	m := LessonSpec()
	m.Classes = LessonHigh
	a.Model.LoadSpec(m)
	a.Pad.app = a
	a.Pad.nextID = 1
	a.Handle(protocol.Prediction{ID: 1, Probs: []float32{0.1, 0.6, 0.1, 0.1, 0.1}})
	if len(a.Pad.Probs) != 10 || a.Pad.Probs[6] != 0.6 || a.Pad.Probs[0] != 0 || a.Pad.Top != 6 {
		t.Errorf("a 5–9 model's answer shows as %v (top %d); want digit 6 on top, 0–4 at 0", a.Pad.Probs, a.Pad.Top)
	}
}
