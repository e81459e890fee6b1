//go:build browser

package browsertest

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Helpers for the tests that use the page as a person does: they click
// real buttons, type with real key events and draw with real pointer input.

// user is a tab driven the way a person uses the page.
type user struct {
	*Tab
}

// openApp opens the page and waits until the model is built and Train is
// enabled; it returns the tab and how long that took from navigation.
func openApp(t *testing.T, timeout time.Duration) (*user, time.Duration) {
	t.Helper()
	start := time.Now()
	u := &user{NewTab(t, server.URL, "/", timeout)}
	u.WaitText("#status", 90*time.Second, func(s string) bool { return strings.Contains(s, "Ready to train") })
	u.waitEnabled("#train", 10*time.Second)
	return u, time.Since(start)
}

// openAppWatchingCSP is openApp on a page that records every
// Content-Security-Policy violation from its first script on (such
// violations reach the console through the Log domain, which the harness
// does not watch). cspViolations reads them.
func openAppWatchingCSP(t *testing.T, timeout time.Duration) *user {
	t.Helper()
	u, _ := openApp(t, timeout)
	u.Run("record CSP violations, then reload",
		chromedp.ActionFunc(func(ctx context.Context) error {
			_, err := page.AddScriptToEvaluateOnNewDocument(`window.__csp = [];
				document.addEventListener("securitypolicyviolation", (e) =>
					window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "") + " " + (e.sample || "")));`).Do(ctx)
			return err
		}),
		chromedp.Reload())
	u.WaitText("#status", 90*time.Second, func(s string) bool { return strings.Contains(s, "Ready to train") })
	u.waitEnabled("#train", 10*time.Second)
	return u
}

func (u *user) cspViolations() []string {
	u.t.Helper()
	var v []string
	u.js("read CSP violations", `window.__csp || ["the CSP recorder is missing"]`, &v)
	return v
}

// js evaluates a JavaScript expression in the page into out (may be nil).
func (u *user) js(what, expr string, out any) {
	u.t.Helper()
	u.Run(what, chromedp.Evaluate(expr, out))
}

// await evaluates a JavaScript expression whose value is a promise, and
// waits for what it resolves to (into out; may be nil).
func (u *user) await(what, expr string, out any) {
	u.t.Helper()
	u.Run(what, chromedp.Evaluate(expr, out, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
}

// click clicks the element with a real mouse event.
func (u *user) click(sel string) {
	u.t.Helper()
	u.Run("click "+sel, chromedp.Click(sel, chromedp.ByQuery, chromedp.NodeVisible))
}

// typeInto replaces an input's text by typing, as a person does.
func (u *user) typeInto(sel, text string) {
	u.t.Helper()
	u.Run("focus "+sel, chromedp.Focus(sel, chromedp.ByQuery))
	u.js("select the text of "+sel, fmt.Sprintf(`document.querySelector(%q).select()`, sel), nil)
	u.Run("type into "+sel, chromedp.SendKeys(sel, text, chromedp.ByQuery))
}

// choose picks an option of a select (and fires change, as a person's
// choice does).
func (u *user) choose(sel, value string) {
	u.t.Helper()
	// A user sees the select they choose in: panels that ask the worker
	// only while on screen must be on screen.
	u.Run("choose "+value+" in "+sel, chromedp.ScrollIntoView(sel, chromedp.ByQuery), chromedp.SetValue(sel, value, chromedp.ByQuery))
}

func (u *user) text(sel string) string {
	u.t.Helper()
	var s string
	u.js("read "+sel, fmt.Sprintf(`(() => { const e = document.querySelector(%q); return e ? e.textContent : "" })()`, sel), &s)
	return s
}

func (u *user) disabled(sel string) bool {
	u.t.Helper()
	var d bool
	u.js("read disabled of "+sel, fmt.Sprintf(`document.querySelector(%q).disabled`, sel), &d)
	return d
}

func (u *user) waitEnabled(sel string, timeout time.Duration) {
	u.t.Helper()
	u.waitJS(sel+" enabled", timeout, fmt.Sprintf(`(() => { const e = document.querySelector(%q); return !!e && !e.disabled })()`, sel))
}

// waitJS polls a boolean JavaScript expression until it is true.
func (u *user) waitJS(what string, timeout time.Duration, expr string) {
	u.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		var ok bool
		err := chromedp.Run(u.Ctx, chromedp.Evaluate(expr, &ok))
		if err == nil && ok {
			return
		}
		if u.Ctx.Err() != nil || time.Now().After(deadline) {
			u.t.Fatalf("waiting for %s: not true after %v (err %v; browser problems: %q)", what, timeout, err, u.Problems())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// goTo opens a place with the nav, as a person does (on a phone-sized
// window through the menu button first), and waits until it is on screen.
func (u *user) goTo(place string) {
	u.t.Helper()
	u.waitJS("the nav", 60*time.Second, `!!document.querySelector("#nav-toggle")`)
	var menu bool
	u.js("is the nav behind its menu button", `getComputedStyle(document.querySelector("#nav-toggle")).display !== "none" && document.querySelector("#nav-toggle").getAttribute("aria-expanded") !== "true"`, &menu)
	if menu {
		u.click("#nav-toggle")
	}
	u.click("#nav-" + place)
	u.waitJS("the "+place+" place on screen", 20*time.Second, fmt.Sprintf(`!!document.getElementById("place-%s") && document.querySelector("#nav-%s").getAttribute("aria-current") === "page"`, place, place))
}

// batchCounter reads #batch-counter (plain digits).
func (u *user) batchCounter() int {
	u.t.Helper()
	s := strings.TrimSpace(u.text("#batch-counter"))
	n, err := strconv.Atoi(s)
	if err != nil {
		u.t.Fatalf("#batch-counter is %q, want plain digits", s)
	}
	return n
}

// drawStroke drags the mouse over the pad's canvas from (fx0, fy0) to
// (fx1, fy1), given as fractions of its size, in steps: real input events,
// which the browser turns into pointer events.
// padReads waits for the pad's guess to be want: the first predictions of
// a stroke are of the part drawn so far, the last of the whole stroke.
func (u *user) padReads(what, want string) {
	u.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		var top string
		u.js("read #pad-guess", `(document.querySelector("#pad-guess") || {}).textContent || ""`, &top)
		if top == want {
			return
		}
		if time.Now().After(deadline) {
			u.t.Fatalf("%s is read as %q, want %s (probabilities %v)", what, top, want, u.probs())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (u *user) drawStroke(fx0, fy0, fx1, fy1 float64, steps int) {
	u.t.Helper()
	u.Run("scroll the pad into view", chromedp.ScrollIntoView("#pad canvas", chromedp.ByQuery))
	var r struct{ X, Y, W, H float64 }
	u.js("measure the pad", `(() => { const b = document.querySelector("#pad canvas").getBoundingClientRect();
		return {X: b.left, Y: b.top, W: b.width, H: b.height} })()`, &r)
	if r.W < 50 || r.H < 50 {
		u.t.Fatalf("the pad's canvas is %v×%v CSS pixels; too small to draw on", r.W, r.H)
	}
	at := func(i int) (float64, float64) {
		f := float64(i) / float64(steps)
		return r.X + r.W*(fx0+(fx1-fx0)*f), r.Y + r.H*(fy0+(fy1-fy0)*f)
	}
	x, y := at(0)
	actions := []chromedp.Action{
		input.DispatchMouseEvent(input.MouseMoved, x, y),
		input.DispatchMouseEvent(input.MousePressed, x, y).WithButton(input.Left).WithButtons(1).WithClickCount(1),
	}
	for i := 1; i <= steps; i++ {
		x, y = at(i)
		actions = append(actions, input.DispatchMouseEvent(input.MouseMoved, x, y).WithButton(input.Left).WithButtons(1))
	}
	actions = append(actions, input.DispatchMouseEvent(input.MouseReleased, x, y).WithButton(input.Left).WithClickCount(1))
	u.Run("draw a stroke on #pad", actions...)
}

// probs reads the probability bars: digit → data-p.
func (u *user) probs() map[int]float64 {
	u.t.Helper()
	var rows []struct{ D, P string }
	u.js("read #probs", `[...document.querySelectorAll("#probs .prob")].map(e => ({D: e.dataset.digit, P: e.dataset.p}))`, &rows)
	out := map[int]float64{}
	for _, r := range rows {
		d, err1 := strconv.Atoi(r.D)
		p, err2 := strconv.ParseFloat(r.P, 64)
		if err1 != nil || err2 != nil {
			u.t.Fatalf("a .prob row has data-digit=%q data-p=%q; want a digit and a number", r.D, r.P)
		}
		out[d] = p
	}
	return out
}

// watchLongTasks starts recording the page's main-thread long tasks (over
// 50 ms); longestTask reads the longest so far in ms.
func (u *user) watchLongTasks() {
	u.t.Helper()
	u.js("observe long tasks", `(() => {
		window.__longest = 0; window.__longCount = 0;
		new PerformanceObserver((list) => {
			for (const e of list.getEntries()) { window.__longCount++; window.__longest = Math.max(window.__longest, e.duration); }
		}).observe({type: "longtask"});
		return true })()`, nil)
}

func (u *user) longestTask() (ms float64, count int) {
	u.t.Helper()
	var r struct{ Longest, Count float64 }
	u.js("read long tasks", `({Longest: window.__longest || 0, Count: window.__longCount || 0})`, &r)
	return r.Longest, int(r.Count)
}
