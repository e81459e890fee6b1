package spec

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
)

// biasModel is LeNet with its second convolution and first Dense layer
// without a bias, the convolution followed by BatchNormalization, whose β
// does the bias's work (how Keras models drop it).
func biasModel() Model {
	m := LeNet()
	m.Layers[2] = NoBias(m.Layers[2])
	m.Layers = append(m.Layers[:3], append([]Layer{BatchNormalization()}, m.Layers[3:]...)...)
	m.Layers[6] = NoBias(m.Layers[6])
	return m
}

// TestInferWithoutBias: use_bias false takes the bias out of the weight
// counts, Keras' numbers: Conv2D 16@5×5 over 6 channels 2,400 (not
// 2,416), Dense 400 → 120 48,000 (not 48,120); unset means a bias.
func TestInferWithoutBias(t *testing.T) {
	infos, err := biasModel().Infer()
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]int{0: 156, 2: 2400, 3: 64, 6: 48000, 7: 10164, 8: 850}
	for i, n := range want {
		if infos[i].Params != n {
			t.Errorf("layer %d (%s): %d weights, want %d", i+1, infos[i].Type, infos[i].Params, n)
		}
	}
	base, err := LeNet().Infer()
	if err != nil {
		t.Fatal(err)
	}
	if base[2].Params != 2416 || base[5].Params != 48120 {
		t.Errorf("LeNet with bias: %d and %d weights, want 2416 and 48120", base[2].Params, base[5].Params)
	}
	// The memory estimate holds 16 + 120 fewer weights, each with its
	// gradient, undo copy and Adam's two moments (5 floats); the largest
	// kernel (Dense 400 → 120, 48,000) is the same.
	with := biasModel()
	with.Layers[2].UseBias, with.Layers[6].UseBias = nil, nil
	a, err := MemoryEstimate(with)
	if err != nil {
		t.Fatal(err)
	}
	b, err := MemoryEstimate(biasModel())
	if err != nil {
		t.Fatal(err)
	}
	if d := a.Weights - b.Weights; d != 4*5*(16+120) {
		t.Errorf("without the biases the weights take %d bytes less, want %d", d, 4*5*(16+120))
	}
}

// TestUseBiasJSON: use_bias round-trips for Dense and Conv2D, and a spec
// that never set it encodes exactly as before (no use_bias key).
func TestUseBiasJSON(t *testing.T) {
	m := biasModel()
	data, err := Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(data, []byte(`"use_bias": false`)); n != 2 {
		t.Errorf("encoded %d use_bias false, want 2:\n%s", n, data)
	}
	got, err := Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, m) {
		t.Errorf("round trip changed the layers:\n got %+v\nwant %+v", got.Layers, m.Layers)
	}
	if got.Layers[2].HasBias() || got.Layers[6].HasBias() || !got.Layers[0].HasBias() {
		t.Error("use_bias read back wrong")
	}
	for _, p := range []Model{Seed(), LeNet(), SmallCNN()} {
		data, err := Encode(p)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(data, []byte("use_bias")) {
			t.Errorf("a preset encodes use_bias:\n%s", data)
		}
	}
	dense, err := Decode([]byte(`{"layers": [{"type": "Dense", "units": 3, "use_bias": false}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if want := NoBias(Layer{Type: TypeDense, Units: 3}); !reflect.DeepEqual(dense.Layers[0], want) {
		t.Errorf("decoded %+v, want %+v", dense.Layers[0], want)
	}
}

// TestUseBiasOnOtherLayers: use_bias false on a layer without a bias is
// an error that names the field; true is what every layer has anyway.
func TestUseBiasOnOtherLayers(t *testing.T) {
	m := LeNet()
	m.Layers[1] = NoBias(m.Layers[1])
	err := m.Validate()
	var e *Error
	if !errors.As(err, &e) || e.Layer != 2 || e.Field != FieldUseBias {
		t.Fatalf("got %v, want an error on layer 2's use_bias", err)
	}
	if want := "layer 2 (MaxPool2D): use_bias applies to Dense, Conv2D, SimpleRNN, LSTM and GRU; a MaxPool2D has no bias: remove use_bias"; err.Error() != want {
		t.Errorf("got  %q\nwant %q", err, want)
	}
	m.Layers[1].UseBias = Bool(true)
	if err := m.Validate(); err != nil {
		t.Errorf("use_bias true on a pool: %v", err)
	}
}
