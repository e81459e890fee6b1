package nn

import (
	"fmt"
	"math"
	"strings"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/spec"
)

// epsilon clips probabilities to [ε, 1 − ε] before a log, as Keras'
// backend.epsilon() does, so log(0) never happens.
const epsilon = 1e-7

// NamedLoss is a Loss that can say which spec loss it is. Every loss in
// this package implements it.
type NamedLoss interface {
	Loss
	// Spec returns the loss's spec name and whether it reads logits.
	Spec() (name string, fromLogits bool)
	// CheckTarget says whether target fits pred for this loss, with a
	// message that names the problem and the example. Forward panics on a
	// target that CheckTarget rejects, so callers with user data check first.
	CheckTarget(pred, target *tensor.Dense) error
}

// NewLoss returns the loss with the given spec name. fromLogits is Keras'
// from_logits for the cross-entropies (pred holds scores, not
// probabilities); mean squared error rejects it.
func NewLoss(name string, fromLogits bool) (NamedLoss, error) {
	switch name {
	case spec.LossSparseCategoricalCrossentropy:
		return &SparseCategoricalCrossentropy{FromLogits: fromLogits}, nil
	case spec.LossCategoricalCrossentropy:
		return &CategoricalCrossentropy{FromLogits: fromLogits}, nil
	case spec.LossMeanSquaredError:
		if fromLogits {
			return nil, fmt.Errorf("loss %s does not take from_logits", name)
		}
		return &MeanSquaredError{}, nil
	case spec.LossMeanAbsoluteError, spec.LossHuber:
		if fromLogits {
			return nil, fmt.Errorf("loss %s does not take from_logits", name)
		}
		if name == spec.LossHuber {
			return &Huber{}, nil
		}
		return &MeanAbsoluteError{}, nil
	case "":
		return nil, fmt.Errorf("loss is missing; use one of %s", lossNames)
	}
	return nil, fmt.Errorf("unknown loss %q; use one of %s", name, lossNames)
}

var lossNames = strings.Join([]string{spec.LossSparseCategoricalCrossentropy, spec.LossCategoricalCrossentropy,
	spec.LossMeanSquaredError, spec.LossMeanAbsoluteError, spec.LossHuber}, ", ")

// CheckTarget calls loss.CheckTarget when loss is a NamedLoss, else
// accepts.
func CheckTarget(loss Loss, pred, target *tensor.Dense) error {
	if l, ok := loss.(NamedLoss); ok {
		return l.CheckTarget(pred, target)
	}
	return nil
}

// checkPred checks that pred is a non-empty (N, K) matrix.
func checkPred(loss string, pred *tensor.Dense) (n, k int, err error) {
	s := pred.Shape()
	if len(s) != 2 || s[0] < 1 || s[1] < 1 {
		return 0, 0, fmt.Errorf("%s: predictions have shape %v, want (N, classes) with N, classes ≥ 1", loss, s)
	}
	return s[0], s[1], nil
}

// checkSparse checks that target is (N,) and holds class indices in [0, k).
func checkSparse(loss string, pred, target *tensor.Dense) error {
	n, k, err := checkPred(loss, pred)
	if err != nil {
		return err
	}
	if s := target.Shape(); len(s) != 1 || s[0] != n {
		return fmt.Errorf("%s: targets have shape %v, want (%d,) class indices for %d predictions", loss, s, n, n)
	}
	for i, v := range floats(target) {
		if c := float64(v); c != math.Trunc(c) || c < 0 || c >= float64(k) {
			return fmt.Errorf("%s: target %d is %g, want a class index from 0 to %d", loss, i, v, k-1)
		}
	}
	return nil
}

// checkDense checks that target has pred's (N, K) shape and finite values.
func checkDense(loss string, pred, target *tensor.Dense) error {
	n, k, err := checkPred(loss, pred)
	if err != nil {
		return err
	}
	if !target.Shape().Eq(pred.Shape()) {
		hint := ""
		if len(target.Shape()) == 1 {
			hint = " (class indices need sparse_categorical_crossentropy, or OneHot)"
		}
		return fmt.Errorf("%s: targets have shape %v, want (%d, %d) like the predictions%s", loss, target.Shape(), n, k, hint)
	}
	for i, v := range floats(target) {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return fmt.Errorf("%s: target %d, column %d is %g, want a finite number", loss, i/k, i%k, v)
		}
	}
	return nil
}

// mustCheck panics with err: Forward was handed a target CheckTarget rejects.
func mustCheck(err error) {
	if err != nil {
		panic("nn: " + err.Error())
	}
}

// OneHot turns class indices y (N,) into rows (N, classes) with a 1 in
// each row's class column, for the losses that want (N, K) targets.
func OneHot(y *tensor.Dense, classes int) (*tensor.Dense, error) {
	if s := y.Shape(); len(s) != 1 {
		return nil, fmt.Errorf("one-hot: labels have shape %v, want (N,)", s)
	}
	n := y.Shape()[0]
	out := newTensor(n, classes)
	o := floats(out)
	for i, v := range floats(y) {
		if c := float64(v); c != math.Trunc(c) || c < 0 || c >= float64(classes) {
			return nil, fmt.Errorf("one-hot: label %d is %g, want a class index from 0 to %d", i, v, classes-1)
		}
		o[i*classes+int(v)] = 1
	}
	return out, nil
}
