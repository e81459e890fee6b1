package keep

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/ui/session"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// "My models": models saved in this browser (IndexedDB) under a name,
// with what they are and how well they did; load, rename, delete (with
// undo). Saving asks the worker for a float32 model file and its test
// accuracy (export_model); loading hands the file back (load_model).

// SavedModel is one entry of "My models".
type SavedModel struct {
	Key       string // the IndexedDB key
	Name      string
	Arch      string // a one-line architecture: "Dense 128 relu → Dense 64 relu → Dense 10 softmax"
	Accuracy  float64
	Evaluated bool // Accuracy was measured (on the test set of the model's digits)
	SavedAt   time.Time
	File      []byte // the .nnplay file, float32
}

// Library is the "My models" panel's state.
type Library struct {
	p *Place

	Saved    []SavedModel // newest first
	SaveName string       // the name box
	Note     string       // what just happened: "Saved “…”."
	// Renaming is the key of the entry being renamed ("" when none) and
	// RenameText its name box.
	Renaming   string
	RenameText string
	// Deleted is the entry deleted last, until Undo or the next delete,
	// and deletedAt where it was in the list.
	Deleted   *SavedModel
	deletedAt int

	saving map[int]saveAsk // export id → what it saves
	tfjsID int             // the pending TF.js export's id (0: none)
}

// saveAsk is a pending save: the name and the architecture at the time.
type saveAsk struct{ name, arch string }

// SaveBlocked says why "Save current as…" is disabled ("" when it is not).
func (l *Library) SaveBlocked() string {
	switch {
	case !l.p.S.ModelReady():
		return "The model is not ready yet."
	case l.p.S.Training == protocol.StateRunning:
		return "Pause training first."
	case len(l.saving) > 0:
		return "Saving…"
	}
	return ""
}

// SaveAs asks the worker for the model as a float32 file with its test
// accuracy; the answer is stored under the name in the box (or "Model N").
func (l *Library) SaveAs() {
	if l.SaveBlocked() != "" {
		return
	}
	name := strings.TrimSpace(l.SaveName)
	if name == "" {
		name = l.freeName()
	}
	arch := ""
	if m, err := l.p.S.Model.Spec(); err == nil {
		arch = ArchLine(m)
	}
	id := l.p.S.NewID()
	l.saving[id] = saveAsk{name: name, arch: arch}
	l.Note = "Saving “" + name + "”…"
	l.p.S.Send(protocol.ExportModel{ID: id, Format: protocol.FormatFile, Precision: "float32", Evaluate: true})
}

// freeName is "Model N" for the first N not taken.
func (l *Library) freeName() string {
	for n := len(l.Saved) + 1; ; n++ {
		name := "Model " + strconv.Itoa(n)
		if l.find(name) < 0 {
			return name
		}
	}
}

// find is the index of the entry named name, or -1.
func (l *Library) find(name string) int {
	return slices.IndexFunc(l.Saved, func(e SavedModel) bool { return e.Name == name })
}

func (l *Library) byKey(key string) int {
	return slices.IndexFunc(l.Saved, func(e SavedModel) bool { return e.Key == key })
}

// Load opens a saved model in the worker (the Share panel's load path:
// a refused file shows why and changes nothing).
func (l *Library) Load(key string) {
	i := l.byKey(key)
	if i < 0 || l.LoadBlocked() != "" {
		return
	}
	e := l.Saved[i]
	l.Note = ""
	l.p.Share.load("Loaded “"+e.Name+"” from My models", func(id int) protocol.Request {
		return protocol.LoadModel{ID: id, File: e.File}
	})
}

// StartRename shows the name box of an entry.
func (l *Library) StartRename(key string) {
	if i := l.byKey(key); i >= 0 {
		l.Renaming, l.RenameText = key, l.Saved[i].Name
	}
}

// CommitRename saves the new name (an empty name keeps the old one).
func (l *Library) CommitRename() {
	i := l.byKey(l.Renaming)
	l.Renaming = ""
	name := strings.TrimSpace(l.RenameText)
	if i < 0 || name == "" || name == l.Saved[i].Name {
		return
	}
	old := l.Saved[i].Name
	l.Saved[i].Name = name
	l.p.b.putModel(l.Saved[i])
	l.Note = "Renamed “" + old + "” to “" + name + "”."
}

// CancelRename closes the name box.
func (l *Library) CancelRename() { l.Renaming = "" }

// Delete removes an entry at once; Undo brings it back.
func (l *Library) Delete(key string) {
	i := l.byKey(key)
	if i < 0 {
		return
	}
	e := l.Saved[i]
	l.Saved = slices.Delete(l.Saved, i, i+1)
	l.p.b.deleteModel(e.Key)
	l.Deleted, l.deletedAt = &e, i
	l.Note = "Deleted “" + e.Name + "”."
}

// Undo puts the last deleted entry back.
func (l *Library) Undo() {
	e := l.Deleted
	if e == nil {
		return
	}
	l.Deleted = nil
	l.Saved = slices.Insert(l.Saved, min(l.deletedAt, len(l.Saved)), *e)
	l.p.b.putModel(*e)
	l.Note = "“" + e.Name + "” is back."
}

// setSaved takes the entries read from IndexedDB (keeping any saved
// since the page opened).
func (l *Library) setSaved(list []SavedModel) {
	for _, e := range list {
		if l.byKey(e.Key) < 0 {
			l.Saved = append(l.Saved, e)
		}
	}
	slices.SortStableFunc(l.Saved, func(a, b SavedModel) int { return b.SavedAt.Compare(a.SavedAt) })
}

// apply follows the worker's events.
func (l *Library) apply(ev protocol.Event) {
	switch e := ev.(type) {
	case protocol.ModelExport:
		ask, ok := l.saving[e.ID]
		if !ok {
			return
		}
		delete(l.saving, e.ID)
		now := time.Now()
		entry := SavedModel{Key: "m" + strconv.FormatInt(now.UnixNano(), 36) + "-" + strconv.Itoa(e.ID), Name: ask.name, Arch: ask.arch,
			Accuracy: e.Accuracy, Evaluated: e.Evaluated, SavedAt: now, File: e.File}
		l.Saved = slices.Insert(l.Saved, 0, entry) // newest first
		l.p.b.putModel(entry)
		l.SaveName = ""
		l.Note = "Saved “" + entry.Name + "”."
	case protocol.TFJSExport:
		if e.ID != l.tfjsID {
			return
		}
		l.tfjsID = 0
		l.p.b.download(e.WeightsName, e.Weights, "application/octet-stream")
		l.p.b.download("model.json", e.ModelJSON, "application/json")
		l.Note = "Exported model.json and " + e.WeightsName + " for TensorFlow.js."
	case protocol.Error:
		// The worker could not export: the banner says why. Only the
		// export's own error (or a fatal one) is its answer.
		for id := range l.saving {
			if _, ours := session.ErrorFor(ev, id); ours {
				delete(l.saving, id)
				l.Note = ""
			}
		}
		if _, ours := session.ErrorFor(ev, l.tfjsID); ours {
			l.tfjsID, l.Note = 0, ""
		}
	}
}

// AccuracyText is an entry's test accuracy, "97.31%", or "—".
func (e SavedModel) AccuracyText() string {
	if !e.Evaluated {
		return "—"
	}
	return strconv.FormatFloat(100*e.Accuracy, 'f', 2, 64) + "%"
}

// DateText is when an entry was saved, in the reader's time zone.
func (e SavedModel) DateText() string {
	if e.SavedAt.IsZero() {
		return ""
	}
	return e.SavedAt.Local().Format("2 Jan 2006 15:04")
}

// ArchLine is a model's layers on one line: "Conv2D 6@5×5 relu → MaxPool
// 2×2 → Flatten → Dense 10 softmax", with its digits when it learns a
// subset of them.
func ArchLine(m spec.Model) string {
	parts := make([]string, len(m.Layers))
	for i, l := range m.Layers {
		parts[i] = layerWord(l)
	}
	s := strings.Join(parts, " → ")
	if len(m.Classes) > 0 {
		s += fmt.Sprintf(" (digits %s)", digitsText(m.Classes))
	}
	return s
}

// layerWord is one layer in a few words.
func layerWord(l spec.Layer) string {
	w := l.Type
	switch l.Type {
	case spec.TypeDense:
		w = fmt.Sprintf("Dense %d", l.Units)
	case spec.TypeConv2D:
		w = fmt.Sprintf("Conv2D %d@%s", l.Filters, joinInts(l.KernelSize, "×"))
	case spec.TypeMaxPool2D:
		w = "MaxPool " + joinInts(l.PoolSize, "×")
	case spec.TypeDropout:
		w = "Dropout " + strconv.FormatFloat(l.Rate, 'g', -1, 64)
	}
	if l.Activation != "" && l.Activation != spec.ActLinear {
		w += " " + l.Activation
	}
	if l.Frozen {
		w += " (frozen)"
	}
	return w
}

// digitsText is "0–4" for a run of digits, else "5, 7, 9".
func digitsText(ds []int) string {
	run := len(ds) > 2
	for i := 1; i < len(ds); i++ {
		run = run && ds[i] == ds[i-1]+1
	}
	if run {
		return fmt.Sprintf("%d–%d", ds[0], ds[len(ds)-1])
	}
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = strconv.Itoa(d)
	}
	return strings.Join(parts, ", ")
}

// LoadBlocked says why a saved model cannot be loaded now ("" if it can).
func (l *Library) LoadBlocked() string {
	switch {
	case l.p.S.Worker != session.WorkerReady:
		return "The training worker is not ready yet."
	case l.p.S.Training == protocol.StateRunning:
		return "Pause training first."
	}
	return ""
}

// joinInts is v's numbers joined by sep: "5×5".
func joinInts(v []int, sep string) string {
	parts := make([]string, len(v))
	for i, d := range v {
		parts[i] = strconv.Itoa(d)
	}
	return strings.Join(parts, sep)
}
