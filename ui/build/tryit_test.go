package build

import (
	"strings"
	"testing"

	"github.com/nnplay/nnplay/wasm/protocol"
)

// TestTryItTakesOnlyItsOwnError: a prediction waits through errors not
// its own; its own refusal is shown as the result, and so is the
// worker's death (no answer will come).
func TestTryItTakesOnlyItsOwnError(t *testing.T) {
	p, sent := readyPlace(t)
	try := p.Try
	try.send(protocol.PredictData{Row: []string{"40"}})
	r := last(t, sent).(protocol.PredictData)
	p.S.Handle(protocol.Error{Message: "the loss is NaN at epoch 1, batch 3: training paused"})
	p.S.Handle(protocol.Error{Message: "trace: index 10000 is past the test set", Request: "trace", ID: r.ID + 1000})
	if try.Err != "" {
		t.Errorf("errors not its own show as the prediction's: %q", try.Err)
	}
	const why = "predict_data: the row has no column \"bill\""
	p.S.Handle(protocol.Error{Message: why, Request: r.Type(), ID: r.ID})
	if try.ResultText() != why {
		t.Errorf("after its own refusal the result says %q; want %q", try.ResultText(), why)
	}

	try.send(protocol.PredictData{Row: []string{"40"}})
	p.S.WorkerDied("the worker's script failed")
	if !strings.Contains(try.ResultText(), "the worker's script failed") {
		t.Errorf("after the worker died the result says %q; want why", try.ResultText())
	}
}
