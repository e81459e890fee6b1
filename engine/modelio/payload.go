// Package modelio moves a trained engine/nn model in and out of
// engine/share's Payload — its spec, training progress and weights — and
// reads and writes model files (.nnplay), the share format's bytes in a
// small frame of their own.
//
// It is the bridge between the training engine (nn) and the tensor-free
// codec (share), which must not import each other: the page decodes links
// without loading the engine.
package modelio

import (
	"fmt"
	"math"
	"slices"

	"github.com/nnplay/nnplay/engine/nn"
	"github.com/nnplay/nnplay/engine/share"
)

// ToPayload is the model as share's Payload: its spec (m.Spec()), the
// training done (epochs and optimizer steps) and a copy of every weight
// tensor, named and ordered as share.ExpectedWeights lists them (which is
// the order of m.Params()).
func ToPayload(m *nn.Sequential, epochs, steps int) share.Payload {
	s := m.Spec()
	p := share.Payload{Spec: s, Epochs: epochs, Steps: steps}
	want, _ := share.ExpectedWeights(s) // a built model's spec always infers
	for i, param := range m.Params() {
		t := share.Tensor{Shape: []int(param.Value.Shape().Clone()), Values: slices.Clone(param.Value.Float32s())}
		if i < len(want) {
			t.Name = want[i].Name
		}
		p.Weights = append(p.Weights, t)
	}
	return p
}

// FromPayload builds the payload's model (nn.Build: the spec is validated
// and the initial weights drawn from its seed) and, unless the payload is
// a recipe (no weights), loads its weights in order. Every tensor's name
// (when set), shape and value count must match the model's, and no value
// may be NaN or infinite. On any error it returns no model, so a caller's
// current model is left as it was.
func FromPayload(p share.Payload) (*nn.Sequential, error) {
	m, err := nn.Build(p.Spec)
	if err != nil {
		return nil, fmt.Errorf("the model cannot be built: %w", err)
	}
	if len(p.Weights) == 0 {
		return m, nil
	}
	want, err := share.ExpectedWeights(p.Spec)
	if err != nil {
		return nil, fmt.Errorf("the model cannot be built: %w", err)
	}
	params := m.Params()
	if len(p.Weights) != len(params) || len(want) != len(params) {
		return nil, fmt.Errorf("the model has %d weight tensors but %d were given", len(params), len(p.Weights))
	}
	for i, t := range p.Weights {
		w, param := want[i], params[i]
		where := fmt.Sprintf("weight tensor %d (%s, layer %d %s)", i+1, w.Name, w.Layer+1, p.Spec.Layers[w.Layer].Type)
		if t.Name != "" && t.Name != w.Name {
			return nil, fmt.Errorf("weight tensor %d is named %q but the model's is %q", i+1, t.Name, w.Name)
		}
		if !slices.Equal(t.Shape, []int(param.Value.Shape())) {
			return nil, fmt.Errorf("%s has shape %v but the model needs %v", where, t.Shape, []int(param.Value.Shape()))
		}
		if len(t.Values) != len(param.Value.Float32s()) {
			return nil, fmt.Errorf("%s of shape %v needs %d values, got %d", where, t.Shape, len(param.Value.Float32s()), len(t.Values))
		}
		for j, v := range t.Values {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return nil, fmt.Errorf("%s holds %v at index %d; NaN and infinite weights are refused", where, v, j)
			}
		}
	}
	for i, t := range p.Weights {
		copy(params[i].Value.Float32s(), t.Values)
	}
	return m, nil
}
