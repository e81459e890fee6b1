package ui

import (
	"fmt"
	"strings"
	"time"

	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// RNNState is the "Read a digit row by row" panel: one test image played
// through the model's first recurrent layer a step (a row) at a time, with
// the state it carries and the prediction after each step. The worker
// computes every number (its rnn_trace answer); the panel chooses the
// image and the step to show.
type RNNState struct {
	visibility
	t *Teach

	Index      int // the test image
	Step       int // the step shown, from 0
	Playing    bool
	Trace      *protocol.RNNTrace
	TraceIndex int // the test image Trace is of
	TraceBatch int // the global batch the weights were at
	want       int // the request in flight (0: none)
	askedBatch int
	Err        string
	Version    int // bumps when Trace changes
	stop       chan struct{}
}

// playGap is the time each step shows while playing.
const playGap = 350 * time.Millisecond

// rnn returns the panel's state, made on first use.
func (t *Teach) rnn() *RNNState {
	if t.RNN == nil {
		t.RNN = &RNNState{t: t}
	}
	return t.RNN
}

// Recurrent says the model the worker built has a recurrent layer.
func (s *RNNState) Recurrent() bool {
	b := s.t.app.Model.built
	if b == nil {
		return false
	}
	for _, r := range b.Rows {
		if spec.IsRecurrent(r.Type) {
			return true
		}
	}
	return false
}

// refresh asks the worker for the trace of the current test image, when
// the panel is on screen and the model reads sequences.
func (s *RNNState) refresh() {
	if !s.Visible || !s.t.modelReady() || !s.Recurrent() {
		return
	}
	s.Err = ""
	s.want = s.t.id()
	s.askedBatch = s.t.batch()
	s.t.app.send(protocol.RNNTraceRequest{ID: s.want, Example: protocol.Example{Source: protocol.SourceTest, Index: s.Index}})
}

func (s *RNNState) setTrace(e protocol.RNNTrace) {
	if e.ID != s.want || s.want == 0 {
		return
	}
	s.want = 0
	fresh := s.Trace == nil || s.TraceIndex != s.Index
	s.Trace, s.TraceIndex, s.TraceBatch = &e, s.Index, s.askedBatch
	if fresh || s.Step >= len(e.Steps) {
		s.Step = len(e.Steps) - 1 // a new image shows the whole reading; Play starts it over
	}
	s.Version++
}

// failed records an error answering our request.
func (s *RNNState) failed(msg string) {
	if s.want == 0 {
		return
	}
	s.want, s.Err = 0, msg
	s.Version++
}

// forget drops the numbers of a model that is gone.
func (s *RNNState) forget() {
	s.Trace, s.want, s.Err = nil, 0, ""
	s.pause()
	s.Version++
}

// Loading says a trace is on its way.
func (s *RNNState) Loading() bool { return s.want != 0 }

// Steps is how many steps the trace has (0 without one).
func (s *RNNState) Steps() int {
	if s.Trace == nil {
		return 0
	}
	return len(s.Trace.Steps)
}

// SetIndex picks test image i (wrapping around the test set).
func (s *RNNState) SetIndex(i int) {
	n := max(1, s.t.app.DataTest)
	s.Index = ((i % n) + n) % n
	s.pause()
	s.refresh()
}

// SetStep shows step i (clamped to the trace's steps).
func (s *RNNState) SetStep(i int) {
	s.Step = max(0, min(i, s.Steps()-1))
}

// TogglePlay starts playing the steps from the first (or from where it
// stands, when paused midway), or pauses.
func (s *RNNState) TogglePlay() {
	if s.Playing {
		s.pause()
		return
	}
	if s.Steps() == 0 {
		return
	}
	if s.Step >= s.Steps()-1 {
		s.Step = 0
	}
	s.Playing = true
	stop := make(chan struct{})
	s.stop = stop
	a := s.t.app
	go func() {
		tick := time.NewTicker(playGap)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			a.Env.Lock()
			select {
			case <-stop: // paused while waiting for the lock
				a.Env.UnlockOnly()
				return
			default:
			}
			s.Step++
			if s.Step >= s.Steps()-1 {
				s.Step = max(0, s.Steps()-1)
				s.Playing, s.stop = false, nil
				close(stop)
			}
			a.Env.UnlockRender()
		}
	}()
}

func (s *RNNState) pause() {
	if s.stop != nil {
		close(s.stop)
		s.stop = nil
	}
	s.Playing = false
}

// PlayText is the play button's label.
func (s *RNNState) PlayText() string {
	if s.Playing {
		return "Pause"
	}
	return "Play"
}

// StepText says what the current step has read and predicts.
func (s *RNNState) StepText() string {
	tr := s.Trace
	if tr == nil || s.Step >= len(tr.Steps) {
		return ""
	}
	st := tr.Steps[s.Step]
	read := fmt.Sprintf("rows 0–%d read", st.RowTo)
	switch {
	case st.RowFrom < 0:
		read = "step " + fmt.Sprint(s.Step+1) + " read"
	case st.RowTo == 0:
		read = "row 0 read"
	}
	top := topClass(st.Probs)
	return fmt.Sprintf("Step %d of %d (%s): the model would say %d (%.1f%%) if the digit ended here.", s.Step+1, len(tr.Steps), read, top, 100*st.Probs[top])
}

// AboutText says what the trace is of.
func (s *RNNState) AboutText() string {
	tr := s.Trace
	if tr == nil {
		return ""
	}
	gates := ""
	if len(tr.Gates) > 0 {
		gates = ", its gates " + strings.Join(tr.Gates, ", ")
	}
	return fmt.Sprintf("Test image %d (labelled %d) read by %s (%s, %d units%s); weights after batch %d.",
		s.TraceIndex, tr.Label, tr.Name, tr.LayerType, tr.Units, gates, s.TraceBatch)
}

// topClass is the index of the largest probability.
func topClass(p []float32) int {
	best := 0
	for i, v := range p {
		if v > p[best] {
			best = i
		}
	}
	return best
}
