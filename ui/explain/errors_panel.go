//go:build js && wasm

package explain

import (
	"fmt"
	"math"
	"strconv"
	sjs "syscall/js"

	"github.com/vugu/vugu/js"
	"honnef.co/go/js/dom/v2"

	"github.com/nnplay/nnplay/ui/draw"
	"github.com/nnplay/nnplay/ui/explain/address"
)

// plotSize is the embedding canvas's side, CSS pixels.
const plotSize = 420

// ErrorsPanel lists a confusion cell's examples and draws the test set's
// embedding, coloured by class; the pointer over a dot shows its example,
// a click opens it in "Why this prediction?".
type ErrorsPanel struct {
	P *Place

	h      hosts
	framed []float64 // the embedding's points on the canvas
	plot   *dom.HTMLCanvasElement
}

func (c *ErrorsPanel) mount(name string, v js.Value) { c.h.mount(name, v) }

func (c *ErrorsPanel) cellCount() string {
	if c.P.Cell == nil {
		return ""
	}
	return strconv.Itoa(c.P.Cell.Count)
}

func (c *ErrorsPanel) moreCell() bool {
	return c.P.Cell != nil && len(c.P.Cell.Examples) < c.P.Cell.Count
}

func (c *ErrorsPanel) embedTotal() int { return max(1, c.P.EmbedTotal) }

func (c *ErrorsPanel) drawAll() {
	v := c.P.Version
	c.h.put("cell", v, func() []dom.Element {
		cell := c.P.Cell
		if cell == nil {
			return []dom.Element{draw.El("span", "", "")}
		}
		var out []dom.Element
		for _, e := range cell.Examples {
			item := draw.El("div", "cell-example", "")
			item.SetAttribute("data-index", strconv.Itoa(e.Index))
			item.AppendChild(inputView(e.Input, nil, fmt.Sprintf("test example %d", e.Index), "small-canvas"))
			item.AppendChild(draw.El("span", "cell-text", c.P.ExampleText(e)))
			a := draw.El("a", "cell-why", "Why?")
			a.SetAttribute("href", address.Index(e.Index))
			item.AppendChild(a)
			out = append(out, item)
		}
		if len(out) == 0 {
			out = append(out, draw.El("span", "", ""))
		}
		return out
	})
	c.h.put("embed", v, func() []dom.Element { return []dom.Element{c.drawPlot()} })
	c.h.put("legend", v, func() []dom.Element {
		var out []dom.Element
		for k := 0; k < 10; k++ {
			sw := draw.LabelledCanvas(12, 12, "")
			ctx := draw.Context2D(sw)
			ctx.SetFillStyle(ClassColor(k))
			ctx.FillRect(0, 0, 12, 12)
			item := draw.El("span", "legend-item", "")
			item.AppendChild(sw)
			item.AppendChild(draw.El("span", "", strconv.Itoa(k)))
			out = append(out, item)
		}
		return out
	})
	c.h.put("hover", v, func() []dom.Element {
		e := c.P.HoverEx
		if e == nil {
			return []dom.Element{draw.El("span", "", "")}
		}
		return []dom.Element{inputView(e.Input, e.Image, "the example under the pointer", "map-canvas")}
	})
}

// drawPlot draws the embedding: a dot per example in its class's colour,
// misclassified ones ringed in black.
func (c *ErrorsPanel) drawPlot() dom.Element {
	dpr := sjs.Global().Get("devicePixelRatio").Float()
	if !(dpr >= 1) {
		dpr = 1
	}
	cv := draw.LabelledCanvas(int(plotSize*dpr), int(plotSize*dpr), "the test examples' embedding, coloured by class")
	cv.SetAttribute("class", "embed-canvas")
	ctx := draw.Context2D(cv)
	ctx.Scale(dpr, dpr)
	ctx.SetFillStyle("#fff")
	ctx.FillRect(0, 0, plotSize, plotSize)
	c.plot = cv
	e := c.P.Embed
	if e == nil {
		c.framed = nil
		return cv
	}
	c.framed = Frame(e.Points, plotSize, 10)
	for i := range e.Indices {
		x, y := c.framed[2*i], c.framed[2*i+1]
		ctx.SetFillStyle(ClassColor(e.Labels[i]))
		ctx.BeginPath()
		ctx.Arc(x, y, 2.5, 0, 2*math.Pi, draw.Clockwise)
		ctx.Fill()
		if e.Labels[i] != e.Predicted[i] {
			ctx.SetStrokeStyle("#000")
			ctx.SetLineWidth(1)
			ctx.Stroke()
		}
	}
	cv.AddEventListener("pointermove", draw.Bubble, c.hover)
	cv.AddEventListener("click", draw.Bubble, c.open)
	return cv
}

// dot is the index of the dot under the pointer, or −1.
func (c *ErrorsPanel) dot(ev dom.Event) int {
	if c.plot == nil || c.framed == nil {
		return -1
	}
	r := c.plot.GetBoundingClientRect()
	if r.Width() == 0 {
		return -1
	}
	k := plotSize / r.Width()
	x := (ev.Underlying().Get("clientX").Float() - r.Left()) * k
	y := (ev.Underlying().Get("clientY").Float() - r.Top()) * k
	return Nearest(c.framed, x, y, 8)
}

// open explains the clicked dot's example in "Why this prediction?".
func (c *ErrorsPanel) open(ev dom.Event) {
	if i := c.dot(ev); i >= 0 && c.P.Embed != nil {
		sjs.Global().Get("location").Set("hash", address.Index(c.P.Embed.Indices[i]))
	}
}

// hover shows the example under the pointer. Event callbacks must not
// block, so a goroutine takes Vugu's lock.
func (c *ErrorsPanel) hover(ev dom.Event) {
	i := c.dot(ev)
	go func() {
		env := c.P.S.Env
		env.Lock()
		if i == c.P.Hover {
			env.UnlockOnly()
			return
		}
		c.P.SetHover(i)
		env.UnlockRender()
	}()
}
