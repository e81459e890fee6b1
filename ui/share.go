package ui

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/nnplay/nnplay/engine/share"
	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// The Share panel's state: links (#m=…), model files and the autosave.
// The page decodes links with engine/share (no training code); the
// worker encodes and rebuilds models (export_model, load_model).

// shareIDBase keeps the Share panel's request ids apart from the others'.
const shareIDBase = 1 << 25

// Request ids of what a ModelExport answers.
const (
	exportLink     = iota // the link shown in the panel
	exportDownload        // a .nnplay file to download
	exportAutosave        // the autosave in IndexedDB
)

// SharePrecisions are the precision menu's values and labels.
var SharePrecisions = [][2]string{
	{"float32", "float32 (exact)"},
	{"float16", "float16"},
	{"int8", "int8, one scale per tensor"},
	{"int8c", "int8, one scale per channel"},
	{"int4", "int4, one scale per tensor"},
	{"int4c", "int4, one scale per channel"},
	{protocol.PrecisionRecipe, "recipe only (spec and seed)"},
}

// ShareState is what the Share panel shows.
type ShareState struct {
	app *App

	Precision string // a SharePrecisions value
	Link      string // the link's value, "" until made
	Pending   bool   // a link is being made
	CopyNote  string // "Copied."
	Export    protocol.ModelExport

	// Opened describes the model the page opened from a link or file.
	Opened string
	// Restored is the note after the autosave came back.
	Restored string
	// Check is the model's answer on the first test images (share_check.go).
	Check   *protocol.TestPredictions
	checkID int

	nextID  int
	asked   map[int]int // request id → exportLink, exportDownload, exportAutosave
	loading map[int]string
	// incoming is a link (or autosaved file) to load once the worker runs.
	incoming *protocol.LoadModel
	saved    savedModel
	// savedBatch is the global batch last autosaved (-1: none).
	savedBatch int
}

// savedModel is what the autosave keeps between visits.
type savedModel struct {
	File    []byte    `json:"file"`
	Charts  *Charts   `json:"charts"`
	SavedAt time.Time `json:"saved_at"`
}

func (a *App) share() *ShareState {
	if a.Share == nil {
		a.Share = &ShareState{app: a, Precision: "float16", nextID: shareIDBase, savedBatch: -1,
			asked: map[int]int{}, loading: map[int]string{}}
	}
	return a.Share
}

func (s *ShareState) id() int { s.nextID++; return s.nextID }

// options turns a menu value into the request's precision and per-channel flag.
func shareOptions(v string) (precision string, perChannel bool) {
	if p, ok := strings.CutSuffix(v, "c"); ok && (p == "int8" || p == "int4") {
		return p, true
	}
	return v, false
}

// openLink decodes a link the page was opened with. A link that does not
// decode shows the codec's message and changes nothing; one that does is
// put in the model editor at once and loaded when the worker is ready.
func (a *App) openLink(hash string) {
	v, ok := share.Fragment(hash)
	if !ok {
		return
	}
	p, err := share.Decode(v)
	if err != nil {
		a.addError("This model link cannot be opened: " + err.Error() + " The page keeps its own model.")
		return
	}
	s := a.share()
	a.Model.LoadSpec(p.Spec)
	a.builtSpec = a.specJSON() // the worker loads this model: no build of it
	s.Opened = "Opened a shared model: " + Describe(p)
	s.load(protocol.LoadModel{Link: v}, s.Opened)
}

// load sends (or keeps until the worker runs) a load_model request.
func (s *ShareState) load(r protocol.LoadModel, note string) {
	r.ID = s.id()
	s.loading[r.ID] = note
	if s.app.Worker == WorkerStarting {
		s.incoming = &r
		return
	}
	s.app.send(r)
}

// Describe says what a payload is: "seed MLP, float16 weights, trained 2 epochs".
func Describe(p share.Payload) string {
	name := fmt.Sprintf("a %d-layer model", len(p.Spec.Layers))
	for _, pn := range PresetNames {
		if sameLayers(PresetModel(pn[0]), p.Spec) {
			name = pn[1]
			break
		}
	}
	if len(p.Spec.Classes) > 0 {
		name += fmt.Sprintf(" for the digits %v", p.Spec.Classes)
	}
	weights := "no weights (a recipe: the seed's fresh weights)"
	for _, w := range p.Weights {
		if len(w.Shape) >= 2 || len(p.Weights) == 1 {
			weights = w.Precision.String() + " weights"
			if w.PerChannel {
				weights = w.Precision.String() + " weights, one scale per channel"
			}
			break
		}
	}
	trained := "untrained"
	switch {
	case p.Epochs > 0:
		trained = fmt.Sprintf("trained %d epoch%s", p.Epochs, plural(p.Epochs))
	case p.Steps > 0:
		trained = fmt.Sprintf("trained %d batch%s", p.Steps, map[bool]string{true: "es"}[p.Steps != 1])
	}
	if p.Epochs > 0 && p.Steps > 0 {
		trained += fmt.Sprintf(" (%s batches)", thousands(p.Steps))
	}
	return name + ", " + weights + ", " + trained
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func sameLayers(a, b spec.Model) bool {
	x, _ := json.Marshal(a.Layers)
	y, _ := json.Marshal(b.Layers)
	return string(x) == string(y)
}

// MakeLink asks the worker for the link at the chosen precision, with the
// test accuracy of the model and of the link's decoded copy.
func (s *ShareState) MakeLink() {
	if s.app.Worker != WorkerReady || s.app.Training == "" {
		return
	}
	p, per := shareOptions(s.Precision)
	id := s.id()
	s.asked[id] = exportLink
	s.Pending = true
	s.app.send(protocol.ExportModel{ID: id, Format: protocol.FormatLink, Precision: p, PerChannel: per, Evaluate: true})
}

// SetPrecision chooses the precision and makes the link again.
func (s *ShareState) SetPrecision(v string) {
	s.Precision = v
	s.Link = ""
	showLink("")
	s.MakeLink()
}

// Download asks for a float32 model file; the answer is downloaded.
func (s *ShareState) Download() { s.exportFile(exportDownload) }

func (s *ShareState) exportFile(kind int) {
	if s.app.Worker != WorkerReady || s.app.Training == "" || s.app.Tab != TabMNIST {
		return
	}
	id := s.id()
	s.asked[id] = kind
	s.app.send(protocol.ExportModel{ID: id, Format: protocol.FormatFile, Precision: "float32"})
}

// Upload loads a model file's bytes (the worker checks them).
func (s *ShareState) Upload(name string, file []byte) {
	s.load(protocol.LoadModel{File: file}, "Opened "+name)
}

// URL is the whole link to share.
func (s *ShareState) URL() string {
	if s.Link == "" {
		return ""
	}
	return pageURL() + share.Hash(s.Link)
}

// LengthText is the link's length.
func (s *ShareState) LengthText() string {
	if s.Link == "" {
		return ""
	}
	return thousands(len(s.URL())) + " characters"
}

// AccuracyText compares the model's test accuracy with the link's.
func (s *ShareState) AccuracyText() string {
	e := s.Export
	if s.Link == "" || !e.Evaluated {
		return ""
	}
	return fmt.Sprintf("Test accuracy: this model %.2f%%, decoded from the link %.2f%%", 100*e.Accuracy, 100*e.DecodedAccuracy)
}

// apply follows the worker's events.
func (s *ShareState) apply(ev protocol.Event) {
	a := s.app
	switch e := ev.(type) {
	case protocol.Ready:
		if s.incoming != nil {
			a.send(*s.incoming)
			s.incoming = nil
		}
	case protocol.ModelLoaded:
		note, ours := s.loading[e.ID]
		if !ours {
			return
		}
		delete(s.loading, e.ID)
		a.Model.LoadSpec(e.Spec)
		a.builtSpec = a.specJSON()
		a.clearRun()
		if c := s.saved.Charts; c != nil && strings.HasPrefix(note, "Restored") {
			*a.Charts = *c
			a.Charts.Version++
		}
		a.Training = ""
		a.pending = nil
		s.Link, s.Opened, s.Restored, s.Check = "", "", "", nil
		showLink("")
		switch {
		case strings.HasPrefix(note, "Restored"):
			s.Restored = note + " (" + describeLoaded(e) + ")."
		case strings.Contains(note, ":"):
			s.Opened = note
		default:
			s.Opened = note + ": " + describeLoaded(e)
		}
	case protocol.TestPredictions:
		if e.ID == s.checkID {
			c := e
			s.Check = &c
		}
	case protocol.ModelExport:
		kind, ok := s.asked[e.ID]
		if !ok {
			return
		}
		delete(s.asked, e.ID)
		switch kind {
		case exportLink:
			s.Pending, s.Link, s.Export = false, e.Link, e
			showLink(s.URL())
		case exportDownload:
			downloadBytes("model"+".nnplay", e.File)
		case exportAutosave:
			saveModel(savedModel{File: e.File, Charts: a.Charts, SavedAt: time.Now()})
		}
	case protocol.EpochEnd:
		s.autosave(-1)
	case protocol.Progress:
		// A pause, a step, the end of a run: keep the model as it is now.
		if e.State == protocol.StatePaused || e.State == protocol.StateDone || e.State == protocol.StateStopped {
			s.autosave(e.GlobalBatch)
		}
	case protocol.Error:
		s.Pending = false
		if len(s.loading) > 0 && !e.Fatal {
			// The worker refused the model and kept its own.
			s.loading = map[int]string{}
			s.saved = savedModel{}
			a.buildIfChanged()
		}
	}
}

func describeLoaded(e protocol.ModelLoaded) string {
	p := share.Payload{Spec: e.Spec, Epochs: e.Epochs, Steps: e.Steps}
	if e.Weights {
		prec, _ := share.ParsePrecision(e.Precision)
		p.Weights = []share.Tensor{{Shape: []int{1, 1}, Precision: prec, PerChannel: e.PerChannel}}
	}
	return Describe(p)
}

// restore loads the autosaved model (unless a link was opened).
func (a *App) restore(saved savedModel) {
	s := a.share()
	if len(saved.File) == 0 || len(s.loading) > 0 {
		return
	}
	s.saved = saved
	s.load(protocol.LoadModel{File: saved.File}, "Restored your model from "+saved.SavedAt.Local().Format("2 Jan 2006 15:04:05"))
}

// Loading says a shared or saved model is on its way to the worker: the
// page then builds nothing of its own.
func (s *ShareState) Loading() bool { return len(s.loading) > 0 }

// autosave keeps the model in the browser, once per global batch (-1:
// always, after an epoch).
func (s *ShareState) autosave(batch int) {
	if batch >= 0 && batch == s.savedBatch {
		return
	}
	s.savedBatch = batch
	s.exportFile(exportAutosave)
}
