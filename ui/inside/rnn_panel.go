//go:build js && wasm

package inside

import (
	"strconv"
	sjs "syscall/js"

	"github.com/nnplay/nnplay/ui/draw"
	"github.com/vugu/vugu"
	"github.com/vugu/vugu/js"
)

// RnnPanel is "Read a digit row by row": a test image played through the
// model's first recurrent layer one step (one row) at a time, with the
// state it carries (and an LSTM's cell and gates, a GRU's gates) as
// heatmaps growing over the steps, and the prediction after each step.
// The state is RNN (rnn.go); the drawing rnnView (rnn_view.go).
type RnnPanel struct {
	P *Place

	index draw.IndexInput // the test image number field
	view  rnnView
}

// watch follows the panel's element (made again each time the place is
// shown) in and out of view.
func (c *RnnPanel) watch(v js.Value) {
	r := c.P.RNN
	r.Watch(c.P.S.Env, sjs.Value(v), r.refresh)
}

// mount takes the view's host element, made again each time the place is
// shown, and draws the reading in it.
func (c *RnnPanel) mount(v js.Value) {
	if c.view.mount(sjs.Value(v)) {
		c.draw()
	}
}

func (c *RnnPanel) draw() { c.view.draw(c.P.RNN) }

// setStep follows the slider (and stops playing).
func (c *RnnPanel) setStep(ev vugu.DOMEvent) {
	if i, err := strconv.Atoi(ev.PropString("target", "value")); err == nil {
		c.P.RNN.Pause()
		c.P.RNN.SetStep(i)
	}
}
