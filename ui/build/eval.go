package build

import (
	"fmt"
	"strconv"

	"github.com/nnplay/nnplay/wasm/protocol"
)

// Digits are the class labels 0–9, for vg-for.
var Digits = []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}

// Results are what the Evaluate panel shows of an evaluation on the test
// set (nil: none yet).
type Results struct {
	Eval *protocol.Evaluation
	// Names are the classes' names (nil: the digits).
	Names []string
}

// AccuracyText is the test accuracy as a percentage, "97.31%".
func (r Results) AccuracyText() string {
	if r.Eval == nil {
		return ""
	}
	return strconv.FormatFloat(r.Eval.Accuracy*100, 'f', 2, 64) + "%"
}

// Count is the confusion matrix cell (true class t, predicted class p).
func (r Results) Count(t, p int) int {
	if r.Eval == nil || t >= len(r.Eval.Confusion) || p >= len(r.Eval.Confusion[t]) {
		return 0
	}
	return r.Eval.Confusion[t][p]
}

// CellClass colours a confusion cell: the diagonal in green, mistakes in
// red, each in 6 shades by the cell's share of its row. Classes, not inline
// styles: the page's Content-Security-Policy forbids style attributes.
func (r Results) CellClass(t, p int) string {
	n := r.Count(t, p)
	row := 0
	for _, q := range r.Indices() {
		row += r.Count(t, q)
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
func (r Results) CellLabel(t, p int) string {
	return fmt.Sprintf("true %s, predicted %s: %d", r.Name(t), r.Name(p), r.Count(t, p))
}

// ClassText formats precision or recall of class k as a percentage.
func (r Results) ClassText(k int, recall bool) string {
	if r.Eval == nil || k >= len(r.Eval.Classes) {
		return ""
	}
	v := r.Eval.Classes[k].Precision
	if recall {
		v = r.Eval.Classes[k].Recall
	}
	return strconv.FormatFloat(v*100, 'f', 1, 64) + "%"
}
