package spec

import (
	"errors"
	"reflect"
	"testing"
)

// rnnModel is the LSTM preset with layer 2 replaced by l.
func rnnModel(l Layer) Model {
	m := RowByRowRNN()
	m.Layers[1] = l
	return m
}

// TestInferRecurrent checks output shapes and Keras' weight counts for
// (28, 28) inputs: 64 units give SimpleRNN 5,952, LSTM 23,808 and GRU
// 18,048 (reset_after; 17,856 without), and without a bias k·64 fewer.
func TestInferRecurrent(t *testing.T) {
	noBias := func(l Layer) Layer { l.UseBias = Bool(false); return l }
	before := GRU(64, false)
	before.ResetAfter = Bool(false)
	cases := []struct {
		layer  Layer
		out    []int
		params int
	}{
		{SimpleRNN(64, false), []int{64}, 5952},
		{LSTM(64, false), []int{64}, 23808},
		{GRU(64, false), []int{64}, 18048},
		{before, []int{64}, 17856},
		{LSTM(64, true), []int{28, 64}, 23808},
		{noBias(LSTM(64, false)), []int{64}, 23808 - 4*64},
		{noBias(GRU(64, false)), []int{64}, 18048 - 6*64},
		{noBias(SimpleRNN(10, true)), []int{28, 10}, 28*10 + 10*10},
	}
	for _, c := range cases {
		m := rnnModel(c.layer)
		if c.layer.ReturnSequences {
			m.Layers = []Layer{m.Layers[0], c.layer, {Type: TypeFlatten}, Dense(10, ActSoftmax)}
		}
		infos, err := m.Infer()
		if err != nil {
			t.Fatalf("%+v: %v", c.layer, err)
		}
		if !reflect.DeepEqual(infos[1].Output, c.out) || infos[1].Params != c.params {
			t.Errorf("%s seq=%v bias=%v: output %v with %d weights, want %v with %d", c.layer.Type, c.layer.ReturnSequences, c.layer.HasBias(), infos[1].Output, infos[1].Params, c.out, c.params)
		}
		_, shapes := c.layer.RecurrentWeights(28)
		n := 0
		for _, s := range shapes {
			size := 1
			for _, d := range s {
				size *= d
			}
			n += size
		}
		if n != c.params {
			t.Errorf("%s: RecurrentWeights %v hold %d weights, Infer says %d", c.layer.Type, shapes, n, c.params)
		}
		if err := m.Validate(); err != nil {
			t.Errorf("%s: %v", c.layer.Type, err)
		}
	}
}

// TestRecurrentRules checks each recurrent rule's exact message.
func TestRecurrentRules(t *testing.T) {
	cases := []struct {
		name  string
		field string // Error.Field
		edit  func(m *Model)
		want  string
	}{
		{"flat input", "", func(m *Model) { m.Layers = m.Layers[1:] },
			"layer 1 (LSTM): needs a (timesteps, features) input but gets (784); add Reshape(28, 28) first"},
		{"image input", "", func(m *Model) { m.Layers[0] = Reshape(28, 28, 1) },
			"layer 2 (LSTM): needs a (timesteps, features) input but gets (28, 28, 1); add Reshape(28, 28) first"},
		{"odd flat input", "", func(m *Model) { m.Layers = []Layer{Dense(10, ActReLU), GRU(4, false), Dense(10, ActSoftmax)} },
			"layer 2 (GRU): needs a (timesteps, features) input but gets (10); add Reshape(10, 1) first"},
		{"units", FieldUnits, func(m *Model) { m.Layers[1].Units = 0 }, "layer 2 (LSTM): units must be between 1 and 4096, got 0"},
		{"activation", FieldActivation, func(m *Model) { m.Layers[1].Activation = ActSoftmax },
			`layer 2 (LSTM): activation "softmax" cannot be used in a recurrent layer; use tanh, sigmoid, relu or linear`},
		{"gate", FieldRecurrentActivation, func(m *Model) { m.Layers[1].RecurrentActivation = "hard_sigmoid" },
			`layer 2 (LSTM): recurrent_activation "hard_sigmoid" cannot be used; use tanh, sigmoid, relu or linear (sigmoid keeps the gates between 0 and 1)`},
		{"initializer", FieldKernelInitializer, func(m *Model) { m.Layers[1].KernelInitializer = "ones" },
			`layer 2 (LSTM): unknown kernel initializer "ones"; use glorot_uniform or he_normal`},
		{"too many weights", FieldUnits, func(m *Model) { m.Layers[1].Units = 4096 },
			"layer 2 (LSTM): 28 features and 4096 units make 67584000 weights, more than 33554432; use fewer units"},
		{"sequence into Dense", "", func(m *Model) { m.Layers[1].ReturnSequences = true },
			"layer 3 (Dense): needs a flat input, got shape (None, 28, 64); add Flatten first"},
	}
	for _, c := range cases {
		m := RowByRowRNN()
		c.edit(&m)
		err := m.Validate()
		var se *Error
		if !errors.As(err, &se) || err.Error() != c.want || se.Field != c.field {
			t.Errorf("%s: got %#v (%v)\nwant %s, field %q", c.name, err, err, c.want, c.field)
		}
	}
	// SimpleRNN has no gates: its recurrent_activation is not read.
	m := rnnModel(SimpleRNN(8, false))
	m.Layers[1].RecurrentActivation = "anything"
	if err := m.Validate(); err != nil {
		t.Errorf("SimpleRNN with an unused recurrent_activation: %v", err)
	}
}

// TestRecurrentDefaults: Defaults fills tanh and sigmoid in for unset
// activations (Keras' defaults) and leaves set ones alone.
func TestRecurrentDefaults(t *testing.T) {
	m := rnnModel(Layer{Type: TypeLSTM, Units: 8})
	m.Layers = append(m.Layers, Layer{Type: TypeSimpleRNN, Units: 8, Activation: ActReLU})
	d := m.Defaults()
	if l := d.Layers[1]; l.Activation != ActTanh || l.RecurrentActivation != ActSigmoid {
		t.Errorf("LSTM defaults: %q, %q; want tanh, sigmoid", l.Activation, l.RecurrentActivation)
	}
	if l := d.Layers[3]; l.Activation != ActReLU || l.RecurrentActivation != "" {
		t.Errorf("SimpleRNN defaults: %q, %q; want relu kept and no gate activation", l.Activation, l.RecurrentActivation)
	}
	if m.Layers[1].Activation != "" {
		t.Error("Defaults changed the caller's layers")
	}
}

// TestRecurrentJSON: the recurrent fields round-trip through JSON under
// Keras' names, and unset use_bias and reset_after stay unset.
func TestRecurrentJSON(t *testing.T) {
	gru := GRU(32, true)
	gru.ResetAfter, gru.UseBias = Bool(false), Bool(false)
	m := rnnModel(LSTM(16, true))
	m.Layers = []Layer{m.Layers[0], m.Layers[1], gru, SimpleRNN(8, false), Dense(10, ActSoftmax)}
	for _, m := range []Model{RowByRowRNN(), RowByRowGRU(), m} {
		if err := m.Validate(); err != nil {
			t.Fatal(err)
		}
		data, err := Encode(m)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Decode(data)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, m) {
			t.Errorf("round trip changed the model:\n got %+v\nwant %+v", got.Layers, m.Layers)
		}
	}
	doc := `{"type": "GRU", "units": 5, "activation": "relu", "recurrent_activation": "tanh",
		"return_sequences": true, "use_bias": false, "reset_after": false}`
	got, err := Decode([]byte(`{"layers": [` + doc + `]}`))
	if err != nil {
		t.Fatal(err)
	}
	want := Layer{Type: TypeGRU, Units: 5, Activation: ActReLU, RecurrentActivation: ActTanh, ReturnSequences: true, UseBias: Bool(false), ResetAfter: Bool(false)}
	if !reflect.DeepEqual(got.Layers[0], want) {
		t.Errorf("decoded %+v, want %+v", got.Layers[0], want)
	}
	if l := got.Layers[0]; l.HasBias() || l.GRUResetAfter() {
		t.Error("use_bias and reset_after false read as true")
	}
	if l := GRU(5, false); !l.HasBias() || !l.GRUResetAfter() {
		t.Error("unset use_bias and reset_after must mean true (Keras' defaults)")
	}
}

// TestRecurrentMemory works the LSTM preset's activation estimate out by
// hand: per example the input 784; Reshape nothing; the LSTM (T = 28,
// F = 28, U = 64, k = 4) 2·T·k·U + T·U + T·F + 2·U + 2·T·U (h, c, act(c))
// + U (the last state) = 14,336 + 1,792 + 784 + 128 + 3,584 + 64 = 20,688;
// the Dense 10 + 64 + 20; the loss 20.
func TestRecurrentMemory(t *testing.T) {
	m := RowByRowRNN()
	got, err := MemoryEstimate(m)
	if err != nil {
		t.Fatal(err)
	}
	perExample := int64(784 + 20688 + 10 + 64 + 20 + 20)
	if want := 4 * 64 * perExample; got.Activations != want {
		t.Errorf("activations %d bytes, want %d", got.Activations, want)
	}
	// 24,458 weights, each with its gradient, backup and Adam's 2 slots,
	// and the LSTM's 23,808 once more (the largest kernel).
	if want := int64(4 * (24458*5 + 23808)); got.Weights != want {
		t.Errorf("weights %d bytes, want %d", got.Weights, want)
	}
}

// TestRowByRowPresets: both presets validate, read MNIST as 28 rows and
// clip gradients.
func TestRowByRowPresets(t *testing.T) {
	for _, m := range []Model{RowByRowRNN(), RowByRowGRU()} {
		if err := m.Validate(); err != nil {
			t.Fatal(err)
		}
		infos, _ := m.Infer()
		if !reflect.DeepEqual(infos[0].Output, []int{28, 28}) || !IsRecurrent(m.Layers[1].Type) || m.Optimizer.GlobalClipNorm <= 0 {
			t.Errorf("%s preset: %+v", m.Layers[1].Type, m)
		}
	}
}
