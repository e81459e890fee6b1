package keep

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/nnplay/nnplay/engine/share"
	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/ui/model"
	"github.com/nnplay/nnplay/ui/session"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// Tests of the Share & keep place: what it asks the worker, what it keeps
// in the browser and what it shows from the answers. The browser is a
// fake (fakeBrowser); wasm/browsertest covers the real one.

// fakeBrowser keeps what the place stores and downloads.
type fakeBrowser struct {
	link      string // the link box
	autosave  *savedModel
	models    map[string]SavedModel
	downloads []string          // file names
	files     map[string][]byte // the last download of each name
	// stored are the autosave and models a visit finds; readAutosave and
	// readModels hand them over at once.
	stored      *savedModel
	storedModel []SavedModel
}

func (b *fakeBrowser) pageURL() string     { return "https://nnplay.test/" }
func (b *fakeBrowser) showLink(url string) { b.link = url }
func (b *fakeBrowser) download(name string, data []byte, _ string) {
	b.downloads = append(b.downloads, name)
	if b.files == nil {
		b.files = map[string][]byte{}
	}
	b.files[name] = data
}
func (b *fakeBrowser) saveAutosave(m savedModel) { b.autosave = &m }
func (b *fakeBrowser) readAutosave(f func(savedModel)) {
	if b.stored != nil {
		f(*b.stored)
	}
}
func (b *fakeBrowser) putModel(e SavedModel) {
	if b.models == nil {
		b.models = map[string]SavedModel{}
	}
	b.models[e.Key] = e
}
func (b *fakeBrowser) deleteModel(key string)          { delete(b.models, key) }
func (b *fakeBrowser) readModels(f func([]SavedModel)) { f(b.storedModel) }

// lockless is Vugu's event environment without a renderer.
type lockless struct{}

func (lockless) Lock()         {}
func (lockless) UnlockOnly()   {}
func (lockless) UnlockRender() {}
func (lockless) RLock()        {}
func (lockless) RUnlock()      {}

// newTestPlace is a page whose worker has not started; it records every
// request sent.
func newTestPlace(t *testing.T, b *fakeBrowser) (*Place, *[]protocol.Request) {
	t.Helper()
	var sent []protocol.Request
	s := session.New(func(r protocol.Request) { sent = append(sent, r) })
	s.Env = lockless{}
	return newPlace(s, b), &sent
}

// readyPlace is a page whose worker is ready and whose model is built.
func readyPlace(t *testing.T) (*Place, *fakeBrowser, *[]protocol.Request) {
	t.Helper()
	b := &fakeBrowser{}
	p, sent := newTestPlace(t, b)
	p.Start("")
	p.S.Handle(protocol.Ready{})
	p.S.Handle(protocol.DataReady{Train: 60000, Test: 10000})
	p.S.Handle(protocol.Built{})
	*sent = nil
	return p, b, sent
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

// types are the types of the requests sent, which it forgets.
func types(sent *[]protocol.Request) []string {
	var out []string
	for _, r := range *sent {
		if r.Type() != "backend" {
			out = append(out, r.Type())
		}
	}
	*sent = nil
	return out
}

func TestArchLine(t *testing.T) {
	lenet5 := spec.LeNet()
	lenet5.Layers = append(lenet5.Layers[:5:5], spec.Dense(64, spec.ActReLU), spec.Dense(5, spec.ActSoftmax))
	lenet5.Classes = []int{0, 1, 2, 3, 4}
	for _, c := range []struct {
		m    spec.Model
		want string
	}{
		{spec.Seed(), "Dense 128 relu → Dense 64 relu → Dense 10 softmax"},
		{lenet5, "Conv2D 6@5×5 relu → MaxPool 2×2 → Conv2D 16@5×5 relu → MaxPool 2×2 → Flatten → Dense 64 relu → Dense 5 softmax (digits 0–4)"},
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
	p, b, sent := readyPlace(t)
	l := p.Library
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
	p.S.Handle(protocol.ModelExport{ID: ask.ID, Format: protocol.FormatFile, Precision: "float32", File: file, Evaluated: true, Accuracy: 0.9731})
	if len(l.Saved) != 1 || l.Saved[0].Name != "first" || l.Saved[0].AccuracyText() != "97.31%" ||
		l.Saved[0].Arch != "Dense 128 relu → Dense 64 relu → Dense 10 softmax" || !bytes.Equal(l.Saved[0].File, file) {
		t.Fatalf("after saving, My models holds %+v", l.Saved)
	}
	if stored := b.models[l.Saved[0].Key]; stored.Name != "first" || !bytes.Equal(stored.File, file) {
		t.Errorf("the browser keeps %+v", stored)
	}
	l.SaveAs() // no name: Model 2
	ask = last(t, sent).(protocol.ExportModel)
	p.S.Handle(protocol.ModelExport{ID: ask.ID, Format: protocol.FormatFile, Precision: "float32", File: []byte("x")})
	if got := []string{l.Saved[0].Name, l.Saved[1].Name}; !reflect.DeepEqual(got, []string{"Model 2", "first"}) || l.Saved[0].AccuracyText() != "—" {
		t.Errorf("My models lists %v (accuracy %q); want newest first, no accuracy when not measured", got, l.Saved[0].AccuracyText())
	}

	l.StartRename(l.Saved[1].Key)
	l.RenameText = "mlp"
	l.CommitRename()
	if l.Saved[1].Name != "mlp" || l.Renaming != "" || b.models[l.Saved[1].Key].Name != "mlp" {
		t.Errorf("after renaming: %q (renaming %q, stored %q)", l.Saved[1].Name, l.Renaming, b.models[l.Saved[1].Key].Name)
	}
	l.StartRename(l.Saved[1].Key)
	l.RenameText = "  "
	l.CommitRename()
	if l.Saved[1].Name != "mlp" {
		t.Errorf("an empty name renamed the entry to %q", l.Saved[1].Name)
	}

	key := l.Saved[0].Key
	l.Delete(key)
	if _, kept := b.models[key]; len(l.Saved) != 1 || l.Deleted == nil || !strings.Contains(l.Note, "Deleted “Model 2”") || kept {
		t.Fatalf("after delete: %d entries, note %q, still stored %v", len(l.Saved), l.Note, kept)
	}
	l.Undo()
	if _, kept := b.models[key]; len(l.Saved) != 2 || l.Saved[0].Key != key || l.Deleted != nil || !kept {
		t.Errorf("after undo: %+v (stored again %v)", l.Saved, kept)
	}

	l.Load(l.Saved[l.find("mlp")].Key)
	load, ok := last(t, sent).(protocol.LoadModel)
	if !ok || !bytes.Equal(load.File, file) || !p.S.ModelLoading {
		t.Fatalf("Load sent %+v (loading %v); want the saved file", load, p.S.ModelLoading)
	}
	p.S.Handle(protocol.ModelLoaded{ID: load.ID, Spec: spec.Seed(), Weights: true, Precision: "float32"})
	if !strings.HasPrefix(p.Share.Opened, "Loaded “mlp” from My models: ") || p.S.ModelLoading {
		t.Errorf("after loading, the Share panel says %q (loading %v)", p.Share.Opened, p.S.ModelLoading)
	}
}

// My models kept on an earlier visit come back, newest first, beside any
// saved since the page opened.
func TestLibraryReadsTheBrowsersModels(t *testing.T) {
	day := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	b := &fakeBrowser{storedModel: []SavedModel{
		{Key: "a", Name: "old", SavedAt: day, File: []byte("a")},
		{Key: "b", Name: "newer", SavedAt: day.Add(time.Hour), File: []byte("b")},
	}}
	p, _ := newTestPlace(t, b)
	if got := []string{p.Library.Saved[0].Name, p.Library.Saved[1].Name}; !reflect.DeepEqual(got, []string{"newer", "old"}) {
		t.Errorf("My models lists %v; want newest first", got)
	}
}

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

func TestTFJSExportAndImport(t *testing.T) {
	p, b, sent := readyPlace(t)
	l := p.Library
	l.ExportTFJS()
	ask := last(t, sent).(protocol.ExportTFJS)
	p.S.Handle(protocol.TFJSExport{ID: ask.ID, ModelJSON: []byte("{}"), WeightsName: "group1-shard1of1.bin", Weights: []byte{1}})
	if !reflect.DeepEqual(b.downloads, []string{"group1-shard1of1.bin", "model.json"}) || !strings.Contains(l.Note, "Exported model.json") {
		t.Errorf("the export downloaded %v; note %q", b.downloads, l.Note)
	}

	if at := l.pickTFJS([]string{"w.bin"}, 10); at != -1 || !strings.Contains(p.S.ErrorText(), "has no .json file") {
		t.Errorf("a pick without model.json: %d, banner %q", at, p.S.ErrorText())
	}
	if at := l.pickTFJS([]string{"model.json"}, maxTFJSBytes+1); at != -1 || !strings.Contains(p.S.ErrorText(), "far smaller") {
		t.Errorf("a pick too large: %d, banner %q", at, p.S.ErrorText())
	}
	names := []string{"group1-shard1of1.bin", "model.json"}
	at := l.pickTFJS(names, 20)
	l.importTFJS(names, [][]byte{{9}, []byte("{}")}, at)
	imp, ok := last(t, sent).(protocol.ImportTFJS)
	if !ok || string(imp.ModelJSON) != "{}" || !bytes.Equal(imp.Files["group1-shard1of1.bin"], []byte{9}) || !p.S.ModelLoading {
		t.Fatalf("the import sent %+v", imp)
	}
	m := spec.Seed()
	p.S.Handle(protocol.ModelLoaded{ID: imp.ID, Spec: m, Weights: true, Precision: "float32"})
	if !strings.HasPrefix(p.Share.Opened, "Opened the TensorFlow.js model model.json: MLP") {
		t.Errorf("after the import the Share panel says %q", p.Share.Opened)
	}
}

func TestShareCheck(t *testing.T) {
	p, _, sent := readyPlace(t)
	s := p.Share
	s.CheckTest()
	r := last(t, sent).(protocol.TestPredict)
	if r.Count != CheckCount {
		t.Fatalf("the check asks for %d images", r.Count)
	}
	p.S.Handle(protocol.TestPredictions{ID: r.ID, Predicted: []int{7, 2, 1}, Labels: []int{7, 2, 2}, Right: 2, ProbsCRC: 0xabc})
	if s.CheckDigits() != "7,2,1" || s.CheckCRC() != "00000abc" || s.CheckRight() != "2" || !strings.HasPrefix(s.CheckText(), "2 of the first 3 test images right") {
		t.Errorf("check: %q %q %q %q", s.CheckDigits(), s.CheckCRC(), s.CheckRight(), s.CheckText())
	}
}

// A link the page opens with: the model editor shows it at once, nothing
// is built over it, it loads when the worker runs, and the autosave is
// not read.
func TestStartOpensALink(t *testing.T) {
	m := model.PresetModel(model.PresetSoftmax)
	v, err := share.Encode(share.Payload{Spec: m, Steps: 3}, share.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b := &fakeBrowser{stored: &savedModel{File: []byte("saved"), SavedAt: time.Now()}}
	p, sent := newTestPlace(t, b)
	p.Start(share.Hash(v))
	if got, _ := p.S.Model.Spec(); !model.SameLayers(got, m) || !p.S.ModelLoading {
		t.Fatalf("after Start the editor holds %v (loading %v)", got.Layers, p.S.ModelLoading)
	}
	if got := types(sent); len(got) != 0 {
		t.Fatalf("before the worker runs the page sent %v", got)
	}
	p.S.Handle(protocol.Ready{})
	if got := types(sent); !reflect.DeepEqual(got, []string{"load_data", "load_model"}) {
		t.Fatalf("on ready the page sent %v; want [load_data load_model] (no build, no autosave)", got)
	}
	p.S.Handle(protocol.DataReady{Train: 60000, Test: 10000})
	if got := types(sent); len(got) != 0 {
		t.Errorf("on data ready the page sent %v; want nothing", got)
	}
	want := "Opened a shared model: " + Describe(share.Payload{Spec: m, Steps: 3})
	if p.Share.Opened != want || p.ModelNote() != want || !strings.HasSuffix(want, ", no weights (a recipe: the seed's fresh weights), trained 3 batches") {
		t.Errorf("Opened = %q, want %q", p.Share.Opened, want)
	}
}

// A damaged link: the banner says so and the autosave comes back instead.
func TestStartWithABadLinkRestores(t *testing.T) {
	b := &fakeBrowser{stored: &savedModel{File: []byte("saved"), SavedAt: time.Now()}}
	p, sent := newTestPlace(t, b)
	p.Start("#m=garbage")
	if !strings.HasPrefix(p.S.ErrorText(), "This model link cannot be opened: ") {
		t.Errorf("banner %q", p.S.ErrorText())
	}
	p.S.Handle(protocol.Ready{})
	r := (*sent)[len(*sent)-1]
	if load, ok := r.(protocol.LoadModel); !ok || string(load.File) != "saved" {
		t.Fatalf("on ready the page sent %v; want the autosave's load", types(sent))
	}
}

// The autosave: kept after an epoch and when a run pauses or ends (once
// per batch), restored with its curves on the next visit; a refused
// restore leaves the page building its own model.
func TestAutosaveKeepsAndRestores(t *testing.T) {
	p, b, sent := readyPlace(t)
	p.S.Handle(protocol.Progress{Epoch: 1, Epochs: 1, Batch: 3, Batches: 10, GlobalBatch: 3, Loss: 1, State: protocol.StatePaused})
	exp := last(t, sent).(protocol.ExportModel)
	if exp.Format != protocol.FormatFile || exp.Precision != "float32" {
		t.Fatalf("a pause asked for %+v", exp)
	}
	p.S.Handle(protocol.State{State: protocol.StatePaused})
	p.S.Handle(protocol.Progress{Epoch: 1, Epochs: 1, Batch: 3, Batches: 10, GlobalBatch: 3, Loss: 1, State: protocol.StatePaused})
	if len(*sent) != 0 {
		t.Errorf("the same batch was autosaved twice: %v", types(sent))
	}
	p.S.Handle(protocol.ModelExport{ID: exp.ID, Format: protocol.FormatFile, File: []byte("file")})
	if b.autosave == nil || string(b.autosave.File) != "file" || len(b.autosave.Charts.Loss) == 0 {
		t.Fatalf("the browser keeps %+v", b.autosave)
	}
	p.S.Handle(protocol.EpochEnd{Epoch: 1})
	if _, ok := last(t, sent).(protocol.ExportModel); !ok {
		t.Errorf("an epoch's end was not autosaved")
	}

	// The next visit.
	next := &fakeBrowser{stored: b.autosave}
	q, qsent := newTestPlace(t, next)
	q.Start("")
	q.S.Handle(protocol.Ready{})
	load := last(t, qsent).(protocol.LoadModel)
	if string(load.File) != "file" || !q.S.ModelLoading {
		t.Fatalf("the restore sent %+v", load)
	}
	q.S.Handle(protocol.DataReady{Train: 60000, Test: 10000})
	m := model.PresetModel(model.PresetSoftmax)
	q.S.Handle(protocol.ModelLoaded{ID: load.ID, Spec: m, Steps: 3, Weights: true, Precision: "float32"})
	if !strings.HasPrefix(q.Share.Restored, "Restored your model from ") || q.ModelNote() != q.Share.Restored || len(q.S.Charts.Loss) == 0 || q.S.ModelLoading {
		t.Errorf("restored: %q, %d loss points, loading %v", q.Share.Restored, len(q.S.Charts.Loss), q.S.ModelLoading)
	}
	if got, _ := q.S.Model.Spec(); !model.SameLayers(got, m) {
		t.Errorf("the editor holds %v", got.Layers)
	}
	q.S.Handle(protocol.Built{})
	q.S.Train()
	if got := types(qsent); !reflect.DeepEqual(got, []string{"start"}) {
		t.Errorf("Train on the restored model sent %v; want [start]", got)
	}
	// Another model: the note no longer describes it.
	q.S.Model.LoadPreset(model.PresetSeed)
	q.S.Reset()
	if q.ModelNote() != "" || q.Share.RestoredText() != "" {
		t.Errorf("after building another model the notes say %q, %q", q.ModelNote(), q.Share.RestoredText())
	}

	// A refused restore: the page builds its own model.
	r, rsent := newTestPlace(t, &fakeBrowser{stored: b.autosave})
	r.Start("")
	r.S.Handle(protocol.Ready{})
	restore := last(t, rsent).(protocol.LoadModel)
	r.S.Handle(protocol.Error{Message: "its checksum does not match", Request: restore.Type(), ID: restore.ID})
	r.S.Handle(protocol.DataReady{Train: 60000, Test: 10000})
	if got := types(rsent); !reflect.DeepEqual(got, []string{"build"}) {
		t.Errorf("after a refused restore the page sent %v; want [build]", got)
	}
}

// Opened on the 2-D playground, the page restores the autosave when MNIST
// comes.
func TestAutosaveWaitsForMNIST(t *testing.T) {
	p, sent := newTestPlace(t, &fakeBrowser{stored: &savedModel{File: []byte("saved")}})
	p.S.DeferData = true
	p.Start("")
	p.S.Handle(protocol.Ready{})
	if got := types(sent); len(got) != 0 {
		t.Fatalf("on the playground the page sent %v", got)
	}
	p.S.LoadData()
	p.S.Handle(protocol.DataReady{Train: 60000, Test: 10000})
	if load, ok := last(t, sent).(protocol.LoadModel); !ok || string(load.File) != "saved" {
		t.Errorf("with MNIST in, the page did not restore the autosave")
	}
}

// The link: made at a precision, shown in the box, marked when the model
// changes after it, cleared when another model is loaded.
func TestLinkFollowsTheModel(t *testing.T) {
	p, b, sent := readyPlace(t)
	s := p.Share
	s.SetPrecision("int8c")
	ask := last(t, sent).(protocol.ExportModel)
	if ask.Precision != "int8" || !ask.PerChannel || !ask.Evaluate || !s.Pending {
		t.Fatalf("int8c asked for %+v", ask)
	}
	p.S.Handle(protocol.ModelExport{ID: ask.ID, Format: protocol.FormatLink, Link: "AAAA", Evaluated: true, Accuracy: 0.9, DecodedAccuracy: 0.89})
	if s.Pending || b.link != "https://nnplay.test/#m=AAAA" || s.URL() != b.link || s.LengthText() != "27 characters" ||
		s.AccuracyText() != "Test accuracy: this model 90.00%, decoded from the link 89.00%" || s.ChangedText() != "" {
		t.Fatalf("link %q (box %q), %q, %q, changed %q", s.URL(), b.link, s.LengthText(), s.AccuracyText(), s.ChangedText())
	}
	p.S.Handle(protocol.Progress{Epoch: 1, Epochs: 1, Batch: 1, Batches: 10, GlobalBatch: 1, State: protocol.StateRunning})
	if s.ChangedText() == "" || s.URL() == "" {
		t.Errorf("after training on, the link is %q and says %q; want it kept, marked changed", s.URL(), s.ChangedText())
	}
	s.Upload("m.nnplay", []byte("file"))
	load := last(t, sent).(protocol.LoadModel)
	p.S.Handle(protocol.ModelLoaded{ID: load.ID, Spec: spec.Seed()})
	if s.Link != "" || b.link != "" || s.Opened != "Opened m.nnplay: MLP 128 → 64 → 10 (seed), no weights (a recipe: the seed's fresh weights), untrained" {
		t.Errorf("after another model loaded: link %q (box %q), opened %q", s.Link, b.link, s.Opened)
	}
	s.Upload("empty.nnplay", nil)
	if len(*sent) != 0 || !strings.Contains(p.S.ErrorText(), "empty.nnplay is empty") {
		t.Errorf("an empty file sent %v; banner %q", types(sent), p.S.ErrorText())
	}
}

// A model file opened while training runs: the page sends the load and
// nothing else (no stop, no pause), and keeps the run on screen until the
// worker answers. An error of the run's own meanwhile is not the answer;
// the refusal shows in the banner and the run goes on (progress, charts,
// the Pause button); an accepted model then clears the run as before.
func TestRefusedFileKeepsTheRun(t *testing.T) {
	p, _, sent := readyPlace(t)
	S := p.S
	S.Train()
	types(sent)
	S.Handle(protocol.State{State: protocol.StateRunning})
	for b := 1; b <= 5; b++ {
		S.Handle(protocol.Progress{Epoch: 1, Epochs: 5, Batch: b, Batches: 100, GlobalBatch: b, Loss: 1, State: protocol.StateRunning})
	}
	charted := len(S.Charts.Loss)

	p.Share.Upload("damaged.nnplay", []byte("nnplay model\nnot really"))
	load, ok := last(t, sent).(protocol.LoadModel)
	if !ok || !S.ModelLoading {
		t.Fatalf("an upload sent %T (loading %v); want a load_model", load, S.ModelLoading)
	}
	S.Handle(protocol.Error{Message: "a training error, not the load's"})
	if !S.ModelLoading {
		t.Errorf("an error without the load's id was taken for the load's refusal")
	}
	S.Handle(protocol.Progress{Epoch: 1, Epochs: 5, Batch: 6, Batches: 100, GlobalBatch: 6, Loss: 1, State: protocol.StateRunning})
	S.Handle(protocol.Error{Message: "the model file is damaged: its checksum does not match", Request: load.Type(), ID: load.ID})
	if S.ModelLoading || !strings.Contains(S.ErrorText(), "checksum does not match") {
		t.Errorf("after the refusal: loading %v, banner %q", S.ModelLoading, S.ErrorText())
	}
	S.Handle(protocol.Progress{Epoch: 1, Epochs: 5, Batch: 7, Batches: 100, GlobalBatch: 7, Loss: 1, State: protocol.StateRunning})
	if got := types(sent); len(got) != 0 {
		t.Errorf("around the refused load the page sent %v; want nothing", got)
	}
	if S.Training != protocol.StateRunning || S.PauseLabel() != "Pause" || S.Progress.GlobalBatch != 7 || len(S.Charts.Loss) <= charted {
		t.Errorf("after a refused load: training %q, button %q, batch %d, %d loss points (had %d); want the run going on",
			S.Training, S.PauseLabel(), S.Progress.GlobalBatch, len(S.Charts.Loss), charted)
	}
	if p.Share.OpenedText() != "" {
		t.Errorf("a refused file says %q", p.Share.OpenedText())
	}

	m := model.PresetModel(model.PresetSoftmax)
	p.Share.Upload("good.nnplay", []byte("nnplay model\n…"))
	good := last(t, sent).(protocol.LoadModel)
	S.Handle(protocol.State{State: protocol.StateStopped})
	S.Handle(protocol.ModelLoaded{ID: good.ID, Spec: m, Steps: 3})
	if S.Progress.GlobalBatch != 0 || len(S.Charts.Loss) != 0 || !strings.HasPrefix(p.Share.OpenedText(), "Opened good.nnplay") {
		t.Errorf("an accepted file: batch %d, %d loss points, note %q; want the run cleared and the file named",
			S.Progress.GlobalBatch, len(S.Charts.Loss), p.Share.OpenedText())
	}
}
