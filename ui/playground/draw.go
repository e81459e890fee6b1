//go:build js && wasm

package playground

import (
	"syscall/js"

	"github.com/nnplay/nnplay/ui/chart"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// Drawing the playground: the decision regions (one canvas pixel per grid
// point, scaled up by CSS), the data points on a canvas above them, the
// network (draw_net.go) and the loss chart. Everything is drawn from Go
// straight onto canvases created once, never through a Vugu render;
// pixels go in with one js.CopyBytesToJS per image.

// The loss chart's colours: those of the Build & train place's curves.
const (
	colorTrain = "#2f6fdb"
	colorTest  = "#e07b1a"
)

// view owns the playground's canvases.
type view struct {
	dpr float64

	regions, rctx, regionsImg js.Value
	rgba                      []byte

	points, pctx js.Value

	net   netView
	chart chart.Chart
	hover hover

	tick js.Value // the animation frame callback (nextFrame)
}

func newCanvas(w, h int) js.Value {
	c := js.Global().Get("document").Call("createElement", "canvas")
	c.Set("width", w)
	c.Set("height", h)
	return c
}

func devicePixelRatio() float64 {
	if d := js.Global().Get("devicePixelRatio"); d.Type() == js.TypeNumber && d.Float() >= 1 {
		return d.Float()
	}
	return 1
}

// mountPlot puts the regions and points canvases (made the first time)
// and the pointer's tip in host. The place's DOM is built anew each time
// it is shown: the canvases move into the new host, and the caller
// redraws them from the place's state.
func (v *view) mountPlot(p *Place, host js.Value) {
	if v.regions.Truthy() && v.regions.Get("parentNode").Equal(host) {
		return
	}
	if !v.regions.Truthy() {
		v.dpr = devicePixelRatio()
		v.regions = newCanvas(grid, grid)
		v.regions.Set("className", "regions")
		v.regions.Call("setAttribute", "role", "img")
		v.regions.Call("setAttribute", "aria-label", "Decision regions: each point of the plane coloured by the model's class probabilities")
		v.rctx = v.regions.Call("getContext", "2d")
		v.regionsImg = v.rctx.Call("createImageData", grid, grid)
		v.rgba = make([]byte, grid*grid*4)
		side := int(plotSize * v.dpr)
		v.points = newCanvas(side, side)
		v.points.Set("className", "points")
		v.points.Call("setAttribute", "aria-hidden", "true")
		v.pctx = v.points.Call("getContext", "2d")
		v.hover.tip = js.Global().Get("document").Call("createElement", "p")
		v.hover.tip.Set("className", "pg-tip")
		p.attachPlotHover(v.points)
	}
	v.hover.node = false
	v.setTip("")
	host.Call("replaceChildren", v.regions, v.points, v.hover.tip)
}

// drawRegions colours each grid point by the softmax probabilities: the
// class colours blended by p, or (discretized) the likeliest class's.
func (v *view) drawRegions(p *Place, f *protocol.PlaygroundFrame) {
	if !v.rctx.Truthy() {
		return
	}
	v.regions.Get("classList").Call("toggle", "crisp", p.Config.Discretize)
	if v.hover.node {
		v.net.nodeImage(v.rgba, p.Config, f, v.hover.col, v.hover.row)
	} else if f == nil || f.Grid != grid || f.Classes < 1 || f.Classes > MaxClasses {
		for i := 0; i < len(v.rgba); i += 4 {
			v.rgba[i], v.rgba[i+1], v.rgba[i+2], v.rgba[i+3] = 244, 246, 248, 255
		}
	} else {
		regionPixels(v.rgba, f.Probs, f.Classes, regionColors[:], p.Config.Discretize)
	}
	js.CopyBytesToJS(v.regionsImg.Get("data"), v.rgba)
	v.rctx.Call("putImageData", v.regionsImg, 0, 0)
}

// drawPoints draws the training points (filled) and, when shown, the test
// points (rings), one path per class and kind.
func (v *view) drawPoints(p *Place) {
	if !v.pctx.Truthy() {
		return
	}
	ctx := v.pctx
	ctx.Call("setTransform", v.dpr, 0, 0, v.dpr, 0, 0)
	ctx.Call("clearRect", 0, 0, plotSize, plotSize)
	d := p.Data
	if d == nil {
		return
	}
	path2 := js.Global().Get("Path2D")
	for k := 0; k < d.Classes && k < MaxClasses; k++ {
		if s := pointsPath(d.Train, d.TrainLabels, k, 3.5); s != "" {
			path := path2.New(s)
			ctx.Set("fillStyle", ClassColorsCSS[k])
			ctx.Call("fill", path)
			ctx.Set("strokeStyle", "#ffffff")
			ctx.Set("lineWidth", 1)
			ctx.Call("stroke", path)
		}
		if !p.Config.ShowTest {
			continue
		}
		if s := pointsPath(d.Test, d.TestLabels, k, 3.2); s != "" {
			path := path2.New(s)
			ctx.Set("strokeStyle", "#1f2630")
			ctx.Set("lineWidth", 3.6)
			ctx.Call("stroke", path)
			ctx.Set("strokeStyle", ClassColorsCSS[k])
			ctx.Set("lineWidth", 2)
			ctx.Call("stroke", path)
		}
	}
}

// drawCurves redraws the loss chart.
func (v *view) drawCurves(p *Place) {
	v.chart.Draw(p.CurveVersion, 0,
		chart.Series{Name: "training loss", Color: colorTrain, Points: p.TrainLoss},
		chart.Series{Name: "test loss", Color: colorTest, Points: p.TestLoss})
}
