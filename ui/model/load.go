package model

import (
	"encoding/json"

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
	e.loadSpec(m)
}

// SameLayers says two models have the same layers (settings aside).
func SameLayers(a, b spec.Model) bool {
	x, _ := json.Marshal(a.Layers)
	y, _ := json.Marshal(b.Layers)
	return string(x) == string(y)
}
