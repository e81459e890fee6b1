package chart

import (
	"github.com/nnplay/nnplay/wasm/protocol"
)

// Point is one chart sample: x in epochs (fractional), y the value.
type Point struct{ X, Y float64 }

// Run holds a training run's curves: training values from progress messages
// (already smoothed by the worker) and validation values per epoch.
type Run struct {
	Loss, ValLoss, Acc, ValAcc []Point
	Epochs                     int // the run's length, for the x axis
	Version                    int // bumps on every change
}

// maxPoints bounds a training curve; beyond it every other point is dropped,
// which keeps the curve's shape and the drawing cheap.
const maxPoints = 4000

// NewRun returns a run with no curves yet.
func NewRun() *Run { return &Run{} }

// Clear empties every curve.
func (c *Run) Clear() {
	c.Loss, c.ValLoss, c.Acc, c.ValAcc = nil, nil, nil, nil
	c.Epochs = 0
	c.Version++
}

// AddProgress appends a training sample.
func (c *Run) AddProgress(p protocol.Progress) {
	if p.Batches <= 0 || p.GlobalBatch <= 0 {
		return
	}
	x := float64(p.Epoch-1) + float64(p.Batch)/float64(p.Batches)
	c.Loss = AppendPoint(c.Loss, Point{x, p.Loss})
	c.Acc = AppendPoint(c.Acc, Point{x, p.Accuracy})
	c.Epochs = p.Epochs
	c.Version++
}

// AddEpoch appends the validation values of a finished epoch.
func (c *Run) AddEpoch(e protocol.EpochEnd) {
	x := float64(e.Epoch)
	c.ValLoss = append(c.ValLoss, Point{x, e.ValLoss})
	c.ValAcc = append(c.ValAcc, Point{x, e.ValAccuracy})
	c.Version++
}

// AppendPoint adds p to a curve of at most maxPoints points: beyond it
// every other point is dropped, which keeps the curve's shape and the
// drawing cheap. A point before the curve's last (a late message from
// before a reset) is left out.
func AppendPoint(s []Point, p Point) []Point {
	if n := len(s); n > 0 && p.X < s[n-1].X {
		return s // a late message from before a reset
	}
	if len(s) >= maxPoints {
		half := s[:0]
		for i := 0; i < len(s); i += 2 {
			half = append(half, s[i])
		}
		s = half
	}
	return append(s, p)
}
