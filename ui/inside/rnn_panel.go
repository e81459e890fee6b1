//go:build js && wasm

package inside

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
// The state is RNN (rnn.go); the drawing rnnView (rnn_view.go).
type RnnPanel struct {
	P *Place

	index indexInput // the test image number field
	view  rnnView
}

// mount takes the view's host element, made again each time the place is
// shown: the reading is drawn in it and its visibility watched.
func (c *RnnPanel) mount(v js.Value) {
	host := sjs.Value(v)
	if !c.view.mount(host) {
		return
	}
	r := c.P.RNN
	r.watch(c.P.S.Env, host, r.refresh)
	c.draw()
}

func (c *RnnPanel) draw() { c.view.draw(c.P.RNN) }

// setStep follows the slider (and stops playing).
func (c *RnnPanel) setStep(ev vugu.DOMEvent) {
	if i, err := strconv.Atoi(ev.PropString("target", "value")); err == nil {
		c.P.RNN.Pause()
		c.P.RNN.SetStep(i)
	}
}
