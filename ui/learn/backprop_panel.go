//go:build js && wasm

package learn

import (
	"strconv"
	sjs "syscall/js"

	"github.com/vugu/vugu"
	"github.com/vugu/vugu/js"

	"github.com/nnplay/nnplay/ui/draw"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// BackpropPanel walks one example through the model a step at a time:
// forward layer by layer, the loss, backward layer by layer with each
// layer's chain rule, then the update, all from the worker's trace; and
// checks backprop's gradient against finite differences. The state is
// Backprop (backprop.go); the step's pictures are drawn in Go (stepView,
// step_view.go).
type BackpropPanel struct {
	P *Place

	index draw.IndexInput // the test image number field
	view  stepView
}

// watch follows the panel's element (made again each time the place is
// shown) in and out of view.
func (c *BackpropPanel) watch(v js.Value) {
	b := c.P.Backprop
	b.Watch(c.P.S.Env, sjs.Value(v), b.refresh)
}

// mount takes the view's host element, made again each time the place is
// shown, and draws the step in it.
func (c *BackpropPanel) mount(v js.Value) { c.view.mount(c.P, sjs.Value(v)) }

// crumbClass marks the current step in the track of steps.
func (c *BackpropPanel) crumbClass(i int, st Step) string {
	cls := "crumb " + string(st.Phase)
	if i == c.P.Backprop.At {
		cls += " current"
	}
	return cls
}

func (c *BackpropPanel) relText(r protocol.GradCheckResult) string {
	return strconv.FormatFloat(r.RelError, 'e', 2, 64)
}

func (c *BackpropPanel) gradText(v float64) string  { return draw.Num(v) }
func (c *BackpropPanel) exactText(v float64) string { return draw.Exact(v) }

func (c *BackpropPanel) setH(ev vugu.DOMEvent) { c.P.Backprop.SetH(ev.PropString("target", "value")) }
