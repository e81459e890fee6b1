package trainer

import (
	"fmt"

	"github.com/nnplay/nnplay/wasm/protocol"
)

// rnnTrace answers the "read a digit row by row" view: one example played
// through the model's first recurrent layer a step at a time (see
// nn.Sequential.RecurrentTrace), with the prediction after each step.
func (t *Trainer) rnnTrace(r protocol.RNNTraceRequest) error {
	if t.model == nil {
		return fmt.Errorf("rnn trace: build a model first")
	}
	if t.play != nil {
		return fmt.Errorf("rnn trace: the playground's models read points, not sequences")
	}
	x, _, label, err := t.example("rnn trace", r.Example)
	if err != nil {
		return err
	}
	tr, err := t.model.RecurrentTrace(x)
	if err != nil {
		return fmt.Errorf("%v; choose a recurrent preset, or add an LSTM, GRU or SimpleRNN layer after a Reshape(28, 28)", err)
	}
	out := protocol.RNNTrace{
		ID: r.ID, Label: label, Input: append([]float32(nil), x.Float32s()...),
		Layer: tr.Layer, Name: layerNames(t.spec)[tr.Layer], LayerType: tr.Type, Units: tr.Units, Gates: tr.GateNames,
	}
	width := imageWidth(len(out.Input))
	for _, s := range tr.Steps {
		step := protocol.RNNStep{RowFrom: -1, RowTo: -1, H: s.H, C: s.C, Gates: s.Gates, Probs: s.Output}
		if s.InputFrom >= 0 && width > 0 {
			step.RowFrom, step.RowTo = s.InputFrom/width, (s.InputTo-1)/width
		}
		out.Steps = append(out.Steps, step)
	}
	t.post(out)
	return nil
}

// imageWidth is the width of a square image of n pixels (28 for MNIST),
// or 0 when n is not a square.
func imageWidth(n int) int {
	for w := 1; w*w <= n; w++ {
		if w*w == n {
			return w
		}
	}
	return 0
}
