package protocol

import "fmt"

// Messages of the "read a digit row by row" view: one example played
// through the model's first recurrent layer (SimpleRNN, LSTM or GRU), a
// step at a time.

// MaxRNNSteps bounds the timesteps an RNNTrace may hold (MNIST read by
// rows has 28; a digit read pixel by pixel would have 784).
const MaxRNNSteps = ImageSize

// RNNTraceRequest asks for the step-by-step trace of one example through the
// model's first recurrent layer. The page sends it when the user picks a
// digit in the row-by-row view; the worker answers RNNTrace with the same
// ID.
type RNNTraceRequest struct {
	ID int `json:"id"`
	Example
}

// RNNTrace answers RNNTraceRequest: the worker sends what the recurrent
// layer holds after each step, and what the model would predict if the
// sequence ended there.
type RNNTrace struct {
	ID    int `json:"id"`
	Label int `json:"label"` // the example's true class
	// Input is the example as given (an MNIST image: 784 pixels), for the
	// page to draw.
	Input     []float32 `json:"input"`
	Layer     int       `json:"layer"`      // the recurrent layer's index, from 0
	Name      string    `json:"name"`       // "lstm_1", as in built
	LayerType string    `json:"layer_type"` // "SimpleRNN", "LSTM" or "GRU"
	Units     int       `json:"units"`
	// Gates names each step's gate values: ["i","f","g","o"] for an LSTM
	// (g the candidate cell state), ["z","r"] for a GRU, none for a
	// SimpleRNN.
	Gates []string  `json:"gates,omitempty"`
	Steps []RNNStep `json:"steps"`
}

// RNNStep is one step of an RNNTrace.
type RNNStep struct {
	// RowFrom and RowTo are the image rows the step reads (inclusive):
	// both t for the row-by-row presets; −1 when the layers before the
	// recurrent one mix pixels, so no row is its own.
	RowFrom int         `json:"row_from"`
	RowTo   int         `json:"row_to"`
	H       []float32   `json:"h"`               // h_t, the state after the step
	C       []float32   `json:"c,omitempty"`     // c_t, the LSTM's cell state
	Gates   [][]float32 `json:"gates,omitempty"` // in RNNTrace.Gates' order
	// Probs is the model's output if the sequence ended after this step
	// (the layers after the recurrent one fed h_t): class probabilities.
	Probs []float32 `json:"probs"`
}

func (RNNTraceRequest) Type() string { return "rnn_trace" }
func (RNNTrace) Type() string        { return "rnn_trace" }
func (RNNTraceRequest) isRequest()   {}
func (RNNTrace) isEvent()            {}

func (m RNNTraceRequest) check() error { return m.Example.check() }

func (m RNNTrace) check() error {
	if m.Layer < 0 || m.Units < 1 {
		return fmt.Errorf("layer %d with %d units: want a layer index of at least 0 and at least 1 unit", m.Layer, m.Units)
	}
	if len(m.Steps) == 0 || len(m.Steps) > MaxRNNSteps {
		return fmt.Errorf("%d steps; want 1 to %d", len(m.Steps), MaxRNNSteps)
	}
	if err := finite32s("input", m.Input); err != nil {
		return err
	}
	for t, s := range m.Steps {
		if s.RowFrom < -1 || s.RowTo < s.RowFrom {
			return fmt.Errorf("step %d reads rows %d to %d; want −1 (unknown) or a range", t, s.RowFrom, s.RowTo)
		}
		if len(s.H) != m.Units || (len(s.C) != 0 && len(s.C) != m.Units) {
			return fmt.Errorf("step %d: h has %d values and c %d; want %d (the units)", t, len(s.H), len(s.C), m.Units)
		}
		if len(s.Gates) != len(m.Gates) {
			return fmt.Errorf("step %d: %d gates; want %d (%v)", t, len(s.Gates), len(m.Gates), m.Gates)
		}
		values := [][]float32{s.H, s.C, s.Probs}
		for i, g := range s.Gates {
			if len(g) != m.Units {
				return fmt.Errorf("step %d: gate %s has %d values; want %d", t, m.Gates[i], len(g), m.Units)
			}
			values = append(values, g)
		}
		for _, v := range values {
			if err := finite32s(fmt.Sprintf("step %d", t), v); err != nil {
				return err
			}
		}
		if len(s.Probs) == 0 {
			return fmt.Errorf("step %d: probs is empty", t)
		}
	}
	return nil
}
