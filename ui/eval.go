package ui

import (
	"fmt"
	"strconv"
	"syscall/js"

	"github.com/nnplay/nnplay/engine/data/drawing"
)

// Digits are the class labels 0–9, for vg-for.
var Digits = []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}

// AccuracyText is the test accuracy as a percentage, "97.31%".
func (a *App) AccuracyText() string {
	if a.Eval == nil {
		return ""
	}
	return strconv.FormatFloat(a.Eval.Accuracy*100, 'f', 2, 64) + "%"
}

// Count is the confusion matrix cell (true class t, predicted class p).
func (a *App) Count(t, p int) int {
	if a.Eval == nil || t >= len(a.Eval.Confusion) || p >= len(a.Eval.Confusion[t]) {
		return 0
	}
	return a.Eval.Confusion[t][p]
}

// CellClass colours a confusion cell: the diagonal in green, mistakes in
// red, each in 6 shades by the cell's share of its row. Classes, not inline
// styles: the page's Content-Security-Policy forbids style attributes.
func (a *App) CellClass(t, p int) string {
	n := a.Count(t, p)
	row := 0
	for q := range Digits {
		row += a.Count(t, q)
	}
	level := 0
	if n > 0 && row > 0 {
		share := float64(n) / float64(row)
		if t != p {
			share *= 10 // mistakes are rare: make a few of them visible
		}
		level = 1 + min(4, int(share*5))
	}
	kind := "miss"
	if t == p {
		kind = "hit"
	}
	return fmt.Sprintf("count %s%d", kind, level)
}

// CellLabel is a confusion cell's accessible description.
func (a *App) CellLabel(t, p int) string {
	return fmt.Sprintf("true %d, predicted %d: %d", t, p, a.Count(t, p))
}

// ClassText formats precision or recall of class k as a percentage.
func (a *App) ClassText(k int, recall bool) string {
	if a.Eval == nil || k >= len(a.Eval.Classes) {
		return ""
	}
	v := a.Eval.Classes[k].Precision
	if recall {
		v = a.Eval.Classes[k].Recall
	}
	return strconv.FormatFloat(v*100, 'f', 1, 64) + "%"
}

// MisclassifiedStrip shows the test digits the model got wrong, each on a
// small canvas with its predicted and true labels. It owns the children of
// its host element (created in Go, so Vugu's renders leave them alone).
type MisclassifiedStrip struct {
	host  js.Value
	drawn int
}

// Mount remembers the host element (idempotent).
func (s *MisclassifiedStrip) Mount(host js.Value) {
	if !s.host.IsUndefined() && s.host.Equal(host) {
		return
	}
	s.host = host
	s.drawn = -1
}

// Draw rebuilds the strip when the evaluation changed.
func (s *MisclassifiedStrip) Draw(a *App) {
	if s.host.IsUndefined() || s.drawn == a.EvalVersion {
		return
	}
	s.drawn = a.EvalVersion
	var items []any
	if a.Eval != nil {
		for _, m := range a.Eval.Misclassified {
			fig := createElement("figure")
			fig.SetAttribute("class", "digit")
			cv := createCanvas()
			cv.SetWidth(drawing.Side)
			cv.SetHeight(drawing.Side)
			label := fmt.Sprintf("predicted %d, true %d", m.Predicted, m.True)
			cv.SetAttribute("role", "img")
			cv.SetAttribute("aria-label", "test image "+strconv.Itoa(m.Index)+": "+label)
			img := make([]float32, len(m.Pixels))
			for i, b := range m.Pixels {
				img[i] = float32(b) / 255
			}
			drawDigit(cv.GetContext2d(), img)
			cap := createElement("figcaption")
			cap.SetInnerHTML(fmt.Sprintf(`<span class="pred">%d</span> <span class="true">true %d</span>`, m.Predicted, m.True))
			fig.AppendChild(cv)
			fig.AppendChild(cap)
			fig.SetAttribute("data-predicted", strconv.Itoa(m.Predicted))
			fig.SetAttribute("data-true", strconv.Itoa(m.True))
			items = append(items, fig.Underlying())
		}
	}
	s.host.Call("replaceChildren", items...)
}
