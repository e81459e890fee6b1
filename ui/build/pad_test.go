package build

import (
	"testing"

	"github.com/nnplay/nnplay/wasm/protocol"
)

func TestStalePredictionsAreDropped(t *testing.T) {
	p := &Pad{}
	p.nextID = 3 // requests 1..3 sent
	p.SetPrediction(protocol.Prediction{ID: 2, Probs: make([]float32, 10)})
	if p.Probs == nil {
		t.Fatalf("a reply for the current drawing was dropped")
	}
	p.SetPrediction(protocol.Prediction{ID: 1, Probs: []float32{1, 0, 0, 0, 0, 0, 0, 0, 0, 0}})
	if p.Probs[0] == 1 {
		t.Errorf("an older reply replaced a newer one")
	}
	p.Clear()
	p.SetPrediction(protocol.Prediction{ID: 3, Probs: make([]float32, 10)})
	if p.Probs != nil {
		t.Errorf("a reply for a cleared drawing was shown")
	}
}
