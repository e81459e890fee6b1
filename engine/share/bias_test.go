package share

import (
	"slices"
	"testing"

	"github.com/nnplay/nnplay/engine/spec"
)

// noBiasModel is LeNet with its second convolution (before a
// BatchNormalization) and its first Dense layer without a bias.
func noBiasModel() spec.Model {
	m := spec.LeNet()
	m.Layers[2] = spec.NoBias(m.Layers[2])
	m.Layers = slices.Insert(m.Layers, 3, spec.BatchNormalization())
	m.Layers[6] = spec.NoBias(m.Layers[6])
	return m
}

// TestNoBiasWeights: a Dense or Conv2D layer without use_bias lists its
// kernel alone, and a link carries the spec and every tensor back.
func TestNoBiasWeights(t *testing.T) {
	m := noBiasModel()
	ws, err := ExpectedWeights(m)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range ws {
		got = append(got, w.Name)
	}
	want := []string{"conv2d/kernel", "conv2d/bias", "conv2d_1/kernel",
		"batch_normalization/gamma", "batch_normalization/beta", "batch_normalization/moving_mean", "batch_normalization/moving_variance",
		"dense/kernel", "dense_1/kernel", "dense_1/bias", "dense_2/kernel", "dense_2/bias"}
	if !slices.Equal(got, want) {
		t.Errorf("weights:\n got %q\nwant %q", got, want)
	}
	weights := randomWeights(t, m, 5)
	for _, opt := range []Options{{Precision: Float32}, {Precision: Int8, PerChannel: true}} {
		back, _ := roundTrip(t, Payload{Spec: m, Weights: weights}, opt)
		if back.Spec.Layers[2].HasBias() || back.Spec.Layers[6].HasBias() || !back.Spec.Layers[0].HasBias() {
			t.Errorf("%+v: use_bias came back wrong: %+v", opt, back.Spec.Layers)
		}
		if len(back.Weights) != len(weights) {
			t.Fatalf("%d tensors back, want %d", len(back.Weights), len(weights))
		}
		for i, w := range weights {
			checkTensor(t, opt, w, back.Weights[i])
		}
	}
	// A payload holding a bias the spec does not have is refused.
	withWeights := randomWeights(t, spec.LeNet(), 5)
	if _, err := Encode(Payload{Spec: noBiasModel(), Weights: withWeights}, Options{}); err == nil {
		t.Error("weights with biases encoded for a spec without them")
	}
}
