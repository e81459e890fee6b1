//go:build browser

package browsertest

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nnplay/nnplay/engine/nn"
	"github.com/nnplay/nnplay/engine/spec"
)

// TestRNNBuiltByClicking builds the row-by-row LSTM in the layer builder
// as a person would (palette: Reshape 28, 28 → LSTM 64 → Dense 10
// softmax), checks the summary against engine/nn's for spec.RowByRowRNN(),
// trains it one epoch in the page (test accuracy at least 93%), then opens
// "Read a digit row by row": 28 steps, each reading its row, with
// probabilities summing to 1 after every step, and Play steps through.
func TestRNNBuiltByClicking(t *testing.T) {
	u, _ := openApp(t, 10*time.Minute)
	// The seed model reads no sequence: the panel says how to get one.
	u.goTo("inside")
	u.scrollTo("#rnn-panel")
	u.waitAttr("#rnn-panel", "data-state", "hint", 5*time.Second)
	if hint := u.text("#rnn-hint"); !strings.Contains(hint, "Row-by-row RNN") {
		t.Errorf("#rnn-hint = %q, want it to name the recurrent presets", hint)
	}
	u.goTo("build")
	u.scrollTo("#summary")
	for n := u.rowCount(); n > 0; n-- {
		u.click(row(0) + " .remove")
		u.waitJS("a row to go", 2*time.Second, fmt.Sprintf(`document.querySelectorAll("#layers .layer-row").length === %d`, n-1))
	}
	steps := []struct {
		typ    string
		fields [][2]string
	}{
		{"Reshape", [][2]string{{"target", "28, 28"}}},
		{"LSTM", [][2]string{{"units", "64"}}},
		{"Dense", [][2]string{{"units", "10"}, {"activation", "softmax"}}},
	}
	for i, s := range steps {
		u.click(fmt.Sprintf(`#palette button[data-type=%q]`, s.typ))
		u.waitJS("the new row", 2*time.Second, fmt.Sprintf(`document.querySelectorAll("#layers .layer-row").length === %d`, i+1))
		for _, f := range s.fields {
			u.setField(i, f[0], f[1])
		}
	}
	u.typeInto("#lr", "0.003")
	u.typeInto("#clip-norm", "1")
	u.typeInto("#epochs", "1")
	u.waitEnabled("#train", 5*time.Second)
	model, err := nn.Build(spec.RowByRowRNN())
	if err != nil {
		t.Fatal(err)
	}
	want, got := engineRows(t, model.Summary()), u.summaryRows()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("the builder's summary\n%s\ndiffers from the engine's\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if total := u.text("#total-params"); total != "24,458" {
		t.Errorf("#total-params = %q, want 24,458", total)
	}

	start := time.Now()
	u.click("#train")
	acc := u.WaitText("#test-accuracy", 10*time.Minute, func(s string) bool { return strings.HasSuffix(s, "%") })
	t.Logf("LSTM 64 (built by clicking), one epoch in the page: %.1f s to the test accuracy %s; %q",
		time.Since(start).Seconds(), acc, u.text("#progress-text"))
	if pct, err := strconv.ParseFloat(strings.TrimSuffix(acc, "%"), 64); err != nil || pct < 93 {
		t.Errorf("test accuracy after one epoch of the LSTM = %q, want at least 93%%", acc)
	}

	u.goTo("inside")
	u.scrollTo("#rnn-panel")
	u.waitAttr("#rnn-panel", "data-state", "ready", time.Minute)
	u.waitAttr("#rnn-steps", "data-steps", "28", 5*time.Second)
	var rows []struct {
		Step, Probs, Rows string
	}
	u.js("read the steps", `[...document.querySelectorAll("#rnn-steps tr[data-step]")].map(r =>
		({Step: r.dataset.step, Probs: r.dataset.probs, Rows: r.children[1].textContent}))`, &rows)
	if len(rows) != 28 {
		t.Fatalf("#rnn-steps has %d steps, want 28", len(rows))
	}
	for i, r := range rows {
		ps := strings.Fields(r.Probs)
		sum := 0.0
		for _, p := range ps {
			v, err := strconv.ParseFloat(p, 64)
			if err != nil || v < 0 || v > 1 {
				t.Fatalf("step %d: probability %q", i, p)
			}
			sum += v
		}
		if r.Step != strconv.Itoa(i) || r.Rows != strconv.Itoa(i) || len(ps) != 10 || math.Abs(sum-1) > 1e-3 {
			t.Errorf("step %s (reads row %s): %d probabilities summing to %v, want 10 summing to 1", r.Step, r.Rows, len(ps), sum)
		}
	}
	// The bars show the last step at first; Play starts over from row 0.
	if s := u.attr("#rnn-panel", "data-step"); s != "27" {
		t.Errorf("the panel shows step %s, want the last, 27", s)
	}
	u.click("#rnn-play")
	u.waitJS("playing through the steps", 10*time.Second, `(() => { const s = +document.querySelector("#rnn-panel").dataset.step; return s > 0 && s < 27 })()`)
	if text := u.text("#rnn-step-text"); !strings.Contains(text, "of 28") || !strings.Contains(text, "if the digit ended here") {
		t.Errorf("#rnn-step-text = %q", text)
	}
	var barSum float64
	u.js("sum the bars", `[...document.querySelectorAll("#rnn-probs .prob")].reduce((s, r) => s + +r.dataset.p, 0)`, &barSum)
	if math.Abs(barSum-1) > 1e-3 {
		t.Errorf("the bars' probabilities sum to %v, want 1", barSum)
	}
	u.waitAttr("#rnn-panel", "data-step", "27", 20*time.Second) // played to the end
	if u.text("#rnn-play") != "Play" {
		t.Errorf("after the last step the button says %q, want Play", u.text("#rnn-play"))
	}
}
