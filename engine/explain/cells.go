package explain

import (
	"fmt"
	"slices"

	"github.com/nnplay/nnplay/engine/data"
	"github.com/nnplay/nnplay/engine/metrics"
	"github.com/nnplay/nnplay/engine/nn"
)

// Predictions are a model's outputs for every example of a set.
type Predictions struct {
	Probs   []float32 // Len × K outputs (probabilities for a softmax model)
	K       int       // outputs per example
	Labels  []int     // the true classes
	Classes []int     // the predicted classes, as nn.Evaluate reads the outputs
}

// Predict runs the model over the whole set, in inference mode.
func Predict(m *nn.Sequential, set *data.Set) (*Predictions, error) {
	p := &Predictions{Labels: set.Labels, Classes: make([]int, set.Len())}
	const chunk = 2048
	for lo := 0; lo < set.Len(); lo += chunk {
		hi := min(lo+chunk, set.Len())
		x, _ := set.Slice(lo, hi).Tensors()
		x = flat(x)
		if err := m.CheckInput(x); err != nil {
			return nil, fmt.Errorf("predict: %w", err)
		}
		out := m.Predict(x).Float32s()
		p.K = len(out) / (hi - lo)
		p.Probs = append(p.Probs, out...)
	}
	for i := range p.Classes {
		p.Classes[i] = predicted(p.Probs[i*p.K : (i+1)*p.K])
	}
	return p, nil
}

// Confusion counts (true, predicted) pairs of the predictions.
func (p *Predictions) Confusion() *metrics.Confusion {
	k := max(p.K, 2)
	c := metrics.NewConfusion(k)
	for i, t := range p.Labels {
		c.Add(t, p.Classes[i])
	}
	return c
}

// CellExample is one example counted in a confusion-matrix cell.
type CellExample struct {
	Index int       // its index in the set
	Probs []float32 // the model's outputs for it
	// Prob is the output of the predicted class (its confidence), and
	// TrueProb that of the true class (both the single output for a
	// binary model).
	Prob, TrueProb float64
}

// Cell lists the examples whose true class is truth and predicted class
// is pred, most confident first (by Prob, ties by index): exactly the
// examples Confusion().At(truth, pred) counts.
func (p *Predictions) Cell(truth, pred int) []CellExample {
	var out []CellExample
	for i, t := range p.Labels {
		if t != truth || p.Classes[i] != pred {
			continue
		}
		row := p.Probs[i*p.K : (i+1)*p.K]
		e := CellExample{Index: i, Probs: row}
		if p.K == 1 {
			e.Prob, e.TrueProb = float64(row[0]), float64(row[0])
		} else {
			e.Prob, e.TrueProb = float64(row[pred]), float64(row[truth])
		}
		out = append(out, e)
	}
	slices.SortStableFunc(out, func(a, b CellExample) int {
		switch {
		case a.Prob > b.Prob:
			return -1
		case a.Prob < b.Prob:
			return 1
		}
		return 0
	})
	return out
}
