package data

import (
	"slices"
	"strings"
	"testing"
)

// TestSubset picks classes out of a small labelled set: the right examples
// in their order, relabelled by position, with their pixels; bad choices
// are refused with a message.
func TestSubset(t *testing.T) {
	s := &Set{Shape: []int{2}, Classes: 4, Name: "toy",
		Labels: []int{0, 3, 1, 3, 2, 0},
		X:      []float32{0, 0.5, 3, 3.5, 1, 1.5, 30, 30.5, 2, 2.5, 10, 10.5}}
	sub, err := s.Subset([]int{3, 0})
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{1, 0, 0, 1}; !slices.Equal(sub.Labels, want) {
		t.Errorf("labels %v, want %v", sub.Labels, want)
	}
	if want := []float32{0, 0.5, 3, 3.5, 30, 30.5, 10, 10.5}; !slices.Equal(sub.X, want) {
		t.Errorf("pixels %v, want %v", sub.X, want)
	}
	if sub.Classes != 2 || sub.Len() != 4 || sub.Name != "toy[3 0]" || !slices.Equal(sub.Shape, []int{2}) {
		t.Errorf("subset %+v", sub)
	}
	sub.X[0] = 99
	if s.X[0] != 0 {
		t.Errorf("the subset shares the set's pixels")
	}
	for _, c := range []struct {
		classes []int
		want    string
	}{
		{nil, "toy: choose at least one class"},
		{[]int{4}, "toy has classes 0 to 3; 4 is not one of them"},
		{[]int{-1}, "-1 is not one of them"},
		{[]int{1, 2, 1}, "toy: class 1 is chosen twice"},
	} {
		if _, err := s.Subset(c.classes); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Subset(%v): %v, want %q", c.classes, err, c.want)
		}
	}
}

// TestMNISTSubset splits MNIST's test set into the digits 0–4 and 5–9:
// together they hold every image once, and the labels are 0–4.
func TestMNISTSubset(t *testing.T) {
	_, test, err := LoadMNIST(mnistDir(t))
	if err != nil {
		t.Fatalf("loading MNIST (run `make data` first): %v", err)
	}
	low, err := test.Subset([]int{0, 1, 2, 3, 4})
	if err != nil {
		t.Fatal(err)
	}
	high, err := test.Subset([]int{5, 6, 7, 8, 9})
	if err != nil {
		t.Fatal(err)
	}
	if low.Len()+high.Len() != test.Len() {
		t.Fatalf("%d + %d images, want %d", low.Len(), high.Len(), test.Len())
	}
	// The first 5–9 digit of the test set is its image 0 (a 7): it comes
	// first in high, labelled 2.
	if test.Labels[0] != 7 || high.Labels[0] != 2 || !slices.Equal(high.X[:784], test.X[:784]) {
		t.Errorf("first of 5–9: label %d (test label %d)", high.Labels[0], test.Labels[0])
	}
	for _, l := range append(slices.Clone(low.Labels), high.Labels...) {
		if l < 0 || l > 4 {
			t.Fatalf("label %d outside 0–4", l)
		}
	}
}
