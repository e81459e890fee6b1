package ui

import (
	"fmt"
	"math"
	sjs "syscall/js"

	"github.com/vugu/vugu/js"
)

// TrainPanel holds the training controls, the progress line and the live
// loss and accuracy charts.
type TrainPanel struct {
	App *App

	loss, acc Chart
}

// Chart colours, matching app.css.
const (
	colorTrain = "#2f6fdb"
	colorVal   = "#e07b1a"
)

func (c *TrainPanel) mountLoss(v js.Value) {
	c.loss.Title = "loss"
	c.loss.Mount(sjs.Value(v), "Loss chart")
	c.App.drawCharts = c.draw // live updates redraw without a render
}

func (c *TrainPanel) mountAcc(v js.Value) {
	c.acc.Title = "accuracy"
	c.acc.YFixed = true
	c.acc.Mount(sjs.Value(v), "Accuracy chart")
}

// draw redraws the charts when their data changed (it runs on every
// render; Chart.Draw skips an unchanged version).
func (c *TrainPanel) draw() {
	ch := c.App.Charts
	epochs := ch.Epochs
	if epochs == 0 {
		if m, err := c.App.Model.Spec(); err == nil {
			epochs = m.Epochs
		}
	}
	c.loss.Draw(ch.Version, epochs,
		Series{Name: "training", Color: colorTrain, Points: ch.Loss},
		Series{Name: "validation", Color: colorVal, Points: ch.ValLoss, Markers: true})
	c.acc.Draw(ch.Version, epochs,
		Series{Name: "training", Color: colorTrain, Points: ch.Acc},
		Series{Name: "validation", Color: colorVal, Points: ch.ValAcc, Markers: true})
}

// showBlocked says whether to explain a disabled Train button (not while
// a run is simply in progress).
func (c *TrainPanel) showBlocked() bool {
	return c.App.TrainBlocked() != "" && !c.App.Running()
}

// durationText formats seconds as "12 s", "3 min 5 s" or "1 h 4 min".
func durationText(sec float64) string {
	s := int(math.Round(sec))
	switch {
	case s < 60:
		return fmt.Sprintf("%d s", s)
	case s < 3600:
		return fmt.Sprintf("%d min %d s", s/60, s%60)
	}
	return fmt.Sprintf("%d h %d min", s/3600, (s%3600)/60)
}
