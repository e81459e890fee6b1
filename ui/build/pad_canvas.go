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
	pen     *draw.Pen
	preview *dom.CanvasRenderingContext2D
	prevEl  js.Value
}

var _ inkView = (*padCanvas)(nil)

// Mount creates the pad's canvas inside host, drawn on with the pointer
// (mouse, touch and pen). Idempotent.
func (p *Pad) Mount(host js.Value) {
	c, _ := p.ink.(*padCanvas)
	if c == nil {
		c = &padCanvas{p: p}
		p.ink = c
	}
	if c.pen != nil && c.host.Equal(host) {
		return
	}
	c.host = host
	if c.pen == nil {
		c.pen = draw.NewPen(padSize, penWidth, "Drawing pad: draw a digit with the mouse, a finger or a pen")
		c.pen.OnInk, c.pen.OnLift = p.changed, p.changed
	}
	// The first time, or the place was shown again: the drawing moves into the new host.
	host.Call("replaceChildren", c.pen.Canvas.Underlying())
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

// input reads the drawing's ink (the canvas' alpha) and preprocesses
// it like MNIST.
func (c *padCanvas) input() []float32 {
	return drawing.Preprocess(c.pen.Ink(), padSize, padSize)
}

// show draws the input the model was sent on the preview.
func (c *padCanvas) show(input []float32) { draw.Digit(c.preview, input) }

// clear wipes the drawing and the preview.
func (c *padCanvas) clear() {
	if c.pen != nil {
		c.pen.Clear()
	}
	draw.Digit(c.preview, nil)
}
