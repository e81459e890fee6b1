//go:build js && wasm

package explain

import (
	"math"
	sjs "syscall/js"
	"time"

	"honnef.co/go/js/dom/v2"

	"github.com/nnplay/nnplay/engine/data/drawing"
	"github.com/nnplay/nnplay/ui/draw"
)

// The Why? place's own pad: draw here and the maps follow the pen.
const (
	padSize  = 280 // canvas pixels, as Build & train's pad
	penWidth = 22
	drawGap  = 250 * time.Millisecond // the least time between two live drawings sent
)

// livePad is the Why? place's drawing pad, made once and moved into the
// panel's new host each time the place is shown.
type livePad struct {
	p      *Place
	host   sjs.Value
	canvas *dom.HTMLCanvasElement
	ctx    *dom.CanvasRenderingContext2D

	down         bool
	lastX, lastY float64
	sentAt       time.Time
}

// mount puts the pad into host (vg-js-create). Idempotent.
func (l *livePad) mount(host sjs.Value) {
	if l.canvas != nil && l.host.Equal(host) {
		return
	}
	l.host = host
	if l.canvas == nil {
		cv := draw.LabelledCanvas(padSize, padSize, "Drawing pad: draw a digit and the maps follow")
		l.canvas, l.ctx = cv, cv.GetContext2d()
		l.ctx.SetLineWidth(penWidth)
		l.ctx.SetLineCap("round")
		l.ctx.SetLineJoin("round")
		l.ctx.SetStrokeStyle("#1d2430")
		l.ctx.SetFillStyle("#1d2430")
		cv.AddEventListener("pointerdown", draw.Bubble, l.pointerDown)
		cv.AddEventListener("pointermove", draw.Bubble, l.pointerMove)
		for _, t := range []string{"pointerup", "pointercancel", "lostpointercapture"} {
			cv.AddEventListener(t, draw.Bubble, l.pointerUp)
		}
	}
	host.Call("replaceChildren", l.canvas.Underlying())
}

// clear wipes the pad.
func (l *livePad) clear() {
	if l.ctx != nil {
		l.ctx.ClearRect(0, 0, padSize, padSize)
	}
}

func (l *livePad) xy(ev dom.Event) (float64, float64) {
	e := ev.Underlying()
	r := l.canvas.GetBoundingClientRect()
	if r.Width() <= 0 || r.Height() <= 0 {
		return 0, 0
	}
	return (e.Get("clientX").Float() - r.Left()) * padSize / r.Width(), (e.Get("clientY").Float() - r.Top()) * padSize / r.Height()
}

func (l *livePad) pointerDown(ev dom.Event) {
	ev.PreventDefault()
	l.canvas.Underlying().Call("setPointerCapture", ev.Underlying().Get("pointerId"))
	l.down = true
	l.lastX, l.lastY = l.xy(ev)
	l.ctx.BeginPath()
	l.ctx.Arc(l.lastX, l.lastY, penWidth/2, 0, 2*math.Pi, draw.Clockwise)
	l.ctx.Fill()
}

func (l *livePad) pointerMove(ev dom.Event) {
	if !l.down {
		return
	}
	ev.PreventDefault()
	x, y := l.xy(ev)
	l.ctx.BeginPath()
	l.ctx.MoveTo(l.lastX, l.lastY)
	l.ctx.LineTo(x, y)
	l.ctx.Stroke()
	l.lastX, l.lastY = x, y
	if time.Since(l.sentAt) >= drawGap {
		l.send()
	}
}

func (l *livePad) pointerUp(dom.Event) {
	if l.down {
		l.down = false
		l.send()
	}
}

// send explains the drawing as it is. Event callbacks must not block, so
// a goroutine takes Vugu's lock.
func (l *livePad) send() {
	l.sentAt = time.Now()
	input := l.input()
	go func() {
		env := l.p.S.Env
		env.Lock()
		l.p.Draw(input)
		env.UnlockRender()
	}()
}

// input is the drawing as the model reads it (MNIST's preprocessing).
func (l *livePad) input() []float32 {
	img := l.ctx.GetImageData(0, 0, padSize, padSize)
	rgba := make([]byte, 4*padSize*padSize)
	sjs.CopyBytesToGo(rgba, img.Data())
	gray := make([]float32, padSize*padSize)
	for i := range gray {
		gray[i] = float32(rgba[4*i+3]) / 255
	}
	return drawing.Preprocess(gray, padSize, padSize)
}
