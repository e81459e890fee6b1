//go:build browser

package browsertest

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestTrainSeedModelOneEpoch chooses the seed model, trains one epoch with
// the Train button and checks what the Evaluate panel shows: test accuracy
// at least 95% and a confusion matrix counting all 10,000 test images. It
// also clicks a button mid-training (the main thread must answer), logs the
// longest main-thread task, the page's samples/s and the bytes of the first
// load, and finally draws a "1" on the pad.
func TestTrainSeedModelOneEpoch(t *testing.T) {
	u, _ := openApp(t, 6*time.Minute)
	// Load again with an empty cache, to see what a first visit costs.
	reload := time.Now()
	u.Run("reload with an empty cache", network.ClearBrowserCache(), chromedp.Reload())
	u.WaitText("#status", 90*time.Second, func(s string) bool { return strings.Contains(s, "Ready to train") })
	u.waitEnabled("#train", 10*time.Second)
	t.Logf("first load: Train enabled %.2f s after navigation (empty cache, localhost)", time.Since(reload).Seconds())
	var bytes struct {
		Transfer, Decoded float64
		Files             []string
	}
	u.js("sum first-load bytes", `(() => {
		const all = [...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource")];
		return {Transfer: all.reduce((s, e) => s + (e.transferSize || 0), 0),
			Decoded: all.reduce((s, e) => s + (e.decodedBodySize || 0), 0),
			Files: all.map(e => e.name.replace(location.origin, "") + " " + e.transferSize)} })()`, &bytes)
	t.Logf("first load, page thread (the worker's own fetches not included): %.0f bytes transferred, %.0f decoded: %v", bytes.Transfer, bytes.Decoded, bytes.Files)

	u.choose("#preset", "seed")
	u.typeInto("#epochs", "1")
	u.watchLongTasks()
	u.click("#train")

	// Mid-training, a click on a page-only button (add a layer to the
	// edited model) changes the page at once: the main thread is free.
	u.waitJS("training under way", 60*time.Second, `+document.querySelector("#batch-counter").textContent > 50`)
	clicked := time.Now()
	u.click(`#palette button[data-type="Dense"]`)
	u.waitJS("the click to be handled", 2*time.Second, `document.querySelectorAll("#layers .layer-row").length === 4`)
	t.Logf("a click during training was handled within %v (3 → 4 layers in the summary)", time.Since(clicked).Round(time.Millisecond))
	u.click(`#layers .layer-row[data-index="3"] .remove`)
	u.waitJS("the added layer to go", 2*time.Second, `document.querySelectorAll("#layers .layer-row").length === 3`)

	acc := u.WaitText("#test-accuracy", 4*time.Minute, func(s string) bool { return strings.HasSuffix(s, "%") })
	progress := u.text("#progress-text")
	longest, count := u.longestTask()
	t.Logf("progress at the end: %q", progress)
	t.Logf("longest main-thread task during training: %.0f ms (%d tasks over 50 ms)", longest, count)

	pct, err := strconv.ParseFloat(strings.TrimSuffix(acc, "%"), 64)
	if err != nil {
		t.Fatalf("#test-accuracy is %q, want a percentage", acc)
	}
	if pct < 95 {
		t.Errorf("test accuracy after one epoch of the seed model = %.2f%%, want at least 95%%", pct)
	}
	if !strings.HasPrefix(progress, "Epoch 1/1 · batch 938/938 · ") || !strings.Contains(progress, "samples/s") {
		t.Errorf("#progress-text = %q, want it to report epoch 1/1, batch 938/938 and samples/s", progress)
	}

	var cells []string
	u.js("read the confusion matrix", `[...document.querySelectorAll("#confusion td.count")].map(e => e.textContent)`, &cells)
	if len(cells) != 100 {
		t.Fatalf("#confusion has %d td.count cells, want 100", len(cells))
	}
	total, diagonal := 0, 0
	for i, c := range cells {
		n, err := strconv.Atoi(strings.TrimSpace(c))
		if err != nil || n < 0 {
			t.Fatalf("confusion cell %d is %q, want a count", i, c)
		}
		total += n
		if i/10 == i%10 {
			diagonal += n
		}
	}
	if total != 10000 {
		t.Errorf("confusion counts sum to %d, want 10000", total)
	}
	if got := float64(diagonal) / 100; math.Abs(got-pct) > 0.005 {
		t.Errorf("the diagonal holds %.2f%% of the test set but #test-accuracy says %s", got, acc)
	}
	// The strip is drawn in a task after the render's.
	u.waitJS(fmt.Sprintf("#misclassified to show digits (%d test images are misclassified)", 10000-diagonal),
		10*time.Second, `document.querySelectorAll("#misclassified canvas").length > 0`)

	// A vertical stroke in the middle of the pad reads as a 1.
	u.drawStroke(0.5, 0.15, 0.5, 0.85, 12)
	u.waitJS("probability bars", 10*time.Second, `document.querySelectorAll("#probs .prob").length === 10`)
	u.padReads("a vertical stroke", "1")
}

// TestPauseAndResume pauses a run: the batch counter stops within a second
// and the button turns into Resume; Resume continues the run.
func TestPauseAndResume(t *testing.T) {
	u, _ := openApp(t, 3*time.Minute)
	u.click("#train")
	u.waitJS("20 batches", 60*time.Second, `+document.querySelector("#batch-counter").textContent >= 20`)
	u.click("#pause")
	u.WaitText("#pause", 2*time.Second, func(s string) bool { return s == "Resume" })
	time.Sleep(time.Second)
	stopped := u.batchCounter()
	time.Sleep(1500 * time.Millisecond)
	if later := u.batchCounter(); later != stopped {
		t.Fatalf("after pausing, #batch-counter went on from %d to %d", stopped, later)
	}
	if st := u.text("#status"); !strings.Contains(st, "Paused") {
		t.Errorf("#status = %q while paused, want it to say Paused", st)
	}
	u.click("#pause")
	u.WaitText("#pause", 2*time.Second, func(s string) bool { return s == "Pause" })
	u.waitJS("training to continue", 10*time.Second, `+document.querySelector("#batch-counter").textContent > `+strconv.Itoa(stopped))
}

// TestStepAndReset sets optimizer, learning rate and batch size, then uses
// Step (once by mouse, once by keyboard): each trains exactly one batch of
// the chosen size and leaves training paused. Evaluate now measures the
// test set; Reset returns to an untrained model. None of it trips the
// page's Content-Security-Policy.
func TestStepAndReset(t *testing.T) {
	u := openAppWatchingCSP(t, 2*time.Minute)
	u.choose("#optimizer", "sgd")
	u.typeInto("#lr", "0.05")
	u.typeInto("#batch-size", "32")
	u.click("#step")
	u.WaitText("#batch-counter", 10*time.Second, func(s string) bool { return s == "1" })
	u.WaitText("#pause", 2*time.Second, func(s string) bool { return s == "Resume" })
	u.waitEnabled("#step", 2*time.Second)
	u.Run("press Enter on #step", chromedp.Focus("#step", chromedp.ByQuery), chromedp.KeyEvent(kb.Enter))
	u.WaitText("#batch-counter", 10*time.Second, func(s string) bool { return s == "2" })
	// 60,000 images in batches of 32 make 1,875 batches an epoch.
	if p := u.text("#progress-text"); !strings.HasPrefix(p, "Epoch 1/2 · batch 2/1875") {
		t.Errorf("#progress-text = %q after two steps of 32, want Epoch 1/2 · batch 2/1875 …", p)
	}

	u.click("#evaluate")
	u.WaitText("#test-accuracy", 60*time.Second, func(s string) bool { return strings.HasSuffix(s, "%") })
	var total int
	u.js("sum the confusion matrix", `[...document.querySelectorAll("#confusion td.count")].reduce((s, e) => s + +e.textContent, 0)`, &total)
	if total != 10000 {
		t.Errorf("after Evaluate now the confusion counts sum to %d, want 10000", total)
	}

	u.click("#reset")
	u.WaitText("#batch-counter", 10*time.Second, func(s string) bool { return s == "0" })
	u.WaitText("#progress-text", 2*time.Second, func(s string) bool { return s == "Not started." })
	u.waitEnabled("#train", 10*time.Second)
	if !u.disabled("#pause") {
		t.Errorf("#pause is enabled after Reset, with nothing running")
	}
	if acc := u.text("#test-accuracy"); acc != "" {
		t.Errorf("#test-accuracy = %q after Reset, want it empty", acc)
	}
	if v := u.cspViolations(); len(v) > 0 {
		t.Errorf("Content-Security-Policy violations: %q", v)
	}
}

// TestDrawShowsProbabilities draws a vertical stroke with real pointer
// input: the 28×28 input shows ink, ten probability bars appear and sum
// to 1; Clear removes them. Nothing trips the Content-Security-Policy.
func TestDrawShowsProbabilities(t *testing.T) {
	u := openAppWatchingCSP(t, 2*time.Minute)
	u.drawStroke(0.5, 0.2, 0.52, 0.8, 10)
	u.waitJS("probability bars", 10*time.Second, `document.querySelectorAll("#probs .prob").length === 10`)
	probs := u.probs()
	sum := 0.0
	for d := 0; d < 10; d++ {
		p, ok := probs[d]
		if !ok {
			t.Fatalf("no .prob row for digit %d: %v", d, probs)
		}
		if p < 0 || p > 1 {
			t.Errorf("digit %d has probability %v, outside [0,1]", d, p)
		}
		sum += p
	}
	if math.Abs(sum-1) > 0.001 {
		t.Errorf("the probabilities sum to %v, want 1 ± 0.001: %v", sum, probs)
	}
	var ink int
	u.js("read the 28×28 input", `(() => { const c = document.querySelector("#pad-input canvas");
		const d = c.getContext("2d").getImageData(0, 0, 28, 28).data; let n = 0;
		for (let i = 0; i < d.length; i += 4) if (d[i] < 128) n++; return n })()`, &ink)
	// A centred vertical stroke 20 pixels tall, 2–4 wide: 30 to 100 dark pixels.
	if ink < 30 || ink > 100 {
		t.Errorf("the 28×28 input shows %d dark pixels, want 30..100 for a vertical stroke", ink)
	}
	u.click("#pad-clear")
	u.waitJS("the bars to go", 2*time.Second, `document.querySelectorAll("#probs .prob").length === 0`)
	if v := u.cspViolations(); len(v) > 0 {
		t.Errorf("Content-Security-Policy violations: %q", v)
	}
}

// TestInvalidUnitsDisableTrain types 0 units into a layer: the summary
// shows the message beside that layer and Train is disabled with the
// reason; typing a valid number brings Train back.
func TestInvalidUnitsDisableTrain(t *testing.T) {
	u, _ := openApp(t, 2*time.Minute)
	u.typeInto("#units-1", "0")
	msg := u.WaitText("#summary .error", 2*time.Second, func(s string) bool { return s != "" })
	if !strings.Contains(msg, "units must be between 1 and 4096, got 0") {
		t.Errorf("the summary's message is %q, want it to say units must be between 1 and 4096", msg)
	}
	if !u.disabled("#train") {
		t.Fatalf("#train is enabled with 0 units")
	}
	if why := u.text("#train-blocked"); !strings.Contains(why, "layer 1 (Dense)") {
		t.Errorf("#train-blocked = %q, want the reason naming layer 1", why)
	}
	u.typeInto("#units-1", "32")
	u.waitEnabled("#train", 2*time.Second)
	var errors int
	u.js("count errors", `document.querySelectorAll("#summary .error").length`, &errors)
	if errors != 0 {
		t.Errorf("%d messages remain in the summary after fixing the units", errors)
	}
	if p := u.text("#total-params"); p != "27,882" {
		t.Errorf("#total-params = %q with 32 units in layer 1, want 27,882 (784·32+32 + 32·64+64 + 650)", p)
	}
}

// TestPresetsUpdateSummary switches presets and checks the summary's
// output shapes and parameter counts.
func TestPresetsUpdateSummary(t *testing.T) {
	u, _ := openApp(t, 2*time.Minute)
	for _, c := range []struct{ preset, total, shapes string }{
		{"softmax", "7,850", "(None, 10)"},
		{"wide", "535,818", "(None, 512) (None, 256) (None, 10)"},
		{"seed", "109,386", "(None, 128) (None, 64) (None, 10)"},
	} {
		u.choose("#preset", c.preset)
		u.WaitText("#total-params", 2*time.Second, func(s string) bool { return s == c.total })
		var shapes []string
		u.js("read shapes", `[...document.querySelectorAll("#layers .layer-output")].map(e => e.textContent)`, &shapes)
		if got := strings.Join(shapes, " "); got != c.shapes {
			t.Errorf("preset %s: output shapes %q, want %q", c.preset, got, c.shapes)
		}
	}
}

// TestTrainMoreContinuesTheRun: Train more is disabled until a run ends;
// then it trains the epochs again from the weights the run ended with (the
// batch counter goes on past 938), while Train starts afresh from the seed
// (the counter starts again and ends at 938).
func TestTrainMoreContinuesTheRun(t *testing.T) {
	u, _ := openApp(t, 4*time.Minute)
	u.choose("#preset", "softmax")
	u.typeInto("#epochs", "1")
	if !u.disabled("#train-more") {
		t.Error("Train more is enabled before any run")
	}
	u.click("#train")
	u.WaitText("#test-accuracy", 2*time.Minute, func(s string) bool { return strings.HasSuffix(s, "%") })
	u.waitEnabled("#train-more", 30*time.Second)
	u.click("#train-more")
	u.WaitText("#batch-counter", 2*time.Minute, func(s string) bool { return strings.TrimSpace(s) == "1876" })
	u.waitEnabled("#train-more", 60*time.Second) // the second run ended
	u.click("#train")
	u.WaitText("#batch-counter", 2*time.Minute, func(s string) bool { return strings.TrimSpace(s) == "938" })
}
