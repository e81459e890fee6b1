//go:build js && wasm

package draw

import (
	"math"
	"syscall/js"

	"honnef.co/go/js/dom/v2"
)

// Pen draws with the pointer (mouse, finger or stylus) on a square canvas
// of Size × Size pixels: a dot where it goes down, so a tap leaves ink, and
// a segment for each move while down, in round strokes Width wide. It
// captures the pointer while down. The listeners are attached with dom/v2,
// not Vugu (every Vugu event re-renders the page); OnInk is told after
// each dot or segment, OnLift when a stroke ends.
type Pen struct {
	Canvas *dom.HTMLCanvasElement
	Ctx    *dom.CanvasRenderingContext2D
	Size   float64

	OnInk, OnLift func()

	width        float64
	down         bool
	lastX, lastY float64
}

// NewPen makes a labelled size × size canvas with a pen of the given width.
func NewPen(size, width int, label string) *Pen {
	cv := LabelledCanvas(size, size, label)
	p := &Pen{Canvas: cv, Ctx: cv.GetContext2d(), Size: float64(size), width: float64(width)}
	p.Ctx.SetLineWidth(width)
	p.Ctx.SetLineCap("round")
	p.Ctx.SetLineJoin("round")
	p.Ctx.SetStrokeStyle(inkColor)
	p.Ctx.SetFillStyle(inkColor)
	cv.AddEventListener("pointerdown", Bubble, p.pointerDown)
	cv.AddEventListener("pointermove", Bubble, p.pointerMove)
	for _, t := range []string{"pointerup", "pointercancel", "lostpointercapture"} {
		cv.AddEventListener(t, Bubble, p.pointerUp)
	}
	return p
}

// inkColor is the pads' ink.
const inkColor = "#1d2430"

// Ink is the drawing's ink, the canvas's alpha as 0…1, row-major.
func (p *Pen) Ink() []float32 {
	n := int(p.Size)
	img := p.Ctx.GetImageData(0, 0, n, n)
	rgba := make([]byte, 4*n*n)
	js.CopyBytesToGo(rgba, img.Data())
	ink := make([]float32, n*n)
	for i := range ink {
		ink[i] = float32(rgba[4*i+3]) / 255
	}
	return ink
}

// Clear wipes the canvas.
func (p *Pen) Clear() { p.Ctx.ClearRect(0, 0, p.Size, p.Size) }

// xy maps a pointer event to canvas pixels (the canvas may be shown at
// another size).
func (p *Pen) xy(ev dom.Event) (float64, float64) {
	e := ev.Underlying()
	r := p.Canvas.GetBoundingClientRect()
	if r.Width() <= 0 || r.Height() <= 0 {
		return 0, 0
	}
	return (e.Get("clientX").Float() - r.Left()) * p.Size / r.Width(), (e.Get("clientY").Float() - r.Top()) * p.Size / r.Height()
}

func (p *Pen) pointerDown(ev dom.Event) {
	ev.PreventDefault()
	p.Canvas.Underlying().Call("setPointerCapture", ev.Underlying().Get("pointerId"))
	p.down = true
	p.lastX, p.lastY = p.xy(ev)
	p.Ctx.BeginPath()
	p.Ctx.Arc(p.lastX, p.lastY, p.width/2, 0, 2*math.Pi, Clockwise)
	p.Ctx.Fill()
	if p.OnInk != nil {
		p.OnInk()
	}
}

func (p *Pen) pointerMove(ev dom.Event) {
	if !p.down {
		return
	}
	ev.PreventDefault()
	x, y := p.xy(ev)
	p.Ctx.BeginPath()
	p.Ctx.MoveTo(p.lastX, p.lastY)
	p.Ctx.LineTo(x, y)
	p.Ctx.Stroke()
	p.lastX, p.lastY = x, y
	if p.OnInk != nil {
		p.OnInk()
	}
}

func (p *Pen) pointerUp(dom.Event) {
	if !p.down {
		return
	}
	p.down = false
	if p.OnLift != nil {
		p.OnLift()
	}
}
