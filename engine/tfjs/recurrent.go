package tfjs

import (
	"fmt"

	"github.com/nnplay/nnplay/engine/spec"
)

// Recurrent layers in the Keras config: SimpleRNN, LSTM and GRU keep their
// weights as nnplay does (kernel, recurrent_kernel, bias; blocks i, f, c, o
// and z, r, h), so they map one to one. TF.js has no GRU with reset_after
// (Keras 2 and 3's default): nnplay exports a GRU only with reset_after
// false, and imports both forms. TF.js' default gate activation is
// hard_sigmoid, which nnplay does not have, so nnplay always writes
// recurrent_activation.

// exportRecurrent is a recurrent layer's Keras config, in the keys TF.js
// writes.
func exportRecurrent(l spec.Layer) map[string]any {
	act := l.Activation
	if act == "" {
		act = spec.ActTanh
	}
	c := withKernel(l.KernelInitializer)
	c["units"], c["activation"], c["use_bias"] = l.Units, act, l.HasBias()
	c["recurrent_initializer"] = map[string]any{"class_name": "Orthogonal", "config": map[string]any{"gain": 1, "seed": nil}}
	c["recurrent_regularizer"], c["recurrent_constraint"] = nil, nil
	c["dropout"], c["recurrent_dropout"] = 0, 0
	c["return_sequences"], c["return_state"], c["go_backwards"], c["stateful"], c["unroll"] = l.ReturnSequences, false, false, false, false
	if l.Type != spec.TypeSimpleRNN {
		gate := l.RecurrentActivation
		if gate == "" {
			gate = spec.ActSigmoid
		}
		c["recurrent_activation"], c["implementation"] = gate, 2
	}
	switch l.Type {
	case spec.TypeLSTM:
		c["unit_forget_bias"] = true
	case spec.TypeGRU:
		c["reset_after"] = l.GRUResetAfter()
	}
	return c
}

// canExport says why a model cannot be written as TF.js files, or "".
func canExport(s spec.Model) error {
	for i, l := range s.Layers {
		if l.Type == spec.TypeGRU && l.GRUResetAfter() {
			return &spec.Error{Layer: i + 1, Type: l.Type, Msg: "TF.js has no GRU with reset_after (Keras' default, which this layer uses); " +
				"set reset_after to false and train again to export this model to TF.js"}
		}
	}
	return nil
}

// importRecurrent reads a SimpleRNN, LSTM or GRU layer (Keras 2, Keras 3
// or TF.js config).
func importRecurrent(class string, c config, l spec.Layer) (spec.Layer, bool, weightsFrom, error) {
	from := weightsFrom{axis: -1}
	l.Type = map[string]string{"SimpleRNN": spec.TypeSimpleRNN, "LSTM": spec.TypeLSTM, "GRU": spec.TypeGRU}[class]
	units, err := c.num("units", 0)
	if err != nil {
		return l, false, from, err
	}
	l.Units = int(units)
	if l.Activation, err = c.str("activation", spec.ActTanh); err != nil {
		return l, false, from, err
	}
	if class != "SimpleRNN" {
		if l.RecurrentActivation, err = c.str("recurrent_activation", spec.ActSigmoid); err != nil {
			return l, false, from, err
		}
		if l.RecurrentActivation == "hard_sigmoid" {
			return l, false, from, fmt.Errorf("recurrent_activation hard_sigmoid (TF.js' default) is not supported; nnplay's gates use sigmoid (in TF.js, give recurrentActivation: 'sigmoid')")
		}
	}
	for _, key := range []string{"return_state", "go_backwards", "stateful", "time_major"} {
		if on, err := c.boolean(key, defaultFalse); err != nil || on {
			if err != nil {
				return l, false, from, err
			}
			return l, false, from, fmt.Errorf("%s=True is not supported; nnplay's recurrent layers read each sequence forwards, from a zero state, and output only h", key)
		}
	}
	for _, key := range []string{"dropout", "recurrent_dropout"} {
		if rate, err := c.num(key, 0); err != nil || rate != 0 {
			if err != nil {
				return l, false, from, err
			}
			return l, false, from, fmt.Errorf("%s %g is not supported; nnplay's recurrent layers have no dropout (set it to 0, or add a Dropout layer)", key, rate)
		}
	}
	if l.ReturnSequences, err = c.boolean("return_sequences", defaultFalse); err != nil {
		return l, false, from, err
	}
	useBias, err := c.boolean("use_bias", defaultTrue)
	if err != nil {
		return l, false, from, err
	}
	if !useBias {
		l.UseBias = spec.Bool(false)
	}
	if class == "GRU" {
		after, err := c.boolean("reset_after", defaultTrue) // Keras' default; TF.js writes false
		if err != nil {
			return l, false, from, err
		}
		if !after {
			l.ResetAfter = spec.Bool(false)
		}
	}
	if err := kernelInit(c, &l); err != nil {
		return l, false, from, err
	}
	return l, false, from, nil
}
