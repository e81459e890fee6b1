package runs

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/nnplay/nnplay/engine/runs"
	"github.com/nnplay/nnplay/engine/share"
	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/ui/session"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// memStore keeps runs as the page's IndexedDB would.
type memStore struct {
	saved   map[string][]byte
	deleted []string
}

func (m *memStore) Save(r *runs.Run) {
	b, err := r.Encode()
	if err != nil {
		panic(err)
	}
	m.saved[r.ID] = b
}
func (m *memStore) Delete(id string) { delete(m.saved, id); m.deleted = append(m.deleted, id) }

// clock advances a second a call.
func clock() func() time.Time {
	t := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	return func() time.Time { t = t.Add(time.Second); return t }
}

// snapshotData is a tiny share payload's bytes (a model link's binary).
func snapshotData(t *testing.T, epoch int) []byte {
	m := spec.Seed()
	ws, err := share.ExpectedWeights(m)
	if err != nil {
		t.Fatal(err)
	}
	p := share.Payload{Spec: m, Epochs: epoch}
	for _, w := range ws {
		n := 1
		for _, d := range w.Shape {
			n *= d
		}
		v := make([]float32, n)
		v[0] = float32(epoch)
		p.Weights = append(p.Weights, share.Tensor{Name: w.Name, Shape: w.Shape, Values: v})
	}
	b, err := share.EncodeBinary(p, share.Options{Precision: share.Float32})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func newRecording(t *testing.T) (*session.Session, *Recorder, *memStore, *[]protocol.Request) {
	var sent []protocol.Request
	s := session.New(func(r protocol.Request) { sent = append(sent, r) })
	st := &memStore{saved: map[string][]byte{}}
	rec := NewRecorder(s, st, clock())
	return s, rec, st, &sent
}

// train plays a run of epochs through the session as the worker sends
// it: progress, epoch_end, the evaluation, the snapshot, done.
func train(t *testing.T, s *session.Session, epochs, batches, from int) {
	for e := 1; e <= epochs; e++ {
		for b := 1; b <= batches; b++ {
			s.Handle(protocol.Progress{Epoch: e, Epochs: epochs, Batch: b, Batches: batches, GlobalBatch: from + (e-1)*batches + b, Loss: 1 / float64(e), Accuracy: 0.5, State: protocol.StateRunning})
		}
		s.Handle(protocol.EpochEnd{Epoch: e, Loss: 0.5, Accuracy: 0.8, ValLoss: 0.4, ValAccuracy: 0.85 + 0.01*float64(e)})
		s.Handle(protocol.Evaluation{Confusion: [][]int{{9, 1}, {2, 8}}})
		d := snapshotData(t, e)
		s.Handle(protocol.RunSnapshot{Epoch: e, Steps: from + e*batches, Precision: "float32", Bytes: len(d), Data: d})
	}
	s.Handle(protocol.State{State: protocol.StateDone})
	// The worker's last word on the run: where it stopped.
	s.Handle(protocol.Progress{Epoch: epochs, Epochs: epochs, Batch: batches, Batches: batches, GlobalBatch: from + epochs*batches, State: protocol.StateDone})
}

// trainedPlace is the Runs place of a session that has recorded one run
// of 2 epochs of 3 batches, and the requests it sends.
func trainedPlace(t *testing.T) (*session.Session, *Recorder, *Place, *[]protocol.Request) {
	s, rec, _, sent := newRecording(t)
	p := newPlace(s, rec)
	s.Handle(protocol.Ready{})
	s.Handle(protocol.DataReady{Train: 60000, Test: 10000})
	s.Handle(protocol.Built{})
	train(t, s, 2, 3, 0)
	return s, rec, p, sent
}

// TestRecordsARun: a build asks for the fresh weights, the run keeps them
// as epoch 0, every epoch's curve point, per-class accuracy and snapshot,
// and is stored; it decodes as engine/runs reads runs.
func TestRecordsARun(t *testing.T) {
	s, rec, st, sent := newRecording(t)
	s.Handle(protocol.Ready{})
	s.Handle(protocol.DataReady{Train: 60000, Test: 10000})
	found := false
	for _, r := range *sent {
		if rr, ok := r.(protocol.RecordRun); ok && rr.Precision == DefaultPrecision {
			found = true
		}
	}
	if !found {
		t.Fatalf("the build was not followed by record_run: %v", *sent)
	}
	s.Handle(protocol.Built{})
	d0 := snapshotData(t, 0)
	s.Handle(protocol.RunSnapshot{Epoch: 0, Precision: "float32", Bytes: len(d0), Data: d0})
	train(t, s, 2, 5, 0)
	if len(rec.Runs) != 1 || rec.Current != nil {
		t.Fatalf("%d runs, current %v", len(rec.Runs), rec.Current)
	}
	r := rec.Runs[0]
	if r.Status != "finished" || len(r.Epochs) != 2 || len(r.Batches) != 10 || len(r.Snapshots) != 3 || r.Name != "Run 1" {
		t.Fatalf("run %q: status %s, %d epochs, %d batches, %d snapshots", r.Name, r.Status, len(r.Epochs), len(r.Batches), len(r.Snapshots))
	}
	if r.Snapshots[0].Epoch != 0 || r.Snapshots[2].Epoch != 2 || r.Epochs[1].Steps != 0 && r.Epochs[1].Steps != 10 {
		t.Errorf("snapshots at epochs %d..%d", r.Snapshots[0].Epoch, r.Snapshots[2].Epoch)
	}
	if pc := r.Epochs[1].PerClass; len(pc) != 2 || math.Abs(float64(pc[0])-0.9) > 1e-12 || math.Abs(float64(pc[1])-0.8) > 1e-12 {
		t.Errorf("per-class accuracy %v, want [0.9 0.8]", pc)
	}
	back, err := runs.Decode(st.saved[r.ID])
	if err != nil || back.Status != "finished" || len(back.Snapshots) != 3 {
		t.Fatalf("the stored run: %v, %+v", err, back)
	}
	if got, want := SpecText(r), "Dense 128 relu → Dense 64 relu → Dense 10 softmax; adam, learning rate 0.001, batch 64, "; !strings.HasPrefix(got, want) {
		t.Errorf("SpecText %q, want it to start %q", got, want)
	}
	loss, _, _, valAcc := Curves(r)
	if len(loss) != 10 || len(valAcc) != 2 || valAcc[1].X != 2 || math.Abs(valAcc[1].Y-0.87) > 1e-12 {
		t.Errorf("curves: %d loss points, val acc %v", len(loss), valAcc)
	}
}

// TestTrainMoreContinuesAndBuildStartsAnew: Train more (later steps, same
// model) continues the run; a new build starts Run 2.
func TestTrainMoreContinuesAndBuildStartsAnew(t *testing.T) {
	s, rec, _, _ := newRecording(t)
	s.Handle(protocol.Ready{})
	s.Handle(protocol.DataReady{Train: 60000, Test: 10000})
	s.Handle(protocol.Built{})
	train(t, s, 1, 4, 0)
	train(t, s, 1, 4, 4)
	if len(rec.Runs) != 1 || len(rec.Runs[0].Epochs) != 2 || rec.Runs[0].Epochs[1].Epoch != 2 {
		t.Fatalf("Train more: %d runs, epochs %+v", len(rec.Runs), rec.Runs[0].Epochs)
	}
	s.Handle(protocol.Built{})
	train(t, s, 1, 4, 0)
	if len(rec.Runs) != 2 || rec.Runs[1].Name != "Run 2" {
		t.Fatalf("after a build: %d runs", len(rec.Runs))
	}
}

// TestCapDropsTheOldest: past the cap the oldest runs go, from storage
// too, with a message naming them.
func TestCapDropsTheOldest(t *testing.T) {
	s, rec, st, _ := newRecording(t)
	rec.Limits = runs.Limits{Runs: 2}
	s.Handle(protocol.Ready{})
	s.Handle(protocol.DataReady{Train: 60000, Test: 10000})
	for range 3 {
		s.Handle(protocol.Built{})
		train(t, s, 1, 2, 0)
	}
	if len(rec.Runs) != 2 || rec.Runs[0].Name != "Run 2" || len(st.saved) != 2 {
		t.Fatalf("kept %d runs (first %q), %d stored", len(rec.Runs), rec.Runs[0].Name, len(st.saved))
	}
	if !strings.Contains(rec.Note, `"Run 1"`) || !strings.Contains(rec.Note, "at most 2 runs") {
		t.Errorf("note %q", rec.Note)
	}
}

// TestTimelineAndCompare: the timeline sends the snapshot's bytes, the
// answer says which epoch every view shows and asks for a fresh
// evaluation; a running model refuses; two runs compare their settings
// and per-class accuracy.
func TestTimelineAndCompare(t *testing.T) {
	s, rec, p, sent := trainedPlace(t)
	*sent = nil
	if p.Pos() != 1 || !strings.HasPrefix(p.PosText(), "After epoch 2") {
		t.Errorf("the timeline starts at snapshot %d (%q), want the newest", p.Pos(), p.PosText())
	}
	p.View(0)
	if p.Pos() != 0 {
		t.Errorf("after View(0) the timeline is at %d", p.Pos())
	}
	v, ok := (*sent)[len(*sent)-1].(protocol.ViewSnapshot)
	if !ok || string(v.Data) != string(rec.Runs[0].Snapshots[0].Data) {
		t.Fatalf("View(0) sent %v", *sent)
	}
	s.Handle(protocol.SnapshotViewed{ID: v.ID, Epoch: 1, Steps: 3})
	if !strings.Contains(p.ViewText(), "Run 1's weights after epoch 1") || !strings.HasSuffix(s.StatusText(), "Showing Run 1 after epoch 1 (Runs).") {
		t.Errorf("view text %q, status %q", p.ViewText(), s.StatusText())
	}
	if _, ok := (*sent)[len(*sent)-1].(protocol.Evaluate); !ok {
		t.Errorf("no evaluation after the view: %v", *sent)
	}
	s.Handle(protocol.State{State: protocol.StateRunning})
	if p.Viewed != nil || p.ViewBlocked(p.Run()) == "" || s.Viewing != "" {
		t.Errorf("while running: viewed %v, blocked %q", p.Viewed, p.ViewBlocked(p.Run()))
	}
	s.Handle(protocol.State{State: protocol.StateDone})

	s.Model.LR = "0.01"
	s.Model.Changed()
	s.Train()
	s.Handle(protocol.Built{})
	train(t, s, 2, 3, 0)
	a, b := p.Compared()
	if a == nil || b == nil || a.Name != "Run 1" || b.Name != "Run 2" {
		t.Fatalf("compared %v, %v", a, b)
	}
	d := Differences(a, b)
	if len(d) == 0 || d[0].Setting != "optimizer.learning_rate" || d[0].B != "0.01" {
		t.Errorf("differences %+v", d)
	}
	rows := PerClass(a, b)
	if len(rows) != 2 || rows[0].A != "90.0%" || rows[0].Better != "" {
		t.Errorf("per class %+v", rows)
	}
}

// TestLoadedRunsComeFirst: runs read from storage go before those of this
// visit, oldest first, and one that was running when the page closed is
// stopped.
func TestLoadedRunsComeFirst(t *testing.T) {
	s, rec, _, _ := newRecording(t)
	s.Handle(protocol.Ready{})
	s.Handle(protocol.DataReady{Train: 60000, Test: 10000})
	s.Handle(protocol.Built{})
	train(t, s, 1, 2, 0)
	old := runs.New("b", "Run 2", "2026-12-01T10:00:00Z", spec.Seed(), nil)
	older := runs.New("a", "Run 1", "2026-11-30T10:00:00Z", spec.Seed(), nil)
	rec.Loaded([]*runs.Run{old, older, rec.Runs[0]})
	if len(rec.Runs) != 3 || rec.Runs[0].ID != "a" || rec.Runs[1].ID != "b" || rec.Runs[1].Status != "stopped" {
		t.Fatalf("runs after loading: %d, first %q, second %q (%s)", len(rec.Runs), rec.Runs[0].ID, rec.Runs[1].ID, rec.Runs[1].Status)
	}
	if got := rec.nextName(); got != "Run 3" {
		t.Errorf("the next run is called %q", got)
	}
}

// TestUseTheRunsModel: with another model in the worker the timeline is
// blocked, and "Use this run's model" builds the run's model, then moves
// it to the timeline's snapshot.
func TestUseTheRunsModel(t *testing.T) {
	s, rec, p, sent := trainedPlace(t)
	s.Model.LoadPreset("lenet")
	s.Model.Changed()
	s.Reset()
	s.Handle(protocol.Built{})
	if why := p.ViewBlocked(p.Run()); !strings.Contains(why, "not this run's") {
		t.Fatalf("another model: blocked %q", why)
	}
	p.View(0)
	*sent = nil
	p.UseModel()
	var types []string
	for _, r := range *sent {
		types = append(types, r.Type())
	}
	if strings.Join(types, " ") != "build record_run" {
		t.Fatalf("Use this run's model sent %v, want build, record_run (the view waits for the build)", types)
	}
	s.Handle(protocol.Built{})
	v, ok := (*sent)[len(*sent)-1].(protocol.ViewSnapshot)
	if !ok || string(v.Data) != string(rec.Runs[0].Snapshots[0].Data) {
		t.Fatalf("after the build: %v", (*sent)[len(*sent)-1])
	}
	if p.ViewBlocked(p.Run()) != "" {
		t.Errorf("the run's own model: blocked %q", p.ViewBlocked(p.Run()))
	}
}

// TestSavesWaitForTheirOwnTask: with the page's scheduler (Later runs in a
// task of its own), the saves of one epoch (evaluation, snapshot) make one
// write of the run as it is then, and a run the cap drops before its turn
// is not written back.
func TestSavesWaitForTheirOwnTask(t *testing.T) {
	s, rec, st, _ := newRecording(t)
	var queued []func()
	s.SetScheduler(func(f func()) { queued = append(queued, f) })
	saves := 0
	counting := &countingStore{memStore: st, saves: &saves}
	rec.store = counting
	rec.Limits = runs.Limits{Runs: 1}
	s.Handle(protocol.Ready{})
	s.Handle(protocol.DataReady{Train: 60000, Test: 10000})
	s.Handle(protocol.Built{})
	train(t, s, 2, 3, 0)
	if saves != 0 || len(st.saved) != 0 {
		t.Fatalf("%d saves before the scheduler ran; want none", saves)
	}
	if len(queued) != 1 {
		t.Fatalf("%d saves queued for one run; want 1 (coalesced)", len(queued))
	}
	queued[0]()
	got, err := runs.Decode(st.saved[rec.Runs[0].ID])
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Epochs) != 2 || got.Status != "finished" {
		t.Errorf("stored %d epochs, status %q; want the run as it ended: 2, finished", len(got.Epochs), got.Status)
	}

	// A second run drops the first (the cap is one run) before the first's
	// queued save runs: only the second is written.
	queued = nil
	s.Handle(protocol.Built{})
	train(t, s, 1, 2, 0)
	first := rec.Runs[0].ID
	s.Handle(protocol.Built{})
	train(t, s, 1, 2, 0)
	for _, f := range queued {
		f()
	}
	if _, ok := st.saved[first]; ok || len(rec.Runs) != 1 || len(st.saved) != 1 {
		t.Errorf("after the cap: %d runs kept, %d stored (dropped run stored: %v)", len(rec.Runs), len(st.saved), ok)
	}
}

type countingStore struct {
	*memStore
	saves *int
}

func (c *countingStore) Save(r *runs.Run) { *c.saves++; c.memStore.Save(r) }

// TestRefusedLoadKeepsTheRunRecorded: a model the worker refuses while a
// run goes (its error is all the worker sends) neither ends the run nor
// starts another; its batches go on in the same record.
func TestRefusedLoadKeepsTheRunRecorded(t *testing.T) {
	s, rec, _, _ := newRecording(t)
	s.Handle(protocol.Ready{})
	s.Handle(protocol.DataReady{Train: 60000, Test: 10000})
	s.Handle(protocol.Built{})
	s.Handle(protocol.State{State: protocol.StateRunning})
	progress := func(b int) {
		s.Handle(protocol.Progress{Epoch: 1, Epochs: 2, Batch: b, Batches: 10, GlobalBatch: b, Loss: 1, Accuracy: 0.5, State: protocol.StateRunning})
	}
	progress(1)
	progress(2)
	run := rec.Current
	s.Handle(protocol.Error{Message: "the model file is damaged", Request: "load_model", ID: 7})
	progress(3)
	if len(rec.Runs) != 1 || rec.Current != run || run.Status != "running" || len(run.Batches) != 3 {
		t.Errorf("after a refused load: %d runs, the same run %v, status %q, %d batches; want 1 run going on with 3 batches",
			len(rec.Runs), rec.Current == run, run.Status, len(run.Batches))
	}
}

// TestViewTakesOnlyItsOwnError: a refused view shows why in the place; a
// refusal of an earlier view, answered after the user asked for another,
// does not, and the later view's answer is taken.
func TestViewTakesOnlyItsOwnError(t *testing.T) {
	s, _, p, sent := trainedPlace(t)
	*sent = nil
	p.View(0)
	first := (*sent)[len(*sent)-1].(protocol.ViewSnapshot)
	p.View(1)
	second := (*sent)[len(*sent)-1].(protocol.ViewSnapshot)
	s.Handle(protocol.Error{Message: "view_snapshot: the first snapshot is damaged", Request: first.Type(), ID: first.ID})
	s.Handle(protocol.Error{Message: "the loss is NaN at epoch 1, batch 3: training paused"})
	if p.Err != "" {
		t.Errorf("an earlier view's error shows for the later view: %q", p.Err)
	}
	s.Handle(protocol.SnapshotViewed{ID: second.ID, Epoch: 2, Steps: 6})
	if p.Viewed == nil || p.Viewed.Epoch != 2 {
		t.Errorf("the later view's answer was not taken: %+v", p.Viewed)
	}
	p.View(0)
	third := (*sent)[len(*sent)-1].(protocol.ViewSnapshot)
	const why = "view_snapshot: the snapshot is damaged"
	s.Handle(protocol.Error{Message: why, Request: third.Type(), ID: third.ID})
	if p.Err != why {
		t.Errorf("after its own refusal the place shows %q; want %q", p.Err, why)
	}
}
