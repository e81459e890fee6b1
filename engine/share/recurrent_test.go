package share

import (
	"slices"
	"testing"

	"github.com/nnplay/nnplay/engine/spec"
)

// rnnStack uses every recurrent layer and weight layout: an LSTM and a
// GRU (reset_after, two bias rows) returning sequences, a GRU without
// reset_after and a SimpleRNN without bias.
func rnnStack() spec.Model {
	m := spec.RowByRowRNN()
	gru := spec.GRU(6, true)
	gru.ResetAfter = spec.Bool(false)
	simple := spec.SimpleRNN(5, false)
	simple.UseBias = spec.Bool(false)
	m.Layers = []spec.Layer{spec.Reshape(28, 28), spec.LSTM(8, true), spec.GRU(7, true), gru, simple, spec.Dense(10, spec.ActSoftmax)}
	return m
}

// TestRecurrentWeights: ExpectedWeights lists the recurrent layers'
// weights in Keras' order, names and shapes.
func TestRecurrentWeights(t *testing.T) {
	ws, err := ExpectedWeights(rnnStack())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range ws {
		got = append(got, w.Name+" "+spec.Shape(w.Shape)[len("(None"):])
	}
	want := []string{
		"lstm/kernel , 28, 32)", "lstm/recurrent_kernel , 8, 32)", "lstm/bias , 32)",
		"gru/kernel , 8, 21)", "gru/recurrent_kernel , 7, 21)", "gru/bias , 2, 21)",
		"gru_1/kernel , 7, 18)", "gru_1/recurrent_kernel , 6, 18)", "gru_1/bias , 18)",
		"simple_rnn/kernel , 6, 5)", "simple_rnn/recurrent_kernel , 5, 5)",
		"dense/kernel , 5, 10)", "dense/bias , 10)",
	}
	if !slices.Equal(got, want) {
		t.Errorf("weights:\n got %q\nwant %q", got, want)
	}
}

// TestRecurrentLinks: the row-by-row presets' recipe links stay short
// (their specs are not in the preset dictionary, so they compress less
// than LeNet's), and a link with weights round-trips every recurrent
// tensor.
func TestRecurrentLinks(t *testing.T) {
	for _, m := range []spec.Model{spec.RowByRowRNN(), spec.RowByRowGRU()} {
		_, link := roundTrip(t, Payload{Spec: m, Epochs: 3, Steps: 2814}, Options{})
		t.Logf("%s recipe link: %d characters", m.Layers[1].Type, len(link))
		if len(link) > 300 {
			t.Errorf("%s recipe link of %d characters, want at most 300", m.Layers[1].Type, len(link))
		}
	}
	m := rnnStack()
	weights := randomWeights(t, m, 4)
	for _, opt := range []Options{{Precision: Float32}, {Precision: Int8, PerChannel: true}} {
		got, _ := roundTrip(t, Payload{Spec: m, Weights: weights}, opt)
		if len(got.Weights) != len(weights) {
			t.Fatalf("%d tensors back, want %d", len(got.Weights), len(weights))
		}
		for i, w := range weights {
			checkTensor(t, opt, w, got.Weights[i])
		}
	}
}
