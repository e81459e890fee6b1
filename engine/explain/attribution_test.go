package explain

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nnplay/nnplay/engine/nn"
)

// TestGradientTimesInputLinear: for a linear softmax model z = xW + b the
// logit attribution of class c is w_c ⊙ x exactly, and (with a zero
// baseline) integrated gradients give the same.
func TestGradientTimesInputLinear(t *testing.T) {
	const d, k = 20, 4
	m := linearSoftmax(d, k, 7)
	w := m.Params()[0].Value.Float32s() // (d, k)
	b := m.Params()[1].Value.Float32s()
	rng := rand.New(rand.NewPCG(2, 2))
	x := make([]float32, d)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	worst := 0.0
	for c := range k {
		a, err := GradientTimesInput(m, x, Target{Class: c})
		if err != nil {
			t.Fatal(err)
		}
		ig, err := IntegratedGradients(m, x, Target{Class: c}, IGOptions{Steps: 3})
		if err != nil {
			t.Fatal(err)
		}
		for i := range d {
			want := float64(w[i*k+c]) * float64(x[i])
			worst = max(worst, math.Abs(a.Values[i]-want), math.Abs(ig.Values[i]-want))
			if math.Abs(a.Values[i]-want) > 1e-6 || math.Abs(ig.Values[i]-want) > 1e-6 {
				t.Errorf("class %d, input %d: gradient×input %.9g, integrated gradients %.9g, want w⊙x = %.9g", c, i, a.Values[i], ig.Values[i], want)
			}
		}
		// Σ w_c⊙x = z_c − b_c.
		if got := a.Sum() + float64(b[c]); math.Abs(got-a.Score) > 1e-5 {
			t.Errorf("class %d: Σ attribution + b = %v, logit %v", c, got, a.Score)
		}
	}
	t.Logf("linear softmax model: |gradient×input − w⊙x| ≤ %.2g", worst)
}

// TestIntegratedGradientsCompleteness: on the trained seed MLP, Σ a_i is
// f(x) − f(0) within 1 %, for the logit and the probability of the
// predicted class of ten test digits, with the default steps.
func TestIntegratedGradientsCompleteness(t *testing.T) {
	m, _, test := seedMLP(t)
	for _, score := range []nn.Score{nn.ScoreLogit, nn.ScoreProbability} {
		worst := 0.0
		for i := range 10 {
			x := example(test, i)
			g, err := GradientTimesInput(m, x, Target{Class: test.Labels[i], Score: score})
			if err != nil {
				t.Fatal(err)
			}
			c := predicted(g.Probs)
			a, err := IntegratedGradients(m, x, Target{Class: c, Score: score}, IGOptions{})
			if err != nil {
				t.Fatal(err)
			}
			gap := a.Score - a.Baseline
			rel := math.Abs(a.Sum()-gap) / math.Abs(gap)
			worst = max(worst, rel)
			if rel > 0.01 {
				t.Errorf("%v, test digit %d (class %d): Σ attributions %.6g, f(x) − f(0) = %.6g (off by %.2f %%)", score, i, c, a.Sum(), gap, 100*rel)
			}
		}
		t.Logf("integrated gradients, %d steps, %v: completeness within %.3f %% over 10 test digits", DefaultIGSteps, score, 100*worst)
	}
}

// TestOcclusionOfAOnesStrokes: covering the strokes of a 1 lowers p(1).
// For test digits labelled 1, the occlusion map (of p(1)) is positive on
// average over the stroke pixels and larger there than over the
// background; blanking the strokes the map ranks highest lowers p(1).
func TestOcclusionOfAOnesStrokes(t *testing.T) {
	m, _, test := seedMLP(t)
	seen := 0
	for i := 0; i < test.Len() && seen < 5; i++ {
		if test.Labels[i] != 1 {
			continue
		}
		seen++
		x := example(test, i)
		a, err := Occlusion(m, x, Target{Class: 1, Score: nn.ScoreProbability}, OcclusionOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if seen == 1 { // the default reads a flat mnist row as 28 × 28
			b, err := Occlusion(m, x, Target{Class: 1, Score: nn.ScoreProbability}, OcclusionOptions{Image: []int{28, 28}, Patch: 4, Stride: 2})
			if err != nil {
				t.Fatal(err)
			}
			for j := range a.Values {
				if a.Values[j] != b.Values[j] {
					t.Fatalf("pixel %d: default occlusion %v, 28×28 patch 4 stride 2 %v", j, a.Values[j], b.Values[j])
				}
			}
		}
		var stroke, background float64
		var ns, nb int
		for j, v := range x {
			if v > 0.5 {
				stroke += a.Values[j]
				ns++
			} else if v == 0 {
				background += a.Values[j]
				nb++
			}
		}
		stroke /= float64(ns)
		background /= float64(nb)
		if !(stroke > 0) || !(stroke > background) {
			t.Errorf("test digit %d (a 1): mean occlusion over its strokes %.4g, over the background %.4g; want the strokes positive and higher", i, stroke, background)
		}
		// Blank the stroke pixels the map marks positive.
		blanked := append([]float32(nil), x...)
		for j, v := range x {
			if v > 0.5 && a.Values[j] > 0 {
				blanked[j] = 0
			}
		}
		b, err := GradientTimesInput(m, blanked, Target{Class: 1, Score: nn.ScoreProbability})
		if err != nil {
			t.Fatal(err)
		}
		if !(b.Score < a.Score) {
			t.Errorf("test digit %d: p(1) = %.4g with its strokes blanked, %.4g before", i, b.Score, a.Score)
		}
		t.Logf("test digit %d (a 1): p(1) = %.4f; occlusion mean over strokes %+.4f, background %+.4f; strokes blanked p(1) = %.4f", i, a.Score, stroke, background, b.Score)
	}
	if seen < 5 {
		t.Fatalf("only %d test digits labelled 1", seen)
	}
}

// TestOcclusionAveragesPatches checks the occlusion map on a linear
// model by hand: with patch 1 every value's attribution is the score's
// drop when that value alone is set to the baseline, w_c,i·(x_i − b).
func TestOcclusionAveragesPatches(t *testing.T) {
	const d, k = 12, 3
	m := linearSoftmax(d, k, 3)
	w := m.Params()[0].Value.Float32s()
	x := make([]float32, d)
	for i := range x {
		x[i] = float32(i%5) / 4
	}
	a, err := Occlusion(m, x, Target{Class: 2}, OcclusionOptions{Baseline: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	for i := range d {
		want := float64(w[i*k+2]) * (float64(x[i]) - 0.5)
		if math.Abs(a.Values[i]-want) > 1e-5 {
			t.Errorf("feature %d: occlusion %.7g, want %.7g", i, a.Values[i], want)
		}
	}
	// A 3×4 image with 2×2 patches, stride 1: every pixel's value is the
	// mean drop over the patches covering it, which for a linear score is
	// the mean over those patches of Σ_{j∈P} w_j x_j (baseline 0).
	a, err = Occlusion(m, x, Target{Class: 0}, OcclusionOptions{Image: []int{3, 4}, Patch: 2, Stride: 1})
	if err != nil {
		t.Fatal(err)
	}
	for r := range 3 {
		for c := range 4 {
			var sum float64
			n := 0
			for r0 := max(r-1, 0); r0 <= min(r, 1); r0++ {
				for c0 := max(c-1, 0); c0 <= min(c, 2); c0++ {
					for dr := range 2 {
						for dc := range 2 {
							j := (r0+dr)*4 + c0 + dc
							sum += float64(w[j*k]) * float64(x[j])
						}
					}
					n++
				}
			}
			if got, want := a.Values[r*4+c], sum/float64(n); math.Abs(got-want) > 1e-5 {
				t.Errorf("pixel (%d, %d): occlusion %.7g, want %.7g", r, c, got, want)
			}
		}
	}
}

func TestAttributionErrors(t *testing.T) {
	m := linearSoftmax(6, 3, 1)
	x := make([]float32, 6)
	if _, err := GradientTimesInput(m, x[:5], Target{}); err == nil {
		t.Error("an input of 5 values for a 6-input model was accepted")
	}
	if _, err := GradientTimesInput(m, x, Target{Class: 3}); err == nil {
		t.Error("class 3 of a 3-class model was accepted")
	}
	if _, err := IntegratedGradients(m, x, Target{}, IGOptions{Baseline: make([]float32, 2)}); err == nil {
		t.Error("a baseline of the wrong size was accepted")
	}
	if _, err := IntegratedGradients(m, x, Target{}, IGOptions{Steps: -1}); err == nil {
		t.Error("-1 steps were accepted")
	}
	if _, err := Occlusion(m, x, Target{}, OcclusionOptions{Patch: 7}); err == nil {
		t.Error("a patch larger than the input was accepted")
	}
	if _, err := Occlusion(m, x, Target{}, OcclusionOptions{Image: []int{4, 4}}); err == nil {
		t.Error("a 4×4 image of 6 values was accepted")
	}
	bad := append([]float32(nil), x...)
	bad[2] = float32(math.NaN())
	if _, err := GradientTimesInput(m, bad, Target{}); err == nil {
		t.Error("a NaN input was accepted")
	}
}
