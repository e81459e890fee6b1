package split

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func TestStratifiedKeepsProportionsAndSeed(t *testing.T) {
	// 3 classes of 50, 30 and 20 examples, interleaved.
	var labels []int
	for i := range 100 {
		switch {
		case i%10 < 5:
			labels = append(labels, 0)
		case i%10 < 8:
			labels = append(labels, 1)
		default:
			labels = append(labels, 2)
		}
	}
	f := Fractions{Validation: 0.1, Test: 0.2}
	p, err := Stratified(labels, 3, nil, f, 7)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Train)+len(p.Validation)+len(p.Test) != 100 {
		t.Fatalf("parts have %d+%d+%d examples, want 100", len(p.Train), len(p.Validation), len(p.Test))
	}
	all := slices.Concat(p.Train, p.Validation, p.Test)
	slices.Sort(all)
	for i, v := range all {
		if v != i {
			t.Fatalf("example %d missing or repeated", i)
		}
	}
	countOf := func(idx []int) [3]int {
		var c [3]int
		for _, i := range idx {
			c[labels[i]]++
		}
		return c
	}
	// round(0.2·50)=10, round(0.2·30)=6, round(0.2·20)=4; validation 5, 3, 2.
	if got := countOf(p.Test); got != [3]int{10, 6, 4} {
		t.Errorf("test per class %v, want [10 6 4]", got)
	}
	if got := countOf(p.Validation); got != [3]int{5, 3, 2} {
		t.Errorf("validation per class %v, want [5 3 2]", got)
	}
	again, _ := Stratified(labels, 3, nil, f, 7)
	other, _ := Stratified(labels, 3, nil, f, 8)
	if !slices.Equal(again.Test, p.Test) {
		t.Error("the same seed gave another split")
	}
	if slices.Equal(other.Test, p.Test) {
		t.Error("another seed gave the same split")
	}
}

func TestStratifiedNamesASmallClass(t *testing.T) {
	_, err := Stratified([]int{0, 0, 1, 2, 2}, 3, []string{"cat", "dog", "cow"}, Default, 1)
	if err == nil || !strings.Contains(err.Error(), `class "dog" has 1 example(s); every class needs at least 2`) {
		t.Errorf("error %v", err)
	}
	if _, err := Stratified([]int{0, 1}, 2, nil, Fractions{Validation: 0.5, Test: 0.5}, 1); err == nil {
		t.Error("fractions summing to 1 accepted")
	}
}

func TestRandom(t *testing.T) {
	p, err := Random(10, Fractions{Test: 0.3}, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Test) != 3 || len(p.Validation) != 0 || len(p.Train) != 7 {
		t.Errorf("parts %d/%d/%d, want 7/0/3", len(p.Train), len(p.Validation), len(p.Test))
	}
	if one, _ := Random(1, Default, 3); len(one.Train) != 1 {
		t.Errorf("one example: %+v, want it in training", one)
	}
}

// TestScalingFitsTrainingOnly: the constants come from the training rows;
// a huge value in a test row changes nothing.
func TestScalingFitsTrainingOnly(t *testing.T) {
	x := []float32{
		1, 0, 10,
		3, 1, 10,
		5, 0, 10,
		1000, 1, -1000, // a test row
	}
	train := []int{0, 1, 2}
	keep := []bool{false, true, false}
	s, err := Standardize(x, 3, train, keep)
	if err != nil {
		t.Fatal(err)
	}
	// Column 0: mean 3, σ = √(8/3); column 1 kept; column 2 constant: σ 0 → scale 1.
	if s.Offset[0] != 3 || math.Abs(s.Scale[0]-math.Sqrt(8.0/3)) > 1e-12 || s.Offset[1] != 0 || s.Scale[1] != 1 || s.Offset[2] != 10 || s.Scale[2] != 1 {
		t.Errorf("Standardize = %+v", s)
	}
	m, _ := MinMax(x, 3, train, keep)
	if m.Offset[0] != 1 || m.Scale[0] != 4 || m.Offset[2] != 10 || m.Scale[2] != 1 {
		t.Errorf("MinMax = %+v", m)
	}
	y := slices.Clone(x)
	m.Apply(y)
	if y[0] != 0 || y[6] != 1 || y[3] != 0.5 || y[9] != 249.75 || y[4] != 1 {
		t.Errorf("MinMax applied: %v", y)
	}
	if _, err := Standardize(x, 3, nil, nil); err == nil {
		t.Error("no training rows accepted")
	}
	if _, err := MinMax(x, 5, train, nil); err == nil {
		t.Error("a width that does not divide the values accepted")
	}
}
