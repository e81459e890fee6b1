package inside

import (
	"fmt"
	"strings"
	"time"

	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/ui/draw"
	"github.com/nnplay/nnplay/ui/session"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// RNN is the "Read a digit row by row" panel: one test image played
// through the model's first recurrent layer a step (a row) at a time, with
// the state it carries and the prediction after each step. The worker
// computes every number (its rnn_trace answer); the panel chooses the
// image and the step to show.
type RNN struct {
	draw.Visibility
	s *session.Session

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

	builtSpec string // the built spec Recurrent last read
	recurrent bool   // … and what it found
}

// playGap is the time each step shows while playing.
const playGap = 350 * time.Millisecond

// Recurrent says the model the worker built has a recurrent layer (the
// edited model may differ until it is built).
func (s *RNN) Recurrent() bool {
	built := s.s.BuiltSpec()
	if built == s.builtSpec {
		return s.recurrent
	}
	s.builtSpec, s.recurrent = built, false
	if m, err := spec.Decode([]byte(built)); err == nil {
		for _, l := range m.Layers {
			if spec.IsRecurrent(l.Type) {
				s.recurrent = true
			}
		}
	}
	return s.recurrent
}

// refresh asks the worker for the trace of the current test image, when
// the panel is on screen and the model reads sequences.
func (s *RNN) refresh() {
	if !s.Visible || !s.s.ModelReady() || !s.Recurrent() {
		return
	}
	s.Err = ""
	s.want = s.s.NewID()
	s.askedBatch = s.s.Progress.GlobalBatch
	s.s.Send(protocol.RNNTraceRequest{ID: s.want, Example: protocol.Example{Source: protocol.SourceTest, Index: s.Index}})
}

// setTrace takes the answer to the panel's request, and says whether it
// was that.
func (s *RNN) setTrace(e protocol.RNNTrace) bool {
	if e.ID != s.want || s.want == 0 {
		return false
	}
	s.want = 0
	fresh := s.Trace == nil || s.TraceIndex != s.Index
	s.Trace, s.TraceIndex, s.TraceBatch = &e, s.Index, s.askedBatch
	if fresh || s.Step >= len(e.Steps) {
		s.Step = max(0, len(e.Steps)-1) // a new image shows the whole reading; Play starts it over
	}
	s.Version++
	return true
}

// failed records an error answering our request.
func (s *RNN) failed(msg string) bool {
	if s.want == 0 {
		return false
	}
	s.want, s.Err = 0, msg
	s.Version++
	return true
}

// forget drops the numbers of a model that is gone.
func (s *RNN) forget() {
	s.Trace, s.want, s.Err = nil, 0, ""
	s.pause()
	s.Version++
}

// Loading says a trace is on its way.
func (s *RNN) Loading() bool { return s.want != 0 }

// State is #rnn-panel's data-state: hint (the built model has no
// recurrent layer), loading, error, ready or empty.
func (s *RNN) State() string {
	switch {
	case !s.Recurrent():
		return "hint"
	case s.Loading():
		return "loading"
	case s.Err != "":
		return "error"
	case s.Trace != nil:
		return "ready"
	}
	return "empty"
}

// WaitingText is what the view says while it has no reading to show.
func (s *RNN) WaitingText() string {
	switch {
	case s.Err != "":
		return s.Err
	case s.Loading():
		return "Reading the digit…"
	case s.Recurrent() && !s.Visible:
		return "The reading appears when this panel is on screen."
	}
	return "The step-by-step reading appears once a model with a recurrent layer is built."
}

// LastStep is the step slider's maximum.
func (s *RNN) LastStep() int { return max(0, s.Steps()-1) }

// Steps is how many steps the trace has (0 without one).
func (s *RNN) Steps() int {
	if s.Trace == nil {
		return 0
	}
	return len(s.Trace.Steps)
}

// SetIndex picks test image i (wrapping around the test set).
func (s *RNN) SetIndex(i int) {
	s.Index = wrapIndex(s.s, i)
	s.pause()
	s.refresh()
}

// SetStep shows step i (clamped to the trace's steps).
func (s *RNN) SetStep(i int) {
	s.Step = max(0, min(i, s.Steps()-1))
}

// TogglePlay starts playing the steps from the first (or from where it
// stands, when paused midway), or pauses.
func (s *RNN) TogglePlay() {
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
	env := s.s.Env
	go func() {
		tick := time.NewTicker(playGap)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			env.Lock()
			select {
			case <-stop: // paused while waiting for the lock
				env.UnlockOnly()
				return
			default:
			}
			s.Step++
			if s.Step >= s.Steps()-1 {
				s.Step = max(0, s.Steps()-1)
				s.Playing, s.stop = false, nil
				close(stop)
			}
			env.UnlockRender()
		}
	}()
}

// Pause stops playing (moving the step slider does).
func (s *RNN) Pause() { s.pause() }

func (s *RNN) pause() {
	if s.stop != nil {
		close(s.stop)
		s.stop = nil
	}
	s.Playing = false
}

// PlayText is the play button's label.
func (s *RNN) PlayText() string {
	if s.Playing {
		return "Pause"
	}
	return "Play"
}

// StepText says what the current step has read and predicts.
func (s *RNN) StepText() string {
	tr := s.Trace
	if tr == nil || s.Step < 0 || s.Step >= len(tr.Steps) || len(tr.Steps[s.Step].Probs) == 0 {
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
func (s *RNN) AboutText() string {
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
