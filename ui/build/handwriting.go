package build

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nnplay/nnplay/engine/data/drawing"
	"github.com/nnplay/nnplay/engine/units"
	"github.com/nnplay/nnplay/ui/session"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// "Teach it your handwriting": digits drawn on the pad and labelled are
// kept as the user's own data set (IndexedDB); the
// model is fine-tuned on them (tune_examples: a few epochs, mixed with
// some MNIST so it does not forget), and the pad then predicts with it.

// examples keeps the drawings between visits (the page's IndexedDB).
type examples interface {
	put(Example)
	remove(id int64)
}

// handIDBase keeps the request ids apart from the others'.
const handIDBase = 1 << 28

// drawingPixels is a drawing's size: the pad's 28×28 input.
const drawingPixels = drawing.Side * drawing.Side

// Fine-tuning settings: epochs over the drawings, and MNIST training
// images mixed in per drawing (at most HandMixMax).
const (
	HandEpochs   = 10
	HandMixPer   = 10
	HandMixMax   = 1000
	handTuneSeed = 1
)

// Example is one labelled drawing: the 28×28 input the pad made from it
// (grey levels, 0 = background).
type Example struct {
	ID     int64
	Label  int
	Pixels []byte
	url    string // a PNG data URL of it, made when first shown
}

// Handwriting is the "Teach it your handwriting" state.
type Handwriting struct {
	s     *session.Session
	pad   *Pad
	store examples // where the drawings are kept (nil: nowhere)

	Label    int // the digit the next example is labelled
	Drawings []Example
	Mix      bool // mix MNIST images into the fine-tuning
	Note     string
	Tuning   bool
	Result   *protocol.ExamplesTuned

	nextID int
	tuneID int
	lastID int64
}

func newHandwriting(s *session.Session, pad *Pad) *Handwriting {
	return &Handwriting{s: s, pad: pad, Mix: true, nextID: handIDBase}
}

// newID is a drawing id: the time in ms ×1000, unique in this tab.
func (h *Handwriting) newID() int64 {
	id := time.Now().UnixMilli() * 1000
	if id <= h.lastID {
		id = h.lastID + 1
	}
	h.lastID = id
	return id
}

// Add keeps the pad's drawing labelled with Label and clears the pad for
// the next one.
func (h *Handwriting) Add() {
	p := h.pad
	if !p.Inked() {
		h.Note = "Draw a digit on the pad first."
		return
	}
	input := p.Input()
	d := Example{ID: h.newID(), Label: h.Label, Pixels: make([]byte, drawingPixels)}
	for i, v := range input {
		d.Pixels[i] = byte(min(1, max(0, v))*255 + 0.5)
	}
	h.Drawings = append(h.Drawings, d)
	if h.store != nil {
		h.store.put(d)
	}
	h.Note = fmt.Sprintf("Added a %d: %d of them now.", d.Label, h.Count(d.Label))
	p.Clear()
}

// Delete removes a drawing.
func (h *Handwriting) Delete(id int64) {
	i := slices.IndexFunc(h.Drawings, func(d Example) bool { return d.ID == id })
	if i < 0 {
		return
	}
	d := h.Drawings[i]
	h.Drawings = slices.Delete(h.Drawings, i, i+1)
	if h.store != nil {
		h.store.remove(id)
	}
	h.Note = fmt.Sprintf("Deleted a %d.", d.Label)
}

// Count is how many drawings are labelled k.
func (h *Handwriting) Count(k int) int {
	n := 0
	for _, d := range h.Drawings {
		if d.Label == k {
			n++
		}
	}
	return n
}

// CountsText lists the drawings per digit: "2 × 3, 1 × 7".
func (h *Handwriting) CountsText() string {
	if len(h.Drawings) == 0 {
		return "No drawings yet: pick the digit, draw it on the pad, Add example."
	}
	var parts []string
	for k := range 10 {
		if n := h.Count(k); n > 0 {
			parts = append(parts, fmt.Sprintf("%d × %d", n, k))
		}
	}
	return fmt.Sprintf("%d drawings: %s.", len(h.Drawings), strings.Join(parts, ", "))
}

// setDrawings takes the drawings read from IndexedDB (keeping any added
// since the page opened), oldest first.
func (h *Handwriting) setDrawings(list []Example) {
	for _, d := range list {
		if !slices.ContainsFunc(h.Drawings, func(x Example) bool { return x.ID == d.ID }) {
			h.Drawings = append(h.Drawings, d)
		}
	}
	slices.SortFunc(h.Drawings, func(a, b Example) int { return cmp.Compare(a.ID, b.ID) })
}

// TuneBlocked says why "Fine-tune on my digits" is disabled, or "".
func (h *Handwriting) TuneBlocked() string {
	switch {
	case len(h.Drawings) == 0:
		return "Add a few drawings first."
	case !h.s.ModelReady():
		return "Wait for the model."
	case h.s.Training == protocol.StateRunning:
		return "Pause training first."
	case h.Tuning:
		return "Fine-tuning…"
	}
	return ""
}

// Tune fine-tunes the model on the drawings.
func (h *Handwriting) Tune() {
	if h.TuneBlocked() != "" {
		return
	}
	n := len(h.Drawings)
	r := protocol.TuneExamples{Epochs: HandEpochs, Seed: handTuneSeed, Pixels: make([]byte, 0, n*drawingPixels)}
	for _, d := range h.Drawings {
		r.Pixels = append(r.Pixels, d.Pixels...)
		r.Labels = append(r.Labels, d.Label)
	}
	if h.Mix {
		r.Mix = min(HandMixPer*n, HandMixMax)
	}
	h.nextID++
	h.tuneID, r.ID = h.nextID, h.nextID
	h.Tuning, h.Note = true, "Fine-tuning on your drawings…"
	h.s.Send(r)
}

// apply follows the worker's events.
func (h *Handwriting) apply(ev protocol.Event) {
	switch e := ev.(type) {
	case protocol.ExamplesTuned:
		if e.ID != h.tuneID {
			return
		}
		h.Tuning = false
		res := e
		h.Result = &res
		h.Note = fmt.Sprintf("Fine-tuned in %.1f s (%d batches): your drawings %s → %s right; MNIST test accuracy %s → %s.",
			e.Seconds, e.Batches, units.Percent(e.Before), units.Percent(e.After), units.Percent(e.TestBefore), units.Percent(e.TestAccuracy))
		h.pad.Refresh()
	case protocol.Error:
		// Only the fine-tuning's own error (or a fatal one) ends it: a
		// training error, or another place's, leaves it waiting.
		if _, ours := session.ErrorFor(ev, h.tuneID); ours && h.Tuning {
			h.Tuning, h.Note = false, e.Message
		}
	}
}
