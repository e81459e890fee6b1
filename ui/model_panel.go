package ui

import (
	"fmt"

	"github.com/vugu/vugu"
)

// ModelPanel edits the model: a preset, a Keras-style summary table whose
// Dense layers are edited in place, and the training settings.
type ModelPanel struct {
	App *App
}

func (c *ModelPanel) setPreset(ev vugu.DOMEvent) {
	c.App.Model.LoadPreset(ev.PropString("target", "value"))
	c.App.SettingsChanged()
}

func (c *ModelPanel) setUnits(i int, ev vugu.DOMEvent) {
	if i < len(c.App.Model.Rows) {
		c.App.Model.Rows[i].Units = ev.PropString("target", "value")
		c.App.Model.Changed()
	}
}

func (c *ModelPanel) setActivation(i int, ev vugu.DOMEvent) {
	if i < len(c.App.Model.Rows) {
		c.App.Model.Rows[i].Activation = ev.PropString("target", "value")
		c.App.Model.Changed()
	}
}

func (c *ModelPanel) setOptimizer(ev vugu.DOMEvent) {
	c.App.Model.Optimizer = ev.PropString("target", "value")
	c.App.Model.Changed()
}

// setText stores a typed setting; live ones (learning rate, batch size)
// reach a run in progress between batches.
func (c *ModelPanel) setText(field *string, live bool, ev vugu.DOMEvent) {
	*field = ev.PropString("target", "value")
	c.App.Model.Changed()
	if live {
		c.App.SettingsChanged()
	}
}

func (c *ModelPanel) remove(i int) { c.App.Model.RemoveRow(i) }

func (c *ModelPanel) rowClass(i int) string {
	if c.App.Model.RowError(i) != "" {
		return "layer invalid"
	}
	return "layer"
}

func (c *ModelPanel) invalid(i int) string {
	if c.App.Model.RowError(i) != "" {
		return "true"
	}
	return "false"
}

func (c *ModelPanel) fieldInvalid(f string) string {
	if c.App.Model.FieldError(f) != "" {
		return "true"
	}
	return "false"
}

func (c *ModelPanel) unitsID(i int) string         { return fmt.Sprintf("units-%d", i+1) }
func (c *ModelPanel) unitsLabel(i int) string      { return fmt.Sprintf("Units of layer %d", i+1) }
func (c *ModelPanel) activationLabel(i int) string { return fmt.Sprintf("Activation of layer %d", i+1) }
func (c *ModelPanel) removeLabel(i int) string     { return fmt.Sprintf("Remove layer %d", i+1) }

func (c *ModelPanel) totalText() string {
	if c.App.Model.TotalText == "" {
		return "?"
	}
	return c.App.Model.TotalText
}
