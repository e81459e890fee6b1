package learn

import (
	"strings"
	"testing"

	"github.com/nnplay/nnplay/ui/session"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// testPlace is the Learn place on a session whose worker is ready with a
// built model; sent records the requests sent to the worker.
func testPlace() (s *session.Session, p *Place, sent *[]protocol.Request) {
	sent = new([]protocol.Request)
	s = session.New(func(r protocol.Request) { *sent = append(*sent, r) })
	s.Worker, s.Training, s.DataTest = session.WorkerReady, protocol.StateIdle, 10000
	p = New(s)
	p.Shown()
	return s, p, sent
}

// traceRequests are the trace requests in sent, in order.
func traceRequests(sent []protocol.Request) []protocol.TraceRequest {
	var out []protocol.TraceRequest
	for _, r := range sent {
		if t, ok := r.(protocol.TraceRequest); ok {
			out = append(out, t)
		}
	}
	return out
}

// TestPanelsAskOnlyOnScreenAndWhenTrainingSettles: a panel off screen asks
// for nothing; on screen it asks when the model is built and when
// training pauses, never while it runs; each panel takes the answer to its
// own request only; a new model drops the old answers.
func TestPanelsAskOnlyOnScreenAndWhenTrainingSettles(t *testing.T) {
	s, p, sent := testPlace()
	s.Handle(protocol.Built{})
	if len(*sent) != 0 {
		t.Fatalf("off screen, a build sent %v", *sent)
	}
	p.Softmax.Visible, p.Backprop.Visible = true, true
	s.Handle(protocol.State{State: protocol.StateRunning})
	if len(*sent) != 0 {
		t.Fatalf("training started, and the panels sent %v", *sent)
	}
	s.Handle(protocol.State{State: protocol.StatePaused})
	reqs := traceRequests(*sent)
	if len(reqs) != 2 || reqs[0].ID == reqs[1].ID {
		t.Fatalf("pausing sent %v; want a trace for each panel, with their own IDs", *sent)
	}
	sm, bp := reqs[0].ID, reqs[1].ID
	s.Handle(protocol.Trace{ID: bp, Layers: fakeTrace().Layers, Optimizer: "adam"})
	if p.Softmax.Loading() == false || p.Backprop.Trace == nil || p.Backprop.Loading() {
		t.Fatalf("the step-through's trace: softmax loading %v, step-through trace %v", p.Softmax.Loading(), p.Backprop.Trace != nil)
	}
	s.Handle(protocol.Trace{ID: sm}) // no softmax: a model that does not end in one
	if p.Softmax.Loading() || p.Softmax.State() != "error" {
		t.Errorf("explorer state %q after a trace without softmax; want error", p.Softmax.State())
	}

	p.Hidden()
	*sent = nil
	s.Handle(protocol.Built{})
	if len(*sent) != 0 || p.Backprop.Trace != nil {
		t.Errorf("hidden, a new model sent %v and left the old trace %v", *sent, p.Backprop.Trace != nil)
	}
}

// TestAnErrorEndsTheWait: the worker's error about a trace request leaves
// no panel waiting for an answer that will not come.
func TestAnErrorEndsTheWait(t *testing.T) {
	s, p, _ := testPlace()
	p.Backprop.Visible = true
	p.Backprop.SetIndex(3)
	if !p.Backprop.Loading() {
		t.Fatal("no trace asked for")
	}
	s.Handle(protocol.Error{Message: "trace: test image 3 out of range", Request: "trace", ID: p.Backprop.want})
	if p.Backprop.Loading() || p.Backprop.State() != "empty" {
		t.Errorf("after the error: loading %v, state %q", p.Backprop.Loading(), p.Backprop.State())
	}
}

// TestAPanelTakesOnlyItsOwnError: the step-through waits through errors
// not its own (a training error, the Inside place's refused trace) and
// takes its trace; the worker's death ends the wait.
func TestAPanelTakesOnlyItsOwnError(t *testing.T) {
	s, p, sent := testPlace()
	p.Backprop.Visible = true
	p.Backprop.SetIndex(3)
	asked := traceRequests(*sent)
	if len(asked) != 1 {
		t.Fatalf("the step-through sent %v; want one trace", *sent)
	}
	s.Handle(protocol.Error{Message: "the loss is NaN at epoch 1, batch 3: training paused"})
	s.Handle(protocol.Error{Message: "trace: test image 10000 out of range", Request: "trace", ID: asked[0].ID + 1000})
	if !p.Backprop.Loading() {
		t.Fatalf("an error not its own ended the step-through's wait")
	}
	s.Handle(protocol.Trace{ID: asked[0].ID})
	if p.Backprop.Loading() || p.Backprop.Trace == nil {
		t.Errorf("its trace after other errors: loading %v, trace %v", p.Backprop.Loading(), p.Backprop.Trace != nil)
	}

	p.Backprop.SetIndex(4)
	if !p.Backprop.Loading() {
		t.Fatal("no trace asked for the next example")
	}
	s.WorkerDied("the worker's script failed")
	if p.Backprop.Loading() {
		t.Errorf("the step-through still waits for a trace from a dead worker")
	}
}

// fakePad is a drawing with its prediction.
type fakePad struct {
	inked bool
	probs []float32
	top   int
}

func (f *fakePad) Inked() bool                  { return f.inked }
func (f *fakePad) Input() []float32             { return make([]float32, protocol.ImageSize) }
func (f *fakePad) Prediction() ([]float32, int) { return f.probs, f.top }

// TestFromYourDrawing: the explorer explains the pad's drawing, for the
// pad's guess as the label unless one was chosen; without a drawing it
// says to draw one.
func TestFromYourDrawing(t *testing.T) {
	s, p, sent := testPlace()
	sm := p.Softmax
	sm.Visible = true
	pad := &fakePad{}
	s.Pad = pad
	sm.SetSource(FromPad)
	if len(*sent) != 0 || sm.State() != "error" || !strings.Contains(sm.Err, "Draw a digit") {
		t.Fatalf("no drawing: sent %v, state %q, %q", *sent, sm.State(), sm.Err)
	}
	pad.inked, pad.probs, pad.top = true, make([]float32, 10), 7
	sm.Refresh()
	reqs := traceRequests(*sent)
	if len(reqs) != 1 || reqs[0].Source != protocol.SourceInput || len(reqs[0].Input) != protocol.ImageSize || reqs[0].Label == nil || *reqs[0].Label != 7 {
		t.Fatalf("sent %+v; want a trace of the drawing for the pad's guess 7", *sent)
	}
	sm.SetLabel(2)
	s.Handle(protocol.Trace{ID: reqs[0].ID, Label: 7, Softmax: &protocol.SoftmaxTrace{Logits: make([]float32, 10)}})
	sm.Refresh()
	if last := traceRequests(*sent); *last[len(last)-1].Label != 2 {
		t.Errorf("after choosing label 2, the drawing is traced for %d", *last[len(last)-1].Label)
	}
}

// TestSlidersStartAtTheExample: switching to the sliders starts them at
// the example's logits (rounded to the slider's step and range) and asks
// the worker for nothing.
func TestSlidersStartAtTheExample(t *testing.T) {
	s, p, sent := testPlace()
	sm := p.Softmax
	sm.Visible = true
	sm.SetIndex(4)
	id := traceRequests(*sent)[0].ID
	z := []float32{1.234, -20, 3, 0, 0, 0, 0, 0, 0, 16}
	s.Handle(protocol.Trace{ID: id, Label: 2, Softmax: &protocol.SoftmaxTrace{Logits: z, Probs: make([]float32, 10), Grad: make([]float32, 10)}})
	*sent = nil
	sm.SetSource(FromSliders)
	if len(*sent) != 0 {
		t.Errorf("the sliders sent %v", *sent)
	}
	if sm.Sliders[0] != 1.2 || sm.Sliders[1] != logitMin || sm.Sliders[9] != logitMax || sm.Sliders[2] != 3 {
		t.Errorf("sliders %v; want the logits rounded to 0.1 within [%v, %v]", sm.Sliders, logitMin, logitMax)
	}
	v, ok := sm.Numbers()
	if !ok || v.Worker || v.Label != 2 {
		t.Errorf("slider numbers %+v; want computed here for label 2", v)
	}
}
