package model

import (
	"strings"
	"testing"

	"github.com/nnplay/nnplay/engine/spec"
)

// TestBiasCheckbox: Dense and Conv2D rows show a bias checkbox, ticked by
// default; unticking it takes the bias out of the spec (use_bias false),
// the param counts and the model's JSON, and undo and redo bring it back
// and take it out again, each as one step.
func TestBiasCheckbox(t *testing.T) {
	e := NewEditor(PresetLeNet)
	for _, i := range []int{0, 5} {
		fs := e.Rows[i].Fields()
		if f := fs[len(fs)-1]; f.Name != "bias" || !f.Check || *e.Rows[i].Text("bias") != "true" {
			t.Fatalf("row %d (%s): last field %+v = %q; want a ticked bias checkbox", i+1, e.Rows[i].Type, f, *e.Rows[i].Text("bias"))
		}
	}
	for _, i := range []int{1, 4} { // MaxPool2D, Flatten
		for _, f := range e.Rows[i].Fields() {
			if f.Name == "bias" {
				t.Errorf("row %d (%s) shows a bias", i+1, e.Rows[i].Type)
			}
		}
	}
	if e.TotalText != "61,706" || e.Params(2) != "2,416" {
		t.Fatalf("LeNet: %s params, conv 2 %s", e.TotalText, e.Params(2))
	}
	e.SetField(2, "bias", "false")
	e.SetField(5, "bias", "false")
	if e.TotalText != "61,570" || e.Params(2) != "2,400" || e.Params(5) != "48,000" {
		t.Errorf("without two biases: total %s, conv 2 %s, dense %s; want 61,570, 2,400, 48,000", e.TotalText, e.Params(2), e.Params(5))
	}
	m, err := e.Spec()
	if err != nil {
		t.Fatal(err)
	}
	if m.Layers[2].HasBias() || m.Layers[5].HasBias() || !m.Layers[0].HasBias() || m.Layers[0].UseBias != nil {
		t.Errorf("spec layers %+v", m.Layers)
	}
	data, err := spec.Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(data), `"use_bias": false`); n != 2 {
		t.Errorf("the model's JSON holds %d use_bias false, want 2:\n%s", n, data)
	}
	e.Undo()
	if e.TotalText != "61,690" || *e.Rows[5].Text("bias") != "true" || *e.Rows[2].Text("bias") != "false" {
		t.Errorf("after one undo: %s params, dense bias %q", e.TotalText, *e.Rows[5].Text("bias"))
	}
	e.Undo()
	if back, _ := e.Spec(); e.TotalText != "61,706" || back.Layers[2].UseBias != nil {
		t.Errorf("after two undos: %s params, conv use_bias %v", e.TotalText, back.Layers[2].UseBias)
	}
	e.Redo()
	e.Redo()
	if e.TotalText != "61,570" {
		t.Errorf("after redo: %s params, want 61,570", e.TotalText)
	}
	// A loaded spec without biases shows the boxes unticked.
	e.LoadSpec(m)
	if *e.Rows[2].Text("bias") != "false" || *e.Rows[0].Text("bias") != "true" {
		t.Errorf("loaded: conv biases %q and %q", *e.Rows[0].Text("bias"), *e.Rows[2].Text("bias"))
	}
}
