package ui

import (
	"github.com/vugu/vugu"
)

// ModelPanel edits the model: a preset, the layer builder (a Keras-style
// summary table edited in place) and the training settings.
type ModelPanel struct {
	App *App
}

func (c *ModelPanel) setPreset(ev vugu.DOMEvent) {
	c.App.Model.LoadPreset(ev.PropString("target", "value"))
	c.App.SettingsChanged()
}

// setSetting stores a typed setting; live ones (learning rate, batch size)
// reach a run in progress between batches.
func (c *ModelPanel) setSetting(key string, live bool, ev vugu.DOMEvent) {
	c.App.Model.SetSetting(key, ev.PropString("target", "value"))
	if live {
		c.App.SettingsChanged()
	}
}

func (c *ModelPanel) fieldInvalid(f string) string {
	if c.App.Model.FieldError(f) != "" {
		return "true"
	}
	return "false"
}
