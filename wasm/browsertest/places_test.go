//go:build browser

package browsertest

import (
	"fmt"
	"os"
	"path/filepath"
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

// TestAnnexLoadsWhenFirstShown: page.wasm leaves the annexed places out
// (Data, Learn, Inside the model, the 2-D playground, Why?, Challenges). The
// annex (annex.wasm) is fetched the first time one of them is shown, once,
// and draws it in #annex; when it cannot be loaded (missing, damaged) the
// place says why, the rest of the page keeps working, and a later visit
// loads it.
func TestAnnexLoadsWhenFirstShown(t *testing.T) {
	dir := copyStatic(t)
	removeBuilt(t, dir, "annex.wasm")
	srv, err := serve(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	u := &user{NewTab(t, srv.URL, "/", 3*time.Minute)}
	u.Allow("nnplay annex:") // annex.js logs the failure to the console too
	u.Allow("annex.wasm")
	u.WaitText("#status", 90*time.Second, func(s string) bool { return strings.Contains(s, "Ready to train") })
	fetches := func() (n int) {
		u.js("count annex.wasm fetches", `performance.getEntriesByType("resource").filter((e) => e.name.endsWith("/annex.wasm")).length`, &n)
		return n
	}
	if n := fetches(); n != 0 {
		t.Errorf("annex.wasm fetched %d times before any of its places was shown", n)
	}

	u.click("#nav-learn")
	msg := u.WaitText("#annex-note.failed", 30*time.Second, func(s string) bool { return s != "" })
	for _, want := range []string{"Learn could not be loaded", "404", "open Learn again or reload"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the note reads %q; want it to say %q", msg, want)
		}
	}
	u.goTo("build")
	u.click("#train")
	u.waitJS("the first batch, without the annex", 60*time.Second, `+document.querySelector("#batch-counter").textContent > 0`)
	u.click("#pause")

	// A damaged annex.wasm: the same, with the browser's reason.
	if err := os.WriteFile(filepath.Join(dir, "annex.wasm"), []byte("not a wasm module"), 0o644); err != nil {
		t.Fatal(err)
	}
	u.click("#nav-learn")
	msg = u.WaitText("#annex-note.failed", 30*time.Second, func(s string) bool { return s != "" && !strings.Contains(s, "404") })
	if !strings.Contains(msg, "Learn could not be loaded (") || !strings.Contains(msg, "WebAssembly") {
		t.Errorf("with a damaged annex.wasm the note reads %q; want it to say Learn could not be loaded, and WebAssembly's reason", msg)
	}
	u.goTo("build")
	time.Sleep(1100 * time.Millisecond) // the real file's Last-Modified is a later second

	for _, f := range []string{"annex.wasm", "annex.wasm.br", "annex.wasm.gz"} {
		b, err := os.ReadFile(filepath.Join(staticDir, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	u.goTo("learn")
	var in struct {
		InAnnex, Note, Hidden bool
	}
	u.js("where Learn is drawn", `({InAnnex: !!document.querySelector("#annex > #annex-root > #place-learn"),
		Note: !!(document.querySelector("#annex-note") || {}).textContent, Hidden: document.querySelector("#annex").hidden})`, &in)
	if !in.InAnnex || in.Note || in.Hidden {
		t.Errorf("Learn once loaded: in #annex %v, a note %v, #annex hidden %v; want true false false", in.InAnnex, in.Note, in.Hidden)
	}
	u.goTo("build")
	u.waitJS("the annex's place gone", 10*time.Second, `!document.querySelector("#place-learn") && document.querySelector("#annex").hidden`)
	u.goTo("explain")
	u.goTo("learn")
	if n := fetches(); n != 3 {
		t.Errorf("annex.wasm fetched %d times (the two failed tries, then once); want 3", n)
	}
	// The annex's place works: the softmax explorer follows its sliders.
	u.waitJS("the softmax explorer", 20*time.Second, `!!document.querySelector("#place-learn input[type=range]")`)
}

// TestAnnexStartsWithThePageOnItsPlaces: a page opened on an annexed
// place (here Inside the model) fetches annex.wasm from the start, beside
// page.wasm, not once the page's Go runs; a page opened on Build & train
// does not fetch it at all (TestAnnexLoadsWhenFirstShown).
func TestAnnexStartsWithThePageOnItsPlaces(t *testing.T) {
	u := &user{NewTab(t, server.URL, "/#/inside", 2*time.Minute)}
	u.waitJS("Inside the model", 60*time.Second, `!!document.querySelector("#annex #place-inside")`)
	var at struct{ Annex, Page, PageMain float64 }
	u.js("when the fetches started", `(() => {
		const start = (f) => (performance.getEntriesByType("resource").find((e) => e.name.endsWith(f)) || {startTime: -1}).startTime;
		return {Annex: start("/annex.wasm"), Page: start("/page.wasm"), PageMain: performance.getEntriesByName("page main")[0].startTime};
	})()`, &at)
	if at.Annex < 0 || at.Annex > at.Page || at.Annex > at.PageMain {
		t.Errorf("annex.wasm fetched from %.0f ms, page.wasm from %.0f ms, the page's Go started at %.0f ms; want the annex first", at.Annex, at.Page, at.PageMain)
	}
}
