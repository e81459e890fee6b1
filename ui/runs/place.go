package runs

import (
	"github.com/nnplay/nnplay/ui/route"

	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/nnplay/nnplay/engine/runs"
	"github.com/nnplay/nnplay/engine/units"
	"github.com/nnplay/nnplay/ui/chart"
	"github.com/nnplay/nnplay/ui/session"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// Place is the Runs place: the recorder, the run shown, the timeline and
// the two runs compared.
type Place struct {
	S   *session.Session
	Rec *Recorder

	Selected string // the run shown
	A, B     string // the runs compared

	// Viewed is the snapshot the worker's model holds (nil: the live
	// weights); ViewedRun the run it is of.
	Viewed    *protocol.SnapshotViewed
	ViewedRun string
	pos       int    // the timeline's position: a snapshot's index …
	posRun    string // … in this run (another run starts at its last)
	viewID    int
	Err       string
	shown     bool
}

// newPlace makes the place's state on a recorder.
func newPlace(s *session.Session, rec *Recorder) *Place {
	p := &Place{S: s, Rec: rec}
	s.SubscribePlace(route.Runs, p.handle)
	return p
}

// refresher is a drawing that can ask for its prediction again (Build &
// train's pad).
type refresher interface{ Refresh() }

// Run is the run shown: the one chosen, else the newest.
func (p *Place) Run() *runs.Run {
	if r := p.Rec.Find(p.Selected); r != nil {
		return r
	}
	if n := len(p.Rec.Runs); n > 0 {
		return p.Rec.Runs[n-1]
	}
	return nil
}

// Select shows run id.
func (p *Place) Select(id string) {
	p.Selected = id
}

// Pos is the timeline's position in the run shown: the snapshot last
// moved to, else the newest.
func (p *Place) Pos() int {
	r := p.Run()
	if r == nil {
		return 0
	}
	if p.posRun == r.ID && p.pos < len(r.Snapshots) {
		return p.pos
	}
	return max(0, len(r.Snapshots)-1)
}

// Compared are the two runs side by side: those chosen, else the two
// newest.
func (p *Place) Compared() (a, b *runs.Run) {
	a, b = p.Rec.Find(p.A), p.Rec.Find(p.B)
	n := len(p.Rec.Runs)
	if a == nil && n >= 2 {
		a = p.Rec.Runs[n-2]
	}
	if b == nil && n >= 1 {
		b = p.Rec.Runs[n-1]
	}
	return a, b
}

// ViewBlocked says why the timeline cannot move the model to run r's
// snapshots, or "".
func (p *Place) ViewBlocked(r *runs.Run) string {
	switch {
	case r == nil || len(r.Snapshots) == 0:
		return "This run kept no snapshots."
	case !p.S.ModelReady():
		return "The model is not built yet."
	case p.S.Training == protocol.StateRunning:
		return "Pause or stop training to look at an earlier epoch."
	}
	if b := p.S.BuiltSpec(); b != "" && !sameLayers(r, b) {
		return "The model in the worker is not this run's: open the run's model (Use this model) first."
	}
	return ""
}

// sameLayers says the run's spec has the built spec's input and layers.
func sameLayers(r *runs.Run, built string) bool {
	var m struct {
		Input  json.RawMessage `json:"input"`
		Layers json.RawMessage `json:"layers"`
	}
	var n = m
	b, _ := json.Marshal(r.Spec)
	if json.Unmarshal(b, &m) != nil || json.Unmarshal([]byte(built), &n) != nil {
		return false
	}
	return string(m.Input) == string(n.Input) && string(m.Layers) == string(n.Layers)
}

// View moves the worker's model to snapshot i of the run shown.
func (p *Place) View(i int) {
	r := p.Run()
	if r == nil || i < 0 || i >= len(r.Snapshots) {
		return
	}
	p.pos, p.posRun = i, r.ID
	if why := p.ViewBlocked(r); why != "" {
		p.Err = why
		return
	}
	p.Err = ""
	p.viewID = p.S.NewID()
	p.ViewedRun = r.ID
	p.S.Send(protocol.ViewSnapshot{ID: p.viewID, Data: r.Snapshots[i].Data})
}

// Live puts the live weights back.
func (p *Place) Live() {
	if p.Viewed == nil || !p.S.ModelReady() {
		return
	}
	p.viewID = p.S.NewID()
	p.S.Send(protocol.ViewSnapshot{ID: p.viewID})
}

// UseModel builds the run's model in the worker (its spec into the
// model editor) and moves it to the timeline's snapshot.
func (p *Place) UseModel() {
	r := p.Run()
	if r == nil || p.S.Running() || len(r.Snapshots) == 0 {
		return
	}
	if err := r.Spec.Validate(); err != nil {
		p.Err = "This run's model cannot be built: " + err.Error()
		return
	}
	i := p.Pos()
	p.S.Model.LoadSpec(r.Spec)
	p.Err = ""
	p.viewID = p.S.NewID()
	p.ViewedRun = r.ID
	p.S.BuildThen(protocol.ViewSnapshot{ID: p.viewID, Data: r.Snapshots[i].Data})
}

// ViewText says which weights every view shows.
func (p *Place) ViewText() string {
	if p.Viewed == nil || p.Viewed.Live {
		return "Every view shows the live weights."
	}
	name := "a run"
	if r := p.Rec.Find(p.ViewedRun); r != nil {
		name = r.Name
	}
	return fmt.Sprintf("Every view now shows %s's weights after epoch %d (%s steps). Training, or building a model, goes back to the live weights.", name, p.Viewed.Epoch, units.Thousands(p.Viewed.Steps))
}

// statusText is the status line's note while a snapshot is viewed.
func (p *Place) statusText() string {
	if p.Viewed == nil {
		return ""
	}
	name := "a run"
	if r := p.Rec.Find(p.ViewedRun); r != nil {
		name = r.Name
	}
	if p.Viewed.Epoch == 0 {
		return "Showing " + name + " before training (Runs)."
	}
	return fmt.Sprintf("Showing %s after epoch %d (Runs).", name, p.Viewed.Epoch)
}

// PosText describes the timeline's position.
func (p *Place) PosText() string {
	r := p.Run()
	if r == nil || len(r.Snapshots) == 0 {
		return ""
	}
	s := r.Snapshots[p.Pos()]
	if s.Epoch == 0 {
		return fmt.Sprintf("Before training (%s, %s)", s.Precision, units.Bytes(int64(len(s.Data))))
	}
	return fmt.Sprintf("After epoch %d, %s steps (%s, %s)", s.Epoch, units.Thousands(s.Steps), s.Precision, units.Bytes(int64(len(s.Data))))
}

func (p *Place) handle(ev protocol.Event) bool {
	switch e := ev.(type) {
	case protocol.SnapshotViewed:
		if e.ID != p.viewID {
			return false
		}
		if e.Live {
			p.Viewed = nil
		} else {
			v := e
			p.Viewed = &v
		}
		p.S.Viewing = p.statusText()
		p.S.Evaluate() // the confusion matrix and accuracy follow the weights
		if pad, ok := p.S.Pad.(refresher); ok {
			pad.Refresh() // and so does Try it's answer to the drawing
		}
		return true
	case protocol.Built:
		p.Viewed, p.S.Viewing = nil, "" // a new model: the live weights
	case protocol.State:
		if e.State == protocol.StateRunning {
			p.Viewed, p.S.Viewing = nil, "" // training went back to the live weights
		}
	case protocol.Error:
		// Only the latest view's own error (or a fatal one) is shown
		// here: an earlier view's, answered after the user asked for
		// another, is not about what is on screen (the banner has it).
		if _, ours := session.ErrorFor(ev, p.viewID); ours {
			p.Err = e.Message
			return p.shown
		}
	}
	switch ev.(type) {
	case protocol.EpochEnd, protocol.State, protocol.RunSnapshot, protocol.Built:
		return p.shown // a run began, ended or gained an epoch
	}
	return false
}

// RunSummary is a run's line in the list.
func RunSummary(r *runs.Run) string {
	s := fmt.Sprintf("%d epochs", len(r.Epochs))
	if len(r.Epochs) == 1 {
		s = "1 epoch"
	}
	if a := BestAccuracy(r); !math.IsNaN(a) {
		s += ", test accuracy " + units.Percent(a)
	}
	return s
}

// BestAccuracy is the last epoch's test accuracy (NaN before one).
func BestAccuracy(r *runs.Run) float64 {
	if n := len(r.Epochs); n > 0 && r.Epochs[n-1].Validated {
		return float64(r.Epochs[n-1].ValAccuracy)
	}
	return math.NaN()
}

// CostText is what a run's snapshots cost.
func CostText(r *runs.Run) string {
	n := len(r.Snapshots)
	if n == 0 {
		return "no snapshots"
	}
	return fmt.Sprintf("%d snapshots, %s", n, units.Bytes(int64(r.SnapshotBytes())))
}

// SpecText is a run's model in one line: its layers and optimizer.
func SpecText(r *runs.Run) string {
	var parts []string
	for _, l := range r.Spec.Layers {
		b, _ := json.Marshal(l)
		var m map[string]any
		json.Unmarshal(b, &m)
		t, _ := m["type"].(string)
		switch {
		case m["units"] != nil:
			t += fmt.Sprintf(" %v", m["units"])
		case m["filters"] != nil:
			t += fmt.Sprintf(" %v", m["filters"])
		}
		if a, ok := m["activation"].(string); ok && a != "" && a != "linear" {
			t += " " + a
		}
		parts = append(parts, t)
	}
	o := r.Spec.Optimizer
	epochs := fmt.Sprintf("%d epochs", r.Spec.Epochs)
	if r.Spec.Epochs == 1 {
		epochs = "1 epoch"
	}
	return fmt.Sprintf("%s; %s, learning rate %g, batch %d, %s, seed %d", strings.Join(parts, " → "), o.Name, o.LearningRate, r.Spec.BatchSize, epochs, r.Spec.Seed)
}

// Curves are a run's curves on an epoch axis: the training loss and
// accuracy per recorded batch, the test loss and accuracy per epoch.
func Curves(r *runs.Run) (loss, acc, valLoss, valAcc []chart.Point) {
	perEpoch := 0.0
	if len(r.Epochs) > 0 && r.Epochs[0].Steps > 0 {
		perEpoch = float64(r.Epochs[0].Steps)
	}
	first := 0
	if len(r.Batches) > 0 {
		first = r.Batches[0].Step - 1
	}
	for _, b := range r.Batches {
		x := float64(b.Epoch - 1)
		if perEpoch > 0 {
			x = float64(b.Step-first) / perEpoch
		}
		loss = append(loss, chart.Point{X: x, Y: finite(b.Loss)})
		acc = append(acc, chart.Point{X: x, Y: finite(b.Accuracy)})
	}
	for _, e := range r.Epochs {
		if e.Validated {
			valLoss = append(valLoss, chart.Point{X: float64(e.Epoch), Y: finite(e.ValLoss)})
			valAcc = append(valAcc, chart.Point{X: float64(e.Epoch), Y: finite(e.ValAccuracy)})
		}
	}
	return loss, acc, valLoss, valAcc
}

func finite(n runs.Num) float64 {
	if f := float64(n); !math.IsNaN(f) && !math.IsInf(f, 0) {
		return f
	}
	return 0
}

// ClassRow is one class's accuracy in the two runs compared.
type ClassRow struct {
	Class int
	A, B  string
	// Better is "a", "b" or "" (equal, or one is missing).
	Better string
}

// PerClass compares the two runs' last per-class accuracies.
func PerClass(a, b *runs.Run) []ClassRow {
	pa, pb := lastPerClass(a), lastPerClass(b)
	n := max(len(pa), len(pb))
	rows := make([]ClassRow, n)
	for k := range rows {
		row := ClassRow{Class: k, A: "–", B: "–"}
		va, vb := math.NaN(), math.NaN()
		if k < len(pa) {
			va = float64(pa[k])
		}
		if k < len(pb) {
			vb = float64(pb[k])
		}
		if !math.IsNaN(va) {
			row.A = units.Percent(va)
		}
		if !math.IsNaN(vb) {
			row.B = units.Percent(vb)
		}
		switch {
		case va > vb:
			row.Better = "a"
		case vb > va:
			row.Better = "b"
		}
		rows[k] = row
	}
	return rows
}

func lastPerClass(r *runs.Run) []runs.Num {
	if r == nil {
		return nil
	}
	for i := len(r.Epochs) - 1; i >= 0; i-- {
		if len(r.Epochs[i].PerClass) > 0 {
			return r.Epochs[i].PerClass
		}
	}
	return nil
}

// Differences are the settings the two runs do not share (runs.Diff),
// with "–" for a missing value.
func Differences(a, b *runs.Run) []runs.Difference {
	if a == nil || b == nil {
		return nil
	}
	d := runs.Diff(a, b)
	for i := range d {
		if d[i].A == "" {
			d[i].A = "–"
		}
		if d[i].B == "" {
			d[i].B = "–"
		}
	}
	return d
}
