// Package split divides a data set's examples into training, validation
// and test parts, at random for a seed and stratified by class, and fits
// the scaling constants (standardization, min-max) on the training part
// only. It holds no tensor code, so the page can use it too.
package split

import (
	"fmt"
	"math/bits"
	"math/rand/v2"
	"slices"
)

// stream is the PCG stream constant for splitting ("SPLIT").
const stream = 0x53504c4954

// Fractions are the shares of the examples held out for validation and
// test; the rest trains. Each in [0, 1), their sum below 1.
type Fractions struct {
	Validation, Test float64
}

// Default holds out 10 % for validation and 20 % for test.
var Default = Fractions{Validation: 0.1, Test: 0.2}

// Parts are the indices of each part's examples, each in increasing order.
type Parts struct {
	Train, Validation, Test []int
}

// Check says whether f is usable.
func (f Fractions) Check() error {
	if !(f.Validation >= 0 && f.Validation < 1) || !(f.Test >= 0 && f.Test < 1) || !(f.Validation+f.Test < 1) {
		return fmt.Errorf("split: validation %g and test %g must each be at least 0 and together below 1", f.Validation, f.Test)
	}
	return nil
}

// Random splits n examples at random: the same seed gives the same parts.
// Each part gets round(fraction·n) examples; training keeps at least one.
func Random(n int, f Fractions, seed int64) (Parts, error) {
	if err := f.Check(); err != nil {
		return Parts{}, err
	}
	if n < 1 {
		return Parts{}, fmt.Errorf("split: no examples to split")
	}
	var p Parts
	assign(&p, Permutation(n, seed, 0), f)
	p.sort()
	return p, nil
}

// Stratified splits examples of classes 0..classes-1 (labels[i] is
// example i's) class by class, so every part keeps the classes'
// proportions. Every class needs at least 2 examples, so that it can be
// both learnt and tested; the error names the class.
func Stratified(labels []int, classes int, names []string, f Fractions, seed int64) (Parts, error) {
	if err := f.Check(); err != nil {
		return Parts{}, err
	}
	byClass := make([][]int, classes)
	for i, c := range labels {
		if c < 0 || c >= classes {
			return Parts{}, fmt.Errorf("split: example %d has class %d, outside 0..%d", i, c, classes-1)
		}
		byClass[c] = append(byClass[c], i)
	}
	var p Parts
	for c, idx := range byClass {
		if len(idx) < 2 {
			name := fmt.Sprint(c)
			if c < len(names) {
				name = fmt.Sprintf("%q", names[c])
			}
			return Parts{}, fmt.Errorf("class %s has %d example(s); every class needs at least 2 (one to learn from, one to test on): add examples or remove the class", name, len(idx))
		}
		perm := Permutation(len(idx), seed, c+1)
		for i, j := range perm {
			perm[i] = idx[j]
		}
		assign(&p, perm, f)
	}
	p.sort()
	return p, nil
}

// assign deals order's examples out: the test part first, then
// validation, the rest to training (at least one each for a part whose
// fraction is above 0 when there are examples to spare).
func assign(p *Parts, order []int, f Fractions) {
	n := len(order)
	test := min(count(n, f.Test), n-1)
	val := max(min(count(n, f.Validation), n-1-test), 0)
	p.Test = append(p.Test, order[:test]...)
	p.Validation = append(p.Validation, order[test:test+val]...)
	p.Train = append(p.Train, order[test+val:]...)
}

// count is round(x·n), at least 1 when x > 0 and n ≥ 2.
func count(n int, x float64) int {
	k := int(x*float64(n) + 0.5)
	if x > 0 && k == 0 && n >= 2 {
		k = 1
	}
	return k
}

func (p *Parts) sort() {
	slices.Sort(p.Train)
	slices.Sort(p.Validation)
	slices.Sort(p.Test)
}

// Permutation is a seeded Fisher–Yates shuffle of 0..n-1, for (seed,
// round): the same on every platform. j is drawn by Lemire's
// multiply-and-reject on PCG's raw output.
func Permutation(n int, seed int64, round int) []int {
	p := make([]int, max(n, 0))
	for i := range p {
		p[i] = i
	}
	src := rand.NewPCG(uint64(seed), stream+uint64(round))
	for i := n - 1; i > 0; i-- {
		bound := uint64(i + 1)
		hi, lo := bits.Mul64(src.Uint64(), bound)
		if lo < bound {
			for threshold := -bound % bound; lo < threshold; {
				hi, lo = bits.Mul64(src.Uint64(), bound)
			}
		}
		j := int(hi)
		p[i], p[j] = p[j], p[i]
	}
	return p
}
