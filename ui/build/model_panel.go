//go:build js && wasm

package build

import (
	"github.com/vugu/vugu"
)

// ModelPanel edits the model: a preset, the layer builder (a Keras-style
// summary table edited in place) and the training settings.
type ModelPanel struct {
	P *Place
}

func (c *ModelPanel) setPreset(ev vugu.DOMEvent) {
	c.P.S.Model.LoadPreset(ev.PropString("target", "value"))
	c.P.S.SettingsChanged()
}

// setSetting stores a typed setting; live ones (learning rate, batch size)
// reach a run in progress between batches.
func (c *ModelPanel) setSetting(key string, live bool, ev vugu.DOMEvent) {
	c.P.S.Model.SetSetting(key, ev.PropString("target", "value"))
	if live {
		c.P.S.SettingsChanged()
	}
}

func (c *ModelPanel) fieldInvalid(f string) string {
	if c.P.S.Model.FieldError(f) != "" {
		return "true"
	}
	return "false"
}
