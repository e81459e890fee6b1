//go:build js && wasm

package keep

import (
	sjs "syscall/js"

	"github.com/vugu/vugu"
)

// ModelsPanel is "My models": the models saved in this browser, the
// TensorFlow.js export and import, and the PyTorch project, ONNX and
// Import weights.
type ModelsPanel struct {
	P *Place
}

func (c *ModelsPanel) setSaveName(ev vugu.DOMEvent) {
	c.P.Library.SaveName = ev.PropString("target", "value")
}

func (c *ModelsPanel) saveKey(ev vugu.DOMEvent) {
	if ev.PropString("key") == "Enter" {
		c.P.Library.SaveAs()
	}
}

func (c *ModelsPanel) setRenameText(ev vugu.DOMEvent) {
	c.P.Library.RenameText = ev.PropString("target", "value")
}

func (c *ModelsPanel) renameKey(ev vugu.DOMEvent) {
	switch ev.PropString("key") {
	case "Enter":
		c.P.Library.CommitRename()
	case "Escape":
		c.P.Library.CancelRename()
	}
}

func (c *ModelsPanel) rowClass(e SavedModel) string {
	if c.P.Library.Renaming == e.Key {
		return "model-row renaming"
	}
	return "model-row"
}

func (c *ModelsPanel) renameLabel(e SavedModel) string { return "New name for " + e.Name }

func (c *ModelsPanel) importTFJS(ev vugu.DOMEvent) {
	c.P.Library.readTFJS(sjs.Value(ev.JSEventTarget()))
}

func (c *ModelsPanel) importWeights(ev vugu.DOMEvent) {
	c.P.Frameworks.readWeights(sjs.Value(ev.JSEventTarget()))
}

// startRename opens an entry's name box and focuses it once drawn.
func (c *ModelsPanel) startRename(key string) {
	c.P.Library.StartRename(key)
	if c.P.Library.Renaming == key {
		focusSoon(".model-row.renaming .model-rename-input")
	}
}
