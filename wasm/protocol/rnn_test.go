package protocol

import (
	"math"
	"reflect"
	"strings"
	"testing"
)

// rnnTrace is a valid two-step LSTM trace with 2 units.
func rnnTrace() RNNTrace {
	step := func(row int) RNNStep {
		return RNNStep{RowFrom: row, RowTo: row, H: []float32{0.1, -0.2}, C: []float32{0.3, 0.4},
			Gates: [][]float32{{0.5, 0.5}, {0.9, 0.8}, {-0.1, 0.2}, {0.6, 0.7}}, Probs: []float32{0.25, 0.75}}
	}
	return RNNTrace{ID: 3, Label: 1, Input: []float32{0, 1}, Layer: 1, Name: "lstm_1", LayerType: "LSTM", Units: 2,
		Gates: []string{"i", "f", "g", "o"}, Steps: []RNNStep{step(0), step(1)}}
}

// TestRNNTraceRoundTrip: request and answer survive Encode and Decode.
func TestRNNTraceRoundTrip(t *testing.T) {
	label := 4
	for _, m := range []Message{
		RNNTraceRequest{ID: 7, Example: Example{Source: SourceTest, Index: 12}},
		RNNTraceRequest{ID: 8, Example: Example{Source: SourceInput, Input: make([]float32, ImageSize), Label: &label}},
	} {
		s, err := Encode(m)
		if err != nil {
			t.Fatal(err)
		}
		got, err := DecodeRequest(s)
		if err != nil || !reflect.DeepEqual(got, m) {
			t.Errorf("request %s came back as %#v, %v", s, got, err)
		}
	}
	s, err := Encode(rnnTrace())
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeEvent(s)
	if err != nil || !reflect.DeepEqual(got, rnnTrace()) {
		t.Errorf("event came back as %#v, %v", got, err)
	}
}

// TestRNNTraceRejects: malformed requests and answers are refused with a
// message that says what is wrong.
func TestRNNTraceRejects(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`{"type":"rnn_trace","data":{"id":1,"source":"disk"}}`, `unknown source "disk"`},
		{`{"type":"rnn_trace","data":{"id":1,"source":"test","index":-3}}`, "index is -3"},
		{`{"type":"rnn_trace","data":{"id":1,"source":"input","input":[0.5]}}`, "label is missing"},
		{`{"type":"rnn_trace","data":{"id":1,"source":"test","steps":[]}}`, `unknown field "steps"`},
	} {
		_, err := DecodeRequest(c.in)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("DecodeRequest(%s): %v; want %q", c.in, err, c.want)
		}
	}
	for _, c := range []struct {
		edit func(m *RNNTrace)
		want string
	}{
		{func(m *RNNTrace) { m.Steps = nil }, "0 steps; want 1 to 784"},
		{func(m *RNNTrace) { m.Units = 0 }, "layer 1 with 0 units"},
		{func(m *RNNTrace) { m.Steps[1].H = m.Steps[1].H[:1] }, "step 1: h has 1 values and c 2; want 2 (the units)"},
		{func(m *RNNTrace) { m.Steps[0].Gates = m.Steps[0].Gates[:2] }, "step 0: 2 gates; want 4 ([i f g o])"},
		{func(m *RNNTrace) { m.Steps[0].Gates[3] = []float32{1} }, "step 0: gate o has 1 values; want 2"},
		{func(m *RNNTrace) { m.Steps[1].RowFrom, m.Steps[1].RowTo = 5, 4 }, "step 1 reads rows 5 to 4"},
		{func(m *RNNTrace) { m.Steps[1].Probs = nil }, "step 1: probs is empty"},
		{func(m *RNNTrace) { m.Steps[0].C[1] = float32(math.NaN()) }, "step 0 value 1 is NaN; it must be finite"},
	} {
		m := rnnTrace()
		c.edit(&m)
		_, err := Encode(m)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Encode: %v; want %q", err, c.want)
		}
	}
	// The same rules hold for what the page decodes.
	bad := `{"type":"rnn_trace","data":{"id":1,"label":0,"input":[],"layer":0,"name":"gru_1","layer_type":"GRU","units":1,"steps":[{"row_from":0,"row_to":0,"h":[0.5,0.5],"probs":[1]}]}}`
	if _, err := DecodeEvent(bad); err == nil || !strings.Contains(err.Error(), "step 0: h has 2 values") {
		t.Errorf("DecodeEvent of a bad trace: %v", err)
	}
}

// The codec tests round-trip one message of every type.
func init() {
	allRequests = append(allRequests, RNNTraceRequest{ID: 5, Example: Example{Source: SourceTest, Index: 3}})
	allEvents = append(allEvents, rnnTrace())
}
