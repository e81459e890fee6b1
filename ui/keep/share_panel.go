//go:build js && wasm

package keep

import (
	sjs "syscall/js"

	"github.com/vugu/vugu"
	js "github.com/vugu/vugu/js"
)

// SharePanel shows the model's link, its length and what its precision
// costs in test accuracy, and downloads and uploads model files.
type SharePanel struct {
	P *Place
}

func (c *SharePanel) s() *Share { return c.P.Share }

func (c *SharePanel) setPrecision(ev vugu.DOMEvent) {
	c.s().SetPrecision(ev.PropString("target", "value"))
}

func (c *SharePanel) upload(ev vugu.DOMEvent) {
	c.s().readUpload(sjs.Value(ev.JSEventTarget()))
}

func (c *SharePanel) blocked() bool { return c.s().Blocked() != "" }

// mountLink fills a new link box (the place's DOM is made again each time
// it is shown): the link is written straight into it, not rendered.
func (c *SharePanel) mountLink(box js.Value) {
	sjs.Value(box).Set("value", c.s().URL())
}

func (c *SharePanel) makeLabel() string {
	if c.s().Pending {
		return "Making the link…"
	}
	return "Make link"
}
