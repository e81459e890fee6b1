package keep

import (
	"fmt"
	"strings"
	"time"

	"github.com/nnplay/nnplay/engine/share"
	"github.com/nnplay/nnplay/engine/units"
	"github.com/nnplay/nnplay/ui/chart"
	"github.com/nnplay/nnplay/ui/model"
	"github.com/nnplay/nnplay/ui/session"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// The Share panel's state: links (#m=…), model files and the autosave.

// What a ModelExport answers.
const (
	exportLink     = iota // the link shown in the panel
	exportDownload        // a .nnplay file to download
	exportAutosave        // the autosave in IndexedDB
)

// Precisions are the precision menu's values and labels.
var Precisions = [][2]string{
	{"float32", "float32 (exact)"},
	{"float16", "float16"},
	{"int8", "int8, one scale per tensor"},
	{"int8c", "int8, one scale per channel"},
	{"int4", "int4, one scale per tensor"},
	{"int4c", "int4, one scale per channel"},
	{protocol.PrecisionRecipe, "recipe only (spec and seed)"},
}

// Share is what the Share panel shows, and the autosave.
type Share struct {
	p *Place

	Precision string // a Precisions value
	Link      string // the link's value, "" until made
	Pending   bool   // a link is being made
	CopyNote  string // "Copied."
	Export    protocol.ModelExport
	// Changed says the worker's model changed (trained on, rebuilt) since
	// the link was made: the link still opens the model as it was then.
	Changed bool
	// linkBatch is the run's global batch when the link came.
	linkBatch int

	// Opened describes the model the page opened from a link or file.
	Opened string
	// Restored is the note after the autosave came back.
	Restored string
	// noteModel is the worker's model (session.BuiltSpec) that Opened
	// or Restored describe: once another is built, they say nothing.
	noteModel string
	// Check is the model's answer on the first test images (share_check.go).
	Check   *protocol.TestPredictions
	checkID int

	asked   map[int]int    // request id → exportLink, exportDownload, exportAutosave
	loading map[int]string // request id → the note to show when it loaded
	// incoming is a load to send once the worker runs.
	incoming protocol.Request
	saved    savedModel
	// savedBatch is the global batch last autosaved (-1: none).
	savedBatch int
	// restoreLater says the autosave is read when MNIST comes (the page
	// opened on the 2-D playground).
	restoreLater bool
}

// savedModel is what the autosave keeps between visits.
type savedModel struct {
	File    []byte     `json:"file"`
	Charts  *chart.Run `json:"charts"`
	SavedAt time.Time  `json:"saved_at"`
}

// precisionOptions turns a menu value into the request's precision and
// per-channel flag.
func precisionOptions(v string) (precision string, perChannel bool) {
	if p, ok := strings.CutSuffix(v, "c"); ok && (p == "int8" || p == "int4") {
		return p, true
	}
	return v, false
}

// openLink decodes a link the page was opened with and says whether it
// is loading. A link that does not decode shows the codec's message and
// changes nothing; one that does is put in the model editor at once and
// loaded when the worker runs.
func (s *Share) openLink(hash string) bool {
	v, ok := share.Fragment(hash)
	if !ok {
		return false
	}
	p, err := share.Decode(v)
	if err != nil {
		s.p.S.AddError("This model link cannot be opened: " + err.Error() + " The page keeps its own model.")
		return false
	}
	s.p.S.Model.LoadSpec(p.Spec)
	s.p.S.AssumeBuilt() // the worker loads this model: no build of it
	s.Opened = "Opened a shared model: " + Describe(p)
	s.noteModel = s.p.S.BuiltSpec()
	s.load(s.Opened, func(id int) protocol.Request { return protocol.LoadModel{ID: id, Link: v} })
	return true
}

// load sends a load_model or import_tfjs request that request makes with
// its id (or keeps it until the worker runs); the answer is a ModelLoaded,
// whose note is then shown, or an Error.
func (s *Share) load(note string, request func(id int) protocol.Request) {
	id := s.p.S.NewID()
	r := request(id)
	s.loading[id] = note
	s.p.S.ModelLoading = true
	if s.p.S.Worker == session.WorkerStarting {
		s.incoming = r
		return
	}
	s.p.S.Send(r)
}

// Describe says what a payload is: "MLP 128 → 64 → 10 (seed), float16
// weights, trained 2 epochs".
func Describe(p share.Payload) string {
	name := fmt.Sprintf("a %d-layer model", len(p.Spec.Layers))
	for _, pn := range model.PresetNames {
		if model.SameLayers(model.PresetModel(pn[0]), p.Spec) {
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
		trained = fmt.Sprintf("trained %d epoch%s", p.Epochs, plural(p.Epochs, "s"))
	case p.Steps > 0:
		trained = fmt.Sprintf("trained %d batch%s", p.Steps, plural(p.Steps, "es"))
	}
	if p.Epochs > 0 && p.Steps > 0 {
		trained += fmt.Sprintf(" (%s batches)", units.Thousands(p.Steps))
	}
	return name + ", " + weights + ", " + trained
}

// plural is suffix unless n is 1.
func plural(n int, suffix string) string {
	if n == 1 {
		return ""
	}
	return suffix
}

// Blocked says why the worker's model cannot be exported or checked now
// ("" when it can).
func (s *Share) Blocked() string {
	if !s.p.S.ModelReady() {
		return "The model is not ready yet."
	}
	return ""
}

// MakeLink asks the worker for the link at the chosen precision, with the
// test accuracy of the model and of the link's decoded copy.
func (s *Share) MakeLink() {
	if s.Blocked() != "" {
		return
	}
	p, per := precisionOptions(s.Precision)
	id := s.p.S.NewID()
	s.asked[id] = exportLink
	s.Pending = true
	s.p.S.Send(protocol.ExportModel{ID: id, Format: protocol.FormatLink, Precision: p, PerChannel: per, Evaluate: true})
}

// SetPrecision chooses the precision and makes the link again.
func (s *Share) SetPrecision(v string) {
	s.Precision = v
	s.setLink("")
	s.MakeLink()
}

// setLink shows a new link ("" for none).
func (s *Share) setLink(link string) {
	s.Link, s.Changed = link, false
	s.linkBatch = s.p.S.Progress.GlobalBatch
	s.p.b.showLink(s.URL())
}

// Download asks for a float32 model file; the answer is downloaded.
func (s *Share) Download() { s.exportFile(exportDownload) }

func (s *Share) exportFile(kind int) {
	if s.Blocked() != "" {
		return
	}
	id := s.p.S.NewID()
	s.asked[id] = kind
	s.p.S.Send(protocol.ExportModel{ID: id, Format: protocol.FormatFile, Precision: "float32"})
}

// Upload loads a model file's bytes (the worker checks them).
func (s *Share) Upload(name string, file []byte) {
	if len(file) == 0 {
		s.p.S.AddError(name + " is empty; it is not an nnplay model file. Nothing was changed.")
		return
	}
	s.load("Opened "+name, func(id int) protocol.Request { return protocol.LoadModel{ID: id, File: file} })
}

// URL is the whole link to share.
func (s *Share) URL() string {
	if s.Link == "" {
		return ""
	}
	return s.p.b.pageURL() + share.Hash(s.Link)
}

// LengthText is the link's length.
func (s *Share) LengthText() string {
	if s.Link == "" {
		return ""
	}
	return units.Thousands(len(s.URL())) + " characters"
}

// AccuracyText compares the model's test accuracy with the link's.
func (s *Share) AccuracyText() string {
	e := s.Export
	if s.Link == "" || !e.Evaluated {
		return ""
	}
	return fmt.Sprintf("Test accuracy: this model %.2f%%, decoded from the link %.2f%%", 100*e.Accuracy, 100*e.DecodedAccuracy)
}

// OpenedText is Opened while the worker's model is still that one.
func (s *Share) OpenedText() string {
	if s.p.S.BuiltSpec() != s.noteModel {
		return ""
	}
	return s.Opened
}

// RestoredText is Restored while the worker's model is still that one.
func (s *Share) RestoredText() string {
	if s.p.S.BuiltSpec() != s.noteModel {
		return ""
	}
	return s.Restored
}

// ChangedText says the link no longer holds the model on screen.
func (s *Share) ChangedText() string {
	if s.Link == "" || !s.Changed {
		return ""
	}
	return "The model has changed since this link was made; the link still opens it as it was then. Make link again to share it as it is now."
}

// apply follows the worker's events.
func (s *Share) apply(ev protocol.Event) {
	S := s.p.S
	switch e := ev.(type) {
	case protocol.Ready:
		if s.incoming != nil {
			S.Send(s.incoming)
			s.incoming = nil
		}
	case protocol.DataReady:
		if s.restoreLater {
			s.restoreLater = false
			s.p.readAutosave()
		}
	case protocol.ModelLoaded:
		note, ours := s.loading[e.ID]
		if !ours {
			return
		}
		delete(s.loading, e.ID)
		S.ModelLoading = len(s.loading) > 0
		S.Loaded(e.Spec)
		restored := strings.HasPrefix(note, "Restored")
		if c := s.saved.Charts; c != nil && restored {
			v := S.Charts.Version
			*S.Charts = *c
			S.Charts.Version = v + 1
		}
		s.saved = savedModel{}
		s.Opened, s.Restored, s.Check = "", "", nil
		s.noteModel = S.BuiltSpec()
		s.setLink("")
		switch {
		case restored:
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
			s.Pending, s.Export = false, e
			s.setLink(e.Link)
		case exportDownload:
			s.p.b.download("model.nnplay", e.File, "application/octet-stream")
		case exportAutosave:
			s.p.b.saveAutosave(savedModel{File: e.File, Charts: S.Charts, SavedAt: time.Now()})
		}
	case protocol.Built, protocol.ExamplesTuned:
		s.Changed = true // new weights (a build, a reset, fine-tuning)
		if _, tuned := e.(protocol.ExamplesTuned); tuned {
			s.autosave(-1)
		}
	case protocol.EpochEnd:
		s.autosave(-1)
	case protocol.Progress:
		if e.GlobalBatch != s.linkBatch {
			s.Changed = true
		}
		// A pause, a step, the end of a run: keep the model as it is now.
		if e.State == protocol.StatePaused || e.State == protocol.StateDone || e.State == protocol.StateStopped {
			s.autosave(e.GlobalBatch)
		}
	case protocol.Error:
		for id, kind := range s.asked {
			if _, ours := session.ErrorFor(ev, id); ours {
				// The worker could not export: the banner says why.
				delete(s.asked, id)
				if kind == exportLink {
					s.Pending = false
				}
			}
		}
		if e.Fatal {
			return // the worker stopped: nothing is built or loaded any more
		}
		if note, ours := s.loading[e.ID]; ours {
			// The worker refused this model and kept its own, and the run
			// it had going. (Another error, a training one, while a model
			// is on its way is not the model's answer.)
			delete(s.loading, e.ID)
			if strings.HasPrefix(note, "Restored") {
				s.saved = savedModel{}
			}
			if len(s.loading) == 0 {
				S.LoadRefused()
			}
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

// restore loads the autosaved model (unless another model is loading).
func (s *Share) restore(saved savedModel) {
	if len(saved.File) == 0 || len(s.loading) > 0 {
		return
	}
	s.saved = saved
	note := "Restored your model from " + saved.SavedAt.Local().Format("2 Jan 2006 15:04:05")
	s.load(note, func(id int) protocol.Request { return protocol.LoadModel{ID: id, File: saved.File} })
}

// autosave keeps the model in the browser, once per global batch (-1:
// always, after an epoch).
func (s *Share) autosave(batch int) {
	if batch >= 0 && batch == s.savedBatch {
		return
	}
	s.savedBatch = batch
	s.exportFile(exportAutosave)
}
