//go:build browser

package browsertest

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// shape is a drawing: strokes given as fractions of the pad.
type shape [][4]float64

var (
	// dash is a short thick bar, nothing like a digit the model knows.
	dash = shape{{0.3, 0.5, 0.7, 0.5}, {0.3, 0.55, 0.7, 0.55}}
	// hook is a slanted line with a foot.
	hook = shape{{0.35, 0.2, 0.6, 0.8}, {0.6, 0.8, 0.8, 0.7}}
)

// drawShape clears the pad, draws s and returns the digit the model
// predicts for it once the prediction is steady.
func (u *user) drawShape(s shape) int {
	u.t.Helper()
	u.click("#pad-clear")
	u.waitJS("the pad cleared", 10*time.Second, `document.querySelectorAll("#probs .prob").length === 0`)
	for _, st := range s {
		u.drawStroke(st[0], st[1], st[2], st[3], 8)
	}
	u.waitJS("ten probability bars", 30*time.Second, `document.querySelectorAll("#probs .prob").length === 10`)
	last := ""
	for range 40 {
		var p []string
		u.js("read #probs", `[...document.querySelectorAll("#probs .prob")].map(e => e.dataset.p)`, &p)
		if now := strings.Join(p, ","); now == last {
			break
		} else {
			last = now
		}
		time.Sleep(250 * time.Millisecond)
	}
	g, err := strconv.Atoi(strings.TrimSpace(u.text("#pad-guess")))
	if err != nil {
		u.t.Fatalf("#pad-guess reads %q", u.text("#pad-guess"))
	}
	return g
}

// addExample draws s and adds it labelled digit.
func (u *user) addExample(s shape, digit int) {
	u.t.Helper()
	u.drawShape(s)
	u.choose("#hand-label", strconv.Itoa(digit))
	n := u.count("#hand-examples .hand-example")
	u.click("#hand-add")
	u.waitJS("the example added", 10*time.Second, fmt.Sprintf(`document.querySelectorAll("#hand-examples .hand-example").length === %d`, n+1))
}

// TestHandwritingExamplesPersistAndTeachTheModel draws two shapes and
// adds each twice with a label, deletes one, reloads (the three left are
// still there, thumbnails and counts), fine-tunes on them, and draws the
// shapes again: the model now predicts their labels.
func TestHandwritingExamplesPersistAndTeachTheModel(t *testing.T) {
	u, _ := openApp(t, 5*time.Minute)
	u.typeInto("#epochs", "1")
	u.waitEnabled("#train", 30*time.Second)
	u.click("#train")
	u.WaitText("#status", 120*time.Second, func(s string) bool { return strings.Contains(s, "Training finished") })
	dashWas, hookWas := u.drawShape(dash), u.drawShape(hook)
	dashLabel, hookLabel := (dashWas+1)%10, (hookWas+1)%10
	if dashLabel == hookLabel {
		hookLabel = (hookLabel + 1) % 10
	}
	t.Logf("before: the dash is read as %d, the hook as %d; teaching %d and %d", dashWas, hookWas, dashLabel, hookLabel)

	u.scrollTo("#hand-add")
	u.addExample(dash, dashLabel)
	u.addExample(dash, dashLabel)
	u.addExample(hook, hookLabel)
	u.addExample(hook, hookLabel)
	u.click("#hand-examples .hand-example:last-child .hand-delete")
	u.waitJS("one deleted", 10*time.Second, `document.querySelectorAll("#hand-examples .hand-example").length === 3`)
	want := fmt.Sprintf("3 drawings: %s.", countsText(map[int]int{dashLabel: 2, hookLabel: 1}))
	if got := u.text("#hand-counts"); got != want {
		t.Errorf("#hand-counts says %q; want %q", got, want)
	}

	time.Sleep(time.Second) // IndexedDB writes
	u.Run("reload", chromedp.Reload())
	u.WaitText("#status", 90*time.Second, func(s string) bool { return strings.Contains(s, "Ready to train") })
	u.waitJS("the drawings read back", 30*time.Second, `document.querySelectorAll("#hand-examples .hand-example").length === 3`)
	if got := u.text("#hand-counts"); got != want {
		t.Errorf("after a reload #hand-counts says %q; want %q", got, want)
	}
	var srcs []string
	u.js("read the thumbnails", `[...document.querySelectorAll("#hand-examples img")].map(i => i.src.slice(0, 22))`, &srcs)
	for _, s := range srcs {
		if s != "data:image/png;base64," {
			t.Errorf("a thumbnail's src starts %q; want a PNG data URL", s)
		}
	}

	u.waitEnabled("#hand-tune", 60*time.Second)
	u.click("#hand-tune")
	u.waitJS("fine-tuned", 60*time.Second, `document.querySelector("#hand-note").dataset.after !== ""`)
	t.Logf("%s", u.text("#hand-note"))
	if got := u.attr("#hand-note", "data-after"); got != "1" {
		t.Errorf("after fine-tuning %s of the drawings are right; want all", got)
	}
	if got := u.drawShape(dash); got != dashLabel {
		t.Errorf("after fine-tuning the dash is read as %d; want its label %d", got, dashLabel)
	}
	if got := u.drawShape(hook); got != hookLabel {
		t.Errorf("after fine-tuning the hook is read as %d; want its label %d", got, hookLabel)
	}
}

// countsText is the page's "2 × 4, 1 × 7" for these counts.
func countsText(n map[int]int) string {
	var parts []string
	for k := range 10 {
		if n[k] > 0 {
			parts = append(parts, fmt.Sprintf("%d × %d", n[k], k))
		}
	}
	return strings.Join(parts, ", ")
}
