package data

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func TestExpandFeatures(t *testing.T) {
	s := &Set{X: []float32{1.5, -2, 0, 3}, Labels: []int{1, 0}, Shape: []int{2}, Classes: 2, Name: "pts"}
	out, err := ExpandFeatures(s, ToyFeatures)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(out.Shape, []int{7}) || out.Len() != 2 || out.Classes != 2 || out.Name != "pts" || !slices.Equal(out.Labels, s.Labels) {
		t.Fatalf("expanded set: shape %v, %d examples, classes %d, name %q, labels %v", out.Shape, out.Len(), out.Classes, out.Name, out.Labels)
	}
	want := []float64{
		1.5, -2, 2.25, 4, -3, math.Sin(1.5), math.Sin(-2),
		0, 3, 0, 9, 0, 0, math.Sin(3),
	}
	for i, w := range want {
		if out.X[i] != float32(w) {
			t.Errorf("value %d (point %d, %s) = %v; want %v", i, i/7, ToyFeatures[i%7], out.X[i], float32(w))
		}
	}
	// A chosen order is kept, and the copy does not share the labels.
	out, err = ExpandFeatures(s, []string{FeatureXY, FeatureX})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(out.X, []float32{-3, 1.5, 0, 0}) {
		t.Errorf("xy, x: %v", out.X)
	}
	out.Labels[0] = 9
	if s.Labels[0] != 1 {
		t.Error("the expanded set shares its labels with the source")
	}
}

func TestExpandFeaturesOnToySets(t *testing.T) {
	train, _, err := Toy("circle", DefaultToyOptions())
	if err != nil {
		t.Fatal(err)
	}
	out, err := ExpandFeatures(train, []string{FeatureX, FeatureY, FeatureX2, FeatureY2})
	if err != nil {
		t.Fatal(err)
	}
	for i := range train.Len() {
		x, y := train.X[2*i], train.X[2*i+1]
		row := out.X[4*i : 4*i+4]
		if row[0] != x || row[1] != y || row[2] != float32(float64(x)*float64(x)) || row[3] != float32(float64(y)*float64(y)) {
			t.Fatalf("point %d (%v, %v): features %v", i, x, y, row)
		}
	}
}

func TestExpandFeaturesRejects(t *testing.T) {
	pts := &Set{X: []float32{1, 2}, Labels: []int{0}, Shape: []int{2}, Classes: 2}
	img := &Set{X: make([]float32, 4), Labels: []int{0}, Shape: []int{2, 2}, Classes: 2, Name: "img"}
	cases := []struct {
		set      *Set
		features []string
		want     string
	}{
		{pts, nil, "none chosen"},
		{pts, []string{"x", "z"}, `features: 2 ("z") is not a feature; use x, y, x2, y2, xy, sinx, siny`},
		{pts, []string{"x", "x2", "x"}, `"x" is chosen twice`},
		{img, []string{"x"}, `set "img" has examples of shape [2 2]`},
	}
	for _, c := range cases {
		_, err := ExpandFeatures(c.set, c.features)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v; want it to contain %q", c.features, err, c.want)
		}
	}
}

func TestGrid(t *testing.T) {
	g, err := Grid(4, -6, 6, []string{FeatureX, FeatureY})
	if err != nil {
		t.Fatal(err)
	}
	if g.Len() != 16 || !slices.Equal(g.Shape, []int{2}) {
		t.Fatalf("%d points of shape %v", g.Len(), g.Shape)
	}
	// Pixel centres 3 apart: x = -4.5, -1.5, 1.5, 4.5 left to right; y from 4.5 down.
	centres := []float32{-4.5, -1.5, 1.5, 4.5}
	for r := range 4 {
		for c := range 4 {
			i := r*4 + c
			if x, y := g.X[2*i], g.X[2*i+1]; x != centres[c] || y != centres[3-r] {
				t.Errorf("row %d column %d: (%v, %v); want (%v, %v)", r, c, x, y, centres[c], centres[3-r])
			}
		}
	}
	// With features, each point is expanded as ExpandFeatures would.
	sq, err := Grid(4, -6, 6, []string{FeatureSinY, FeatureX2})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 16 {
		x, y := float64(g.X[2*i]), float64(g.X[2*i+1])
		if sq.X[2*i] != float32(math.Sin(y)) || sq.X[2*i+1] != float32(x*x) {
			t.Fatalf("point %d: %v, %v", i, sq.X[2*i], sq.X[2*i+1])
		}
	}
	for _, c := range []struct {
		n      int
		lo, hi float64
		want   string
	}{
		{0, -6, 6, "size must be 1 to 256, got 0"},
		{257, -6, 6, "got 257"},
		{8, 6, -6, "lo < hi, got [6, -6]"},
		{8, math.NaN(), 6, "lo < hi"},
		{8, -6, math.Inf(1), "finite bounds"},
	} {
		if _, err := Grid(c.n, c.lo, c.hi, []string{"x"}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Grid(%d, %v, %v): %v; want %q", c.n, c.lo, c.hi, err, c.want)
		}
	}
	if _, err := Grid(8, -6, 6, []string{"q"}); err == nil || !strings.Contains(err.Error(), `("q") is not a feature`) {
		t.Errorf("unknown feature: %v", err)
	}
}
