//go:build js && wasm

package chart

import (
	"fmt"
	"math"
	"strconv"
	"syscall/js"

	"github.com/nnplay/nnplay/ui/draw"

	"honnef.co/go/js/dom/v2"
)

// Series is one line of a chart.
type Series struct {
	Name    string
	Color   string
	Points  []Point
	Markers bool // draw a dot at each point (validation, one per epoch)
}

// Chart is a line chart drawn on a canvas it owns. The canvas is created
// once, inside an empty host element, because Vugu re-sets the attributes
// of template elements on every render (which would clear a canvas).
//
// Redrawing is cheap, as it happens up to 20 times a second: the axes,
// grid, labels and legend are drawn once per range into an off-screen
// canvas and copied, and each curve is one Path2D built from a string (one
// JS call instead of one per point).
type Chart struct {
	Title  string // y-axis title
	YFixed bool   // y up to 1 (accuracy) instead of 0 to the data's max

	host   js.Value
	canvas *dom.HTMLCanvasElement
	ctx    *dom.CanvasRenderingContext2D
	bg     *dom.HTMLCanvasElement // axes, grid, labels and legend
	bgKey  string                 // the ranges bg was drawn for
	drawn  int                    // Charts.Version last drawn
	dpr    float64
}

// Mount creates the canvas in host (idempotent: vg-js-create may run again).
func (c *Chart) Mount(host js.Value, label string) {
	if c.canvas != nil && c.host.Equal(host) {
		return
	}
	c.host = host
	c.dpr = js.Global().Get("devicePixelRatio").Float()
	if !(c.dpr >= 1) {
		c.dpr = 1
	}
	c.canvas = c.newCanvas()
	c.canvas.SetAttribute("role", "img")
	c.canvas.SetAttribute("aria-label", label)
	host.Call("replaceChildren", c.canvas.Underlying())
	c.ctx = draw.Context2D(c.canvas)
	c.ctx.Scale(c.dpr, c.dpr)
	c.bg = c.newCanvas()
	draw.Context2D(c.bg).Scale(c.dpr, c.dpr)
	c.bgKey = ""
	c.drawn = -1
}

func (c *Chart) newCanvas() *dom.HTMLCanvasElement {
	cv := draw.Canvas()
	cv.SetWidth(int(chartW * c.dpr))
	cv.SetHeight(int(chartH * c.dpr))
	return cv
}

// plot maps data to canvas coordinates.
// Draw redraws the chart when the data changed since the last draw.
func (c *Chart) Draw(version int, epochs int, series ...Series) {
	if c.ctx == nil || version == c.drawn {
		return
	}
	c.drawn = version
	if !hasPoints(series) {
		// Only the plot's frame until there is data: tick labels would be
		// the canvas's first text, a font lookup that a first visit waits
		// on before Train can work (README, performance); WarmText does
		// that lookup when the loaded page is idle.
		c.ctx.ClearRect(0, 0, chartW, chartH)
		c.ctx.SetStrokeStyle("#e3e6ea")
		c.ctx.SetLineWidth(1)
		c.ctx.StrokeRect(padLeft, padTop, chartW-padLeft-padRight, chartH-padTop-padBottom)
		c.bgKey = ""
		return
	}
	p := c.ranges(epochs, series)
	if key := fmt.Sprint(p, len(series)); key != c.bgKey {
		c.bgKey = key
		c.drawBackground(p, series)
	}
	ctx := c.ctx
	ctx.ClearRect(0, 0, chartW, chartH)
	ctx.DrawImageWithDst(c.bg, 0, 0, chartW, chartH)
	ctx.Save()
	ctx.BeginPath()
	ctx.Rect(padLeft-4, padTop-4, chartW-padLeft-padRight+8, chartH-padTop-padBottom+8)
	ctx.Clip()
	ctx.SetLineWidth(2)
	ctx.SetLineJoin("round")
	for _, s := range series {
		if len(s.Points) == 0 {
			continue
		}
		ctx.SetStrokeStyle(s.Color)
		ctx.SetFillStyle(s.Color)
		ctx.Call("stroke", path2D(p, s.Points, lineOnly))
		if s.Markers {
			ctx.Call("fill", path2D(p, s.Points, withDots))
		}
	}
	ctx.Restore()
}

// labelFont is the font of the axes' labels and the legend.
const labelFont = "12px system-ui, sans-serif"

var warmed bool

// WarmText draws one label off screen when the page is next idle: a
// canvas's first text waits on a font lookup, which would otherwise land
// in the first progress frame of a run. Call it once the page has loaded
// (the lookup must not delay loading either); later calls do nothing.
func WarmText() {
	if warmed {
		return
	}
	warmed = true
	var f js.Func
	f = js.FuncOf(func(js.Value, []js.Value) any {
		f.Release()
		ctx := draw.Context2D(draw.Canvas())
		ctx.SetFont(labelFont)
		ctx.FillText("0.5", 0, 10, -1)
		return nil
	})
	if ric := js.Global().Get("requestIdleCallback"); ric.Truthy() {
		ric.Invoke(f, map[string]any{"timeout": 2000})
		return
	}
	js.Global().Call("setTimeout", f, 0)
}

func hasPoints(series []Series) bool {
	for _, s := range series {
		if len(s.Points) > 0 {
			return true
		}
	}
	return false
}

// ranges picks the axes: x from 0 to the run's epochs, y from 0 (or, for
// accuracy, a round floor below the data) to a round ceiling.
func (c *Chart) ranges(epochs int, series []Series) plot {
	p := plot{xMax: math.Max(1, float64(epochs))}
	lo, hi, seen := 0.0, 0.0, false
	for _, s := range series {
		for _, pt := range s.Points {
			p.xMax = math.Max(p.xMax, pt.X)
			if !seen || pt.Y < lo {
				lo = pt.Y
			}
			if !seen || pt.Y > hi {
				hi = pt.Y
			}
			seen = true
		}
	}
	switch {
	case c.YFixed && seen:
		p.yMin, p.yMax = math.Min(niceFloor(lo), 0.9), 1
	case c.YFixed:
		p.yMin, p.yMax = 0, 1
	default:
		p.yMin, p.yMax = 0, niceCeil(math.Max(hi, 0.1))
	}
	return p
}

// path2D makes one Path2D for a curve (or, with dots, a dot per point)
// from an SVG path string.
func path2D(p plot, pts []Point, dots bool) js.Value {
	b := make([]byte, 0, len(pts)*16)
	num := func(v float64) { b = strconv.AppendFloat(b, math.Round(v*10)/10, 'f', -1, 64) }
	for i, pt := range pts {
		x, y := p.x(pt.X), p.y(pt.Y)
		switch {
		case dots: // a circle of radius 3.5 as two arcs
			b = append(b, 'M')
			num(x - 3.5)
			b = append(b, ' ')
			num(y)
			b = append(b, "a3.5 3.5 0 1 0 7 0a3.5 3.5 0 1 0 -7 0"...)
		case i == 0:
			b = append(b, 'M')
			num(x)
			b = append(b, ' ')
			num(y)
		default:
			b = append(b, 'L')
			num(x)
			b = append(b, ' ')
			num(y)
		}
	}
	return js.Global().Get("Path2D").New(string(b))
}

// drawBackground draws the axes, grid, tick labels and legend into c.bg.
func (c *Chart) drawBackground(p plot, series []Series) {
	ctx := draw.Context2D(c.bg)
	ctx.ClearRect(0, 0, chartW, chartH)
	left, top := padLeft, padTop
	pw, ph := chartW-padLeft-padRight, chartH-padTop-padBottom
	ctx.SetFont(labelFont)
	ctx.SetLineWidth(1)
	ctx.SetStrokeStyle("#e3e6ea")
	ctx.SetFillStyle("#5b6470")
	ctx.SetTextAlign("right")
	ctx.SetTextBaseline("middle")
	for _, t := range ticks(p.yMin, p.yMax, 5) {
		y := math.Round(p.y(t)) + 0.5
		line(ctx, left, y, left+pw, y)
		ctx.FillText(tickLabel(t, c.YFixed), left-6, y, -1)
	}
	ctx.SetTextAlign("center")
	ctx.SetTextBaseline("top")
	for _, t := range ticks(0, p.xMax, 6) {
		x := math.Round(p.x(t)) + 0.5
		line(ctx, x, top, x, top+ph)
		ctx.FillText(trimFloat(t), x, top+ph+5, -1)
	}
	ctx.SetStrokeStyle("#8a939e")
	line(ctx, left+0.5, top, left+0.5, top+ph)
	line(ctx, left, top+ph+0.5, left+pw, top+ph+0.5)
	ctx.FillText("epoch", left+pw/2, top+ph+20, -1)
	ctx.Save()
	ctx.Translate(14, top+ph/2)
	ctx.Rotate(-math.Pi / 2)
	ctx.SetTextBaseline("middle")
	ctx.FillText(c.Title, 0, 0, -1)
	ctx.Restore()

	// Legend, above the plot.
	ctx.SetTextAlign("left")
	ctx.SetTextBaseline("middle")
	x := left
	for _, s := range series {
		ctx.SetStrokeStyle(s.Color)
		ctx.SetLineWidth(2)
		line(ctx, x, 12, x+18, 12)
		ctx.SetFillStyle("#2b313a")
		ctx.FillText(s.Name, x+24, 12, -1)
		x += 24 + ctx.MeasureText(s.Name).Width() + 18
	}
}

func line(ctx *dom.CanvasRenderingContext2D, x0, y0, x1, y1 float64) {
	ctx.BeginPath()
	ctx.MoveTo(x0, y0)
	ctx.LineTo(x1, y1)
	ctx.Stroke()
}

// ticks returns about n round values (1, 2 or 5 × 10^k apart) in [lo, hi].

// path2D's argument: the line alone, or a dot at each point too.
const (
	lineOnly = false
	withDots = true
)
