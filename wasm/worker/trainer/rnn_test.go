package trainer

import (
	"math"
	"reflect"
	"testing"

	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// TestRNNTrace: after a few training steps of the LSTM preset, the trace
// of a test image has 28 steps reading rows 0 to 27, an LSTM's state and
// gates at each, probabilities summing to 1 after each step, and after
// the last step exactly the prediction for the image.
func TestRNNTrace(t *testing.T) {
	train, test := mnist(t)
	h := newHarness(t, nil).withData(train.Slice(0, 640), test.Slice(0, 100)).run()
	s := spec.RowByRowRNN()
	s.Epochs = 1
	h.send(protocol.Build{Spec: s}, protocol.Step{}, protocol.Step{})
	size := test.Size()
	img := append([]float32(nil), test.X[5*size:6*size]...)
	h.send(protocol.Predict{ID: 2, Image: img}, protocol.RNNTraceRequest{ID: 3, Example: protocol.Example{Source: protocol.SourceTest, Index: 5}})
	pred := h.await("prediction", isType("prediction")).(protocol.Prediction)
	tr := h.await("rnn_trace", isType("rnn_trace")).(protocol.RNNTrace)
	if tr.ID != 3 || tr.Label != test.Labels[5] || tr.Layer != 1 || tr.Name != "lstm" || tr.LayerType != spec.TypeLSTM || tr.Units != 64 ||
		!reflect.DeepEqual(tr.Gates, []string{"i", "f", "g", "o"}) || !reflect.DeepEqual(tr.Input, img) {
		t.Fatalf("trace %d of label %d: layer %d %s (%s), %d units, gates %v", tr.ID, tr.Label, tr.Layer, tr.Name, tr.LayerType, tr.Units, tr.Gates)
	}
	if len(tr.Steps) != 28 {
		t.Fatalf("%d steps, want 28", len(tr.Steps))
	}
	for i, st := range tr.Steps {
		sum := 0.0
		for _, p := range st.Probs {
			sum += float64(p)
		}
		if st.RowFrom != i || st.RowTo != i || len(st.C) != 64 || len(st.Gates) != 4 || math.Abs(sum-1) > 1e-5 {
			t.Errorf("step %d: rows %d–%d, %d cell values, %d gates, probabilities sum to %v", i, st.RowFrom, st.RowTo, len(st.C), len(st.Gates), sum)
		}
	}
	if last := tr.Steps[27].Probs; !reflect.DeepEqual(last, pred.Probs) {
		t.Errorf("after the last row %v; the prediction is %v", last, pred.Probs)
	}
	// A drawn digit (source input) and a model without a recurrent layer.
	label := 7
	h.send(protocol.RNNTraceRequest{ID: 4, Example: protocol.Example{Source: protocol.SourceInput, Input: img, Label: &label}})
	if got := h.await("rnn_trace", isType("rnn_trace")).(protocol.RNNTrace); got.ID != 4 || got.Label != 7 || !reflect.DeepEqual(got.Steps[27].Probs, pred.Probs) {
		t.Errorf("trace of the drawn digit: id %d label %d", got.ID, got.Label)
	}
	h.send(protocol.Build{Spec: seed1()}, protocol.RNNTraceRequest{ID: 5, Example: protocol.Example{Source: protocol.SourceTest}})
	h.await("error", isError("recurrent trace: the model has no recurrent layer (SimpleRNN, LSTM or GRU); choose a recurrent preset, or add an LSTM, GRU or SimpleRNN layer after a Reshape(28, 28)"))
}
