//go:build js && wasm

package build

import (
	"strconv"
	"sync/atomic"
	"syscall/js"
	"time"

	"honnef.co/go/js/dom/v2"

	"github.com/nnplay/nnplay/engine/data/drawing"
	"github.com/nnplay/nnplay/ui/draw"
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

// Pad is the draw-a-digit pad: its canvases (made in Go, once), the
// 28×28 input it made from the drawing and the probabilities the worker
// returned for it.
type Pad struct {
	Probs []float32 // nil until a prediction for the current drawing arrives
	Top   int       // the most probable digit

	s       *session.Session
	host    js.Value
	canvas  *dom.HTMLCanvasElement
	ctx     *dom.CanvasRenderingContext2D
	preview *dom.CanvasRenderingContext2D
	prevEl  js.Value

	drawingNow bool
	lastX      float64
	lastY      float64
	inked      bool

	dirty    atomic.Bool   // the drawing changed since the last request
	wake     chan struct{} // tells the predictor goroutine to look
	nextID   int
	clearID  int // replies with an ID below this are for a cleared drawing
	shownID  int
	inFlight bool
	sentAt   time.Time
}

// Mount creates the pad's canvas inside host and starts listening to
// pointer events (mouse, touch and pen) on it. Idempotent.
func (p *Pad) Mount(host js.Value) {
	if p.canvas != nil && p.host.Equal(host) {
		return
	}
	p.host = host
	cv := draw.Canvas()
	cv.SetWidth(padSize)
	cv.SetHeight(padSize)
	cv.SetAttribute("aria-label", "Drawing pad: draw a digit with the mouse, a finger or a pen")
	cv.SetAttribute("role", "img")
	host.Call("replaceChildren", cv.Underlying())
	p.canvas = cv
	p.ctx = cv.GetContext2d()
	p.ctx.SetLineWidth(penWidth)
	p.ctx.SetLineCap("round")
	p.ctx.SetLineJoin("round")
	p.ctx.SetStrokeStyle("#1d2430")
	p.ctx.SetFillStyle("#1d2430")

	// Pointer events are attached here rather than with @pointermove in the
	// template: every Vugu event re-renders the whole page.
	cv.AddEventListener("pointerdown", false, p.pointerDown)
	cv.AddEventListener("pointermove", false, p.pointerMove)
	for _, t := range []string{"pointerup", "pointercancel", "lostpointercapture"} {
		cv.AddEventListener(t, false, p.pointerUp)
	}
	if p.wake == nil {
		p.wake = make(chan struct{}, 1)
		go p.predictLoop()
	}
}

// MountPreview creates the canvas showing the 28×28 input. Idempotent.
func (p *Pad) MountPreview(host js.Value) {
	if p.preview != nil && p.prevEl.Equal(host) {
		return
	}
	p.prevEl = host
	cv := draw.Canvas()
	cv.SetWidth(drawing.Side)
	cv.SetHeight(drawing.Side)
	cv.SetAttribute("role", "img")
	cv.SetAttribute("aria-label", "The 28×28 input the model sees")
	host.Call("replaceChildren", cv.Underlying())
	p.preview = cv.GetContext2d()
	drawDigit(p.preview, nil)
}

// canvasXY maps a pointer event to canvas pixels.
func (p *Pad) canvasXY(ev dom.Event) (float64, float64) {
	e := ev.Underlying()
	r := p.canvas.Underlying().Call("getBoundingClientRect")
	w, h := r.Get("width").Float(), r.Get("height").Float()
	if w <= 0 || h <= 0 {
		return 0, 0
	}
	return (e.Get("clientX").Float() - r.Get("left").Float()) * padSize / w,
		(e.Get("clientY").Float() - r.Get("top").Float()) * padSize / h
}

func (p *Pad) pointerDown(ev dom.Event) {
	ev.PreventDefault()
	e := ev.Underlying()
	p.canvas.Underlying().Call("setPointerCapture", e.Get("pointerId"))
	p.drawingNow = true
	p.lastX, p.lastY = p.canvasXY(ev)
	// A dot, so a tap leaves ink.
	p.ctx.BeginPath()
	p.ctx.Arc(p.lastX, p.lastY, penWidth/2, 0, 6.2832, false)
	p.ctx.Fill()
	p.changed()
}

func (p *Pad) pointerMove(ev dom.Event) {
	if !p.drawingNow {
		return
	}
	ev.PreventDefault()
	x, y := p.canvasXY(ev)
	p.ctx.BeginPath()
	p.ctx.MoveTo(p.lastX, p.lastY)
	p.ctx.LineTo(x, y)
	p.ctx.Stroke()
	p.lastX, p.lastY = x, y
	p.changed()
}

func (p *Pad) pointerUp(ev dom.Event) {
	if p.drawingNow {
		p.drawingNow = false
		p.changed()
	}
}

// changed marks the drawing dirty and wakes the predictor; it never blocks
// (it runs inside a JS event callback).
func (p *Pad) changed() {
	p.inked = true
	p.dirty.Store(true)
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// Clear wipes the drawing, the input and the probabilities; replies to
// requests already sent are dropped. Runs under the event lock.
func (p *Pad) Clear() {
	if p.ctx != nil {
		p.ctx.ClearRect(0, 0, padSize, padSize)
	}
	if p.preview != nil {
		drawDigit(p.preview, nil)
	}
	p.Probs = nil
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
			if !p.s.ModelReady() {
				p.s.Env.UnlockOnly() // no model yet; the next stroke tries again
				break
			}
			p.dirty.Store(false)
			input := p.readInput()
			drawDigit(p.preview, input)
			p.nextID++
			p.inFlight, p.sentAt = true, time.Now()
			p.s.Send(protocol.Predict{ID: p.nextID, Image: input})
			p.s.Env.UnlockRender()
		}
	}
}

// readInput reads the drawing's ink (the canvas' alpha) and preprocesses
// it like MNIST.
func (p *Pad) readInput() []float32 {
	img := p.ctx.GetImageData(0, 0, padSize, padSize)
	rgba := make([]byte, padSize*padSize*4)
	js.CopyBytesToGo(rgba, img.Data())
	gray := make([]float32, padSize*padSize)
	for i := range gray {
		gray[i] = float32(rgba[4*i+3]) / 255
	}
	return drawing.Preprocess(gray, padSize, padSize)
}

// SetPrediction shows a reply unless it is stale: for a cleared drawing,
// or older than the one shown.
func (p *Pad) SetPrediction(e protocol.Prediction) {
	if e.ID == p.nextID {
		p.inFlight = false
	}
	e.Probs = p.allDigits(e.Probs) // a model of some digits only (handwriting.go)
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

// drawDigit paints a 28×28 image (values in [0,1], nil for blank) on ctx,
// dark ink on a light background like the pad.
func drawDigit(ctx *dom.CanvasRenderingContext2D, v []float32) {
	if ctx == nil {
		return
	}
	n := drawing.Side * drawing.Side
	rgba := make([]byte, 4*n)
	for i := 0; i < n; i++ {
		ink := float32(0)
		if i < len(v) {
			ink = v[i]
		}
		g := byte(250 - 221*min(1, max(0, ink))) // #fafafa → #1d1d1d
		rgba[4*i], rgba[4*i+1], rgba[4*i+2], rgba[4*i+3] = g, g, g, 255
	}
	draw.PutPixels(ctx, rgba, drawing.Side, drawing.Side)
}

// Inked says something is drawn (session.Drawing).
func (p *Pad) Inked() bool { return p.inked && p.ctx != nil }

// Input is the drawing as the model's input (session.Drawing).
func (p *Pad) Input() []float32 { return p.readInput() }

// Prediction is the model's last answer for the drawing (session.Drawing).
func (p *Pad) Prediction() ([]float32, int) { return p.Probs, p.Top }

var _ session.Drawing = (*Pad)(nil)
