package model

// Recurrent layers in the model editor (the Inside place's RNN panel reads them).

import (
	"reflect"
	"testing"

	"github.com/nnplay/nnplay/engine/spec"
)

// TestRecurrentRowsRoundTrip: a recurrent layer's row shows units,
// activation, return sequences and bias, and gives back the same layer,
// carrying what it does not show (gate activation, reset_after).
func TestRecurrentRowsRoundTrip(t *testing.T) {
	gru := spec.GRU(16, true)
	gru.ResetAfter, gru.UseBias, gru.RecurrentActivation = spec.Bool(false), spec.Bool(false), spec.ActTanh
	for _, l := range []spec.Layer{spec.LSTM(64, false), spec.SimpleRNN(8, true), gru} {
		r := RowOf(l)
		var names []string
		for _, f := range r.Fields() {
			names = append(names, f.Name+"="+*r.Text(f.Name))
		}
		want := []string{"units=" + r.Units, "activation=tanh", "sequences=" + map[bool]string{true: "true", false: "false"}[l.ReturnSequences],
			"bias=" + map[bool]string{true: "true", false: "false"}[l.HasBias()]}
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
	e := NewEditor(PresetSeed)
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
