package model

import (
	"encoding/json"
	"strconv"

	"github.com/nnplay/nnplay/engine/spec"
)

// LoadSpec puts a model that came from elsewhere (a link, a file, the
// autosave) in the editor, as one undoable edit. The preset menu names
// the preset it is, if it is one.
func (e *Editor) LoadSpec(m spec.Model) {
	e.edit("", newStep)
	e.Preset = PresetCustom
	e.setData(m.Dataset, m.Data)
	for _, p := range e.Presets() {
		if pm := e.presetModel(p[0]); SameLayers(pm, m) && pm.Loss == m.Loss {
			e.Preset = p[0]
		}
	}
	e.base = m
	e.Input = joinInts(m.Input, ",")
	e.Rows = e.Rows[:0]
	for _, l := range m.Layers {
		e.Rows = append(e.Rows, RowOf(l))
	}
	e.Optimizer = m.Optimizer.Name
	e.LR = strconv.FormatFloat(m.Optimizer.LearningRate, 'g', -1, 64)
	e.BatchSize = strconv.Itoa(m.BatchSize)
	e.Epochs = strconv.Itoa(m.Epochs)
	e.Seed = strconv.FormatInt(m.Seed, 10)
	e.Selected = -1
	e.update()
}

// SameLayers says two models have the same layers (settings aside).
func SameLayers(a, b spec.Model) bool {
	x, _ := json.Marshal(a.Layers)
	y, _ := json.Marshal(b.Layers)
	return string(x) == string(y)
}
