package nn

import (
	"fmt"

	"gorgonia.org/tensor"
)

// RecurrentTrace follows one example through the model's first recurrent
// layer, one step at a time, and asks at every step what the model would
// predict if the sequence ended there: what the "read a digit row by row"
// view plays.
type RecurrentTrace struct {
	Layer     int    // the recurrent layer's index in the model, from 0
	Type      string // "SimpleRNN", "LSTM" or "GRU"
	Timesteps int
	Units     int
	Features  int
	// GateNames names the gate values each step holds: i, f, g, o for an
	// LSTM (g is the candidate cell state), z, r for a GRU, none for a
	// SimpleRNN.
	GateNames []string
	Steps     []RecurrentStep
}

// RecurrentStep is one step t of a RecurrentTrace.
type RecurrentStep struct {
	// InputFrom and InputTo say which values of the (flat) example step t
	// reads, [InputFrom, InputTo) — row t of a digit for the row-by-row
	// presets — when the layers before the recurrent one only reshape;
	// both are −1 when those layers mix values (a Dense or Conv2D first).
	InputFrom, InputTo int
	X                  []float32   // x_t, what the layer reads (features)
	H                  []float32   // h_t, the state after the step (units)
	C                  []float32   // c_t, the LSTM's cell state; nil for the others
	Gates              [][]float32 // the gate values, in GateNames' order (units each)
	// Output is what the model outputs when the sequence ends after step
	// t: probabilities when it ends in softmax (or its loss reads logits:
	// the softmax of those). For a layer that outputs its last state, the
	// layers after it are fed h_t; for one that returns sequences, the
	// model reads the example with the layer's input after step t set to
	// zero (blank rows).
	Output []float32
}

// stepReader is a recurrent layer that shows the values of its last
// Forward at step t of example 0.
type stepReader interface {
	Layer
	core() *recurrentCore
	gateNames() []string
	step(t int) (h, c []float32, gates [][]float32)
}

// RecurrentTrace follows x (1, input...), one example, through the first
// recurrent layer (see RecurrentTrace). It runs in inference mode, as
// Predict does, and changes no weights.
func (m *Sequential) RecurrentTrace(x *tensor.Dense) (*RecurrentTrace, error) {
	if err := m.checkInput(x); err != nil {
		return nil, fmt.Errorf("recurrent trace: %w", err)
	}
	if n := x.Shape()[0]; n != 1 {
		return nil, fmt.Errorf("recurrent trace: follows one example; got a batch of %d", n)
	}
	at, reshapesOnly := -1, true
	for i, l := range m.layers {
		if _, ok := l.(stepReader); ok {
			at = i
			break
		}
		switch l.(type) {
		case *Reshape, *Flatten, *Dropout:
		default:
			reshapesOnly = false
		}
	}
	if at < 0 {
		return nil, fmt.Errorf("recurrent trace: the model has no recurrent layer (SimpleRNN, LSTM or GRU)")
	}
	rec := m.layers[at].(stepReader)
	c := rec.core()
	out := m.asInput(x)
	for _, l := range m.layers[:at] {
		out = l.Forward(out, Inference)
	}
	seq := tensor.New(tensor.WithShape(out.Shape()...), tensor.WithBacking(append([]float32(nil), floats(out)...)))
	rec.Forward(seq, Inference)
	tr := &RecurrentTrace{Layer: at, Type: rec.Spec().Type, Timesteps: c.Timesteps, Units: c.Units, Features: c.Features, GateNames: rec.gateNames()}
	xs := floats(seq)
	for t := 0; t < c.Timesteps; t++ {
		h, cell, gates := rec.step(t)
		s := RecurrentStep{InputFrom: -1, InputTo: -1, X: append([]float32(nil), xs[t*c.Features:(t+1)*c.Features]...),
			H: append([]float32(nil), h...), C: append([]float32(nil), cell...)} // C stays nil without a cell
		for _, g := range gates {
			s.Gates = append(s.Gates, append([]float32(nil), g...))
		}
		if reshapesOnly {
			s.InputFrom, s.InputTo = t*c.Features, (t+1)*c.Features
		}
		tr.Steps = append(tr.Steps, s)
	}
	outputs := m.endingAt(at, rec, tr, xs)
	k := len(floats(outputs)) / c.Timesteps
	for t := range tr.Steps {
		row := append([]float32(nil), floats(outputs)[t*k:(t+1)*k]...)
		if fromLogits(m.loss) {
			softmaxRow(row, row)
		}
		tr.Steps[t].Output = row
	}
	return tr, nil
}

// endingAt runs the layers after the recurrent one on a batch of T: row t
// is the model's output if the sequence ended after step t.
func (m *Sequential) endingAt(at int, rec stepReader, tr *RecurrentTrace, xs []float32) *tensor.Dense {
	c := rec.core()
	T, u, f := c.Timesteps, c.Units, c.Features
	var out *tensor.Dense
	if !c.ReturnSequences {
		states := newTensor(T, u)
		for t, s := range tr.Steps {
			copy(floats(states)[t*u:], s.H)
		}
		out = states
	} else {
		// Sequence t: the layer's input up to step t, zeros after.
		cut := newTensor(T, T, f)
		for t := 0; t < T; t++ {
			copy(floats(cut)[t*T*f:], xs[:(t+1)*f])
		}
		out = rec.Forward(cut, Inference)
	}
	for _, l := range m.layers[at+1:] {
		out = l.Forward(out, Inference)
	}
	return out
}

func (s *SimpleRNN) core() *recurrentCore { return &s.recurrentCore }
func (s *SimpleRNN) gateNames() []string  { return nil }
func (s *SimpleRNN) step(t int) (h, c []float32, gates [][]float32) {
	u := s.Units
	return floats(s.h)[t*u : (t+1)*u], nil, nil
}

func (m *LSTM) core() *recurrentCore { return &m.recurrentCore }
func (m *LSTM) gateNames() []string  { return []string{"i", "f", "g", "o"} }
func (m *LSTM) step(t int) (h, c []float32, gates [][]float32) {
	u := m.Units
	g := floats(m.gates)[4*t*u : 4*(t+1)*u]
	return floats(m.h)[t*u : (t+1)*u], m.c[t*u : (t+1)*u], [][]float32{g[:u], g[u : 2*u], g[2*u : 3*u], g[3*u:]}
}

func (m *GRU) core() *recurrentCore { return &m.recurrentCore }
func (m *GRU) gateNames() []string  { return []string{"z", "r"} }
func (m *GRU) step(t int) (h, c []float32, gates [][]float32) {
	u := m.Units
	g := floats(m.gates)[3*t*u : 3*(t+1)*u]
	return floats(m.h)[t*u : (t+1)*u], nil, [][]float32{g[:u], g[u : 2*u]}
}
