package explain

import (
	"testing"

	"github.com/nnplay/nnplay/engine/metrics"
)

// TestFlipSearchMakesAThree: "what would make it a 3?" reaches class 3
// within the default budget for at least 9 of the first 10 test digits
// that are not 3s, keeping every pixel in [0, 1] and counting the
// changed pixels.
func TestFlipSearchMakesAThree(t *testing.T) {
	m, _, test := seedMLP(t)
	flipped, tried := 0, 0
	for i := 0; tried < 10; i++ {
		if test.Labels[i] == 3 {
			continue
		}
		tried++
		x := example(test, i)
		f, err := FlipSearch(m, x, FlipOptions{Target: 3})
		if err != nil {
			t.Fatal(err)
		}
		changed := 0
		for j, v := range f.Input {
			if v < 0 || v > 1 {
				t.Fatalf("test digit %d: pixel %d is %v after the search, outside [0, 1]", i, j, v)
			}
			if d := v - x[j]; d > DefaultChangedAbove || d < -DefaultChangedAbove {
				changed++
			}
		}
		if changed != f.Changed {
			t.Errorf("test digit %d: Changed = %d, but %d pixels moved by more than %v", i, f.Changed, changed, DefaultChangedAbove)
		}
		if f.Flipped != (metrics.Argmax(f.Probs) == 3) {
			t.Errorf("test digit %d: Flipped = %v but the changed input's probabilities pick %d", i, f.Flipped, metrics.Argmax(f.Probs))
		}
		if f.Steps > DefaultFlipSteps {
			t.Errorf("test digit %d: %d steps, over the budget of %d", i, f.Steps, DefaultFlipSteps)
		}
		if f.Flipped {
			flipped++
			if f.Changed == 0 {
				t.Errorf("test digit %d flipped from %d to 3 with no pixel changed", i, f.From)
			}
		}
		t.Logf("test digit %d: %d → 3 %v after %d steps, %d pixels changed, ‖Δ‖ = %.3f, p(3) = %.3f", i, f.From, f.Flipped, f.Steps, f.Changed, f.Distance, f.Probs[3])
	}
	if flipped < 9 {
		t.Errorf("the flip search reached 3 for %d of 10 test digits, want at least 9", flipped)
	}
}

// TestFlipSearchAlreadyThere: an input already predicted as the target
// comes back unchanged; a tiny budget may stop short and says so.
func TestFlipSearchAlreadyThere(t *testing.T) {
	m, _, test := seedMLP(t)
	x := example(test, 0) // a 7
	f, err := FlipSearch(m, x, FlipOptions{Target: 7})
	if err != nil {
		t.Fatal(err)
	}
	if !f.Flipped || f.Steps != 0 || f.Changed != 0 || f.Distance != 0 {
		t.Errorf("a 7 asked to become a 7: %+v", f)
	}
	f, err = FlipSearch(m, x, FlipOptions{Target: 1, Steps: 1, StepSize: 1e-3})
	if err != nil {
		t.Fatal(err)
	}
	if f.Flipped || f.Steps != 1 {
		t.Errorf("one step of 0.001 flipped a 7 into a 1 (or took %d steps)", f.Steps)
	}
	if _, err := FlipSearch(m, x, FlipOptions{Target: 10}); err == nil {
		t.Error("target class 10 of a 10-class model was accepted")
	}
	if _, err := FlipSearch(m, x, FlipOptions{Target: 1, Lo: 1, Hi: 0}); err == nil {
		t.Error("an empty range was accepted")
	}
}

// TestConfusionCells: every cell lists exactly as many examples as the
// model's Evaluate counts there, all of that true and predicted class,
// most confident first.
func TestConfusionCells(t *testing.T) {
	m, _, test := seedMLP(t)
	p, err := Predict(m, test)
	if err != nil {
		t.Fatal(err)
	}
	x, y := test.Tensors()
	ev, err := m.Evaluate(x, y)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for i := range 10 {
		for j := range 10 {
			cell := p.Cell(i, j)
			if len(cell) != ev.Confusion.At(i, j) {
				t.Errorf("cell (true %d, predicted %d): %d examples listed, Evaluate counts %d", i, j, len(cell), ev.Confusion.At(i, j))
			}
			for r, e := range cell {
				if test.Labels[e.Index] != i || metrics.Argmax(e.Probs) != j || e.Prob != float64(e.Probs[j]) {
					t.Fatalf("cell (%d, %d) lists example %d (label %d, predicted %d)", i, j, e.Index, test.Labels[e.Index], metrics.Argmax(e.Probs))
				}
				if r > 0 && e.Prob > cell[r-1].Prob {
					t.Fatalf("cell (%d, %d) is not sorted by confidence at %d", i, j, r)
				}
			}
			total += len(cell)
		}
	}
	if total != test.Len() {
		t.Errorf("the cells list %d examples in all, the set has %d", total, test.Len())
	}
	t.Logf("10,000 test digits, accuracy %.4f; cell (4, 9) lists %d", ev.Accuracy, len(p.Cell(4, 9)))
}
