package replicas

import "testing"

// TestLayout: the areas follow one another without overlap inside Size,
// the float64 ones 8-aligned, and the control words fit the header.
func TestLayout(t *testing.T) {
	l := Layout{Helpers: 3, Weights: 61706, Grads: 61706, XWidth: 784, YWidth: 1, YRank: 1, Rows: 22, Collect: 241}
	if err := l.check(); err != nil {
		t.Fatal(err)
	}
	if word(MaxHelpers, helperWords-1) >= headerBytes/4 {
		t.Errorf("the control words of %d helpers need %d words, the header has %d", MaxHelpers, word(MaxHelpers, helperWords), headerBytes/4)
	}
	type area struct {
		name     string
		at, size int
		f64      bool
	}
	areas := []area{{"random", l.random(), randomBytes, false}, {"weights", l.weights(), 4 * l.Weights, false}, {"down", l.down(), 8 * l.Collect, true}}
	for r := 1; r <= l.Helpers; r++ {
		areas = append(areas, area{"x", l.x(r), 4 * l.Rows * l.XWidth, false}, area{"y", l.y(r), 4 * l.Rows * l.YWidth, false},
			area{"grads", l.grads(r), 4 * l.Grads, false}, area{"up", l.up(r), 8 * l.Collect, true},
			area{"loss", l.loss(r), 8, true}, area{"reason", l.reason(r), reasonBytes, false})
	}
	end := headerBytes
	for _, a := range areas {
		if a.at < end {
			t.Errorf("%s at %d overlaps what ends at %d", a.name, a.at, end)
		}
		if a.f64 && a.at%8 != 0 {
			t.Errorf("%s at %d is not 8-aligned", a.name, a.at)
		}
		end = a.at + a.size
	}
	if end > l.Size() {
		t.Errorf("the last area ends at %d, past Size %d", end, l.Size())
	}
	if (Layout{Helpers: 16, XWidth: 1, YWidth: 1, YRank: 1, Rows: 1, Collect: 1}).check() == nil {
		t.Error("16 helpers passed the check")
	}
}
