package ui

import (
	sjs "syscall/js"

	"github.com/vugu/vugu"
)

// SharePanel shows the model's link, its length and what its precision
// costs in test accuracy, and downloads and uploads model files.
type SharePanel struct {
	App *App
}

func (c *SharePanel) s() *ShareState { return c.App.share() }

func (c *SharePanel) setPrecision(ev vugu.DOMEvent) {
	c.s().SetPrecision(ev.PropString("target", "value"))
}

func (c *SharePanel) upload(ev vugu.DOMEvent) {
	c.s().readUpload(sjs.Value(ev.JSEventTarget()))
}

func (c *SharePanel) blocked() bool {
	return c.App.Worker != WorkerReady || c.App.Training == ""
}

func (c *SharePanel) makeLabel() string {
	if c.s().Pending {
		return "Making the link…"
	}
	return "Make link"
}
