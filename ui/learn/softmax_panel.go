//go:build js && wasm

package learn

import (
	"strconv"
	sjs "syscall/js"

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

	index indexInput // the test image number field
	table softmaxTable
}

// mount takes the table's host element, made again each time the place
// is shown: the table is rebuilt in it and its visibility watched.
func (c *SoftmaxPanel) mount(v js.Value) {
	host := sjs.Value(v)
	if !c.table.mount(c.P, host) {
		return
	}
	s := c.P.Softmax
	s.watch(c.P.S.Env, host, s.refresh)
}

func (c *SoftmaxPanel) setSource(ev vugu.DOMEvent) {
	c.P.Softmax.SetSource(ev.PropString("target", "value"))
}

func (c *SoftmaxPanel) setLabel(ev vugu.DOMEvent) {
	if y, err := strconv.Atoi(ev.PropString("target", "value")); err == nil {
		c.P.Softmax.SetLabel(y)
	}
}

func (c *SoftmaxPanel) sourceIs(src string) bool { return c.P.Softmax.Source == src }
