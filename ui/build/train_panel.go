//go:build js && wasm

package build

import (
	sjs "syscall/js"

	"github.com/nnplay/nnplay/ui/chart"
	"github.com/nnplay/nnplay/ui/session"
	"github.com/vugu/vugu/js"
)

// TrainPanel holds the training controls, the progress line and the live
// loss and accuracy charts.
type TrainPanel struct {
	P *Place

	loss, acc chart.Chart
}

// Chart colours, matching app.css.
const (
	colorTrain = "#2f6fdb"
	colorVal   = "#e07b1a"
)

func (c *TrainPanel) mountLoss(v js.Value) {
	c.loss.Title = "loss"
	c.loss.Mount(sjs.Value(v), "Loss chart")
	c.P.drawCharts = c.draw // live updates redraw without a render
}

func (c *TrainPanel) mountAcc(v js.Value) {
	c.acc.Title = "accuracy"
	c.acc.YFixed = true
	c.acc.Mount(sjs.Value(v), "Accuracy chart")
}

// draw redraws the charts when their data changed (it runs on every
// render; Chart.Draw skips an unchanged version).
func (c *TrainPanel) draw() {
	if c.P.S.Worker == session.WorkerReady {
		chart.WarmText()
	}
	ch := c.P.S.Charts
	epochs := ch.Epochs
	if epochs == 0 {
		if m, err := c.P.S.Model.Spec(); err == nil {
			epochs = m.Epochs
		}
	}
	c.loss.Draw(ch.Version, epochs,
		chart.Series{Name: "training", Color: colorTrain, Points: ch.Loss},
		chart.Series{Name: "validation", Color: colorVal, Points: ch.ValLoss, Markers: true})
	c.acc.Draw(ch.Version, epochs,
		chart.Series{Name: "training", Color: colorTrain, Points: ch.Acc},
		chart.Series{Name: "validation", Color: colorVal, Points: ch.ValAcc, Markers: true})
}

// showBlocked says whether to explain a disabled Train button (not while
// a run is simply in progress).
func (c *TrainPanel) showBlocked() bool {
	return c.P.S.TrainBlocked() != "" && !c.P.S.Running()
}
