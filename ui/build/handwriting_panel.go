//go:build js && wasm

package build

import (
	"fmt"
	"strconv"

	"github.com/vugu/vugu"
)

// HandwritingPanel is "Teach it your handwriting", under the pad.
type HandwritingPanel struct {
	P *Place
}

func (c *HandwritingPanel) h() *Handwriting { return c.P.Hand }

func (c *HandwritingPanel) labelValue() string { return strconv.Itoa(c.h().Label) }

func (c *HandwritingPanel) setLabel(ev vugu.DOMEvent) {
	if k, err := strconv.Atoi(ev.PropString("target", "value")); err == nil && k >= 0 && k <= 9 {
		c.h().Label = k
	}
}

func (c *HandwritingPanel) setMix(ev vugu.DOMEvent) {
	c.h().Mix = ev.PropBool("target", "checked")
}

func (c *HandwritingPanel) url(i int) string { return c.h().Drawings[i].URL() }

func (c *HandwritingPanel) alt(d Example) string { return fmt.Sprintf("your %d", d.Label) }

func (c *HandwritingPanel) deleteLabel(d Example) string {
	return fmt.Sprintf("Delete this drawing of a %d", d.Label)
}

// afterAttr is the share of the drawings right after fine-tuning, for tests.
func (c *HandwritingPanel) afterAttr() string {
	if r := c.h().Result; r != nil {
		return strconv.FormatFloat(r.After, 'g', -1, 64)
	}
	return ""
}
