package data

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func toyOpts(n int, noise float64, classes int) ToyOptions {
	return ToyOptions{N: n, Noise: noise, Classes: classes, TrainFraction: 0.7, Seed: 3}
}

// both concatenates the train and test sets' points and labels.
func both(train, test *Set) (xy []float32, labels []int) {
	return append(slices.Clone(train.X), test.X...), append(slices.Clone(train.Labels), test.Labels...)
}

// toyAll generates a toy set and returns train and test together.
func toyAll(t *testing.T, kind string, o ToyOptions) (xy []float32, labels []int) {
	t.Helper()
	train, test, err := Toy(kind, o)
	if err != nil {
		t.Fatalf("%s: %v", kind, err)
	}
	return both(train, test)
}

func TestToyShapesCountsAndBounds(t *testing.T) {
	for _, kind := range ToyKinds {
		for _, noise := range []float64{0, 0.5} {
			classes := 2
			if kind == "spiral" {
				classes = 5
			}
			train, test, err := Toy(kind, toyOpts(1001, noise, classes))
			if err != nil {
				t.Fatalf("%s: %v", kind, err)
			}
			if train.Len() != 701 || test.Len() != 300 {
				t.Errorf("%s: split %d/%d, want 701/300", kind, train.Len(), test.Len())
			}
			if train.Name != kind+"-train" || test.Name != kind+"-test" {
				t.Errorf("names %q %q", train.Name, test.Name)
			}
			for _, s := range []*Set{train, test} {
				if !slices.Equal(s.Shape, []int{2}) || s.Classes != classes || len(s.X) != 2*s.Len() {
					t.Fatalf("%s: shape %v classes %d |X| %d", s.Name, s.Shape, s.Classes, len(s.X))
				}
			}
			xy, labels := both(train, test)
			for i, l := range labels {
				if l < 0 || l >= classes {
					t.Fatalf("%s: label %d out of range", kind, l)
				}
				if x, y := xy[2*i], xy[2*i+1]; math.Abs(float64(x)) > 6 || math.Abs(float64(y)) > 6 {
					t.Fatalf("%s noise %v: point (%v, %v) outside [-6,6]²", kind, noise, x, y)
				}
			}
		}
	}
}

func TestToySplitSmall(t *testing.T) {
	o := toyOpts(10, 0, 2)
	o.TrainFraction = 0.9
	train, test, err := Toy("circle", o)
	if err != nil || train.Len() != 9 || test.Len() != 1 {
		t.Fatalf("split %v/%v err %v, want 9/1", train, test, err)
	}
}

func classCounts(labels []int, k int) []int {
	c := make([]int, k)
	for _, l := range labels {
		c[l]++
	}
	return c
}

// Spiral and gauss give every class the same number of points (±1);
// circle does too when noise does not relabel any point.
func TestToyClassBalance(t *testing.T) {
	for _, c := range []struct {
		kind    string
		classes int
		want    []int
	}{
		{"spiral", 3, []int{101, 100, 100}},
		{"spiral", 5, []int{61, 60, 60, 60, 60}},
		{"spiral", 2, []int{151, 150}},
		{"gauss", 2, []int{151, 150}},
		{"circle", 2, []int{151, 150}},
	} {
		_, labels := toyAll(t, c.kind, toyOpts(301, 0, c.classes))
		if got := classCounts(labels, c.classes); !slices.Equal(got, c.want) {
			t.Errorf("%s K=%d: class counts %v, want %v", c.kind, c.classes, got, c.want)
		}
	}
	// XOR's points are uniform over four quadrants: roughly balanced.
	_, labels := toyAll(t, "xor", toyOpts(2000, 0, 2))
	if got := classCounts(labels, 2); got[0] < 900 || got[0] > 1100 {
		t.Errorf("xor: class counts %v, want about 1000 each", got)
	}
}

func TestToyDeterministic(t *testing.T) {
	for _, kind := range ToyKinds {
		o := toyOpts(200, 0.2, 2)
		a, at, _ := Toy(kind, o)
		b, bt, _ := Toy(kind, o)
		if !slices.Equal(a.X, b.X) || !slices.Equal(a.Labels, b.Labels) || !slices.Equal(at.X, bt.X) {
			t.Errorf("%s: same options gave different data", kind)
		}
		o.Seed++
		c, _, _ := Toy(kind, o)
		if slices.Equal(a.X, c.X) {
			t.Errorf("%s: a different seed gave the same data", kind)
		}
	}
}

// checkRule counts the points whose label differs from rule(x, y).
func checkRule(t *testing.T, kind string, noise float64, classes int, rule func(x, y float64) int) (wrong, total int) {
	xy, labels := toyAll(t, kind, toyOpts(1000, noise, classes))
	for i, l := range labels {
		if rule(float64(xy[2*i]), float64(xy[2*i+1])) != l {
			wrong++
		}
	}
	return wrong, len(labels)
}

func circleRule(x, y float64) int {
	if math.Hypot(x, y) < 2.5 {
		return 1
	}
	return 0
}

func xorRule(x, y float64) int {
	if x*y >= 0 {
		return 1
	}
	return 0
}

func gaussRule(x, y float64) int {
	if x+y > 0 {
		return 1
	}
	return 0
}

// spiralRule names the arm whose angle at the point's radius is nearest
// the point's angle: arm k at radius r has angle 1.75·2π·r/5 + 2πk/K.
func spiralRule(classes int) func(x, y float64) int {
	return func(x, y float64) int {
		r, angle := math.Hypot(x, y), math.Atan2(x, y)
		best, bestDist := -1, math.Inf(1)
		for k := range classes {
			want := 1.75*2*math.Pi*r/5 + 2*math.Pi*float64(k)/float64(classes)
			d := math.Abs(math.Remainder(angle-want, 2*math.Pi))
			if d < bestDist {
				best, bestDist = k, d
			}
		}
		return best
	}
}

// With no noise each set follows its geometric rule exactly; with full
// noise some points break it (noise matters).
func TestToyNoiseZeroSeparable(t *testing.T) {
	for _, c := range []struct {
		kind    string
		classes int
		rule    func(x, y float64) int
		// noisy is the least share of rule breakers at noise 0.5.
		noisy float64
	}{
		{"circle", 2, circleRule, 0.05},
		{"xor", 2, xorRule, 0.05},
		{"gauss", 2, gaussRule, 0.05},
		{"spiral", 2, spiralRule(2), 0.005},
		{"spiral", 5, spiralRule(5), 0.05},
	} {
		if wrong, total := checkRule(t, c.kind, 0, c.classes, c.rule); wrong != 0 {
			t.Errorf("%s K=%d noise 0: %d of %d points break the rule", c.kind, c.classes, wrong, total)
		}
		if wrong, total := checkRule(t, c.kind, 0.5, c.classes, c.rule); float64(wrong) < c.noisy*float64(total) {
			t.Errorf("%s K=%d noise 0.5: only %d of %d points break the rule", c.kind, c.classes, wrong, total)
		}
	}
}

func TestToyOptionErrors(t *testing.T) {
	ok := toyOpts(100, 0.1, 2)
	with := func(f func(*ToyOptions)) ToyOptions { o := ok; f(&o); return o }
	cases := []struct {
		kind string
		o    ToyOptions
		want string
	}{
		{"moons", ok, `toy data: unknown kind "moons" (want circle, xor, gauss, spiral)`},
		{"spiral", with(func(o *ToyOptions) { o.Classes = 6 }), "toy data spiral: classes must be 2..5, got 6"},
		{"spiral", with(func(o *ToyOptions) { o.Classes = 1 }), "toy data spiral: classes must be 2..5, got 1"},
		{"circle", with(func(o *ToyOptions) { o.Classes = 3 }), "toy data circle: classes must be 2, got 3 (only spiral takes more)"},
		{"xor", with(func(o *ToyOptions) { o.Classes = 0 }), "toy data xor: classes must be 2, got 0 (only spiral takes more)"},
		{"gauss", with(func(o *ToyOptions) { o.N = 9 }), "toy data gauss: number of points must be 10..10000, got 9"},
		{"gauss", with(func(o *ToyOptions) { o.N = 10001 }), "toy data gauss: number of points must be 10..10000, got 10001"},
		{"circle", with(func(o *ToyOptions) { o.Noise = -0.1 }), "toy data circle: noise must be in [0, 0.5], got -0.1"},
		{"circle", with(func(o *ToyOptions) { o.Noise = 50 }), "toy data circle: noise must be in [0, 0.5], got 50"},
		{"circle", with(func(o *ToyOptions) { o.Noise = math.NaN() }), "toy data circle: noise must be in [0, 0.5], got NaN"},
		{"xor", with(func(o *ToyOptions) { o.TrainFraction = 0.95 }), "toy data xor: train fraction must be in [0.1, 0.9], got 0.95"},
		{"xor", with(func(o *ToyOptions) { o.TrainFraction = 0 }), "toy data xor: train fraction must be in [0.1, 0.9], got 0"},
	}
	for _, c := range cases {
		_, _, err := Toy(c.kind, c.o)
		if err == nil || err.Error() != c.want {
			t.Errorf("Toy(%q, %+v): error %v\nwant %q", c.kind, c.o, err, c.want)
		}
	}
	if _, _, err := Toy("spiral", DefaultToyOptions()); err != nil {
		t.Errorf("defaults: %v", err)
	}
	if !strings.Contains(strings.Join(ToyKinds, ","), "spiral") {
		t.Error("ToyKinds lacks spiral")
	}
}
