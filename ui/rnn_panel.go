package ui

import (
	"strconv"
	sjs "syscall/js"

	"github.com/vugu/vugu"
	"github.com/vugu/vugu/js"
)

// RnnPanel is "Read a digit row by row": a test image played through the
// model's first recurrent layer one step (one row) at a time, with the
// state it carries (and an LSTM's cell and gates, a GRU's gates) as
// heatmaps growing over the steps, and the prediction after each step.
// The state is RNNState (rnn.go); the drawing rnnView (rnn_view.go).
type RnnPanel struct {
	App *App

	index indexInput // the test image number field
	view  rnnView
}

func (c *RnnPanel) r() *RNNState { return c.App.teach().rnn() }

func (c *RnnPanel) mount(v js.Value) {
	host := sjs.Value(v)
	c.view.mount(host)
	c.r().watch(c.App, host, c.r().refresh)
}

func (c *RnnPanel) draw() { c.view.draw(c.r()) }

// setStep follows the slider (and stops playing).
func (c *RnnPanel) setStep(ev vugu.DOMEvent) {
	if i, err := strconv.Atoi(ev.PropString("target", "value")); err == nil {
		c.r().pause()
		c.r().SetStep(i)
	}
}

// state is #rnn-panel's data-state: hint (no recurrent layer), loading,
// error, ready or empty.
func (c *RnnPanel) state() string {
	s := c.r()
	switch {
	case !s.Recurrent():
		return "hint"
	case s.Loading():
		return "loading"
	case s.Err != "":
		return "error"
	case s.Trace != nil:
		return "ready"
	}
	return "empty"
}

// lastStep is the slider's maximum.
func (c *RnnPanel) lastStep() int { return max(0, c.r().Steps()-1) }
