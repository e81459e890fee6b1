package ui

import (
	sjs "syscall/js"

	"github.com/vugu/vugu"
)

// ModelsPanel is "My models": the models saved in this browser, and the
// TensorFlow.js export and import.
type ModelsPanel struct {
	App *App
}

func (c *ModelsPanel) l() *Library { return c.App.library() }

func (c *ModelsPanel) setSaveName(ev vugu.DOMEvent) {
	c.l().SaveName = ev.PropString("target", "value")
}

func (c *ModelsPanel) saveKey(ev vugu.DOMEvent) {
	if ev.PropString("key") == "Enter" {
		c.l().SaveAs()
	}
}

func (c *ModelsPanel) setRenameText(ev vugu.DOMEvent) {
	c.l().RenameText = ev.PropString("target", "value")
}

func (c *ModelsPanel) renameKey(ev vugu.DOMEvent) {
	switch ev.PropString("key") {
	case "Enter":
		c.l().CommitRename()
	case "Escape":
		c.l().CancelRename()
	}
}

func (c *ModelsPanel) rowClass(e SavedModel) string {
	if c.l().Renaming == e.Key {
		return "model-row renaming"
	}
	return "model-row"
}

func (c *ModelsPanel) renameLabel(e SavedModel) string { return "New name for " + e.Name }

func (c *ModelsPanel) importTFJS(ev vugu.DOMEvent) {
	c.l().importTFJS(sjs.Value(ev.JSEventTarget()))
}
