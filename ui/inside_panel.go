package ui

import (
	sjs "syscall/js"

	"github.com/vugu/vugu/js"
)

// InsidePanel shows what a trained MNIST model has learned and how its
// layers fare while training: the first layer's weights as images, a
// CNN's feature maps, and per-layer gradient norms and activation
// statistics over time.
type InsidePanel struct {
	App *App

	index indexInput // the test image number field

	weights, maps, table sjs.Value
	drawn                int // InsideState.Version last drawn
	grad, std, dead      Chart
	statsDrawn           int
}

func (c *InsidePanel) in() *InsideState { return c.App.teach().Inside }

func (c *InsidePanel) mountWeights(v js.Value) {
	c.weights, c.drawn = sjs.Value(v), -1
	c.in().watch(c.App, c.weights, c.in().shown)
}

func (c *InsidePanel) mountMaps(v js.Value) { c.maps, c.drawn = sjs.Value(v), -1 }

func (c *InsidePanel) mountTable(v js.Value) {
	c.table, c.statsDrawn = sjs.Value(v), -1
	c.in().onStats = c.drawStats
}

func (c *InsidePanel) mountGrad(v js.Value) {
	c.grad.Title = "‖dL/dW‖"
	c.grad.Mount(sjs.Value(v), "Gradient norm of each layer's weights over training")
}

func (c *InsidePanel) mountStd(v js.Value) {
	c.std.Title = "std of outputs"
	c.std.Mount(sjs.Value(v), "Standard deviation of each layer's outputs over training")
}

func (c *InsidePanel) mountDead(v js.Value) {
	c.dead.Title = "dead ReLUs"
	c.dead.YFixed = true
	c.dead.Mount(sjs.Value(v), "Fraction of dead ReLU units of each layer over training")
}

// draw redraws the weight images and feature maps when they changed.
func (c *InsidePanel) draw() {
	s := c.in()
	if c.weights.IsUndefined() || c.maps.IsUndefined() || c.drawn == s.Version {
		return
	}
	c.drawn = s.Version
	drawWeights(c.weights, s)
	drawMaps(c.maps, s)
}

// drawStats redraws the statistics charts and table; it also runs without
// a Vugu render, when stats arrive during training.
func (c *InsidePanel) drawStats() {
	s := c.in()
	if c.table.IsUndefined() || c.statsDrawn == s.StatsVer {
		return
	}
	c.statsDrawn = s.StatsVer
	epochs := c.App.Charts.Epochs
	if epochs == 0 {
		if m, err := c.App.Model.Spec(); err == nil {
			epochs = m.Epochs
		}
	}
	c.grad.Draw(s.StatsVer, epochs, statsSeries(s.GradNorm, s.Names)...)
	c.std.Draw(s.StatsVer, epochs, statsSeries(s.ActStd, s.Names)...)
	c.dead.Draw(s.StatsVer, epochs, statsSeries(s.Dead, s.Names)...)
	drawStatsTable(c.table, s)
}
