//go:build js && wasm

package build

import (
	"strconv"
	"syscall/js"
)

// Live updates. Vugu v0.4.0 re-sets every attribute and every text of the
// page on each render, too much to do 20 times a second while training.
// So a progress message that changes nothing but the numbers updates just
// those elements (and the charts) directly; a full render follows state
// changes. Both paths compute the same texts from the same state, so they
// never disagree.

// live writes the progress numbers into their elements and redraws the
// charts, without a Vugu render (session.Live). It runs under the event
// lock.
func (p *Place) live() {
	s := p.S
	doc := js.Global().Get("document")
	set := func(id, text string) {
		if el := doc.Call("getElementById", id); el.Truthy() && el.Get("textContent").String() != text {
			el.Set("textContent", text)
		}
	}
	set("progress-text", s.ProgressText())
	set("batch-counter", strconv.Itoa(s.Progress.GlobalBatch))
	set("train-loss", s.LossText())
	set("train-acc", s.AccText())
	if bar := doc.Call("getElementById", "progress-bar"); bar.Truthy() {
		bar.Set("value", s.ProgressFraction())
	}
	if p.drawCharts != nil {
		p.drawCharts()
	}
}
