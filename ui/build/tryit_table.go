package build

import (
	"github.com/nnplay/nnplay/ui/route"

	"fmt"
	"sort"
	"strings"

	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/ui/session"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// Try is "Try it" for a model of a described data set (issue 14): a form
// with one field per input column for a table, an image (a file or a
// webcam frame) for images. It reads the inputs from the model's own data
// description, so a model opened from a link works without its data set.
type Try struct {
	s *session.Session
	// Row holds the table form's cells by column name.
	Row map[string]string
	// Result is the last prediction (nil: none yet); Err why there is none.
	Result *protocol.DataPrediction
	Err    string
	// Version bumps with each prediction, so the picture redraws.
	Version int
	id      int
	data    *spec.Data // the description Result was made with
}

func newTry(s *session.Session) *Try {
	t := &Try{s: s, Row: map[string]string{}}
	s.SubscribePlace(route.Build, t.handle)
	return t
}

func (t *Try) handle(ev protocol.Event) bool {
	switch e := ev.(type) {
	case protocol.DataPrediction:
		if e.ID == t.id {
			r := e
			t.Result, t.Err = &r, ""
			t.Version++
			return true
		}
	case protocol.Error:
		if _, ours := session.ErrorFor(ev, t.id); ours && t.Result == nil {
			t.Err = e.Message
			return true
		}
	}
	return false
}

// Data is the model's data description (nil for MNIST models).
func (t *Try) Data() *spec.Data { return t.s.Model.Data() }

// Columns are the table's input columns.
func (t *Try) Columns() []spec.Column {
	if d := t.Data(); d != nil && d.Kind == spec.KindTable {
		return d.Columns
	}
	return nil
}

// Cells is the form's row in column order ("" for a field left empty:
// missing, filled as in training).
func (t *Try) Cells() []string {
	cols := t.Columns()
	cells := make([]string, len(cols))
	for i, c := range cols {
		cells[i] = strings.TrimSpace(t.Row[c.Name])
	}
	return cells
}

// Blocked says why Try it cannot predict now, or "".
func (t *Try) Blocked() string {
	if !t.s.ModelReady() {
		return "The model is being built."
	}
	if t.Data() == nil {
		return "Try it takes a model of a data set other than MNIST."
	}
	return ""
}

// PredictRow asks the worker for the form's row.
func (t *Try) PredictRow() {
	if t.Blocked() != "" || len(t.Columns()) == 0 {
		return
	}
	t.send(protocol.PredictData{Row: t.Cells()})
}

// PredictImage asks the worker for an image of any size (RGBA bytes),
// fitted as the data set's images were.
func (t *Try) PredictImage(rgba []byte, w, h int) {
	if t.Blocked() != "" {
		return
	}
	t.send(protocol.PredictData{RGBA: rgba, Width: w, Height: h})
}

func (t *Try) send(r protocol.PredictData) {
	t.id = t.s.NewID()
	r.ID = t.id
	t.Result, t.Err = nil, ""
	t.data = t.Data().Clone()
	t.s.Send(r)
}

// Choice is one class's probability, for the result list.
type Choice struct {
	Name string
	Prob float64
	Text string
}

// ResultText is the prediction in words.
func (t *Try) ResultText() string {
	r, d := t.Result, t.data
	switch {
	case t.Err != "":
		return t.Err
	case r == nil || d == nil:
		return ""
	case d.Task == spec.TaskRegression:
		return fmt.Sprintf("%s: %.2f", d.Target, r.Value)
	case r.Class >= 0 && r.Class < len(d.Classes) && r.Class < len(r.Probs):
		return fmt.Sprintf("%s (%.1f%%)", d.Classes[r.Class], 100*r.Probs[r.Class])
	}
	return ""
}

// Choices are the classes by probability, most likely first.
func (t *Try) Choices() []Choice {
	r, d := t.Result, t.data
	if r == nil || d == nil || d.Task != spec.TaskClassification {
		return nil
	}
	var out []Choice
	for k, p := range r.Probs {
		if k < len(d.Classes) {
			out = append(out, Choice{Name: d.Classes[k], Prob: float64(p), Text: fmt.Sprintf("%.1f%%", 100*p)})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Prob > out[j].Prob })
	return out
}
