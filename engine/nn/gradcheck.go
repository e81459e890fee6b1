package nn

import (
	"fmt"
	"math"

	"gorgonia.org/tensor"
)

// ParamIndex picks one weight of a model: element Index (row-major) of
// the param named Param of layer Layer (0-based).
type ParamIndex struct {
	Layer int
	Param string // "kernel", "bias", "gamma", ...
	Index int
}

// GradCheckResult compares the analytic gradient of one weight with a
// finite-difference estimate.
type GradCheckResult struct {
	ParamIndex
	Analytic float64 // dL/dθ from backprop
	Numeric  float64 // (L(θ+h) − L(θ−h)) / 2h
	AbsErr   float64 // |Analytic − Numeric|
	// RelErr is |Analytic − Numeric| / max(|Analytic|, |Numeric|), 0 when
	// both are 0. Around 1e-4 or below means backprop is right; a wrong
	// formula gives 1e-1 or more. Gradients far below the loss's float32
	// round-off (~1e-7·L/h), and weights whose ±h moves an output across
	// a kink (ReLU at 0, the winner of a max pooling window: a conv kernel
	// weight moves hundreds of outputs) give large values that mean nothing.
	RelErr float64
}

// DefaultGradCheckH is the finite-difference step GradientCheck uses for
// h = 0: large enough that the float32 forward pass's round-off, divided
// by 2h, stays small; small enough that the O(h²) truncation error does.
const DefaultGradCheckH = 1e-2

// GradientCheck compares backprop's gradient of the loss on x, y with
// central differences, (L(θ+h) − L(θ−h)) / 2h, for each picked weight. Both
// run in inference mode (as Trace does), in the loss the model trains
// with, and h = 0 means DefaultGradCheckH. The model is left exactly as it
// was: weights, grads and layer state.
func GradientCheck(m *Sequential, x, y *tensor.Dense, picks []ParamIndex, h float64) ([]GradCheckResult, error) {
	if m.opt == nil || m.loss == nil {
		return nil, fmt.Errorf("gradient check: the model is not compiled")
	}
	if h == 0 {
		h = DefaultGradCheckH
	}
	if !(h > 0 && h <= 1) {
		return nil, fmt.Errorf("gradient check: step h must be above 0 and at most 1, got %g", h)
	}
	if err := m.checkBatch(x, y); err != nil {
		return nil, fmt.Errorf("gradient check: %w", err)
	}
	x = m.asInput(x)
	params := make([]*Param, len(picks))
	for i, pk := range picks {
		p, err := m.pickParam(pk)
		if err != nil {
			return nil, fmt.Errorf("gradient check: pick %d: %w", i+1, err)
		}
		params[i] = p
	}
	saved := m.saveAll()
	defer saved.restore()

	// Analytic: one forward and backward pass.
	loss, err := m.inferenceLoss(x, y)
	if err != nil {
		return nil, fmt.Errorf("gradient check: %w", err)
	}
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		return nil, fmt.Errorf("gradient check: the loss is %v; the model has diverged", loss)
	}
	m.clearGrads()
	g := m.trainLoss.Backward()
	for i := len(m.train) - 1; i >= 0; i-- {
		g = m.train[i].Backward(g)
	}
	results := make([]GradCheckResult, len(picks))
	for i, pk := range picks {
		results[i] = GradCheckResult{ParamIndex: pk, Analytic: float64(floats(params[i].Grad)[pk.Index])}
	}
	// Numeric: two more forward passes per weight, putting it back bit
	// for bit. The difference is divided by the step float32 really took.
	for i, pk := range picks {
		w := floats(params[i].Value)
		old := w[pk.Index]
		w[pk.Index] = float32(float64(old) + h)
		up := w[pk.Index]
		plus, _ := m.inferenceLoss(x, y)
		w[pk.Index] = float32(float64(old) - h)
		down := w[pk.Index]
		minus, _ := m.inferenceLoss(x, y)
		w[pk.Index] = old
		r := &results[i]
		r.Numeric = (plus - minus) / float64(up-down)
		r.AbsErr = math.Abs(r.Analytic - r.Numeric)
		if scale := max(math.Abs(r.Analytic), math.Abs(r.Numeric)); scale > 0 {
			r.RelErr = r.AbsErr / scale
		}
	}
	return results, nil
}

// inferenceLoss runs x through the training layers in inference mode and
// returns the training loss against y.
func (m *Sequential) inferenceLoss(x, y *tensor.Dense) (float64, error) {
	out := x
	for _, l := range m.train {
		out = l.Forward(out, Inference)
	}
	if err := CheckTarget(m.trainLoss, out, y); err != nil {
		return 0, err
	}
	return m.trainLoss.Forward(out, y), nil
}

// pickParam finds the param a ParamIndex names, or says what is wrong.
func (m *Sequential) pickParam(pk ParamIndex) (*Param, error) {
	if pk.Layer < 0 || pk.Layer >= len(m.layers) {
		return nil, fmt.Errorf("layer %d is out of range: the model has layers 0 to %d", pk.Layer, len(m.layers)-1)
	}
	l := m.layers[pk.Layer]
	var names []string
	for _, p := range l.Params() {
		names = append(names, p.Name)
		if p.Name != pk.Param {
			continue
		}
		if p.NonTrainable {
			return nil, fmt.Errorf("layer %d (%s): %s is layer state, not a trained weight; it has no gradient", pk.Layer, l.Spec().Type, p.Name)
		}
		if n := len(floats(p.Value)); pk.Index < 0 || pk.Index >= n {
			return nil, fmt.Errorf("layer %d (%s): index %d is out of range for %s, which has %d values (0 to %d)", pk.Layer, l.Spec().Type, pk.Index, p.Name, n, n-1)
		}
		return p, nil
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("layer %d (%s) has no weights", pk.Layer, l.Spec().Type)
	}
	return nil, fmt.Errorf("layer %d (%s) has no param %q; it has %v", pk.Layer, l.Spec().Type, pk.Param, names)
}
