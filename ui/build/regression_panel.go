//go:build js && wasm

package build

import (
	"fmt"
	sjs "syscall/js"

	"github.com/nnplay/nnplay/ui/draw"
	"github.com/nnplay/nnplay/ui/session"
	"github.com/vugu/vugu/js"
)

// RegressionPanel is the Evaluate panel of a regression model.
type RegressionPanel struct {
	P *Place

	scatter, residuals sjs.Value
	drawn              int
}

func (c *RegressionPanel) canEvaluate() bool {
	return c.P.S.Worker == session.WorkerReady && c.P.S.Training != ""
}

func (c *RegressionPanel) results() RegressionResults {
	return RegressionResults{R: c.P.S.Regression}
}

func (c *RegressionPanel) mountScatter(v js.Value) {
	if h := sjs.Value(v); c.scatter.IsUndefined() || !c.scatter.Equal(h) {
		c.scatter, c.drawn = h, -1
	}
}

func (c *RegressionPanel) mountResiduals(v js.Value) {
	if h := sjs.Value(v); c.residuals.IsUndefined() || !c.residuals.Equal(h) {
		c.residuals, c.drawn = h, -1
	}
}

const plotSide = 240

// draw redraws the scatter and the histogram when the evaluation changed.
func (c *RegressionPanel) draw() {
	if c.scatter.IsUndefined() || c.residuals.IsUndefined() || c.drawn == c.P.S.EvalVersion {
		return
	}
	c.drawn = c.P.S.EvalVersion
	r := c.results()
	sc := draw.Canvas()
	sc.SetWidth(plotSide)
	sc.SetHeight(plotSide)
	sc.SetAttribute("role", "img")
	hc := draw.Canvas()
	hc.SetWidth(plotSide)
	hc.SetHeight(plotSide / 2)
	hc.SetAttribute("role", "img")
	if r.R == nil {
		c.scatter.Call("replaceChildren")
		c.residuals.Call("replaceChildren")
		return
	}
	sc.SetAttribute("aria-label", fmt.Sprintf("scatter of %d test examples, R² %s", len(r.R.Pairs), r.Metric("r2")))
	sc.SetAttribute("data-points", fmt.Sprint(len(r.R.Pairs)))
	ctx := sc.GetContext2d()
	ctx.SetFillStyle("#fff")
	ctx.FillRect(0, 0, plotSide, plotSide)
	lo, hi := r.Bounds()
	at := func(v float64) float64 { return (v - lo) / (hi - lo) * plotSide }
	ctx.SetStrokeStyle("#999")
	ctx.BeginPath()
	ctx.MoveTo(0, plotSide)
	ctx.LineTo(plotSide, 0)
	ctx.Stroke()
	ctx.SetFillStyle("rgba(31, 119, 180, 0.6)")
	for _, p := range r.R.Pairs {
		ctx.FillRect(at(p[0])-1.5, plotSide-at(p[1])-1.5, 3, 3)
	}
	hc.SetAttribute("aria-label", fmt.Sprintf("histogram of residuals from %.2f to %.2f", r.R.ResidualLo, r.R.ResidualHi))
	hx := hc.GetContext2d()
	hx.SetFillStyle("#fff")
	hx.FillRect(0, 0, plotSide, plotSide/2)
	most := 1
	for _, n := range r.R.ResidualBins {
		most = max(most, n)
	}
	bw := float64(plotSide) / float64(max(1, len(r.R.ResidualBins)))
	hx.SetFillStyle("#1f77b4")
	for i, n := range r.R.ResidualBins {
		h := float64(n) / float64(most) * (plotSide/2 - 4)
		hx.FillRect(float64(i)*bw+1, plotSide/2-h, bw-2, h)
	}
	hc.SetAttribute("data-bins", fmt.Sprint(len(r.R.ResidualBins)))
	c.scatter.Call("replaceChildren", sc.Underlying())
	c.residuals.Call("replaceChildren", hc.Underlying())
}
