package ui

import (
	"fmt"
	"math"
	"strconv"
	"syscall/js"

	"github.com/nnplay/nnplay/wasm/protocol"
)

// Live updates. Vugu v0.4.0 re-sets every attribute and every text of the
// page on each render (~20 ms here), too much to do 20 times a second
// while training. So a progress message that changes nothing but the
// numbers updates just those elements (and the charts) directly; a full
// render follows state changes. Both paths compute the same texts from the
// same state, so they never disagree.

// LiveUpdate writes the progress numbers into their elements and redraws
// the charts, without a Vugu render. Call it under the event lock.
func (a *App) LiveUpdate() {
	doc := js.Global().Get("document")
	set := func(id, text string) {
		if el := doc.Call("getElementById", id); el.Truthy() && el.Get("textContent").String() != text {
			el.Set("textContent", text)
		}
	}
	set("progress-text", a.ProgressText())
	set("batch-counter", strconv.Itoa(a.Progress.GlobalBatch))
	set("train-loss", a.LossText())
	set("train-acc", a.AccText())
	if bar := doc.Call("getElementById", "progress-bar"); bar.Truthy() {
		bar.Set("value", a.ProgressFraction())
	}
	if a.drawCharts != nil {
		a.drawCharts()
	}
}

// ProgressFraction is how much of the run is done, in [0,1].
func (a *App) ProgressFraction() float64 {
	p := a.Progress
	if p.Epochs <= 0 || p.Batches <= 0 {
		return 0
	}
	return math.Min(1, (float64(p.Epoch-1)+float64(p.Batch)/float64(p.Batches))/float64(p.Epochs))
}

// ProgressText is "Epoch 1/2 · batch 123/938 · 41,000 samples/s · 12 s left"
// (and "· lr 0.000731" while a schedule moves the learning rate).
func (a *App) ProgressText() string {
	p := a.Progress
	if p.GlobalBatch == 0 {
		return "Not started."
	}
	s := fmt.Sprintf("Epoch %d/%d · batch %d/%d · %s samples/s", p.Epoch, p.Epochs, p.Batch, p.Batches, thousands(int(math.Round(p.SamplesPerSec))))
	if a.Training == protocol.StateRunning && p.ETASeconds > 0 {
		s += " · " + durationText(p.ETASeconds) + " left"
	}
	if p.LearningRate > 0 {
		s += " · lr " + strconv.FormatFloat(p.LearningRate, 'g', 3, 64)
	}
	return s
}

// LossText is the smoothed training loss, or a dash before training.
func (a *App) LossText() string {
	if a.Progress.GlobalBatch == 0 {
		return "–"
	}
	return fmt.Sprintf("%.4f", a.Progress.Loss)
}

// AccText is the smoothed training accuracy, or a dash before training.
func (a *App) AccText() string {
	if a.Progress.GlobalBatch == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f%%", a.Progress.Accuracy*100)
}
