package build

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/ui/session"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// fakeInk is a drawing on a pad with no page: the input it gives, and
// whether it was cleared.
type fakeInk struct {
	in      []float32
	cleared bool
}

func (f *fakeInk) input() []float32 { return f.in }
func (f *fakeInk) show([]float32)   {}
func (f *fakeInk) clear()           { f.cleared = true }

// fakeExamples records what would be kept in IndexedDB.
type fakeExamples struct{ kept map[int64]Example }

func (f *fakeExamples) put(d Example)   { f.kept[d.ID] = d }
func (f *fakeExamples) remove(id int64) { delete(f.kept, id) }

// readyPlace is the Build place with a built model and a worker that
// records requests.
func readyPlace(t *testing.T) (*Place, *[]protocol.Request) {
	t.Helper()
	var sent []protocol.Request
	s := session.New(func(r protocol.Request) { sent = append(sent, r) })
	p := New(s)
	s.Handle(protocol.Ready{})
	s.Handle(protocol.DataReady{Train: 60000, Test: 10000})
	s.Handle(protocol.Built{})
	return p, &sent
}

func last(t *testing.T, sent *[]protocol.Request) protocol.Request {
	t.Helper()
	if len(*sent) == 0 {
		t.Fatal("nothing was sent")
	}
	return (*sent)[len(*sent)-1]
}

func TestHandwritingAddTuneDelete(t *testing.T) {
	p, sent := readyPlace(t)
	h := p.Hand
	kept := &fakeExamples{kept: map[int64]Example{}}
	h.store = kept
	if h.TuneBlocked() == "" {
		t.Errorf("fine-tuning is possible without drawings")
	}
	h.Add()
	if len(h.Drawings) != 0 || !strings.Contains(h.Note, "Draw a digit") {
		t.Errorf("Add with nothing drawn: %d drawings, note %q", len(h.Drawings), h.Note)
	}
	ink := &fakeInk{}
	p.Pad.ink = ink
	for i, label := range []int{3, 3, 8} {
		ink.in = make([]float32, drawingPixels)
		ink.in[0] = float32(i) / 2 // 0, 0.5, 1 → bytes 0, 128, 255
		p.Pad.inked = true
		h.Label = label
		h.Add()
	}
	if len(h.Drawings) != 3 || len(kept.kept) != 3 || !ink.cleared || p.Pad.Inked() {
		t.Fatalf("after three Adds: %d drawings, %d kept, pad cleared %v", len(h.Drawings), len(kept.kept), ink.cleared)
	}
	if got := []byte{h.Drawings[0].Pixels[0], h.Drawings[1].Pixels[0], h.Drawings[2].Pixels[0]}; !bytes.Equal(got, []byte{0, 128, 255}) {
		t.Errorf("drawings as bytes: %v, want [0 128 255]", got)
	}
	if got, want := h.CountsText(), "3 drawings: 2 × 3, 1 × 8."; got != want {
		t.Errorf("CountsText = %q, want %q", got, want)
	}
	h.Tune()
	r := last(t, sent).(protocol.TuneExamples)
	if !reflect.DeepEqual(r.Labels, []int{3, 3, 8}) || len(r.Pixels) != 3*drawingPixels || r.Pixels[2*drawingPixels] != 255 ||
		r.Mix != 3*HandMixPer || r.Epochs != HandEpochs {
		t.Fatalf("Tune sent labels %v, %d pixels, mix %d, epochs %d", r.Labels, len(r.Pixels), r.Mix, r.Epochs)
	}
	if h.TuneBlocked() != "Fine-tuning…" {
		t.Errorf("while tuning: blocked %q", h.TuneBlocked())
	}
	p.S.Handle(protocol.ExamplesTuned{ID: r.ID, Before: 0, After: 1, TestBefore: 0.97, TestAccuracy: 0.95, Batches: 10, Seconds: 0.2})
	if h.Tuning || !strings.Contains(h.Note, "your drawings 0.0% → 100.0% right; MNIST test accuracy 97.0% → 95.0%") {
		t.Errorf("after tuning: %q", h.Note)
	}
	h.Mix = false
	h.Delete(h.Drawings[1].ID)
	h.Tune()
	if r := last(t, sent).(protocol.TuneExamples); r.Mix != 0 || !reflect.DeepEqual(r.Labels, []int{3, 8}) || len(kept.kept) != 2 {
		t.Errorf("without mixing, after a delete: labels %v, mix %d, %d kept", r.Labels, r.Mix, len(kept.kept))
	}
}

// A model of some digits only (the fine-tuning lesson's 5–9 head) answers
// with 5 probabilities; the pad shows them as digits 5–9.
func TestPadShowsASubsetModelsDigits(t *testing.T) {
	p, _ := readyPlace(t)
	m := spec.Seed()
	m.Layers[len(m.Layers)-1] = spec.Dense(5, spec.ActSoftmax)
	m.Classes = []int{5, 6, 7, 8, 9}
	p.S.Model.LoadSpec(m)
	p.Pad.nextID = 1
	p.S.Handle(protocol.Prediction{ID: 1, Probs: []float32{0.1, 0.6, 0.1, 0.1, 0.1}})
	if len(p.Pad.Probs) != 10 || p.Pad.Probs[6] != 0.6 || p.Pad.Probs[0] != 0 || p.Pad.Top != 6 {
		t.Errorf("a 5–9 model's answer shows as %v (top %d); want digit 6 on top, 0–4 at 0", p.Pad.Probs, p.Pad.Top)
	}
}

// TestHandwritingTuneTakesOnlyItsOwnError: fine-tuning on the drawings
// waits through errors not its own (a training error, another place's
// refused request) and takes its answer; its own refusal ends it, the
// note saying why.
func TestHandwritingTuneTakesOnlyItsOwnError(t *testing.T) {
	p, sent := readyPlace(t)
	h := p.Hand
	h.store = &fakeExamples{kept: map[int64]Example{}}
	p.Pad.ink = &fakeInk{in: make([]float32, drawingPixels)}
	p.Pad.inked = true
	h.Label = 3
	h.Add()
	h.Tune()
	r := last(t, sent).(protocol.TuneExamples)
	p.S.Handle(protocol.Error{Message: "the loss is NaN at epoch 1, batch 3: training paused"})
	p.S.Handle(protocol.Error{Message: "trace: index 10000 is past the test set", Request: "trace", ID: r.ID + 1000})
	if !h.Tuning || h.TuneBlocked() != "Fine-tuning…" {
		t.Errorf("after errors not its own: tuning %v, blocked %q; want it still tuning", h.Tuning, h.TuneBlocked())
	}
	p.S.Handle(protocol.ExamplesTuned{ID: r.ID, Before: 0, After: 1, TestBefore: 0.97, TestAccuracy: 0.95, Batches: 10, Seconds: 0.2})
	if h.Tuning || h.Result == nil || !strings.Contains(h.Note, "Fine-tuned in 0.2 s") {
		t.Errorf("its answer after other errors: tuning %v, note %q", h.Tuning, h.Note)
	}

	h.Tune()
	r = last(t, sent).(protocol.TuneExamples)
	const why = "tune_examples: the model does not take 28×28 images"
	p.S.Handle(protocol.Error{Message: why, Request: r.Type(), ID: r.ID})
	if h.Tuning || h.Note != why || p.S.ErrorText() != why {
		t.Errorf("after its own refusal: tuning %v, note %q, banner %q; want it over and %q said", h.Tuning, h.Note, p.S.ErrorText(), why)
	}
}
