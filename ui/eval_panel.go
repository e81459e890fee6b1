package ui

import (
	sjs "syscall/js"

	"github.com/vugu/vugu/js"
)

// EvalPanel shows the model's metrics on the test set: accuracy, the
// confusion matrix with per-class precision and recall, and the digits it
// got wrong.
type EvalPanel struct {
	App *App

	strip MisclassifiedStrip
}

func (c *EvalPanel) mountStrip(v js.Value) { c.strip.Mount(sjs.Value(v)) }

func (c *EvalPanel) canEvaluate() bool {
	return c.App.Worker == WorkerReady && c.App.Training != ""
}
