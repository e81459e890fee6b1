package build

import (
	"testing"

	"github.com/nnplay/nnplay/wasm/protocol"
)

func TestResultsTexts(t *testing.T) {
	var none Results
	if none.AccuracyText() != "" || none.Count(1, 1) != 0 || none.ClassText(0, true) != "" {
		t.Errorf("no evaluation yet: %q %d %q", none.AccuracyText(), none.Count(1, 1), none.ClassText(0, true))
	}
	conf := make([][]int, 10)
	for i := range conf {
		conf[i] = make([]int, 10)
		conf[i][i] = 90
	}
	conf[3][8] = 10
	r := Results{Eval: &protocol.Evaluation{Accuracy: 0.9731, Confusion: conf, Classes: make([]protocol.ClassStats, 10)}}
	r.Eval.Classes[3].Recall = 0.9
	if got := r.AccuracyText(); got != "97.31%" {
		t.Errorf("accuracy %q", got)
	}
	if got := r.ClassText(3, true); got != "90.0%" {
		t.Errorf("recall of 3: %q", got)
	}
	if r.Count(3, 8) != 10 || r.Count(10, 0) != 0 {
		t.Errorf("counts %d %d", r.Count(3, 8), r.Count(10, 0))
	}
	// A row of 100 with 90 right: the hit cell is dark; a 10% miss is
	// amplified to the darkest miss shade; an empty cell is level 0.
	if got := r.CellClass(3, 3); got != "count hit5" {
		t.Errorf("hit cell %q", got)
	}
	if got := r.CellClass(3, 8); got != "count miss5" {
		t.Errorf("miss cell %q", got)
	}
	if got := r.CellClass(3, 4); got != "count miss0" {
		t.Errorf("empty cell %q", got)
	}
}
