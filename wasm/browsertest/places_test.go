//go:build browser

package browsertest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/nnplay/nnplay/ui/route"
)

// TestPlacesByNavAddressAndHistory: every place opens from the nav and by
// its address, is the current one (aria-current) while shown, and back
// and forward move between the places visited; an unknown address opens
// the landing place and says so.
func TestPlacesByNavAddressAndHistory(t *testing.T) {
	u, _ := openApp(t, 3*time.Minute)
	for _, e := range route.Places {
		u.goTo(string(e.Place))
		var got struct {
			Hash, Current, Label string
			Others               int
		}
		u.js("read the nav", fmt.Sprintf(`({Hash: location.hash, Current: document.querySelector("[aria-current=page]").id,
			Label: document.querySelector("main").getAttribute("aria-label"),
			Others: document.querySelectorAll("#nav-list [aria-current]").length - 1})`), &got)
		if !strings.HasPrefix(got.Hash, e.Place.Hash()) || got.Current != "nav-"+string(e.Place) || got.Label != e.Label || got.Others != 0 {
			t.Errorf("%s from the nav: address %q, current %q, main labelled %q, %d other current links", e.Place, got.Hash, got.Current, got.Label, got.Others)
		}
	}
	// Back and forward walk the visits in order.
	last := route.Places[len(route.Places)-1].Place
	before := route.Places[len(route.Places)-2].Place
	u.js("back", `history.back()`, nil)
	u.waitJS("back to "+string(before), 10*time.Second, fmt.Sprintf(`!!document.getElementById("place-%s")`, before))
	u.js("forward", `history.forward()`, nil)
	u.waitJS("forward to "+string(last), 10*time.Second, fmt.Sprintf(`!!document.getElementById("place-%s")`, last))
	// Addresses typed or pasted.
	for _, e := range route.Places {
		if e.Place == route.Playground {
			continue // its address carries settings (TestNavMovesBetweenBuildAndPlayground)
		}
		u.js("go to "+e.Place.Hash(), fmt.Sprintf(`location.hash = %q`, e.Place.Hash()), nil)
		u.waitJS(string(e.Place)+" by its address", 10*time.Second, fmt.Sprintf(`!!document.getElementById("place-%s") && document.querySelector("#nav-%s").getAttribute("aria-current") === "page"`, e.Place, e.Place))
	}
	u.js("an unknown place", `location.hash = "#/nowhere"`, nil)
	u.waitJS("the landing place with a note", 10*time.Second, `!!document.getElementById("place-build") && (document.querySelector("#route-note") || {}).textContent.includes("nowhere")`)
	// The places still work after all that: Train trains.
	u.click("#train")
	u.waitJS("the first batch", 60*time.Second, `+document.querySelector("#batch-counter").textContent > 0`)
}

// TestNavByKeyboard: Tab reaches the nav's links and Enter opens one.
func TestNavByKeyboard(t *testing.T) {
	u, _ := openApp(t, 3*time.Minute)
	var focused string
	for i := 0; i < 20 && focused != "nav-learn"; i++ {
		u.Run("press Tab", chromedp.KeyEvent("\t"))
		u.js("what has the focus", `document.activeElement ? document.activeElement.id : ""`, &focused)
	}
	if focused != "nav-learn" {
		t.Fatalf("Tab never reached the Learn link (focus on %q)", focused)
	}
	u.Run("press Enter", chromedp.KeyEvent("\r"))
	u.waitJS("the Learn place", 10*time.Second, `!!document.getElementById("place-learn") && document.querySelector("#nav-learn").getAttribute("aria-current") === "page"`)
}

// TestPhoneWidthNoSidewaysScroll: at 390×844 the nav is a menu behind a
// button, and no place is wider than the screen.
func TestPhoneWidthNoSidewaysScroll(t *testing.T) {
	u, _ := openApp(t, 3*time.Minute)
	u.Run("a phone's screen", emulation.SetDeviceMetricsOverride(390, 844, 3, true),
		emulation.SetTouchEmulationEnabled(true))
	defer u.Run("back to a desktop screen", emulation.ClearDeviceMetricsOverride())
	var links int
	u.js("visible nav links", `[...document.querySelectorAll("#nav-list a")].filter(a => a.offsetParent !== null).length`, &links)
	if links != 0 {
		t.Errorf("%d nav links visible with the menu closed on a phone", links)
	}
	for _, e := range route.Places {
		u.goTo(string(e.Place)) // opens the menu first, as a person does
		if e.Place == route.Playground {
			u.waitPlaygroundReady()
		}
		time.Sleep(300 * time.Millisecond) // layout settles (canvases made on mount)
		var w struct{ Scroll, Inner float64 }
		u.js("widths", `({Scroll: document.documentElement.scrollWidth, Inner: window.innerWidth})`, &w)
		if w.Scroll > w.Inner {
			var wide []string
			u.js("what is too wide", `[...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5).slice(0, 8).map(e => e.tagName + (e.id ? "#" + e.id : "") + "." + e.className)`, &wide)
			t.Errorf("%s scrolls sideways at 390 px: scrollWidth %v > innerWidth %v (too wide: %v)", e.Place, w.Scroll, w.Inner, wide)
		}
	}
}
