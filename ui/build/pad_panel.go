//go:build js && wasm

package build

import (
	"fmt"
	sjs "syscall/js"

	"github.com/nnplay/nnplay/ui/session"
	"github.com/vugu/vugu/js"
)

// PadPanel is "Try it": a drawing pad, the 28×28 input made from the
// drawing, and live probability bars for the digits 0–9.
type PadPanel struct {
	P *Place
}

func (c *PadPanel) mountPad(v js.Value)     { c.P.Pad.Mount(sjs.Value(v)) }
func (c *PadPanel) mountPreview(v js.Value) { c.P.Pad.MountPreview(sjs.Value(v)) }

func (c *PadPanel) probClass(k int) string {
	if k == c.P.Pad.Top {
		return "prob top"
	}
	return "prob"
}

func (c *PadPanel) probLabel(k int) string { return fmt.Sprintf("probability of %d", k) }

func (c *PadPanel) waitingText() string {
	switch {
	case c.P.S.Worker != session.WorkerReady || c.P.S.Training == "":
		return "Probabilities appear here once the model is ready."
	case c.P.Pad.Waiting():
		return "Thinking…"
	}
	return "Draw a digit to see what the model thinks."
}
