package spec

import (
	"bytes"
	"errors"
	"math"
	"reflect"
	"testing"
)

// optimizers sets every field each optimizer uses, and some it doesn't.
func optimizers() []Optimizer {
	return []Optimizer{
		{Name: OptSGD, LearningRate: 0.1, Momentum: 0.9, Nesterov: true, WeightDecay: 5e-4},
		{Name: OptAdam, LearningRate: 0.001, Beta1: 0.85, Beta2: 0.995, Epsilon: 1e-8, WeightDecay: 1e-5},
		{Name: OptRMSProp, LearningRate: 0.002, Rho: 0.95, Epsilon: 1e-6, Momentum: 0.3},
		{Name: OptAdagrad, LearningRate: 0.05, Epsilon: 1e-7},
	}
}

// TestRoundTrip encodes models with every layer type and every optimizer
// and checks Decode gives each back unchanged.
func TestRoundTrip(t *testing.T) {
	var models []Model
	for _, o := range optimizers() {
		m := Seed()
		m.Input = []int{28, 28, 1}
		m.Layers = everyLayer()
		m.Optimizer = o
		m.Seed = -1 << 62
		m.ValidationSplit = 0.125
		models = append(models, m)
	}
	logits := toy()
	logits.FromLogits = true
	logits.Loss = LossCategoricalCrossentropy
	logits.Layers[1].Activation = ActLinear
	models = append(models, Seed(), toy(), logits, LeNet(), SmallCNN(), imageModel())
	for i, m := range models {
		if err := m.Validate(); err != nil {
			t.Fatalf("model %d does not validate: %v", i, err)
		}
		data, err := Encode(m)
		if err != nil {
			t.Fatalf("model %d: Encode: %v", i, err)
		}
		got, err := Decode(data)
		if err != nil {
			t.Fatalf("model %d: Decode: %v\n%s", i, err, data)
		}
		if !reflect.DeepEqual(got, m) {
			t.Errorf("model %d: round trip changed it:\n got %+v\nwant %+v", i, got, m)
		}
	}
}

// TestDecodeNames pins the JSON field names: a hand-written document with
// every field reads into the expected model.
func TestDecodeNames(t *testing.T) {
	doc := `{"input": [28, 28, 1],
	 "layers": [
	  {"type": "Flatten"},
	  {"type": "Dense", "units": 10, "activation": "leaky_relu", "kernel_initializer": "he_normal", "alpha": 0.01, "frozen": true},
	  {"type": "LeakyReLU", "alpha": 0.2},
	  {"type": "Dropout", "rate": 0.5}],
	 "optimizer": {"name": "sgd", "learning_rate": 0.1, "momentum": 0.9, "nesterov": true,
	  "beta_1": 0.8, "beta_2": 0.7, "epsilon": 1e-8, "rho": 0.5, "weight_decay": 0.001},
	 "loss": "categorical_crossentropy", "from_logits": true, "batch_size": 16, "epochs": 3,
	 "seed": -5, "dataset": "mnist", "validation_split": 0.1}
	`
	want := Model{
		Input: []int{28, 28, 1},
		Layers: []Layer{
			{Type: TypeFlatten},
			{Type: TypeDense, Units: 10, Activation: ActLeakyReLU, KernelInitializer: InitHeNormal, Alpha: 0.01, Frozen: true},
			{Type: TypeLeakyReLU, Alpha: 0.2},
			{Type: TypeDropout, Rate: 0.5},
		},
		Optimizer: Optimizer{Name: OptSGD, LearningRate: 0.1, Momentum: 0.9, Nesterov: true,
			Beta1: 0.8, Beta2: 0.7, Epsilon: 1e-8, Rho: 0.5, WeightDecay: 0.001},
		Loss: LossCategoricalCrossentropy, FromLogits: true, BatchSize: 16, Epochs: 3,
		Seed: -5, Dataset: DatasetMNIST, ValidationSplit: 0.1,
	}
	got, err := Decode([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Decode =\n%+v\nwant\n%+v", got, want)
	}
}

func TestDecodeRejects(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", "model JSON is empty"},
		{" \n\t", "model JSON is empty"},
		{"null", "model JSON must be an object {...}, got null"},
		{"[1]", "model JSON must be an object {...}, got a list"},
		{`"mnist"`, "model JSON must be an object {...}, got a string"},
		{"42", "model JSON must be an object {...}, got a number"},
		{"true", "model JSON must be an object {...}, got true or false"},
		{"<html>", `model JSON must be an object {...}, got "<html>"`},
		{`{"input": [1,]}`, "model JSON: invalid character ']' looking for beginning of value at byte 14"},
		{`{"input": [784`, "model JSON ends too early; a bracket, brace or quote is not closed"},
		{`{"inputs": [784]}`, `model JSON: unknown field "inputs"`},
		{`{"layers": [{"type": "Dense", "unit": 10}]}`, `model JSON: unknown field "unit"`},
		{`{"optimizer": {"name": "adam", "lr": 0.1}}`, `model JSON: unknown field "lr"`},
		{`{"layers": [{"units": "10"}]}`, "model JSON: layers.units must be a whole number, got a string"},
		{`{"layers": [{"units": 1.5}]}`, "model JSON: layers.units must be a whole number, got 1.5"},
		{`{"input": {"w": 28}}`, "model JSON: input must be a list, got an object"},
		{`{"layers": {}}`, "model JSON: layers must be a list, got an object"},
		{`{"optimizer": "adam"}`, "model JSON: optimizer must be an object, got a string"},
		{`{"from_logits": 1}`, "model JSON: from_logits must be true or false, got a number"},
		{`{"validation_split": "0.1"}`, "model JSON: validation_split must be a number, got a string"},
		{`{"loss": ["mse"]}`, "model JSON: loss must be a string, got a list"},
		{`{"epochs": true}`, "model JSON: epochs must be a whole number, got true or false"},
		{`{"layers": [{"alpha": 1e400}]}`, "model JSON: layers.alpha: 1e400 is too large a number"},
		{`{"seed": 1e30}`, "model JSON: seed must be a whole number, got 1e30"},
		{`{} {}`, "model JSON: unexpected data after the model at byte 3"},
		{"{}\n]", "model JSON: unexpected data after the model at byte 3"},
	}
	for _, c := range cases {
		m, err := Decode([]byte(c.in))
		if err == nil {
			t.Errorf("Decode(%q) = %+v, want error %q", c.in, m, c.want)
			continue
		}
		if err.Error() != c.want {
			t.Errorf("Decode(%q) error\n got %q\nwant %q", c.in, err, c.want)
		}
		var se *Error
		if !errors.As(err, &se) {
			t.Errorf("Decode(%q) error is %T, want *spec.Error", c.in, err)
		}
	}
}

func TestDecodeAllowsSurroundingSpace(t *testing.T) {
	data, err := Encode(Seed())
	if err != nil {
		t.Fatal(err)
	}
	m, err := Decode(append(append([]byte("\n  "), data...), "\r\n\t "...))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(m, Seed()) {
		t.Fatalf("got %+v", m)
	}
}

func TestEncodeRejectsNonFinite(t *testing.T) {
	cases := []struct {
		edit func(m *Model)
		want string
	}{
		{func(m *Model) { m.Optimizer.LearningRate = math.NaN() }, "learning rate must be a finite number, got NaN"},
		{func(m *Model) { m.Optimizer.Beta2 = math.Inf(1) }, "beta_2 must be a finite number, got +Inf"},
		{func(m *Model) { m.ValidationSplit = math.Inf(-1) }, "validation split must be a finite number, got -Inf"},
		{func(m *Model) { m.Layers[1].Rate = math.NaN() }, "layer 2 (Dense): rate must be a finite number, got NaN"},
		{func(m *Model) { m.Layers[2].Alpha = math.Inf(1) }, "layer 3 (Dense): alpha must be a finite number, got +Inf"},
	}
	for _, c := range cases {
		m := Seed()
		c.edit(&m)
		data, err := Encode(m)
		if err == nil {
			t.Errorf("Encode = %s, want error %q", data, c.want)
		} else if err.Error() != c.want {
			t.Errorf("Encode error %q, want %q", err, c.want)
		}
	}
}

// FuzzDecode checks Decode never panics, Infer, Defaults and Validate never
// panic on what it returns, and a model that validates survives
// Encode → Decode unchanged, with the same bytes on a second encoding.
// Seeds: testdata/fuzz/FuzzDecode and the encoded models below.
func FuzzDecode(f *testing.F) {
	for _, m := range []Model{Seed(), toy(), LeNet(), imageModel()} {
		data, err := Encode(m)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Decode(data)
		if err != nil {
			var se *Error
			if !errors.As(err, &se) {
				t.Fatalf("Decode error is %T, want *spec.Error", err)
			}
			return
		}
		m.Infer()
		m.Defaults().Validate()
		if m.Validate() != nil {
			return
		}
		out, err := Encode(m)
		if err != nil {
			t.Fatalf("a valid model does not encode: %v", err)
		}
		back, err := Decode(out)
		if err != nil {
			t.Fatalf("Decode(Encode(m)): %v\n%s", err, out)
		}
		if !reflect.DeepEqual(back, m) {
			t.Fatalf("round trip changed the model:\n got %+v\nwant %+v", back, m)
		}
		if err := back.Validate(); err != nil {
			t.Fatalf("the round trip no longer validates: %v", err)
		}
		again, err := Encode(back)
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("second encoding differs (%v):\n%s\n%s", err, out, again)
		}
	})
}
