package modelio

import (
	"slices"
	"testing"

	"github.com/nnplay/nnplay/engine/share"
	"github.com/nnplay/nnplay/engine/spec"
)

// TestRecurrentPayloadRoundTrip: trained LSTM, GRU (both reset_after
// forms) and SimpleRNN models go to a payload, a link and back with the
// same spec and bit-identical predictions.
func TestRecurrentPayloadRoundTrip(t *testing.T) {
	gru := spec.RowByRowGRU()
	gru.Layers[1].ResetAfter = spec.Bool(false)
	stacked := spec.RowByRowRNN()
	simple := spec.SimpleRNN(6, false)
	simple.UseBias = spec.Bool(false)
	stacked.Layers = []spec.Layer{spec.Reshape(28, 28), spec.LSTM(8, true), simple, spec.Dense(10, spec.ActSoftmax)}
	for _, s := range []spec.Model{spec.RowByRowRNN(), spec.RowByRowGRU(), gru, stacked} {
		m := trained(t, s)
		link, err := share.Encode(ToPayload(m, 1, 3), share.Options{Precision: share.Float32})
		if err != nil {
			t.Fatal(err)
		}
		p, err := share.Decode(link)
		if err != nil {
			t.Fatal(err)
		}
		back, err := FromPayload(p)
		if err != nil {
			t.Fatal(err)
		}
		if !specEqual(back.Spec(), m.Spec()) {
			t.Errorf("spec %+v, want %+v", back.Spec(), m.Spec())
		}
		x, _ := randomBatch(s.Input, 10, 2)
		if !slices.Equal(predict(back, x), predict(m, x)) {
			t.Errorf("%s: the rebuilt model predicts differently", s.Layers[1].Type)
		}
	}
}
