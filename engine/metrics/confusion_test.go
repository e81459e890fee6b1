package metrics

import (
	"math"
	"math/rand/v2"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-12 }

// fill adds each (truth, predicted, count) triple count times.
func fill(c *Confusion, cells [][3]int) {
	for _, cell := range cells {
		for range cell[2] {
			c.Add(cell[0], cell[1])
		}
	}
}

// TestThreeClasses works through a matrix by hand:
//
//	        pred 0  pred 1  pred 2   support
//	true 0     5       1       0        6
//	true 1     2       3       1        6
//	true 2     0       2       4        6
//	column     7       6       5       18
//
// accuracy 12/18; precision 5/7, 3/6, 4/5; recall 5/6, 3/6, 4/6;
// F1 = 2TP/(column+row) = 10/13, 6/12, 8/11.
func TestThreeClasses(t *testing.T) {
	c := NewConfusion(3)
	fill(c, [][3]int{{0, 0, 5}, {0, 1, 1}, {1, 0, 2}, {1, 1, 3}, {1, 2, 1}, {2, 1, 2}, {2, 2, 4}})

	if c.Total() != 18 || c.Skipped != 0 {
		t.Fatalf("Total = %d, Skipped = %d; want 18, 0", c.Total(), c.Skipped)
	}
	if c.At(1, 0) != 2 || c.At(0, 2) != 0 || c.At(2, 2) != 4 {
		t.Errorf("At(1,0), At(0,2), At(2,2) = %d, %d, %d; want 2, 0, 4", c.At(1, 0), c.At(0, 2), c.At(2, 2))
	}
	if !near(c.Accuracy(), 12.0/18) {
		t.Errorf("Accuracy = %v, want 2/3", c.Accuracy())
	}
	want := []ClassStats{
		{Precision: 5.0 / 7, Recall: 5.0 / 6, F1: 10.0 / 13, Support: 6},
		{Precision: 3.0 / 6, Recall: 3.0 / 6, F1: 6.0 / 12, Support: 6},
		{Precision: 4.0 / 5, Recall: 4.0 / 6, F1: 8.0 / 11, Support: 6},
	}
	got := c.PerClass()
	for k, w := range want {
		g := got[k]
		if !near(g.Precision, w.Precision) || !near(g.Recall, w.Recall) || !near(g.F1, w.F1) || g.Support != w.Support {
			t.Errorf("class %d: got %+v, want %+v", k, g, w)
		}
		if c.Precision(k) != g.Precision || c.Recall(k) != g.Recall || c.F1(k) != g.F1 {
			t.Errorf("class %d: Precision/Recall/F1 disagree with PerClass", k)
		}
	}
	// Macro: (5/7 + 1/2 + 4/5)/3 = 47/70; (5/6 + 3/6 + 4/6)/3 = 2/3;
	// (10/13 + 1/2 + 8/11)/3 = 571/858.
	if !near(c.MacroPrecision(), 47.0/70) || !near(c.MacroRecall(), 2.0/3) || !near(c.MacroF1(), 571.0/858) {
		t.Errorf("macro P, R, F1 = %v, %v, %v; want 47/70, 2/3, 571/858", c.MacroPrecision(), c.MacroRecall(), c.MacroF1())
	}
}

func TestEmpty(t *testing.T) {
	c := NewConfusion(4)
	if c.Total() != 0 || c.Accuracy() != 0 || c.MacroPrecision() != 0 || c.MacroRecall() != 0 || c.MacroF1() != 0 {
		t.Errorf("empty matrix: total %d, accuracy %v, macro %v %v %v", c.Total(), c.Accuracy(), c.MacroPrecision(), c.MacroRecall(), c.MacroF1())
	}
	for k, s := range c.PerClass() {
		if s != (ClassStats{}) {
			t.Errorf("class %d of an empty matrix: %+v", k, s)
		}
	}
}

// TestEmptyClass: class 2 never occurs and is never predicted (0/0 → 0, left
// out of the macro means); class 3 is predicted but never true (precision
// 0/1, recall 0/0: both 0, but it counts in the macro means).
func TestEmptyClass(t *testing.T) {
	c := NewConfusion(4)
	fill(c, [][3]int{{0, 0, 3}, {1, 1, 2}, {1, 3, 1}})
	for _, k := range []int{2, 3} {
		if c.Precision(k) != 0 || c.Recall(k) != 0 || c.F1(k) != 0 {
			t.Errorf("class %d: P, R, F1 = %v, %v, %v; want 0", k, c.Precision(k), c.Recall(k), c.F1(k))
		}
	}
	if s := c.PerClass()[2]; s != (ClassStats{}) {
		t.Errorf("absent class: %+v", s)
	}
	// Classes 0, 1, 3: precision 1, 1, 0; recall 1, 2/3, 0; F1 1, 4/5, 0.
	if !near(c.MacroPrecision(), 2.0/3) || !near(c.MacroRecall(), (1+2.0/3)/3) || !near(c.MacroF1(), (1+0.8)/3) {
		t.Errorf("macro P, R, F1 = %v, %v, %v", c.MacroPrecision(), c.MacroRecall(), c.MacroF1())
	}
	if !near(c.Accuracy(), 5.0/6) {
		t.Errorf("Accuracy = %v, want 5/6", c.Accuracy())
	}
}

func TestAllWrong(t *testing.T) {
	c := NewConfusion(3)
	fill(c, [][3]int{{0, 1, 4}, {1, 2, 2}, {2, 0, 3}})
	if c.Accuracy() != 0 || c.MacroPrecision() != 0 || c.MacroRecall() != 0 || c.MacroF1() != 0 {
		t.Errorf("all wrong: accuracy %v, macro %v %v %v", c.Accuracy(), c.MacroPrecision(), c.MacroRecall(), c.MacroF1())
	}
	for k, s := range c.PerClass() {
		want := []int{4, 2, 3}[k]
		if s.Precision != 0 || s.Recall != 0 || s.F1 != 0 || s.Support != want {
			t.Errorf("class %d: %+v, want zeros with support %d", k, s, want)
		}
	}
}

func TestOutOfRange(t *testing.T) {
	c := NewConfusion(3)
	c.Add(0, 0)
	for _, p := range [][2]int{{3, 0}, {-1, 0}, {0, 3}, {1, -1}, {1 << 40, 0}} {
		c.Add(p[0], p[1])
	}
	if c.Skipped != 5 || c.Total() != 1 || c.Accuracy() != 1 {
		t.Errorf("Skipped %d, Total %d, Accuracy %v; want 5, 1, 1", c.Skipped, c.Total(), c.Accuracy())
	}
	checks := []struct {
		truth, predicted int
		want             string
	}{
		{3, 0, "metrics: true class 3 is outside 0..2"},
		{-1, 1, "metrics: true class -1 is outside 0..2"},
		{2, 7, "metrics: predicted class 7 is outside 0..2"},
		{0, -1, "metrics: predicted class -1 is outside 0..2"},
	}
	for _, ch := range checks {
		err := c.AddChecked(ch.truth, ch.predicted)
		if err == nil || err.Error() != ch.want {
			t.Errorf("AddChecked(%d, %d) = %v, want %q", ch.truth, ch.predicted, err, ch.want)
		}
	}
	if c.Skipped != 5 || c.Total() != 1 {
		t.Errorf("AddChecked errors changed the counts: Skipped %d, Total %d", c.Skipped, c.Total())
	}
	if err := c.AddChecked(2, 1); err != nil || c.At(2, 1) != 1 {
		t.Errorf("AddChecked(2, 1) = %v, At(2, 1) = %d", err, c.At(2, 1))
	}
	if c.Precision(5) != 0 || c.Recall(-1) != 0 || c.F1(3) != 0 || c.At(-1, 0) != 0 {
		t.Error("scores of a class outside the matrix must be 0")
	}
}

// TestMalformed: a Confusion built by hand or decoded from a message with
// the wrong number of counts never panics.
func TestMalformed(t *testing.T) {
	for _, c := range []*Confusion{NewConfusion(-2), {Classes: 3}, {Classes: 2, Counts: []int{1, 2, 3}}, {Classes: -1, Counts: []int{1}}} {
		c.Add(0, 0)
		if c.Skipped != 1 {
			t.Errorf("%+v: Add was not skipped", c)
		}
		if err := c.AddChecked(0, 0); err == nil {
			t.Errorf("%+v: AddChecked = nil", c)
		}
		_ = c.Accuracy() + c.MacroPrecision() + c.MacroRecall() + c.MacroF1() + c.Precision(1) + float64(c.At(1, 1))
		if n := len(c.PerClass()); n != max(c.Classes, 0) {
			t.Errorf("%+v: PerClass has %d entries", c, n)
		}
	}
	c := &Confusion{Classes: 3}
	want := "metrics: the matrix has 0 counts for 3 classes; make it with NewConfusion"
	if err := c.AddChecked(0, 0); err == nil || err.Error() != want {
		t.Errorf("AddChecked = %v, want %q", err, want)
	}
}

// TestAgainstDefinitions checks random matrices against the definitions
// computed straight from the list of pairs.
func TestAgainstDefinitions(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 0x6d6574726963))
	for trial := range 50 {
		classes := 2 + rng.IntN(6)
		c := NewConfusion(classes)
		n := rng.IntN(200)
		truth, pred := make([]int, n), make([]int, n)
		for i := range n {
			truth[i] = rng.IntN(classes)
			pred[i] = truth[i]
			if rng.IntN(3) == 0 {
				pred[i] = rng.IntN(classes)
			}
			c.Add(truth[i], pred[i])
		}
		correct := 0
		for i := range n {
			if truth[i] == pred[i] {
				correct++
			}
		}
		if c.Total() != n || (n > 0 && !near(c.Accuracy(), float64(correct)/float64(n))) {
			t.Fatalf("trial %d: total %d accuracy %v, want %d, %d/%d", trial, c.Total(), c.Accuracy(), n, correct, n)
		}
		for k := range classes {
			tp, fp, fn := 0, 0, 0
			for i := range n {
				switch {
				case truth[i] == k && pred[i] == k:
					tp++
				case pred[i] == k:
					fp++
				case truth[i] == k:
					fn++
				}
			}
			p, r := c.Precision(k), c.Recall(k)
			if tp+fp > 0 && !near(p, float64(tp)/float64(tp+fp)) {
				t.Fatalf("trial %d class %d: precision %v, want %d/%d", trial, k, p, tp, tp+fp)
			}
			if tp+fn > 0 && !near(r, float64(tp)/float64(tp+fn)) {
				t.Fatalf("trial %d class %d: recall %v, want %d/%d", trial, k, r, tp, tp+fn)
			}
			if p+r > 0 && !near(c.F1(k), 2*p*r/(p+r)) {
				t.Fatalf("trial %d class %d: F1 %v, want 2PR/(P+R) = %v", trial, k, c.F1(k), 2*p*r/(p+r))
			}
		}
	}
}

func TestArgmax(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	negZero := float32(math.Copysign(0, -1))
	cases := []struct {
		name string
		v    []float32
		want int
	}{
		{"nil", nil, -1},
		{"empty", []float32{}, -1},
		{"one", []float32{-3}, 0},
		{"middle", []float32{0.1, 0.7, 0.2}, 1},
		{"last", []float32{-5, -4, -1}, 2},
		{"tie: first wins", []float32{0.2, 0.4, 0.4}, 1},
		{"zero and -0 tie", []float32{negZero, 0}, 0},
		{"NaN first is skipped", []float32{nan, 0.1, 0.9}, 2},
		{"NaN between", []float32{0.5, nan, 0.2}, 0},
		{"all NaN", []float32{nan, nan}, -1},
		{"+Inf wins", []float32{1, inf, nan, inf}, 1},
		{"all -Inf", []float32{-inf, -inf}, 0},
	}
	for _, c := range cases {
		if got := Argmax(c.v); got != c.want {
			t.Errorf("%s: Argmax(%v) = %d, want %d", c.name, c.v, got, c.want)
		}
	}
	// An all-NaN output row is Skipped, not counted as a class.
	conf := NewConfusion(2)
	conf.Add(1, Argmax([]float32{nan, nan}))
	conf.Add(1, Argmax([]float32{0.3, 0.7}))
	if conf.Skipped != 1 || conf.At(1, 1) != 1 {
		t.Errorf("Skipped %d, At(1,1) %d; want 1, 1", conf.Skipped, conf.At(1, 1))
	}
}
