package build

import (
	"strconv"
	"sync/atomic"
	"time"

	"github.com/nnplay/nnplay/ui/session"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// The pad's canvas in canvas pixels (CSS scales it down on small screens)
// and the pen's width: about an MNIST stroke once the digit is scaled into
// the 20×20 box.
const (
	padSize  = 280
	penWidth = 22
)

// Prediction pacing: at most one predict request in flight, at least
// predictGap apart; a request unanswered after predictTimeout no longer
// holds the next one back.
const (
	predictGap     = 60 * time.Millisecond
	predictTimeout = time.Second
)

// Pad is the draw-a-digit pad: the drawing (on the page, inkView), the
// 28×28 input made from it and the probabilities the worker returned for
// it. Replies that are stale — for a cleared drawing, or older than the
// one shown — are dropped.
type Pad struct {
	Probs []float32 // nil until a prediction for the current drawing arrives
	Top   int       // the most probable digit

	s     *session.Session
	ink   inkView   // the canvases; nil until the pad is on the page
	inked bool      // something is drawn
	shown []float32 // the input last sent, for a preview made again

	dirty    atomic.Bool   // the drawing changed since the last request
	wake     chan struct{} // tells the predictor goroutine to look
	nextID   int
	clearID  int // replies with an ID below this are for a cleared drawing
	shownID  int
	inFlight bool
	sentAt   time.Time
}

// inkView is the drawing on the page (padCanvas).
type inkView interface {
	input() []float32     // the drawing as the model's input
	show(input []float32) // the input sent, on the preview
	clear()               // wipes the drawing and the preview
}

var _ session.Drawing = (*Pad)(nil)

// changed marks the drawing dirty and wakes the predictor; it never blocks
// (it runs inside a JS event callback).
func (p *Pad) changed() {
	p.inked = true
	p.dirty.Store(true)
	if p.wake == nil {
		p.wake = make(chan struct{}, 1)
		go p.predictLoop()
	}
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// Clear wipes the drawing, the input and the probabilities; replies to
// requests already sent are dropped. Runs under the event lock.
func (p *Pad) Clear() {
	if p.ink != nil {
		p.ink.clear()
	}
	p.Probs, p.shown = nil, nil
	p.inked = false
	p.dirty.Store(false)
	p.clearID = p.nextID + 1
}

// predictLoop sends predict requests for the drawing, paced: one in
// flight, predictGap apart.
func (p *Pad) predictLoop() {
	for range p.wake {
		for p.dirty.Load() {
			p.s.Env.Lock()
			if p.inFlight && time.Since(p.sentAt) < predictTimeout {
				p.s.Env.UnlockOnly() // SetPrediction wakes us when the reply comes
				break
			}
			if wait := predictGap - time.Since(p.sentAt); wait > 0 {
				p.s.Env.UnlockOnly()
				time.Sleep(wait)
				continue
			}
			if !p.s.ModelReady() || p.ink == nil {
				p.s.Env.UnlockOnly() // no model yet; the next stroke tries again
				break
			}
			p.dirty.Store(false)
			p.shown = p.ink.input()
			p.ink.show(p.shown)
			p.nextID++
			p.inFlight, p.sentAt = true, time.Now()
			p.s.Send(protocol.Predict{ID: p.nextID, Image: p.shown})
			p.s.Env.UnlockRender()
		}
	}
}

// SetPrediction shows a reply unless it is stale: for a cleared drawing,
// or older than the one shown.
func (p *Pad) SetPrediction(e protocol.Prediction) {
	if e.ID == p.nextID {
		p.inFlight = false
	}
	e.Probs = p.allDigits(e.Probs) // a model of some digits only (the fine-tuning lesson's)
	if e.ID < p.clearID || e.ID <= p.shownID || len(e.Probs) != protocol.Classes {
		return
	}
	p.shownID = e.ID
	p.Probs = e.Probs
	p.Top = 0
	for k, v := range e.Probs {
		if v > e.Probs[p.Top] {
			p.Top = k
		}
	}
	p.Kick()
}

// allDigits spreads the probabilities of a model that tells apart some
// digits only (spec Classes, as after the fine-tuning lesson) over the
// ten digits, 0 for the others; other answers are returned as they are.
func (p *Pad) allDigits(probs []float32) []float32 {
	if len(probs) == protocol.Classes || p.s == nil {
		return probs
	}
	m, err := p.s.Model.Spec()
	if err != nil || len(m.Classes) != len(probs) {
		return probs
	}
	out := make([]float32, protocol.Classes)
	for i, d := range m.Classes {
		out[d] = probs[i]
	}
	return out
}

// Kick wakes the predictor, e.g. when a model becomes ready after the
// drawing was made. It never blocks.
func (p *Pad) Kick() {
	if p.wake != nil && p.dirty.Load() {
		select {
		case p.wake <- struct{}{}:
		default:
		}
	}
}

// Refresh asks for a new prediction of the drawing on the pad (the model
// changed under it).
func (p *Pad) Refresh() {
	if p.inked {
		p.dirty.Store(true)
		p.Kick()
	}
}

// Waiting says the pad has ink but no prediction yet can be shown.
func (p *Pad) Waiting() bool { return p.inked && p.Probs == nil }

// ProbText formats digit k's probability for data-p: full float32
// precision, so the bars' values sum to 1 as the worker's do.
func (p *Pad) ProbText(k int) string {
	return strconv.FormatFloat(float64(p.Probs[k]), 'g', -1, 32)
}

// Percent is digit k's probability as a rounded percentage.
func (p *Pad) Percent(k int) string {
	return strconv.FormatFloat(float64(p.Probs[k])*100, 'f', 1, 64) + "%"
}

// Inked says something is drawn (session.Drawing).
func (p *Pad) Inked() bool { return p.inked && p.ink != nil }

// Input is the drawing as the model's input (session.Drawing).
func (p *Pad) Input() []float32 {
	if p.ink == nil {
		return nil
	}
	return p.ink.input()
}

// Prediction is the model's last answer for the drawing (session.Drawing).
func (p *Pad) Prediction() ([]float32, int) { return p.Probs, p.Top }
