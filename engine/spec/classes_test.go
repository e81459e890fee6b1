package spec

import (
	"reflect"
	"strings"
	"testing"
)

// TestClasses checks the digit subset of an mnist model: the output must
// have one unit per digit, the digits must be distinct and 0–9, and toy
// sets refuse it.
func TestClasses(t *testing.T) {
	five := func(classes []int, units int) Model {
		m := Seed()
		m.Classes = classes
		m.Layers[2].Units = units
		return m
	}
	if err := five([]int{5, 6, 7, 8, 9}, 5).Validate(); err != nil {
		t.Fatalf("digits 5–9 with 5 units: %v", err)
	}
	if err := five([]int{3, 1}, 2).Validate(); err != nil {
		t.Fatalf("digits 3, 1 with 2 units: %v", err)
	}
	toy := Seed()
	toy.Dataset, toy.Input, toy.Layers[2].Units, toy.Classes = DatasetSpiral, []int{2}, 2, []int{0, 1}
	for _, c := range []struct {
		m    Model
		want string
	}{
		{five([]int{5, 6, 7, 8, 9}, 10), "layer 3 (Dense): outputs 10 values but the model learns 5 digits [5 6 7 8 9]; set units to 5"},
		{five(nil, 5), "outputs 5 values but mnist has 10 classes"},
		{five([]int{5}, 1), "classes [5]: give 2 to 10 distinct digits, or none for all ten"},
		{five([]int{5, 10}, 2), "classes [5 10]: 10 is not a digit; use 0 to 9"},
		{five([]int{-1, 2}, 2), "classes [-1 2]: -1 is not a digit"},
		{five([]int{4, 4}, 2), "classes [4 4]: digit 4 appears twice"},
		{five([]int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0}, 11), "give 2 to 10 distinct digits"},
		{toy, "classes applies to mnist only; clear it for spiral"},
	} {
		err := c.m.Validate()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("classes %v, %d units: got %v, want %q", c.m.Classes, c.m.Layers[2].Units, err, c.want)
		}
	}
	// The field round-trips through JSON and is left out when empty.
	m := five([]int{5, 6, 7, 8, 9}, 5)
	data, err := Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Decode(data)
	if err != nil || !reflect.DeepEqual(back, m) {
		t.Fatalf("round trip: %v, %+v", err, back)
	}
	if data, _ := Encode(Seed()); strings.Contains(string(data), "classes") {
		t.Errorf("a model without classes writes them: %s", data)
	}
}
