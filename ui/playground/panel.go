//go:build js && wasm

package playground

import (
	"strconv"
	sjs "syscall/js"

	"github.com/vugu/vugu"
	"github.com/vugu/vugu/js"
)

// Panel is the 2-D playground's panel: data, features, the network with
// its controls, the decision regions and the loss curves. The place's
// DOM is built anew each time it is shown; the canvases move into the
// new hosts and are redrawn from the place's state.
type Panel struct {
	P *Place
}

func (c *Panel) p() *Place { return c.P }

// view is the place's canvases.
func (c *Panel) view() *view { return c.P.view }

func (c *Panel) mountPlot(v js.Value) {
	c.view().mountPlot(c.P, sjs.Value(v))
	c.P.redrawStatic()
}

func (c *Panel) mountNet(v js.Value) {
	c.view().net.mount(c.P, sjs.Value(v))
	c.P.redrawStatic()
}

func (c *Panel) mountChart(v js.Value) {
	ch := &c.view().chart
	ch.Title = "loss"
	ch.Mount(sjs.Value(v), "Training and test loss")
	c.P.redrawStatic()
}

// Event helpers: the new value of the control that fired.
func targetValue(ev vugu.DOMEvent) string { return ev.PropString("target", "value") }
func targetChecked(ev vugu.DOMEvent) bool { return ev.PropBool("target", "checked") }

func (c *Panel) pressed(d string) string { return strconv.FormatBool(c.p().Config.Dataset == d) }

func (c *Panel) itoa(n int) string { return strconv.Itoa(n) }

func (c *Panel) seedText() string { return strconv.FormatInt(c.p().Config.Seed, 10) }
