package ui

import (
	"fmt"
	sjs "syscall/js"

	"github.com/vugu/vugu/js"
)

// PadPanel is "Try it": a drawing pad, the 28×28 input made from the
// drawing, and live probability bars for the digits 0–9.
type PadPanel struct {
	App *App
}

func (c *PadPanel) mountPad(v js.Value)     { c.App.Pad.Mount(c.App, c.App.Env, sjs.Value(v)) }
func (c *PadPanel) mountPreview(v js.Value) { c.App.Pad.MountPreview(sjs.Value(v)) }

func (c *PadPanel) probClass(k int) string {
	if k == c.App.Pad.Top {
		return "prob top"
	}
	return "prob"
}

func (c *PadPanel) probLabel(k int) string { return fmt.Sprintf("probability of %d", k) }

func (c *PadPanel) waitingText() string {
	switch {
	case c.App.Worker != WorkerReady || c.App.Training == "":
		return "Probabilities appear here once the model is ready."
	case c.App.Pad.Waiting():
		return "Thinking…"
	}
	return "Draw a digit to see what the model thinks."
}
