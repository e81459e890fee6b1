package ui

import (
	"reflect"
	"strings"
	"testing"

	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// TestRecurrentRowsRoundTrip: a recurrent layer's row shows units,
// activation and return sequences, and gives back the same layer,
// carrying what it does not show (gate activation, use_bias, reset_after).
func TestRecurrentRowsRoundTrip(t *testing.T) {
	gru := spec.GRU(16, true)
	gru.ResetAfter, gru.UseBias, gru.RecurrentActivation = spec.Bool(false), spec.Bool(false), spec.ActTanh
	for _, l := range []spec.Layer{spec.LSTM(64, false), spec.SimpleRNN(8, true), gru} {
		r := RowOf(l)
		var names []string
		for _, f := range r.Fields() {
			names = append(names, f.Name+"="+*r.Text(f.Name))
		}
		want := []string{"units=" + r.Units, "activation=tanh", "sequences=" + map[bool]string{true: "true", false: "false"}[l.ReturnSequences]}
		if !reflect.DeepEqual(names, want) {
			t.Errorf("%s row shows %v, want %v", l.Type, names, want)
		}
		back, msg := r.Layer()
		if msg != "" || !reflect.DeepEqual(back, l) {
			t.Errorf("%s: row gives %+v (%q), want %+v", l.Type, back, msg, l)
		}
	}
	r := RowOf(spec.LSTM(64, false))
	*r.Text("sequences") = "true"
	if l, _ := r.Layer(); !l.ReturnSequences {
		t.Error("choosing return sequences true is not read")
	}
}

// TestBuildRowByRowInTheEditor: palette LSTM after a Reshape gives the
// preset's weights; without the Reshape the row says to add one.
func TestBuildRowByRowInTheEditor(t *testing.T) {
	e := NewModelEditor(PresetSeed)
	for len(e.Rows) > 0 {
		e.Remove(0)
	}
	e.Add(spec.TypeLSTM)
	e.SetField(0, "units", "64")
	if msg := e.RowError(0); msg != "needs a (timesteps, features) input but gets (784); add Reshape(28, 28) first" {
		t.Errorf("LSTM on flat input: %q", msg)
	}
	e.Selected = -1
	e.Add(spec.TypeDense)
	e.SetField(1, "units", "10")
	e.SetField(1, "activation", spec.ActSoftmax)
	e.Selected = -1
	e.Add(spec.TypeReshape)
	e.SetField(2, "target", "28, 28")
	e.Move(2, 0)
	if e.TotalText != "24,458" || e.LayerName(1) != "lstm (LSTM)" || e.OutputShape(1) != "(None, 64)" {
		t.Errorf("Reshape → LSTM 64 → Dense 10: total %q, row 2 %q %q", e.TotalText, e.LayerName(1), e.OutputShape(1))
	}
	if _, err := e.Spec(); err != nil {
		t.Errorf("the model does not validate: %v", err)
	}
}

// TestRNNPanelAsksAndShows: the panel asks for a trace only for a model
// with a recurrent layer, takes its own answer, shows the last step, and
// says what each step predicts.
func TestRNNPanelAsksAndShows(t *testing.T) {
	a, sent := teachApp()
	s := a.teach().rnn()
	s.Visible = true
	s.refresh()
	if len(*sent) != 0 || s.Recurrent() {
		t.Fatalf("the seed model has no recurrent layer, yet the panel sent %v", *sent)
	}
	a.Model.SetBuilt(protocol.Built{Rows: []protocol.SummaryRow{{Type: spec.TypeReshape}, {Type: spec.TypeLSTM}, {Type: spec.TypeDense}}})
	s.SetIndex(-1)
	req, ok := (*sent)[len(*sent)-1].(protocol.RNNTraceRequest)
	if !ok || req.Index != 9999 || req.ID <= teachIDBase {
		t.Fatalf("sent %+v; want an rnn_trace of test image 9999", (*sent)[len(*sent)-1])
	}
	steps := []protocol.RNNStep{
		{RowFrom: 0, RowTo: 0, H: []float32{0.5}, Probs: []float32{0.4, 0.6}},
		{RowFrom: 1, RowTo: 1, H: []float32{-0.5}, Probs: []float32{0.9, 0.1}},
	}
	a.Handle(protocol.RNNTrace{ID: req.ID + 1, Steps: steps, Units: 1}) // another request's
	if s.Trace != nil {
		t.Fatal("the panel took an answer to another request")
	}
	a.Handle(protocol.RNNTrace{ID: req.ID, Label: 0, Name: "lstm_1", LayerType: spec.TypeLSTM, Units: 1, Steps: steps})
	if s.Trace == nil || s.Step != 1 || s.Loading() {
		t.Fatalf("trace %v at step %d (loading %v); want it, at the last step", s.Trace, s.Step, s.Loading())
	}
	if got := s.StepText(); got != "Step 2 of 2 (rows 0–1 read): the model would say 0 (90.0%) if the digit ended here." {
		t.Errorf("step text %q", got)
	}
	s.SetStep(-4)
	if got := s.StepText(); s.Step != 0 || !strings.HasPrefix(got, "Step 1 of 2 (row 0 read): the model would say 1 (60.0%)") {
		t.Errorf("step %d: %q", s.Step, got)
	}
	a.Handle(protocol.Built{}) // a new model: the old reading is gone
	if s.Trace != nil {
		t.Error("the reading of the old model survived a build")
	}
}
