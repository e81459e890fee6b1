package ui

import (
	"strconv"
	sjs "syscall/js"

	"github.com/vugu/vugu"
	"github.com/vugu/vugu/js"
)

// SoftmaxPanel is the softmax explorer: one example's logits taken through
// e^z, their sum and the probabilities, with a temperature, a constant
// added to every logit, and the cross-entropy and its gradient for the
// chosen true label. The table itself is drawn in Go (softmaxTable).
type SoftmaxPanel struct {
	App *App

	index indexInput // the test image number field

	table softmaxTable
}

func (c *SoftmaxPanel) sm() *SoftmaxState { return c.App.teach().Softmax }

func (c *SoftmaxPanel) mount(v js.Value) {
	host := sjs.Value(v)
	c.table.mount(c.App, host)
	c.sm().watch(c.App, host, c.sm().refresh)
}

func (c *SoftmaxPanel) setSource(ev vugu.DOMEvent) {
	c.sm().SetSource(ev.PropString("target", "value"))
}

func (c *SoftmaxPanel) setLabel(ev vugu.DOMEvent) {
	if y, err := strconv.Atoi(ev.PropString("target", "value")); err == nil {
		c.sm().SetLabel(y)
	}
}

// state is #softmax-panel's data-state: loading, error, ready or empty.
func (c *SoftmaxPanel) state() string {
	s := c.sm()
	switch {
	case s.Loading():
		return "loading"
	case s.Err != "":
		return "error"
	}
	if _, ok := s.View(); ok {
		return "ready"
	}
	return "empty"
}

func (c *SoftmaxPanel) sourceIs(src string) bool { return c.sm().Source == src }
