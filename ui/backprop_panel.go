package ui

import (
	"strconv"
	sjs "syscall/js"

	"github.com/vugu/vugu"
	"github.com/vugu/vugu/js"

	"github.com/nnplay/nnplay/wasm/protocol"
)

// BackpropPanel walks one example through the model a step at a time:
// forward layer by layer, the loss, backward layer by layer with each
// layer's chain rule, then the update, all from the worker's trace; and
// checks backprop's gradient against finite differences.
type BackpropPanel struct {
	App *App

	index indexInput // the test image number field

	view bpView
}

func (c *BackpropPanel) bp() *BackpropState { return c.App.teach().Backprop }

func (c *BackpropPanel) mount(v js.Value) {
	host := sjs.Value(v)
	c.view.mount(c.App, host)
	c.bp().watch(c.App, host, c.bp().refresh)
}

// crumbClass marks the current step in the track of steps.
func (c *BackpropPanel) crumbClass(i int, st bpStep) string {
	cls := "crumb " + st.Phase
	if i == c.bp().Step {
		cls += " current"
	}
	return cls
}

func (c *BackpropPanel) crumbText(st bpStep) string {
	switch st.Phase {
	case "forward":
		return "F" + strconv.Itoa(st.Layer+1)
	case "backward":
		return "B" + strconv.Itoa(st.Layer+1)
	case "update":
		return "U" + strconv.Itoa(st.Layer+1)
	}
	return "L"
}

func (c *BackpropPanel) crumbTitle(st bpStep) string { return c.bp().stepText(st) }

func (c *BackpropPanel) state() string {
	switch {
	case c.bp().Loading():
		return "loading"
	case c.bp().Trace != nil:
		return "ready"
	}
	return "empty"
}

func (c *BackpropPanel) checkState() string {
	if c.bp().checkWant != 0 {
		return "checking"
	}
	if c.bp().Check != nil {
		return "done"
	}
	return "none"
}

func (c *BackpropPanel) relText(r protocol.GradCheckResult) string {
	return strconv.FormatFloat(r.RelError, 'e', 2, 64)
}

func (c *BackpropPanel) gradText(v float64) string  { return fmtNum(v) }
func (c *BackpropPanel) exactText(v float64) string { return fmtExact(v) }

func (c *BackpropPanel) setH(ev vugu.DOMEvent) { c.bp().HChoice = ev.PropString("target", "value") }

func (c *BackpropPanel) hSelected(h string) bool {
	cur := c.bp().HChoice
	if cur == "" {
		cur = "auto"
	}
	return h == cur
}
