//go:build browser

package browsertest

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/nnplay/nnplay/wasm/protocol"
)

// TestSoftmaxExplorerShowsTheEnginesNumbers trains the seed model 3 batches
// with Step, picks test image 124 in the softmax explorer (typing 123,
// then ▶) and checks every number on screen against a native run of the
// worker's own trainer on the same data: logits, e^(z−m), probabilities,
// their sum, −log p_y and p − onehot(y), to 1e-5. Then the knobs: c = 3
// leaves the probabilities as they were; T = 2 changes them to
// softmax(z/2); picking another true label moves the loss and gradient to
// the engine's values for that label.
func TestSoftmaxExplorerShowsTheEnginesNumbers(t *testing.T) {
	const steps, index = 3, 124
	ref := newEngineRef(t)
	ref.seedAfterSteps(steps)
	u := openAppWatchingCSP(t, 5*time.Minute) // the bars are sized through the CSSOM, which the CSP must allow
	u.stepBatches(steps)

	u.goTo("learn")
	u.scrollTo("#softmax-panel")
	u.typeInto("#sm-index", "123")
	u.Run("press Enter", chromedp.SendKeys("#sm-index", kb.Enter, chromedp.ByQuery))
	u.waitAttr("#softmax-panel", "data-index", "123", time.Minute)
	u.click("#sm-next")
	u.waitAttr("#softmax-panel", "data-index", strconv.Itoa(index), time.Minute)
	u.waitAttr("#softmax-panel", "data-state", "ready", time.Minute)
	if b := u.attr("#softmax-panel", "data-batch"); b != strconv.Itoa(steps) {
		t.Errorf("the explorer says its weights are after batch %s, want %d", b, steps)
	}

	want := ref.trace(index, nil)
	sm := want.Softmax
	if sm == nil || !sm.Fused {
		t.Fatalf("native trace has no fused softmax: %+v", sm)
	}
	got := u.softmaxTable()
	checkTable(t, "T = 1, c = 0", got, sm.Logits, sm.Exp, sm.Sum, toF64(sm.Probs), sm.CrossEntropy, toF64(sm.Grad), 1e-5)
	if l := u.attr("#softmax-panel", "data-label"); l != strconv.Itoa(want.Label) {
		t.Errorf("the explorer's true label is %s, want the image's own, %d", l, want.Label)
	}

	// c = 3 (six steps of 0.5 with the arrow keys): only z moves.
	u.Run("c = 3", chromedp.SendKeys("#sm-offset", strings.Repeat(kb.ArrowRight, 6), chromedp.ByQuery))
	u.WaitText("#sm-offset-value", 10*time.Second, func(s string) bool { return s == "3" })
	shifted := u.softmaxTable()
	for k, r := range shifted.Rows {
		if !near(r.Z, float64(sm.Logits[k])+3, 1e-5) || !near(r.P, got.Rows[k].P, 1e-6) || !near(r.Exp, got.Rows[k].Exp, 1e-6) || !near(r.Grad, got.Rows[k].Grad, 1e-6) {
			t.Errorf("c = 3, row %d: %+v; want z + 3 and p, e^(z−m), grad unchanged from %+v", k, r, got.Rows[k])
		}
	}
	if !near(shifted.Loss, got.Loss, 1e-6) || !near(shifted.Sum, got.Sum, 1e-6) {
		t.Errorf("c = 3 changed the loss or sum: %v, %v; want %v, %v", shifted.Loss, shifted.Sum, got.Loss, got.Sum)
	}

	// T = 2 (ten steps of 0.1), c back to 0: softmax(z/2), computed here.
	u.Run("c = 0", chromedp.SendKeys("#sm-offset", strings.Repeat(kb.ArrowLeft, 6), chromedp.ByQuery))
	u.WaitText("#sm-offset-value", 10*time.Second, func(s string) bool { return s == "0" })
	u.Run("T = 2", chromedp.SendKeys("#sm-temp", strings.Repeat(kb.ArrowRight, 10), chromedp.ByQuery))
	u.WaitText("#sm-temp-value", 10*time.Second, func(s string) bool { return s == "2" })
	hot := u.softmaxTable()
	p2, loss2 := softmaxAt(sm.Logits, 2, want.Label)
	moved := 0.0
	for k, r := range hot.Rows {
		moved = math.Max(moved, math.Abs(r.P-got.Rows[k].P))
		g := p2[k]
		if k == want.Label {
			g--
		}
		if !near(r.Z, float64(sm.Logits[k])/2, 1e-5) || !near(r.P, p2[k], 1e-5) || !near(r.Grad, g, 1e-5) {
			t.Errorf("T = 2, row %d: %+v; want z/2 = %v, p = %v, grad = %v", k, r, float64(sm.Logits[k])/2, p2[k], g)
		}
	}
	if moved < 1e-3 {
		t.Errorf("T = 2 moved no probability by more than %v; the temperature does nothing", moved)
	}
	if !near(hot.Loss, loss2, 1e-5) {
		t.Errorf("T = 2: loss %v, want −log softmax(z/2)_y = %v", hot.Loss, loss2)
	}
	u.click("#sm-knobs-reset")
	u.WaitText("#sm-temp-value", 10*time.Second, func(s string) bool { return s == "1" })
	back := u.softmaxTable()
	for k, r := range back.Rows {
		if r.P != got.Rows[k].P {
			t.Errorf("T = 1 again, row %d: p = %v, want the worker's %v exactly", k, r.P, got.Rows[k].P)
		}
	}

	// Another true label: the worker computes the loss and gradient for it.
	other := (want.Label + 1) % protocol.Classes
	u.choose("#sm-label", strconv.Itoa(other))
	u.waitAttr("#softmax-panel", "data-label", strconv.Itoa(other), 30*time.Second)
	u.waitAttr("#softmax-panel", "data-state", "ready", time.Minute)
	ws := ref.trace(index, &other).Softmax
	checkTable(t, "label "+strconv.Itoa(other), u.softmaxTable(), ws.Logits, ws.Exp, ws.Sum, toF64(ws.Probs), ws.CrossEntropy, toF64(ws.Grad), 1e-5)

	// The pad: a drawn digit's probabilities are the pad's prediction
	// (the worker's predict and trace agree bit for bit).
	// The pad is on Build & train; the explorer reads it from Learn.
	u.goTo("build")
	u.drawStroke(0.5, 0.15, 0.5, 0.85, 12)
	u.waitJS("the pad's prediction", 30*time.Second, `document.querySelectorAll("#probs .prob").length === 10`)
	padP := u.probs()
	for range 20 { // until the pad's prediction is of the finished stroke
		time.Sleep(200 * time.Millisecond)
		if again := u.probs(); fmt.Sprint(again) != fmt.Sprint(padP) {
			padP = again
			continue
		}
		break
	}
	u.goTo("learn")
	u.choose("#sm-source", "pad")
	u.waitAttr("#softmax-panel", "data-source", "pad", 10*time.Second)
	u.waitAttr("#softmax-panel", "data-state", "ready", time.Minute)
	for k, r := range u.softmaxTable().Rows {
		if !near(r.P, padP[k], 1e-5) {
			t.Errorf("drawing, class %d: explorer p = %v, the pad's prediction %v", k, r.P, padP[k])
		}
	}

	// Sliders: no model; push logit 3 to the top of its range.
	u.choose("#sm-source", "sliders")
	u.waitAttr("#softmax-panel", "data-source", "sliders", 10*time.Second)
	u.Run("logit 3 to its maximum", chromedp.SendKeys(`.sm-row[data-k="3"] .sm-slider`, kb.End, chromedp.ByQuery))
	u.waitJS("z_3 = 15", 10*time.Second, `document.querySelector('.sm-row[data-k="3"]').dataset.z === "15"`)
	slid := u.softmaxTable()
	z := make([]float32, len(slid.Rows))
	for k, r := range slid.Rows {
		z[k] = float32(r.Z)
	}
	ps, _ := softmaxAt(z, 1, 0)
	for k, r := range slid.Rows {
		if !near(r.P, ps[k], 1e-6) {
			t.Errorf("sliders, class %d: p = %v, want softmax(z)_k = %v", k, r.P, ps[k])
		}
	}
	if slid.Rows[3].P < 0.5 {
		t.Errorf("logit 3 at 15 gives p_3 = %v; want it to dominate", slid.Rows[3].P)
	}
	var width string
	u.js("read a bar's width", `document.querySelector('.sm-row[data-k="3"] .bar').style.width`, &width)
	if width == "" || width == "0%" {
		t.Errorf("the bar of p_3 has width %q; want it drawn", width)
	}
	if v := u.cspViolations(); len(v) > 0 {
		t.Errorf("Content-Security-Policy violations: %q", v)
	}
}

// checkTable compares the explorer's numbers with the engine's.
func checkTable(t *testing.T, what string, got smTable, z []float32, exp []float64, sum float64, p []float64, loss float64, grad []float64, tol float64) {
	t.Helper()
	for k, r := range got.Rows {
		if int(r.K) != k {
			t.Errorf("%s: row %d has data-k %v", what, k, r.K)
		}
		if !near(r.Z, float64(z[k]), tol) || !near(r.Exp, exp[k], tol) || !near(r.P, p[k], tol) || !near(r.Grad, grad[k], tol) {
			t.Errorf("%s, row %d: page z=%v e=%v p=%v grad=%v; engine z=%v e=%v p=%v grad=%v",
				what, k, r.Z, r.Exp, r.P, r.Grad, z[k], exp[k], p[k], grad[k])
		}
	}
	if !near(got.Sum, sum, tol) || !near(got.Loss, loss, tol) {
		t.Errorf("%s: page sum %v, loss %v; engine sum %v, loss %v", what, got.Sum, got.Loss, sum, loss)
	}
}

// softmaxAt is softmax(z/temp) and −log p_y, computed independently.
func softmaxAt(z []float32, temp float64, y int) ([]float64, float64) {
	m := math.Inf(-1)
	for _, v := range z {
		m = math.Max(m, float64(v)/temp)
	}
	p := make([]float64, len(z))
	s := 0.0
	for i, v := range z {
		p[i] = math.Exp(float64(v)/temp - m)
		s += p[i]
	}
	for i := range p {
		p[i] /= s
	}
	return p, -math.Log(p[y])
}

func toF64(v []float32) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

// TestBackpropStepThroughWalksEveryLayer steps the seed model one batch,
// then walks the step-through for test image 0 from the first forward
// step to the last update, checking each step's label, that each step
// draws its tensors, the loss against the native engine's, and at every
// backward step a gradient check of 5 weights (relative errors < 1e-2).
func TestBackpropStepThroughWalksEveryLayer(t *testing.T) {
	ref := newEngineRef(t)
	ref.seedAfterSteps(1)
	u, _ := openApp(t, 5*time.Minute)
	u.stepBatches(1)
	u.goTo("learn")
	u.scrollTo("#bp-panel")
	u.waitAttr("#bp-panel", "data-state", "ready", time.Minute)
	u.waitAttr("#bp-panel", "data-batch", "1", 30*time.Second)
	want := ref.trace(0, nil)

	wantLabels := []string{
		"Forward · layer 1 of 3 (dense)", "Forward · layer 2 of 3 (dense_1)", "Forward · layer 3 of 3 (dense_2)",
		"Loss · cross-entropy",
		"Backward · layer 3 of 3 (dense_2)", "Backward · layer 2 of 3 (dense_1)", "Backward · layer 1 of 3 (dense)",
		"Update · layer 1 of 3 (dense) · adam", "Update · layer 2 of 3 (dense_1) · adam", "Update · layer 3 of 3 (dense_2) · adam",
	}
	checks := 0
	for i, label := range wantLabels {
		if i > 0 {
			u.click("#bp-next")
		}
		u.WaitText("#bp-step-label", 10*time.Second, func(s string) bool { return s == label })
		var canvases int
		u.js("count the step's pictures", `document.querySelectorAll("#bp-view canvas").length`, &canvases)
		if canvases < 2 {
			t.Errorf("step %q draws %d canvases, want its tensors drawn (at least 2)", label, canvases)
		}
		switch {
		case strings.HasPrefix(label, "Loss"):
			loss, err := strconv.ParseFloat(u.attr("#bp-loss", "data-loss"), 64)
			if err != nil || !near(loss, want.Loss, 1e-5) {
				t.Errorf("the loss step shows %v (%v); the engine's loss is %v", loss, err, want.Loss)
			}
		case strings.HasPrefix(label, "Backward"):
			u.click("#bp-gradcheck")
			u.waitAttr(".bp-check", "data-state", "done", time.Minute)
			var rows []struct{ Rel, A, N string }
			u.js("read the gradient check", `[...document.querySelectorAll("#bp-gradcheck-table tbody tr")].map(e =>
				({Rel: e.dataset.relError, A: e.dataset.analytic, N: e.dataset.numeric}))`, &rows)
			if len(rows) != 5 {
				t.Errorf("%s: the gradient check has %d rows, want 5", label, len(rows))
			}
			for _, r := range rows {
				rel, err1 := strconv.ParseFloat(r.Rel, 64)
				a, err2 := strconv.ParseFloat(r.A, 64)
				if err1 != nil || err2 != nil || !(rel < 1e-2) || a == 0 {
					t.Errorf("%s: gradient check row analytic %s numeric %s rel error %s; want a nonzero gradient and rel error < 1e-2", label, r.A, r.N, r.Rel)
				}
			}
			checks++
		}
	}
	if !u.disabled("#bp-next") {
		t.Errorf("Step ▶ is still enabled after the last update step")
	}
	if checks != 3 {
		t.Errorf("%d gradient checks, want one per layer (3)", checks)
	}
	u.click("#bp-prev")
	u.WaitText("#bp-step-label", 10*time.Second, func(s string) bool { return s == wantLabels[len(wantLabels)-2] })
}

// TestInsideViewsShowWeightsAndStats: the first layer's weights appear as
// 64 images whose colours have the signs of the engine's weights (unit 5,
// read back from the canvas); after 3 Steps the statistics table holds
// the engine's gradient norms; training briefly updates it live.
func TestInsideViewsShowWeightsAndStats(t *testing.T) {
	ref := newEngineRef(t)
	ref.seedAfterSteps(3)
	u, _ := openApp(t, 5*time.Minute)
	u.stepBatches(3)
	u.goTo("inside")
	u.scrollTo("#inside-panel")
	u.waitAttr("#inside-panel", "data-batch", "3", time.Minute)
	u.waitJS("64 weight images", 30*time.Second, `document.querySelectorAll("#weights-grid canvas").length === 64`)

	want := ref.trace(0, nil)
	kernel := floatsOf(t, want.Layers[0].Params[0].Before)
	const unit, units = 5, 128
	var px []int
	u.js("read unit 5's pixels", `[...document.querySelector('#weights-grid canvas[data-unit="5"]').getContext("2d").getImageData(0, 0, 28, 28).data]`, &px)
	if len(px) != 4*784 {
		t.Fatalf("unit 5's canvas has %d bytes of pixels, want 28×28×4", len(px))
	}
	col := make([]float64, 784)
	big := 0.0
	for i := range col {
		col[i] = float64(kernel[i*units+unit])
		big = math.Max(big, math.Abs(col[i]))
	}
	bad := 0
	for i, w := range col {
		r, b := px[4*i], px[4*i+2]
		switch {
		case w > big/5 && !(r == 255 && b <= 215): // white → red
			bad++
		case w < -big/5 && !(b == 255 && r <= 215): // white → blue
			bad++
		}
	}
	if bad > 0 {
		t.Errorf("%d pixels of unit 5's image do not have the colour of their weight's sign (red > 0, blue < 0)", bad)
	}

	stats := ref.stats()
	u.waitJS("the statistics of batch 3", 30*time.Second, `(document.querySelector("#stats-table caption") || {}).textContent?.startsWith("Batch 3:")`)
	var norms []string
	u.js("read gradient norms", `[...document.querySelectorAll("#stats-table tr[data-layer]")].map(e => e.dataset.gradNorm || "")`, &norms)
	if len(norms) != len(stats.Layers) {
		t.Fatalf("the statistics table has %d layers, want %d", len(norms), len(stats.Layers))
	}
	for i, l := range stats.Layers {
		g, err := strconv.ParseFloat(norms[i], 64)
		if err != nil || !near(g, l.Params[0].GradNorm, 1e-5) {
			t.Errorf("layer %s: page gradient norm %q, engine %v", l.Name, norms[i], l.Params[0].GradNorm)
		}
	}

	// Training: the table follows along (stats are polled ~2 a second).
	// The training buttons are on Build & train.
	u.goTo("build")
	u.click("#pause") // Resume
	u.goTo("inside")
	u.waitJS("a later batch in the statistics", 60*time.Second, `+((document.querySelector("#stats-table caption") || {}).textContent || "").replace(/^Batch (\d+):.*/, "$1") > 20`)
	u.goTo("build")
	u.click("#pause")
	u.WaitText("#status", 30*time.Second, func(s string) bool { return strings.Contains(s, "Paused") })
	u.goTo("inside")
	var charts int
	u.js("count chart canvases", `["#grad-norm-chart", "#act-std-chart", "#dead-chart"].filter(s => document.querySelector(s + " canvas")).length`, &charts)
	if charts != 3 {
		t.Errorf("%d of the 3 statistics charts have a canvas", charts)
	}
}
