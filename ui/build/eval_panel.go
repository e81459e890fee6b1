//go:build js && wasm

package build

import (
	sjs "syscall/js"

	"github.com/nnplay/nnplay/ui/session"
	"github.com/vugu/vugu/js"
)

// EvalPanel shows the model's metrics on the test set: accuracy, the
// confusion matrix with per-class precision and recall, and the digits it
// got wrong.
type EvalPanel struct {
	P *Place

	table ConfusionTable
	strip MisclassifiedStrip
}

func (c *EvalPanel) mountTable(v js.Value) { c.table.Mount(sjs.Value(v)) }
func (c *EvalPanel) mountStrip(v js.Value) { c.strip.Mount(sjs.Value(v)) }

func (c *EvalPanel) canEvaluate() bool {
	return c.P.S.Worker == session.WorkerReady && c.P.S.Training != ""
}

func (c *EvalPanel) results() Results {
	r := Results{Eval: c.P.S.Eval}
	if d := c.P.S.Model.Data(); d != nil {
		r.Names = d.Classes
	}
	return r
}

func (c *EvalPanel) testHint() string { return c.P.testHint() }
