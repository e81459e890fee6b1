package model

import (
	"testing"

	"github.com/nnplay/nnplay/engine/spec"
)

// Reset opens another model with no history; SetBase changes the input
// and data set under the rows, keeping them and the history.
func TestResetAndSetBase(t *testing.T) {
	toy := spec.Model{
		Input: []int{2}, Dataset: spec.DatasetCircle, Loss: spec.LossSparseCategoricalCrossentropy,
		Optimizer: spec.Optimizer{Name: spec.OptSGD, LearningRate: 0.03}, BatchSize: 10, Epochs: 1, Seed: 1,
		Layers: []spec.Layer{spec.Dense(4, spec.ActTanh)},
	}
	e := &Editor{Tail: []spec.Layer{spec.Dense(2, spec.ActSoftmax)}, FixedInput: true}
	e.Reset(toy)
	if _, err := e.Spec(); err != nil || e.CanUndo() || len(e.Rows) != 1 {
		t.Fatalf("after Reset: err %v, can undo %v, %d rows", err, e.CanUndo(), len(e.Rows))
	}
	e.SetField(0, "units", "3")
	three := toy
	three.Input, three.Dataset = []int{3}, spec.DatasetSpiral
	e.SetBase(three)
	m, err := e.Spec()
	if err != nil || m.Input[0] != 3 || m.Dataset != spec.DatasetSpiral || m.Layers[0].Units != 3 || e.InputShape() != "(None, 3)" || e.Params(0) != "12" {
		t.Errorf("after SetBase: %+v, err %v, input %s, params %s", m, err, e.InputShape(), e.Params(0))
	}
	if !e.CanUndo() || !e.Undo() || e.Rows[0].Units != "4" {
		t.Errorf("the units edit is not undone after SetBase: rows %+v", e.Rows)
	}
	e.Reset(toy)
	if e.CanUndo() || e.CanRedo() {
		t.Errorf("Reset kept a history")
	}
}
