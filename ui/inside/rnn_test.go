package inside

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/ui/model"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// TestRNNPanelAsksAndShows: the panel asks for a trace only for a model
// with a recurrent layer, takes its own answer, shows the last step, and
// says what each step predicts.
func TestRNNPanelAsksAndShows(t *testing.T) {
	ss, p, sent := testPlace()
	s := p.RNN
	s.Visible = true
	s.refresh()
	if len(*sent) != 0 || s.Recurrent() {
		t.Fatalf("the seed model has no recurrent layer, yet the panel sent %v", *sent)
	}
	ss.Model.LoadPreset(model.PresetRNN)
	ss.AssumeBuilt() // the worker has it
	s.SetIndex(-1)
	req, ok := (*sent)[len(*sent)-1].(protocol.RNNTraceRequest)
	if !ok || req.Index != 9999 || req.ID == 0 {
		t.Fatalf("sent %+v; want an rnn_trace of test image 9999", (*sent)[len(*sent)-1])
	}
	steps := []protocol.RNNStep{
		{RowFrom: 0, RowTo: 0, H: []float32{0.5}, Probs: []float32{0.4, 0.6}},
		{RowFrom: 1, RowTo: 1, H: []float32{-0.5}, Probs: []float32{0.9, 0.1}},
	}
	ss.Handle(protocol.RNNTrace{ID: req.ID + 1, Steps: steps, Units: 1}) // another request's
	if s.Trace != nil {
		t.Fatal("the panel took an answer to another request")
	}
	ss.Handle(protocol.RNNTrace{ID: req.ID, Label: 0, Name: "lstm_1", LayerType: spec.TypeLSTM, Units: 1, Steps: steps})
	if s.Trace == nil || s.Step != 1 || s.Loading() {
		t.Fatalf("trace %v at step %d (loading %v); want it, at the last step", s.Trace, s.Step, s.Loading())
	}
	if got := s.StepText(); got != "Step 2 of 2 (rows 0–1 read): the model would say 0 (90.0%) if the digit ended here." {
		t.Errorf("step text %q", got)
	}
	s.SetStep(-4)
	if got := s.StepText(); s.Step != 0 || !strings.HasPrefix(got, "Step 1 of 2 (row 0 read): the model would say 1 (60.0%)") {
		t.Errorf("step %d: %q", s.Step, got)
	}
	ss.Handle(protocol.Built{}) // a new model: the old reading is gone
	if s.Trace != nil {
		t.Error("the reading of the old model survived a build")
	}
}

// lockEnv is Vugu's event lock, counting the renders asked for.
type lockEnv struct {
	sync.RWMutex
	renders int
}

func (e *lockEnv) UnlockOnly()   { e.Unlock() }
func (e *lockEnv) UnlockRender() { e.renders++; e.Unlock() }

// TestPlayStepsThroughAndStops: Play starts over from the first step,
// moves a step at a time under Vugu's lock and stops at the last; leaving
// the place stops it.
func TestPlayStepsThroughAndStops(t *testing.T) {
	ss, p, _ := testPlace()
	env := &lockEnv{}
	ss.Env = env
	r := p.RNN
	r.Trace = &protocol.RNNTrace{Steps: make([]protocol.RNNStep, 3)}
	r.Step = 2
	env.Lock()
	r.TogglePlay()
	if !r.Playing || r.Step != 0 || r.PlayText() != "Pause" {
		t.Fatalf("Play at the last step: playing %v from step %d", r.Playing, r.Step)
	}
	env.Unlock()
	deadline := time.Now().Add(5 * time.Second)
	for {
		env.Lock()
		playing, step, renders := r.Playing, r.Step, env.renders
		env.Unlock()
		if !playing || time.Now().After(deadline) {
			if playing || step != 2 || renders != 2 {
				t.Errorf("after playing: playing %v at step %d with %d renders; want stopped at 2 after 2", playing, step, renders)
			}
			break
		}
		time.Sleep(20 * time.Millisecond)
	}

	env.Lock()
	r.SetStep(0)
	r.TogglePlay()
	p.Hidden()
	if r.Playing {
		t.Error("still playing after the place was left")
	}
	env.Unlock()
	time.Sleep(2 * playGap)
	if r.Step != 0 {
		t.Errorf("the reading moved on to step %d after the place was left", r.Step)
	}
}
