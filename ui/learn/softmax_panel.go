//go:build js && wasm

package learn

import (
	"strconv"
	sjs "syscall/js"

	"github.com/nnplay/nnplay/ui/draw"
	"github.com/vugu/vugu"
	"github.com/vugu/vugu/js"
)

// SoftmaxPanel is the softmax explorer: one example's logits taken through
// e^z, their sum and the probabilities, with a temperature, a constant
// added to every logit, and the cross-entropy and its gradient for the
// chosen true label. The state is Softmax (softmax.go); the table is drawn
// in Go (softmaxTable, softmax_table.go).
type SoftmaxPanel struct {
	P *Place

	index draw.IndexInput // the test image number field
	table softmaxTable
}

// watch follows the panel's element (made again each time the place is
// shown) in and out of view.
func (c *SoftmaxPanel) watch(v js.Value) {
	s := c.P.Softmax
	s.Watch(c.P.S.Env, sjs.Value(v), s.refresh)
}

// mount takes the table's host element, made again each time the place
// is shown, and builds the table in it.
func (c *SoftmaxPanel) mount(v js.Value) { c.table.mount(c.P, sjs.Value(v)) }

func (c *SoftmaxPanel) setSource(ev vugu.DOMEvent) {
	c.P.Softmax.SetSource(ev.PropString("target", "value"))
}

func (c *SoftmaxPanel) setLabel(ev vugu.DOMEvent) {
	if y, err := strconv.Atoi(ev.PropString("target", "value")); err == nil {
		c.P.Softmax.SetLabel(y)
	}
}

func (c *SoftmaxPanel) sourceIs(src string) bool { return c.P.Softmax.Source == src }
