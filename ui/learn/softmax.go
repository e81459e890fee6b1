package learn

import (
	"fmt"
	"math"

	"github.com/nnplay/nnplay/ui/draw"
	"github.com/nnplay/nnplay/ui/session"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// Where the softmax explorer takes its logits from (Softmax.Source).
const (
	FromTest    = "test"    // a test image, through the model (the worker's trace)
	FromPad     = "pad"     // the digit drawn on the Build place's pad, through the model
	FromSliders = "sliders" // ten sliders, no model
)

// Ranges of the explorer's sliders.
const (
	logitMin, logitMax = -15.0, 15.0
	tempMin, tempMax   = 0.1, 5.0
	offsetMax          = 10.0
)

// Softmax is the softmax explorer: one example's logits z taken through
// e^z, their sum and the probabilities, then the cross-entropy and its
// gradient for the chosen true label.
type Softmax struct {
	draw.Visibility
	s *session.Session

	Source  string
	Index   int     // the test image, for FromTest
	Label   int     // the true class y
	chosen  bool    // the student picked Label (else the example's own, or the pad's guess)
	T       float64 // temperature: the explorer shows softmax((z + C)/T)
	C       float64 // a constant added to every logit (it changes nothing)
	Sliders [protocol.Classes]float64

	trace      *protocol.SoftmaxTrace // the worker's numbers for the example
	Image      []float32              // the example as the model saw it (784 pixels)
	traceLabel int                    // the label trace was computed for
	TraceBatch int                    // the global batch the weights were at
	TraceIndex int                    // the test image the trace is of (−1: the pad)
	want       int                    // the trace request in flight (0: none)
	askedBatch int
	wantKey    string
	askedOwn   bool // the request left the label to the test image
	ownLabel   int  // the test image's own label (−1: unknown)
	Err        string
	Version    int // bumps whenever what the table shows changes
}

// Classes are the digits 0–9, the true labels one can choose.
func Classes() []int {
	c := make([]int, protocol.Classes)
	for i := range c {
		c[i] = i
	}
	return c
}

// Numbers is what the explorer shows for one set of logits.
type Numbers struct {
	Z     []float64 // the logits as shown, (z + c)/T
	Max   float64   // m = max_i z_i, subtracted before e^· so it cannot overflow
	Exp   []float64 // e^(z_i − m)
	Sum   float64   // Σ_j e^(z_j − m)
	P     []float64 // p_i = e^(z_i − m) / Sum
	Label int       // y
	Loss  float64   // −log p_y
	Grad  []float64 // ∂(−log p_y)/∂z = p − onehot(y)
	// Worker says the numbers are the worker's own, verbatim; otherwise
	// the explorer computed them from z with explain.
	Worker bool
}

// explainSoftmax is the explorer's own arithmetic, the formula it
// teaches, applied to logits z with temperature temp and offset c:
//
//	z'_i = (z_i + c) / temp,  m = max z',  e_i = e^(z'_i − m),  S = Σ e_i
//	p_i = e_i / S,  −log p_y = m + log S − z'_y,  ∂/∂z' = p − onehot(y)
//
// It runs only for what the model does not compute: slider logits, and
// the worker's logits under a temperature or offset other than 1 and 0.
func explain(z []float64, temp, c float64, label int) Numbers {
	v := Numbers{Label: label, Max: math.Inf(-1)}
	for _, x := range z {
		x = (x + c) / temp
		v.Z = append(v.Z, x)
		v.Max = math.Max(v.Max, x)
	}
	for _, x := range v.Z {
		e := math.Exp(x - v.Max)
		v.Exp = append(v.Exp, e)
		v.Sum += e
	}
	for i, e := range v.Exp {
		p := e / v.Sum
		v.P = append(v.P, p)
		if i == label {
			p--
		}
		v.Grad = append(v.Grad, p)
	}
	if label >= 0 && label < len(z) {
		v.Loss = v.Max + math.Log(v.Sum) - v.Z[label]
	}
	return v
}

// workerNumbers is the worker's own numbers for the label it was asked.
func workerNumbers(s *protocol.SoftmaxTrace, label int) Numbers {
	v := Numbers{Label: label, Max: s.Shift, Exp: s.Exp, Sum: s.Sum, Loss: s.CrossEntropy, Worker: true}
	for i := range s.Logits {
		v.Z = append(v.Z, float64(s.Logits[i]))
		v.P = append(v.P, float64(s.Probs[i]))
		v.Grad = append(v.Grad, float64(s.Grad[i]))
	}
	return v
}

// Numbers is what the table shows now; ok is false while there is
// nothing to show.
func (s *Softmax) Numbers() (v Numbers, ok bool) {
	if s.Source == FromSliders {
		return explain(s.Sliders[:], s.T, s.C, s.Label), true
	}
	if s.trace == nil {
		return v, false
	}
	if s.T == 1 && s.C == 0 && s.traceLabel == s.Label {
		return workerNumbers(s.trace, s.Label), true
	}
	z := make([]float64, len(s.trace.Logits))
	for i, x := range s.trace.Logits {
		z[i] = float64(x)
	}
	return explain(z, s.T, s.C, s.Label), true
}

// refresh asks the worker for the example's trace (when the panel is on
// screen and the model is ready).
func (s *Softmax) refresh() {
	if !s.Visible || !s.s.ModelReady() || s.Source == FromSliders {
		return
	}
	ex := protocol.Example{Source: protocol.SourceTest, Index: s.Index}
	if s.chosen {
		ex.Label = &s.Label
	}
	if s.Source == FromPad {
		pad := s.s.Pad
		if pad == nil || !pad.Inked() {
			s.Err = "Draw a digit on the pad (Build & train, Try it) first."
			s.Version++
			return
		}
		if probs, top := pad.Prediction(); !s.chosen && probs != nil {
			s.Label = top
		}
		label := s.Label
		ex = protocol.Example{Source: protocol.SourceInput, Input: pad.Input(), Label: &label}
	}
	key := fmt.Sprint(ex.Source, ex.Index, s.chosen, s.Label)
	if s.want != 0 && key == s.wantKey && ex.Source == protocol.SourceTest {
		return // the answer on its way already sees the latest weights
	}
	s.wantKey = key
	s.Err = ""
	s.want = s.s.NewID()
	s.askedBatch = s.s.Progress.GlobalBatch
	s.askedOwn = ex.Label == nil
	s.s.Send(protocol.TraceRequest{ID: s.want, Example: ex})
	s.Version++
}

// Refresh asks again for the current example: "Use the drawing now"
// after the drawing changed.
func (s *Softmax) Refresh() { s.refresh() }

// setTrace takes the answer to the explorer's trace request, and says
// whether it was that (other traces are other panels').
func (s *Softmax) setTrace(e protocol.Trace) bool {
	if e.ID != s.want || s.want == 0 {
		return false
	}
	s.want = 0
	s.Version++
	if e.Softmax == nil {
		s.trace, s.Image = nil, nil
		s.Err = "This model does not end in softmax: choose a model whose last layer is Dense with softmax."
		return true
	}
	s.trace = e.Softmax
	s.traceLabel = e.Label
	s.TraceBatch = s.askedBatch
	s.TraceIndex = -1
	if s.Source == FromTest {
		s.TraceIndex = s.Index
		if s.askedOwn {
			s.ownLabel = e.Label
		}
	}
	if !s.chosen { // (a label chosen while the trace was on its way stays)
		s.Label = e.Label
	}
	s.Image = nil
	if v, err := protocol.BytesToFloats(e.Input.Data); err == nil && len(v) == protocol.ImageSize {
		s.Image = v
	}
	return true
}

// forget drops the numbers of a model that is gone.
func (s *Softmax) forget() {
	s.trace, s.Image, s.want = nil, nil, 0
	s.Version++
}

// Loading says a trace is on its way.
func (s *Softmax) Loading() bool { return s.want != 0 }

// State is #softmax-panel's data-state: loading, error, ready or empty.
func (s *Softmax) State() string {
	switch {
	case s.Loading():
		return "loading"
	case s.Err != "":
		return "error"
	}
	if _, ok := s.Numbers(); ok {
		return "ready"
	}
	return "empty"
}

// WaitingText is the table's note while it has no numbers.
func (s *Softmax) WaitingText() string {
	switch {
	case s.Err != "":
		return s.Err
	case !s.s.ModelReady():
		return "The numbers appear once the model is built."
	case s.Loading():
		return "Asking the worker for this example's logits…"
	}
	return "Pick an example."
}

// SetSource switches where the logits come from. Going to the sliders
// starts them at the example's logits, so the student can push one.
func (s *Softmax) SetSource(src string) {
	if src != FromTest && src != FromPad && src != FromSliders || src == s.Source {
		return
	}
	if src == FromSliders && s.trace != nil {
		for i, z := range s.trace.Logits {
			s.Sliders[i] = math.Round(math.Max(logitMin, math.Min(logitMax, float64(z)))*10) / 10
		}
	}
	s.Source = src
	s.chosen = false
	s.trace, s.Image = nil, nil
	s.Err = ""
	s.Version++
	s.refresh()
}

// SetIndex picks test image i (wrapping around the test set).
func (s *Softmax) SetIndex(i int) {
	s.Index = wrapIndex(s.s, i)
	s.chosen = false
	s.Version++
	s.refresh()
}

// SetLabel picks the true class y; for a model's example the worker
// computes the loss and gradient for it.
func (s *Softmax) SetLabel(y int) {
	if y < 0 || y >= protocol.Classes {
		return
	}
	s.Label, s.chosen = y, true
	s.Version++
	if s.Source != FromSliders && s.trace != nil && s.traceLabel != y {
		s.refresh()
	}
}

// ExampleText says what the logits are of.
func (s *Softmax) ExampleText() string {
	switch {
	case s.Source == FromSliders:
		return "Logits set by hand with the sliders: no model involved."
	case s.trace == nil:
		return ""
	case s.Source == FromPad:
		return fmt.Sprintf("Your drawing, through the model (weights after batch %d).", s.TraceBatch) + s.runningNote()
	}
	return fmt.Sprintf("Test image %d (labelled %d in MNIST), through the model (weights after batch %d).", s.TraceIndex, s.ownLabel, s.TraceBatch) + s.runningNote()
}

// runningNote says when the numbers catch up with a run in progress (a
// trace is too much to decode during training; see weightsChanged).
func (s *Softmax) runningNote() string {
	if s.s.Training == protocol.StateRunning {
		return " Training is running: the numbers update when it pauses or ends."
	}
	return ""
}
