// Package metrics scores a classifier: accuracy, the confusion matrix, and
// per-class precision, recall and F1 with their macro averages; and a
// regression: MSE, MAE, R² and a residual histogram (regression.go).
//
// It is plain Go on ints and float32 slices, with no tensors, so the page can
// use it as cheaply as the training worker.
//
// Division by zero: a ratio whose denominator is 0 (precision of a class
// never predicted, recall of a class absent from the truth, F1 when both are
// 0, accuracy of an empty matrix) is defined as 0, as scikit-learn does with
// zero_division=0. Nothing here returns NaN.
package metrics

import "fmt"

// Confusion counts (true class, predicted class) pairs.
type Confusion struct {
	Classes int
	// Counts is Classes×Classes, row-major: Counts[t*Classes+p] is how many
	// examples of true class t were predicted as p. The diagonal is correct.
	Counts []int
	// Skipped counts the pairs Add ignored because a class was outside
	// 0..Classes-1 (a bad label, or Argmax's -1 for an all-NaN output).
	// They are in no statistic; a caller that cares checks Skipped.
	Skipped int
}

// ClassStats are one class's scores.
type ClassStats struct {
	Precision, Recall, F1 float64
	// Support is how many examples truly belong to the class.
	Support int
}

// NewConfusion returns an empty matrix for classes classes (a negative
// count is treated as 0: every Add is then skipped).
func NewConfusion(classes int) *Confusion {
	classes = max(classes, 0)
	return &Confusion{Classes: classes, Counts: make([]int, classes*classes)}
}

// Add counts one example. A pair with a class outside 0..Classes-1 is not
// counted in the matrix but in Skipped, so a bad label never panics.
func (c *Confusion) Add(truth, predicted int) {
	if c.AddChecked(truth, predicted) != nil {
		c.Skipped++
	}
}

// AddChecked counts one example, or returns an error naming the class that
// is out of range and counts nothing (not even Skipped).
func (c *Confusion) AddChecked(truth, predicted int) error {
	if !c.wellFormed() {
		return fmt.Errorf("metrics: the matrix has %d counts for %d classes; make it with NewConfusion", len(c.Counts), c.Classes)
	}
	if !c.valid(truth) {
		return fmt.Errorf("metrics: true class %d is outside 0..%d", truth, c.Classes-1)
	}
	if !c.valid(predicted) {
		return fmt.Errorf("metrics: predicted class %d is outside 0..%d", predicted, c.Classes-1)
	}
	c.Counts[truth*c.Classes+predicted]++
	return nil
}

// wellFormed says Counts is Classes×Classes, so no index can panic on a
// Confusion built by hand or decoded from a message.
func (c *Confusion) wellFormed() bool {
	return c.Classes >= 0 && len(c.Counts) == c.Classes*c.Classes
}

func (c *Confusion) valid(k int) bool { return c.wellFormed() && k >= 0 && k < c.Classes }

// At returns how many examples of true class truth were predicted as
// predicted, or 0 outside the matrix.
func (c *Confusion) At(truth, predicted int) int {
	if !c.valid(truth) || !c.valid(predicted) {
		return 0
	}
	return c.Counts[truth*c.Classes+predicted]
}

// Total is the number of examples counted (not Skipped ones).
func (c *Confusion) Total() int {
	n := 0
	for _, v := range c.Counts {
		n += v
	}
	return n
}

// Accuracy is the fraction counted correctly: trace / Total, 0 when empty.
func (c *Confusion) Accuracy() float64 {
	if !c.wellFormed() {
		return 0
	}
	correct := 0
	for k := 0; k < c.Classes; k++ {
		correct += c.Counts[k*c.Classes+k]
	}
	return ratio(correct, c.Total())
}

// truePositives, predictedAs and support are the three counts behind
// precision and recall for class k: the diagonal cell, its column sum and
// its row sum.
func (c *Confusion) counts(k int) (truePositives, predictedAs, support int) {
	if !c.valid(k) {
		return 0, 0, 0
	}
	for j := 0; j < c.Classes; j++ {
		predictedAs += c.Counts[j*c.Classes+k]
		support += c.Counts[k*c.Classes+j]
	}
	return c.Counts[k*c.Classes+k], predictedAs, support
}

// Precision of class k = TP / (TP + FP): of the examples predicted as k, the
// fraction truly k. 0 when k is never predicted, or outside the matrix.
func (c *Confusion) Precision(k int) float64 {
	tp, predicted, _ := c.counts(k)
	return ratio(tp, predicted)
}

// Recall of class k = TP / (TP + FN): of the examples truly k, the fraction
// predicted as k. 0 when k never occurs, or outside the matrix.
func (c *Confusion) Recall(k int) float64 {
	tp, _, support := c.counts(k)
	return ratio(tp, support)
}

// F1 of class k is the harmonic mean of precision P and recall R,
// 2PR / (P + R) = 2TP / (2TP + FP + FN); 0 when P + R = 0.
func (c *Confusion) F1(k int) float64 {
	tp, predicted, support := c.counts(k)
	return ratio(2*tp, predicted+support)
}

// PerClass returns every class's scores, indexed by class.
func (c *Confusion) PerClass() []ClassStats {
	stats := make([]ClassStats, max(c.Classes, 0))
	for k := range stats {
		_, _, support := c.counts(k)
		stats[k] = ClassStats{Precision: c.Precision(k), Recall: c.Recall(k), F1: c.F1(k), Support: support}
	}
	return stats
}

// MacroPrecision, MacroRecall and MacroF1 are the unweighted means of the
// per-class scores over the classes present: those that occur in the truth
// or in the predictions (scikit-learn's default label set). A class that
// never appears would add a meaningless 0, so it is left out. 0 when the
// matrix is empty. MacroF1 is the mean of per-class F1s, not the F1 of the
// macro precision and recall.
func (c *Confusion) MacroPrecision() float64 { return c.macro((*Confusion).Precision) }

// MacroRecall: see MacroPrecision.
func (c *Confusion) MacroRecall() float64 { return c.macro((*Confusion).Recall) }

// MacroF1: see MacroPrecision.
func (c *Confusion) MacroF1() float64 { return c.macro((*Confusion).F1) }

func (c *Confusion) macro(score func(*Confusion, int) float64) float64 {
	sum, present := 0.0, 0
	for k := 0; k < c.Classes; k++ {
		if _, predicted, support := c.counts(k); predicted+support == 0 {
			continue
		}
		sum += score(c, k)
		present++
	}
	if present == 0 {
		return 0
	}
	return sum / float64(present)
}

// ratio is a/b, with 0/0 (and any x/0) defined as 0.
func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Argmax returns the index of the largest value: the predicted class of a
// row of scores. Ties go to the first. NaN never wins (it compares false
// with everything), so one NaN score does not hide the real prediction;
// +Inf wins as the largest. Argmax returns -1 for an empty slice or one
// that is all NaN, which Confusion.Add counts as Skipped.
func Argmax(v []float32) int {
	best := -1
	for i, x := range v {
		if x != x { // NaN
			continue
		}
		if best < 0 || x > v[best] {
			best = i
		}
	}
	return best
}
