//go:build js && wasm

package inside

import (
	sjs "syscall/js"

	"github.com/vugu/vugu/js"

	"github.com/nnplay/nnplay/ui/chart"
	"github.com/nnplay/nnplay/ui/draw"
)

// LayersPanel shows what a trained MNIST model has learned and how its
// layers fare while training: the first layer's weights as images, a
// CNN's feature maps, and per-layer gradient norms and activation
// statistics over time. The state is Layers (layers.go); the drawing is
// layers_view.go. Its elements are made again each time the place is
// shown: each mount takes its new element and draws into it.
type LayersPanel struct {
	P *Place

	index draw.IndexInput // the test image number field

	weights, maps, table sjs.Value
	drawn                int // Layers.Version last drawn
	grad, std, dead      chart.Chart
	statsDrawn           int
}

// watch follows the panel's element (made again each time the place is
// shown) in and out of view.
func (c *LayersPanel) watch(v js.Value) {
	s := c.P.Layers
	s.Watch(c.P.S.Env, sjs.Value(v), s.shown)
}

func (c *LayersPanel) mountWeights(v js.Value) {
	if host := sjs.Value(v); !c.weights.Equal(host) {
		c.weights, c.drawn = host, -1
		c.draw()
	}
}

func (c *LayersPanel) mountMaps(v js.Value) {
	if host := sjs.Value(v); !c.maps.Equal(host) {
		c.maps, c.drawn = host, -1
		c.draw()
	}
}

func (c *LayersPanel) mountTable(v js.Value) {
	if host := sjs.Value(v); !c.table.Equal(host) {
		c.table, c.statsDrawn = host, -1
		c.P.Layers.drawStats = c.drawStats
		c.drawStats()
	}
}

func (c *LayersPanel) mountGrad(v js.Value) {
	c.grad.Title = "‖dL/dW‖"
	c.mountChart(&c.grad, v, "Gradient norm of each layer's weights over training")
}

func (c *LayersPanel) mountStd(v js.Value) {
	c.std.Title = "std of outputs"
	c.mountChart(&c.std, v, "Standard deviation of each layer's outputs over training")
}

func (c *LayersPanel) mountDead(v js.Value) {
	c.dead.Title = "dead ReLUs"
	c.dead.YFixed = true
	c.mountChart(&c.dead, v, "Fraction of dead ReLU units of each layer over training")
}

// mountChart makes a chart's canvas in its host (once per host). The
// charts are drawn by drawStats when the table after them is mounted.
func (c *LayersPanel) mountChart(ch *chart.Chart, v js.Value, label string) {
	ch.Mount(sjs.Value(v), label)
}

// draw redraws the weight images and feature maps when they changed.
func (c *LayersPanel) draw() {
	s := c.P.Layers
	if c.weights.IsUndefined() || c.maps.IsUndefined() || c.drawn == s.Version {
		return
	}
	c.drawn = s.Version
	drawWeights(c.weights, s)
	drawMaps(c.maps, s)
}

// drawStats redraws the statistics charts and table; it also runs without
// a Vugu render, when stats arrive during training.
func (c *LayersPanel) drawStats() {
	s := c.P.Layers
	if c.table.IsUndefined() || c.statsDrawn == s.StatsVer {
		return
	}
	c.statsDrawn = s.StatsVer
	epochs := c.P.S.Charts.Epochs
	if epochs == 0 {
		if m, err := c.P.S.Model.Spec(); err == nil {
			epochs = m.Epochs
		}
	}
	c.grad.Draw(s.StatsVer, epochs, statsSeries(s.GradNorm, s.Names)...)
	c.std.Draw(s.StatsVer, epochs, statsSeries(s.ActStd, s.Names)...)
	c.dead.Draw(s.StatsVer, epochs, statsSeries(s.Dead, s.Names)...)
	drawStatsTable(c.table, s)
}
