package explain

import (
	"fmt"
	"math"

	"github.com/nnplay/nnplay/engine/metrics"
	"github.com/nnplay/nnplay/engine/nn"
)

// Flip search defaults.
const (
	DefaultFlipSteps    = 200
	DefaultFlipStepSize = 0.2
	DefaultChangedAbove = 0.1
)

// FlipOptions configure FlipSearch.
type FlipOptions struct {
	// Target is the class the search pushes the input towards.
	Target int
	// Steps is the budget of gradient steps (DefaultFlipSteps when 0).
	Steps int
	// StepSize is each step's Euclidean length in input units
	// (DefaultFlipStepSize when 0): an MNIST image has ‖x‖₂ ≈ 9.
	StepSize float64
	// Lo and Hi bound every input value; both 0 means [0, 1], MNIST's
	// pixel range. Pass ±Inf to leave features unbounded.
	Lo, Hi float64
	// ChangedAbove is how far a value must move to count as changed
	// (DefaultChangedAbove when 0).
	ChangedAbove float64
}

// Flip is the result of a flip search.
type Flip struct {
	Input   []float32 // the changed input
	From    int       // the class predicted for the original input
	Target  int
	Flipped bool // the changed input is predicted as Target
	Steps   int  // gradient steps taken
	// Changed counts the values that moved by more than ChangedAbove, and
	// Distance is ‖changed − original‖₂.
	Changed  int
	Distance float64
	Probs    []float32 // the probabilities for the changed input
}

// FlipSearch looks for a small change of x that makes the model predict
// o.Target ("what would make it a 3?"). Each step moves x by StepSize
// along the gradient of the margin z_t − z_r, the target's logit minus
// that of the strongest other class r, normalised to unit length, with
// the components that would leave [Lo, Hi] dropped and the result clipped
// to it. The search stops at the first step whose input the model
// predicts as the target; it then bisects between that input and the one
// before (8 halvings) for the smallest step that still flips, so the
// change shown is about as small as the path allows. An input already
// predicted as the target is returned unchanged with Flipped true.
func FlipSearch(m *nn.Sequential, x []float32, o FlipOptions) (*Flip, error) {
	steps, eta, tol := o.Steps, o.StepSize, o.ChangedAbove
	if steps == 0 {
		steps = DefaultFlipSteps
	}
	if eta == 0 {
		eta = DefaultFlipStepSize
	}
	if tol == 0 {
		tol = DefaultChangedAbove
	}
	lo, hi := o.Lo, o.Hi
	if lo == 0 && hi == 0 {
		lo, hi = 0, 1
	}
	switch {
	case steps < 1 || steps > 10000:
		return nil, fmt.Errorf("flip search: a budget of %d steps; use 1 to 10000", steps)
	case !(eta > 0) || math.IsInf(eta, 0):
		return nil, fmt.Errorf("flip search: step size %v; use a positive number", eta)
	case !(lo < hi):
		return nil, fmt.Errorf("flip search: the range [%v, %v] is empty", lo, hi)
	case !(tol > 0):
		return nil, fmt.Errorf("flip search: changed-above threshold %v; use a positive number", tol)
	}
	cur := append([]float32(nil), x...)
	for i, v := range cur {
		cur[i] = float32(min(max(float64(v), lo), hi))
	}
	probe := func(in []float32, rival int) (*nn.InputGradient, error) {
		return gradientsFor(m, [][]float32{in, in}, []int{o.Target, rival})
	}
	g, err := probe(cur, 0)
	if err != nil {
		return nil, err
	}
	k := len(g.Logits.Float32s()) / 2
	if o.Target < 0 || o.Target >= k {
		return nil, fmt.Errorf("flip search: target class %d; the model has %d classes (0 to %d)", o.Target, k, k-1)
	}
	f := &Flip{Target: o.Target, From: predicted(g.Probs.Float32s()[:k])}
	prev := cur
	for f.Steps < steps && predicted(g.Probs.Float32s()[:k]) != o.Target {
		z := g.Logits.Float32s()[:k]
		rival := -1
		for j, v := range z {
			if j != o.Target && (rival < 0 || v > z[rival]) {
				rival = j
			}
		}
		if g, err = probe(cur, rival); err != nil {
			return nil, err
		}
		grad := g.Grad.Float32s()
		n := len(cur)
		dir := make([]float64, n)
		var norm float64
		for i := range n {
			d := float64(grad[i]) - float64(grad[n+i])
			if v := float64(cur[i]); (v <= lo && d < 0) || (v >= hi && d > 0) {
				d = 0 // at a bound, pushing outwards
			}
			dir[i] = d
			norm += d * d
		}
		if norm == 0 {
			break // nothing left to move
		}
		scale := eta / math.Sqrt(norm)
		prev, cur = cur, make([]float32, n)
		for i := range n {
			cur[i] = float32(min(max(float64(prev[i])+scale*dir[i], lo), hi))
		}
		f.Steps++
		if g, err = probe(cur, 0); err != nil {
			return nil, err
		}
	}
	f.Flipped = predicted(g.Probs.Float32s()[:k]) == o.Target
	if f.Flipped && f.Steps > 0 {
		// Bisect on the last step for the smallest fraction that flips.
		a, b := 0.0, 1.0
		for range 8 {
			mid := (a + b) / 2
			if p, err := probe(between(prev, cur, mid), 0); err != nil {
				return nil, err
			} else if predicted(p.Probs.Float32s()[:k]) == o.Target {
				b = mid
			} else {
				a = mid
			}
		}
		cur = between(prev, cur, b)
		if g, err = probe(cur, 0); err != nil {
			return nil, err
		}
	}
	f.Input, f.Probs = cur, append([]float32(nil), g.Probs.Float32s()[:k]...)
	for i, v := range cur {
		d := float64(v) - float64(x[i])
		f.Distance += d * d
		if math.Abs(d) > tol {
			f.Changed++
		}
	}
	f.Distance = math.Sqrt(f.Distance)
	return f, nil
}

// between is a + t(b − a).
func between(a, b []float32, t float64) []float32 {
	out := make([]float32, len(a))
	for i := range a {
		out[i] = float32(float64(a[i]) + t*float64(b[i]-a[i]))
	}
	return out
}

// predicted is the class a row of outputs predicts, as Evaluate reads it:
// the argmax, or for a single output whether it is above 0.5.
func predicted(row []float32) int {
	if len(row) == 1 {
		if row[0] > 0.5 {
			return 1
		}
		return 0
	}
	return metrics.Argmax(row)
}

// gradientsFor is gradients with a class per input, of the logits.
func gradientsFor(m *nn.Sequential, inputs [][]float32, classes []int) (*nn.InputGradient, error) {
	x, err := batch(m, inputs)
	if err != nil {
		return nil, err
	}
	for i, c := range classes {
		if c < 0 {
			return nil, fmt.Errorf("flip search: class %d of input %d", c, i)
		}
	}
	return m.InputGradient(x, classes, nn.ScoreLogit)
}
