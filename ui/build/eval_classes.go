package build

import (
	"fmt"
	"strconv"

	"github.com/nnplay/nnplay/engine/units"
)

// The confusion matrix of any classifier (issue 14): as many classes as
// the evaluation has, named by the model's data description (digits for
// MNIST).

// Indices are the class indices of the evaluation: 0–9 for MNIST, one per
// class of another data set.
func (r Results) Indices() []int {
	if r.Eval == nil || len(r.Eval.Confusion) == 0 {
		return Digits
	}
	out := make([]int, len(r.Eval.Confusion))
	for i := range out {
		out[i] = i
	}
	return out
}

// Name is class k's name: the data set's, or the digit.
func (r Results) Name(k int) string {
	if k < len(r.Names) {
		return r.Names[k]
	}
	return strconv.Itoa(k)
}

// What names the examples: "digit" for MNIST, "class" otherwise.
func (r Results) What() string {
	if r.Names != nil {
		return "class"
	}
	return "digit"
}

// testHint says what is evaluated and when, before the first evaluation.
func (p *Place) testHint() string {
	if d := p.S.Dataset; d != nil && p.S.Model.Data() != nil {
		return fmt.Sprintf("The test split of %s (%s examples) is evaluated after each epoch, or when you press Evaluate now.", d.Data.Name, units.Thousands(d.Test))
	}
	return "The test set (10,000 images) is evaluated after each epoch, or when you press Evaluate now."
}
