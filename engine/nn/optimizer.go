package nn

import (
	"fmt"
	"math"

	"github.com/nnplay/nnplay/engine/spec"
)

// NewOptimizer builds the optimizer a spec names, with its settings as
// given: zero is a value, not "use the default" (call spec's Defaults first
// for Keras' defaults). The ranges are spec.Validate's, except that any
// positive learning rate is accepted here.
func NewOptimizer(o spec.Optimizer) (Optimizer, error) {
	if !(o.LearningRate > 0) || math.IsInf(o.LearningRate, 0) {
		return nil, fmt.Errorf("optimizer %s: learning rate must be a positive number, got %g", o.Name, o.LearningRate)
	}
	if !(o.WeightDecay >= 0) || math.IsInf(o.WeightDecay, 0) {
		return nil, fmt.Errorf("optimizer %s: weight decay must be at least 0, got %g", o.Name, o.WeightDecay)
	}
	switch o.Name {
	case spec.OptSGD:
		if !(o.Momentum >= 0 && o.Momentum < 1) {
			return nil, fmt.Errorf("optimizer sgd: momentum must be at least 0 and below 1, got %g", o.Momentum)
		}
		sgd := NewSGD(o.LearningRate, o.Momentum, o.Nesterov)
		sgd.WeightDecay = o.WeightDecay
		return sgd, nil
	case spec.OptAdam:
		if err := unitInterval("adam", "beta_1", o.Beta1); err != nil {
			return nil, err
		}
		if err := unitInterval("adam", "beta_2", o.Beta2); err != nil {
			return nil, err
		}
		if err := positiveEpsilon("adam", o.Epsilon); err != nil {
			return nil, err
		}
		adam := NewAdam(o.LearningRate)
		adam.Beta1, adam.Beta2, adam.Epsilon, adam.WeightDecay = o.Beta1, o.Beta2, o.Epsilon, o.WeightDecay
		return adam, nil
	case spec.OptRMSProp:
		if err := unitInterval("rmsprop", "rho", o.Rho); err != nil {
			return nil, err
		}
		if err := positiveEpsilon("rmsprop", o.Epsilon); err != nil {
			return nil, err
		}
		rms := NewRMSProp(o.LearningRate)
		rms.Rho, rms.Epsilon, rms.WeightDecay = o.Rho, o.Epsilon, o.WeightDecay
		return rms, nil
	case spec.OptAdagrad:
		if err := positiveEpsilon("adagrad", o.Epsilon); err != nil {
			return nil, err
		}
		ada := NewAdagrad(o.LearningRate)
		ada.Epsilon, ada.WeightDecay = o.Epsilon, o.WeightDecay
		return ada, nil
	case "":
		return nil, fmt.Errorf("optimizer name is missing; use one of sgd, adam, rmsprop, adagrad")
	default:
		return nil, fmt.Errorf("unknown optimizer %q; use one of sgd, adam, rmsprop, adagrad", o.Name)
	}
}

func unitInterval(opt, name string, v float64) error {
	if !(v >= 0 && v < 1) {
		return fmt.Errorf("optimizer %s: %s must be at least 0 and below 1, got %g", opt, name, v)
	}
	return nil
}

func positiveEpsilon(opt string, eps float64) error {
	if !(eps > 0) || math.IsInf(eps, 0) {
		return fmt.Errorf("optimizer %s: epsilon must be a positive number, got %g", opt, eps)
	}
	return nil
}

// The update loops round every product to float32 explicitly
// (float32(a*b)): Go may otherwise fuse a*b+c into one FMA instruction on
// some CPUs (arm64) and not others (amd64, wasm), and the same seed must
// give the same weights everywhere.

// decayFor is the L2 coefficient λ that applies to p: λ for kernels
// (Param.Decay), 0 for biases. Each optimizer then uses g + λ·w as the
// gradient, the gradient of the loss plus λ/2·Σw².
func decayFor(p *Param, lambda float64) float32 {
	if p.Decay {
		return float32(lambda)
	}
	return 0
}

// optimizerSpec is implemented by every optimizer in this package, so a
// model can give back its whole spec.
type optimizerSpec interface {
	Spec() spec.Optimizer
}

// Previewer is an optimizer that can say what its next Step would do
// without doing it. Every optimizer in this package is one; the backprop
// step-through (Sequential.Trace) uses it to show the update.
type Previewer interface {
	// Preview returns, for each param, the values Step(params) would leave
	// in it now. It changes neither the params nor the optimizer's state.
	Preview(params []*Param) [][]float32
}
