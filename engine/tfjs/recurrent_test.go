package tfjs

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/nnplay/nnplay/engine/share"
	"github.com/nnplay/nnplay/engine/spec"
)

// rnnStack is a GRU in TF.js' form (reset_after false) returning every
// step into a SimpleRNN without bias, then Dense 10 softmax.
func rnnStack() spec.Model {
	m := spec.RowByRowGRU()
	gru := spec.GRU(16, true)
	gru.ResetAfter = spec.Bool(false)
	simple := spec.SimpleRNN(16, false)
	simple.UseBias = spec.Bool(false)
	m.Layers = []spec.Layer{spec.Reshape(28, 28), gru, simple, spec.Dense(10, spec.ActSoftmax)}
	return m
}

// randomPayload is m with every weight set to a small distinct value.
func randomPayload(t *testing.T, m spec.Model) share.Payload {
	t.Helper()
	ws, err := share.ExpectedWeights(m)
	if err != nil {
		t.Fatal(err)
	}
	p := share.Payload{Spec: m}
	for i, w := range ws {
		v := make([]float32, size(w.Shape))
		for j := range v {
			v[j] = float32((i*7+j)%13-6) / 20
		}
		p.Weights = append(p.Weights, share.Tensor{Name: w.Name, Shape: w.Shape, Values: v})
	}
	return p
}

// TestRecurrentExportImport: the recurrent layers' Keras configs carry
// TF.js' keys, and an export imports back to the same spec and weights,
// also when the config is edited so that nnplay's metadata is not used.
func TestRecurrentExportImport(t *testing.T) {
	for _, c := range []struct {
		m    spec.Model
		keys []string
	}{
		{spec.RowByRowRNN(), []string{`"class_name": "LSTM"`, `"unit_forget_bias": true`, `"recurrent_activation": "sigmoid"`, `"return_sequences": false`}},
		{rnnStack(), []string{`"class_name": "GRU"`, `"class_name": "SimpleRNN"`, `"reset_after": false`, `"use_bias": false`, `"return_sequences": true`}},
	} {
		m := c.m
		p := randomPayload(t, m)
		modelJSON, weights, err := Export(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, key := range c.keys {
			if !strings.Contains(string(modelJSON), key) {
				t.Errorf("%s export lacks %s", m.Layers[1].Type, key)
			}
		}
		for _, edit := range []bool{false, true} {
			doc := modelJSON
			if edit { // drop nnplay's metadata: the topology alone must do
				var raw map[string]json.RawMessage
				if err := json.Unmarshal(modelJSON, &raw); err != nil {
					t.Fatal(err)
				}
				delete(raw, "userDefinedMetadata")
				doc, _ = json.Marshal(raw)
			}
			got, err := Import(doc, map[string][]byte{WeightsFile: weights})
			if err != nil {
				t.Fatalf("edit=%v: %v", edit, err)
			}
			for i, l := range got.Spec.Layers {
				want := m.Layers[i]
				if l.Type != want.Type || l.Units != want.Units || l.ReturnSequences != want.ReturnSequences || l.HasBias() != want.HasBias() || l.GRUResetAfter() != want.GRUResetAfter() {
					t.Errorf("edit=%v: layer %d imported as %+v, want %+v", edit, i+1, l, want)
				}
			}
			for i, w := range got.Weights {
				if w.Name != p.Weights[i].Name || len(w.Values) != len(p.Weights[i].Values) || w.Values[len(w.Values)-1] != p.Weights[i].Values[len(w.Values)-1] {
					t.Errorf("edit=%v: weight %d is %s %v, want %s %v", edit, i, w.Name, w.Shape, p.Weights[i].Name, p.Weights[i].Shape)
				}
			}
		}
	}
}

// TestRecurrentExportRefusesResetAfter: TF.js has no GRU with reset_after,
// so the GRU preset cannot be exported; the message says what to change.
func TestRecurrentExportRefusesResetAfter(t *testing.T) {
	_, _, err := Export(randomPayload(t, spec.RowByRowGRU()))
	want := "the model cannot be exported: layer 2 (GRU): TF.js has no GRU with reset_after (Keras' default, which this layer uses); set reset_after to false and train again to export this model to TF.js"
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
}

// TestRecurrentImportRefuses: what nnplay's recurrent layers cannot do is
// refused with the layer and the reason.
func TestRecurrentImportRefuses(t *testing.T) {
	p := randomPayload(t, spec.RowByRowRNN())
	modelJSON, weights, err := Export(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ from, to, want string }{
		{`"recurrent_activation": "sigmoid"`, `"recurrent_activation": "hard_sigmoid"`,
			`layer "lstm" (LSTM): recurrent_activation hard_sigmoid (TF.js' default) is not supported; nnplay's gates use sigmoid (in TF.js, give recurrentActivation: 'sigmoid')`},
		{`"go_backwards": false`, `"go_backwards": true`,
			`layer "lstm" (LSTM): go_backwards=True is not supported; nnplay's recurrent layers read each sequence forwards, from a zero state, and output only h`},
		{`"recurrent_dropout": 0`, `"recurrent_dropout": 0.25`,
			`layer "lstm" (LSTM): recurrent_dropout 0.25 is not supported; nnplay's recurrent layers have no dropout (set it to 0, or add a Dropout layer)`},
		{`"target_shape": [
       28,
       28
      ]`, `"target_shape": [784]`,
			`layer "lstm" (LSTM): needs a (timesteps, features) input but gets (784); add Reshape(28, 28) first`},
	} {
		doc := strings.Replace(string(modelJSON), c.from, c.to, 1)
		if doc == string(modelJSON) {
			t.Fatalf("%s is not in the export:\n%s", c.from, modelJSON)
		}
		_, err := Import([]byte(doc), map[string][]byte{WeightsFile: weights})
		if err == nil || err.Error() != c.want {
			t.Errorf("got %v\nwant %s", err, c.want)
		}
	}
}
