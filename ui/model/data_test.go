package model

import (
	"testing"

	"github.com/nnplay/nnplay/engine/spec"
)

func TestPresetsFollowTheData(t *testing.T) {
	cars := spec.Data{Name: "cars", Kind: spec.KindTable, Task: spec.TaskRegression, Shape: []int{4}, Target: "Miles_per_Gallon",
		Columns: []spec.Column{{Name: "a", Kind: spec.ColumnNumeric}, {Name: "b", Kind: spec.ColumnNumeric}, {Name: "c", Kind: spec.ColumnNumeric}, {Name: "d", Kind: spec.ColumnNumeric}}}
	shapes := spec.Data{Name: "shapes", Kind: spec.KindImage, Task: spec.TaskClassification, Shape: []int{32, 32, 3}, Classes: []string{"circle", "square", "triangle"}}
	e := NewEditor(PresetSeed)
	e.UseData(spec.DatasetCars, &cars)
	m, err := e.Spec()
	if err != nil {
		t.Fatalf("cars: %v", err)
	}
	if last := m.Layers[len(m.Layers)-1]; last.Units != 1 || last.Activation != spec.ActLinear || m.Loss != spec.LossMeanSquaredError || m.Input[0] != 4 {
		t.Errorf("cars model: input %v, last %+v, loss %s", m.Input, last, m.Loss)
	}
	if !e.FixedInput || len(e.Presets()) != 3 {
		t.Errorf("cars: fixed input %v, presets %v", e.FixedInput, e.Presets())
	}
	for _, c := range []struct{ preset, loss string }{{PresetTableMAE, spec.LossMeanAbsoluteError}, {PresetTableHuber, spec.LossHuber}} {
		e.LoadPreset(c.preset)
		if m, err := e.Spec(); err != nil || m.Loss != c.loss || e.LossText() == "sparse categorical cross-entropy" {
			t.Errorf("%s: loss %s (%s), %v", c.preset, m.Loss, e.LossText(), err)
		}
	}
	e.UseData(spec.DatasetShapes, &shapes)
	m, err = e.Spec()
	if err != nil {
		t.Fatalf("shapes: %v", err)
	}
	if m.Layers[0].Type != spec.TypeConv2D || m.Input[2] != 3 || m.Layers[len(m.Layers)-1].Units != 3 {
		t.Errorf("shapes model: input %v, first %s, %d outputs", m.Input, m.Layers[0].Type, m.Layers[len(m.Layers)-1].Units)
	}
	e.LoadPreset(PresetImageMLP)
	if m, _ := e.Spec(); m.Layers[0].Type != spec.TypeFlatten {
		t.Errorf("image MLP starts with %s", m.Layers[0].Type)
	}
	e.UseData(spec.DatasetMNIST, nil)
	if m, _ := e.Spec(); m.Dataset != spec.DatasetMNIST || e.FixedInput || len(e.Presets()) != len(PresetNames) {
		t.Errorf("back to MNIST: %s, fixed %v", m.Dataset, e.FixedInput)
	}
	// A link's model of a described data set brings its data along.
	e.LoadSpec(spec.TableMLP(spec.DatasetCars, cars))
	if e.Data() == nil || e.Data().Name != "cars" || e.Preset != PresetTableMLP {
		t.Errorf("LoadSpec: data %v, preset %s", e.Data(), e.Preset)
	}
}
