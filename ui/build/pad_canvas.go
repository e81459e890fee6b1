//go:build js && wasm

package build

import (
	"syscall/js"

	"honnef.co/go/js/dom/v2"

	"github.com/nnplay/nnplay/engine/data/drawing"
	"github.com/nnplay/nnplay/ui/draw"
)

// padCanvas is the pad on the page: the canvas drawn on (made in Go,
// once, and moved into the place's new host each time the place is shown)
// and the 28×28 preview of the input.
type padCanvas struct {
	p       *Pad
	host    js.Value
	canvas  *dom.HTMLCanvasElement
	ctx     *dom.CanvasRenderingContext2D
	preview *dom.CanvasRenderingContext2D
	prevEl  js.Value

	drawingNow   bool
	lastX, lastY float64
}

var _ inkView = (*padCanvas)(nil)

// Mount creates the pad's canvas inside host and starts listening to
// pointer events (mouse, touch and pen) on it. Idempotent.
func (p *Pad) Mount(host js.Value) {
	c, _ := p.ink.(*padCanvas)
	if c == nil {
		c = &padCanvas{p: p}
		p.ink = c
	}
	if c.canvas != nil && c.host.Equal(host) {
		return
	}
	c.host = host
	if c.canvas != nil { // the place was shown again: the drawing moves into the new host
		host.Call("replaceChildren", c.canvas.Underlying())
		return
	}
	cv := draw.Canvas()
	cv.SetWidth(padSize)
	cv.SetHeight(padSize)
	cv.SetAttribute("aria-label", "Drawing pad: draw a digit with the mouse, a finger or a pen")
	cv.SetAttribute("role", "img")
	host.Call("replaceChildren", cv.Underlying())
	c.canvas = cv
	c.ctx = cv.GetContext2d()
	c.ctx.SetLineWidth(penWidth)
	c.ctx.SetLineCap("round")
	c.ctx.SetLineJoin("round")
	c.ctx.SetStrokeStyle("#1d2430")
	c.ctx.SetFillStyle("#1d2430")

	// Pointer events are attached here rather than with @pointermove in the
	// template: every Vugu event re-renders the whole page.
	cv.AddEventListener("pointerdown", draw.Bubble, c.pointerDown)
	cv.AddEventListener("pointermove", draw.Bubble, c.pointerMove)
	for _, t := range []string{"pointerup", "pointercancel", "lostpointercapture"} {
		cv.AddEventListener(t, draw.Bubble, c.pointerUp)
	}
	if p.wake == nil {
		p.wake = make(chan struct{}, 1)
		go p.predictLoop()
	}
}

// MountPreview creates the canvas showing the 28×28 input. Idempotent.
func (p *Pad) MountPreview(host js.Value) {
	c, _ := p.ink.(*padCanvas)
	if c == nil {
		c = &padCanvas{p: p}
		p.ink = c
	}
	if c.preview != nil && c.prevEl.Equal(host) {
		return
	}
	c.prevEl = host
	cv := draw.Canvas()
	cv.SetWidth(drawing.Side)
	cv.SetHeight(drawing.Side)
	cv.SetAttribute("role", "img")
	cv.SetAttribute("aria-label", "The 28×28 input the model sees")
	host.Call("replaceChildren", cv.Underlying())
	c.preview = cv.GetContext2d()
	draw.Digit(c.preview, p.shown)
}

// canvasXY maps a pointer event to canvas pixels.
func (c *padCanvas) canvasXY(ev dom.Event) (float64, float64) {
	e := ev.Underlying()
	r := c.canvas.Underlying().Call("getBoundingClientRect")
	w, h := r.Get("width").Float(), r.Get("height").Float()
	if w <= 0 || h <= 0 {
		return 0, 0
	}
	return (e.Get("clientX").Float() - r.Get("left").Float()) * padSize / w,
		(e.Get("clientY").Float() - r.Get("top").Float()) * padSize / h
}

func (c *padCanvas) pointerDown(ev dom.Event) {
	ev.PreventDefault()
	e := ev.Underlying()
	c.canvas.Underlying().Call("setPointerCapture", e.Get("pointerId"))
	c.drawingNow = true
	c.lastX, c.lastY = c.canvasXY(ev)
	// A dot, so a tap leaves ink.
	c.ctx.BeginPath()
	c.ctx.Arc(c.lastX, c.lastY, penWidth/2, 0, 6.2832, draw.Clockwise)
	c.ctx.Fill()
	c.p.changed()
}

func (c *padCanvas) pointerMove(ev dom.Event) {
	if !c.drawingNow {
		return
	}
	ev.PreventDefault()
	x, y := c.canvasXY(ev)
	c.ctx.BeginPath()
	c.ctx.MoveTo(c.lastX, c.lastY)
	c.ctx.LineTo(x, y)
	c.ctx.Stroke()
	c.lastX, c.lastY = x, y
	c.p.changed()
}

func (c *padCanvas) pointerUp(ev dom.Event) {
	if c.drawingNow {
		c.drawingNow = false
		c.p.changed()
	}
}

// input reads the drawing's ink (the canvas' alpha) and preprocesses
// it like MNIST.
func (c *padCanvas) input() []float32 {
	img := c.ctx.GetImageData(0, 0, padSize, padSize)
	rgba := make([]byte, padSize*padSize*4)
	js.CopyBytesToGo(rgba, img.Data())
	gray := make([]float32, padSize*padSize)
	for i := range gray {
		gray[i] = float32(rgba[4*i+3]) / 255
	}
	return drawing.Preprocess(gray, padSize, padSize)
}

// show draws the input the model was sent on the preview.
func (c *padCanvas) show(input []float32) { draw.Digit(c.preview, input) }

// clear wipes the drawing and the preview.
func (c *padCanvas) clear() {
	if c.ctx != nil {
		c.ctx.ClearRect(0, 0, padSize, padSize)
	}
	draw.Digit(c.preview, nil)
}
