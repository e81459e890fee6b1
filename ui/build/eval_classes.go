package build

import "strconv"

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
