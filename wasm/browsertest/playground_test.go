//go:build browser

package browsertest

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// The 2-D playground, used as a student would: open a link, press Play,
// watch the regions form; change settings and share the link.

// spiralLink is the 3-class spiral with every feature and two hidden ReLU
// layers of 8 units (tanh with Adam 0.03 stalls on it; ReLU with Adam 0.01
// passes 90% in a few thousand batches).
const spiralLink = "#/playground&dataset=spiral&classes=3&points=500&noise=0&ratio=50&test=1" +
	"&features=x,y,x2,y2,xy,sinx,siny&layers=8,8&activation=relu&optimizer=adam&lr=0.01&batch=10&seed=1&discretize=0"

// TestPlaygroundTrainsTheSpiral opens the spiral link, presses Play and
// waits for the test accuracy shown to pass 90% and the test loss to fall
// under 0.6 (about half an untrained model's ln 3 ≈ 1.1); the decision
// regions must have changed from the untrained model's and show the three
// classes' colours. It logs the frame rate.
func TestPlaygroundTrainsTheSpiral(t *testing.T) {
	u := openPlayground(t, spiralLink, 4*time.Minute)
	c := u.pgControls()
	if c.Dataset != "spiral" || c.Classes != "3" || len(c.Features) != 7 || !reflect.DeepEqual(c.Units, []string{"8", "8"}) ||
		!reflect.DeepEqual(c.Acts, []string{"relu", "relu"}) || c.LR != "0.01" || c.Optimizer != "adam" || !c.ShowTest {
		t.Fatalf("the link's settings are not on the controls: %+v", c)
	}
	if c.Hash != spiralLink {
		t.Errorf("the address bar holds %s; want the link %s", c.Hash, spiralLink)
	}
	summary := u.text("#pg-net-text")
	if !strings.Contains(summary, "7 inputs → 8 relu → 8 relu → 3 softmax · 163 parameters") {
		t.Errorf("#pg-net-text = %q", summary)
	}
	before := u.regionPixels()

	u.click("#pg-play")
	u.WaitText("#pg-play", 10*time.Second, func(s string) bool { return s == "Pause" })
	time.Sleep(time.Second)
	f0, t0 := u.framesDrawn()
	time.Sleep(3 * time.Second)
	f1, t1 := u.framesDrawn()
	fps := (f1 - f0) / (t1 - t0) * 1000
	t.Logf("frames drawn while training (2 hidden layers of 8 units, %d×%d grid): %.1f frames/s (%.0f in %.1f s); the page says %q",
		50, 50, fps, f1-f0, (t1-t0)/1000, u.text("#pg-fps"))
	if f1 <= f0 {
		t.Fatalf("no frame was drawn in 3 s of training")
	}

	start := time.Now()
	u.waitJS("test accuracy ≥ 90% and test loss < 0.6", 2*time.Minute, `(() => {
		const acc = parseFloat(document.querySelector("#pg-test-acc").textContent);
		const loss = parseFloat(document.querySelector("#pg-test-loss").textContent);
		return acc >= 90 && loss < 0.6 })()`)
	t.Logf("test accuracy %s, test loss %s, training loss %s at epoch %s (%.1f s after the fps window)",
		u.text("#pg-test-acc"), u.text("#pg-test-loss"), u.text("#pg-train-loss"), u.text("#pg-epoch"), time.Since(start).Seconds())

	u.click("#pg-play") // pause
	u.WaitText("#pg-play", 10*time.Second, func(s string) bool { return s == "Play" })
	u.WaitText("#pg-status", 10*time.Second, func(s string) bool { return s == "Paused." })
	after := u.regionPixels()
	if share := changedShare(before, after); share < 0.2 {
		t.Errorf("only %.0f%% of the decision-region pixels changed with training", share*100)
	}
	if n, desc := distinctHues(after, 0.05); n < 3 {
		t.Errorf("the decision regions show %d distinct class hues, want 3 (hue bins: %s)", n, desc)
	}
	// The network view has a heatmap per node: coloured pixels beyond the links.
	var coloured int
	u.js("count coloured network pixels", `(() => { const c = document.querySelector("#pg-network canvas");
		const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data; let n = 0;
		for (let i = 0; i < d.length; i += 4) { const hi = Math.max(d[i], d[i+1], d[i+2]), lo = Math.min(d[i], d[i+1], d[i+2]);
			if (d[i+3] > 0 && hi - lo > 40) n++ }
		return n })()`, &coloured)
	if coloured < 5000 {
		t.Errorf("the network canvas has %d coloured pixels; its 26 node heatmaps should give many more", coloured)
	}

	// Pointing at the plot gives the model's probabilities there; pointing
	// at a hidden node shows its own map in the plot until the pointer leaves.
	var at struct{ Plot, Node [2]float64 } // the first hidden layer's top node, below its controls
	u.js("locate the plot and a node", `(() => { const p = document.querySelector("#pg-heatmap").getBoundingClientRect();
		const n = document.querySelector("#pg-network canvas").getBoundingClientRect();
		const x = (48 + 1.5 * (600 - 48 - 64) / 4) / 600; // column 1 of 4 (ui.NetColumnX)
		return {Plot: [p.left + p.width * 0.3, p.top + p.height * 0.6], Node: [n.left + n.width * x, n.top + n.height * (19 + 17) / 380]} })()`, &at)
	plot, node := at.Plot, at.Node
	u.mouseTo(plot[0], plot[1])
	tip := u.WaitText("#pg-heatmap .pg-tip", 5*time.Second, func(s string) bool { return strings.HasPrefix(s, "x ") })
	if sum := tipPercentSum(tip); sum < 97 || sum > 103 {
		t.Errorf("the plot's tip %q: its probabilities add up to %v%%", tip, sum)
	}
	u.mouseTo(node[0], node[1])
	u.WaitText("#pg-heatmap .pg-tip", 5*time.Second, func(s string) bool { return strings.HasPrefix(s, "Showing hidden layer 1, unit 1 (relu): ") })
	if share := changedShare(after, u.regionPixels()); share < 0.1 {
		t.Errorf("pointing at a hidden node changed %.0f%% of the plot; want its own map shown", share*100)
	}
	u.mouseTo(2, 2)
	u.waitJS("the tip to go", 5*time.Second, `document.querySelector("#pg-heatmap .pg-tip").hidden`)
	if share := changedShare(after, u.regionPixels()); share > 0.001 {
		t.Errorf("after the pointer left the network, %.1f%% of the plot differs from the decision regions", share*100)
	}

	// Step trains one batch while paused.
	batch := func() string { s := u.text("#pg-epoch"); return s[strings.Index(s, "batch"):] }
	was := batch()
	u.click("#pg-step")
	u.WaitText("#pg-epoch", 10*time.Second, func(s string) bool { return !strings.HasSuffix(s, was) })
	// Reset starts over: batch 0, the test loss back near ln 3.
	u.click("#pg-reset")
	u.WaitText("#pg-epoch", 10*time.Second, func(s string) bool { return strings.HasSuffix(s, "(batch 0)") })
	if loss := u.pgNumber("#pg-test-loss"); loss < 0.7 {
		t.Errorf("after Reset the test loss is %v; an untrained 3-class model's is about ln 3 ≈ 1.1", loss)
	}
}

// TestPlaygroundLinkRoundTrips changes settings by clicking, reloads the
// page with the address bar's hash and finds the same controls.
func TestPlaygroundLinkRoundTrips(t *testing.T) {
	u := openPlayground(t, "#playground", 3*time.Minute)
	def := u.pgControls()
	if def.Dataset != "circle" || !reflect.DeepEqual(def.Features, []string{"x", "y"}) || !reflect.DeepEqual(def.Units, []string{"4", "2"}) {
		t.Fatalf("the defaults are not TensorFlow Playground's opening run: %+v", def)
	}
	u.click("#pg-ds-spiral")
	u.waitEnabled("#pg-classes", 10*time.Second)
	u.choose("#pg-classes", "4")
	// The network, with the layer builder: the palette offers only what
	// fits 2-D inputs; the output layer is fixed.
	var palette []string
	u.js("read the palette", `[...document.querySelectorAll("#pg-palette button.add")].map(b => b.dataset.type)`, &palette)
	if want := []string{"Dense", "ReLU", "LeakyReLU", "Sigmoid", "Tanh", "Dropout", "BatchNormalization"}; !reflect.DeepEqual(palette, want) {
		t.Errorf("the playground's palette %v; want %v", palette, want)
	}
	u.click(`#pg-palette button[data-type="Dense"]`)
	u.click(`#pg-palette button[data-type="Dense"]`)
	u.waitJS("a fourth layer", 10*time.Second, `document.querySelectorAll("#pg-layers .layer-row").length === 4`)
	u.click(`#pg-layers .layer-row[data-index="3"] .remove`)
	u.waitJS("three layers", 10*time.Second, `document.querySelectorAll("#pg-layers .layer-row").length === 3`)
	u.typeInto("#pg-units-1", "9")
	u.WaitText(`#pg-layers .layer-row[data-index="0"] .error`, 10*time.Second, func(s string) bool { return strings.Contains(s, "units must be 1 to 8 in the playground") })
	if !u.disabled("#pg-play") {
		t.Errorf("Play is enabled with a 9-unit layer")
	}
	u.typeInto("#pg-units-1", "5")
	u.typeInto("#pg-units-3", "2")
	u.choose("#pg-activation-3", "sigmoid")
	u.click(`#pg-layers .layer-row[data-index="0"] .layer-name`)
	u.click(`#pg-palette button[data-type="Dropout"]`)
	u.waitJS("a dropout after layer 1", 10*time.Second, `location.hash.includes("&layers=5:tanh,dropout:0.25,2:tanh,2:sigmoid&")`)
	if got := u.text(`#pg-builder .tail-row .layer-output`); got != "(None, 4)" {
		t.Errorf("the fixed output layer's shape is %q; want (None, 4) for 4 classes", got)
	}
	u.click("#pg-feat-y")
	u.WaitText("#pg-features-error", 10*time.Second, func(s string) bool { return strings.Contains(s, "at least 2") })
	if !u.disabled("#pg-play") {
		t.Errorf("Play is enabled with one feature")
	}
	u.click("#pg-feat-x2")
	u.click("#pg-feat-sinx")
	u.waitEnabled("#pg-play", 30*time.Second)
	u.click("#pg-discretize")
	u.click("#pg-show-test")
	u.choose("#pg-lr", "0.1")
	u.choose("#pg-optimizer", "rmsprop")
	u.choose("#pg-batch", "30")
	u.choose("#pg-points", "200")
	u.choose("#pg-noise", "15")
	u.choose("#pg-ratio", "70")
	u.click("#pg-new-seed")
	u.waitJS("seed 2", 10*time.Second, `document.querySelector("#pg-seed").value === "2" && location.hash.includes("&seed=2&")`)
	u.typeInto("#pg-seed", "42\n")
	u.waitJS("the seed in the hash", 10*time.Second, `location.hash.includes("&seed=42&")`)

	want := pgControls{
		Dataset: "spiral", Classes: "4", Points: "200", Noise: "15", Ratio: "70", LR: "0.1", Optimizer: "rmsprop", Batch: "30", Seed: "42",
		Features: []string{"x", "x2", "sinx"}, Units: []string{"5", "2", "2"}, Acts: []string{"tanh", "tanh", "sigmoid"},
		ShowTest: true, Discretize: true,
		Hash: "#/playground&dataset=spiral&classes=4&points=200&noise=15&ratio=70&test=1&features=x,x2,sinx&layers=5:tanh,dropout:0.25,2:tanh,2:sigmoid" +
			"&optimizer=rmsprop&lr=0.1&batch=30&seed=42&discretize=1",
	}
	if got := u.pgControls(); !reflect.DeepEqual(got, want) {
		t.Fatalf("after the clicks the controls are\n%+v\nwant\n%+v", got, want)
	}
	u.Run("reload with the hash", chromedp.Reload())
	u.waitPlaygroundReady()
	if got := u.pgControls(); !reflect.DeepEqual(got, want) {
		t.Errorf("after a reload the controls are\n%+v\nwant\n%+v", got, want)
	}
	if u.text("#pg-layer-count") != "3 hidden layers" || !strings.Contains(u.text("#pg-net-text"), "3 inputs → 5 tanh → 2 tanh → 2 sigmoid → 4 softmax") {
		t.Errorf("after a reload: %q, %q", u.text("#pg-layer-count"), u.text("#pg-net-text"))
	}
	// The builder's Keras-style summary: 3·5+5, 0, 5·2+2, 2·2+2, 2·4+4 = 20+12+6+12.
	var shapes []string
	u.js("read the summary", `[...document.querySelectorAll("#pg-summary tr.layer-row, #pg-summary tr.tail-row")].map(r => r.querySelector(".layer-output").textContent + " " + r.querySelector(".layer-params").textContent)`, &shapes)
	if want := []string{"(None, 5) 20", "(None, 5) 0", "(None, 2) 12", "(None, 2) 6", "(None, 4) 12"}; !reflect.DeepEqual(shapes, want) {
		t.Errorf("the builder's summary rows %q; want %q", shapes, want)
	}
	if got := []string{u.text("#pg-input-shape"), u.text("#pg-total-params")}; !reflect.DeepEqual(got, []string{"(None, 3)", "50"}) {
		t.Errorf("the builder's input shape and total params: %v; want (None, 3) and 50", got)
	}
}

// TestPlaygroundBadLinkSaysWhyAndWorks opens a damaged link: the page
// names each bad setting, shows the defaults for them, and trains.
func TestPlaygroundBadLinkSaysWhyAndWorks(t *testing.T) {
	u := openPlayground(t, "#playground&dataset=moons&noise=abc&layers=8,0&lr=fast&features=x&seed=5&bogus", 3*time.Minute)
	msg := u.text("#pg-message")
	for _, part := range []string{`dataset=moons: use one of circle, xor, gauss, spiral; using circle`, `noise=abc`, `layers=8,0`, `lr=fast`, `features=x: choose at least 2`, `"bogus" is not a setting`} {
		if !strings.Contains(msg, part) {
			t.Errorf("#pg-message = %q; want it to mention %q", msg, part)
		}
	}
	c := u.pgControls()
	if c.Dataset != "circle" || c.Noise != "0" || c.LR != "0.03" || c.Seed != "5" || len(c.Units) != 2 {
		t.Errorf("controls after a bad link: %+v; want the defaults for the bad settings and seed 5", c)
	}
	if !strings.HasPrefix(c.Hash, "#/playground&dataset=circle&") || !strings.Contains(c.Hash, "&seed=5&") {
		t.Errorf("the address bar holds %s; want the settings in use", c.Hash)
	}
	u.click("#pg-play")
	u.WaitText("#pg-epoch", 60*time.Second, func(s string) bool { return strings.Contains(s, "batch") && !strings.HasSuffix(s, "(batch 0)") })
	u.click("#pg-message .dismiss")
	u.waitJS("the message to go", 5*time.Second, `document.querySelector("#pg-message").hidden`)
}

// TestNavMovesBetweenBuildAndPlayground: the page opens on Build & train;
// the nav shows the playground and puts its settings in the address bar;
// Build & train takes its own address; a playground link pasted in the
// address bar opens the playground with its settings; back returns to
// the settings before the link; the playground left while training
// pauses, and shows its last frame again on return.
func TestNavMovesBetweenBuildAndPlayground(t *testing.T) {
	u, _ := openApp(t, 3*time.Minute)
	if u.pgShown() {
		t.Fatalf("the playground is shown on a plain page load")
	}
	u.goTo("playground")
	u.waitPlaygroundReady()
	var hash string
	u.js("read the hash", `location.hash`, &hash)
	if !strings.HasPrefix(hash, "#/playground&dataset=circle&") {
		t.Errorf("after the nav the address bar holds %q", hash)
	}
	u.click("#pg-play")
	u.waitJS("frames while training", 30*time.Second, `+document.querySelector("#pg-heatmap canvas.regions").dataset.frames > 5`)
	u.goTo("build")
	u.waitJS("Build & train", 10*time.Second, `!document.querySelector("#playground") && location.hash === "#/build"`)
	u.goTo("playground")
	u.waitJS("the playground again, paused, with its settings and its last frame drawn", 10*time.Second, `document.querySelector("#pg-play").textContent === "Play" &&
		location.hash === `+strconv.Quote(hash)+` && (() => {
		const d = document.querySelector("#pg-heatmap canvas.regions").getContext("2d").getImageData(0, 0, 50, 50).data;
		for (let i = 0; i < d.length; i += 4) if (d[i] !== 244 || d[i+1] !== 246 || d[i+2] !== 248) return true;
		return false })()`)
	u.js("paste a link", `location.hash = "#dataset=xor&noise=25&layers=3"`, nil)
	u.waitJS("the link's settings", 10*time.Second, `document.querySelector("#pg-ds-xor").getAttribute("aria-pressed") === "true" && document.querySelector("#pg-noise").value === "25" && document.querySelectorAll("#pg-layers .layer-row").length === 1 && location.hash.startsWith("#/playground&dataset=xor&")`)
	u.waitPlaygroundReady()
	u.js("back", `history.back()`, nil)
	u.waitJS("the settings before the link", 10*time.Second, `document.querySelector("#pg-ds-circle").getAttribute("aria-pressed") === "true" && location.hash === `+strconv.Quote(hash))
}

func (u *user) pgShown() bool {
	u.t.Helper()
	var shown bool
	u.js("is the playground shown", `!!document.querySelector("#playground")`, &shown)
	return shown
}

func (u *user) mouseTo(x, y float64) {
	u.t.Helper()
	u.Run("move the mouse", input.DispatchMouseEvent(input.MouseMoved, x, y))
}

// tipPercentSum adds the percentages in a tip like "x 1.00, y 2.00 ·
// class 0 12% · class 1 88%".
func tipPercentSum(tip string) float64 {
	sum := 0.0
	for _, part := range strings.Split(tip, " · ")[1:] {
		var k int
		var v float64
		if _, err := fmt.Sscanf(part, "class %d %f%%", &k, &v); err == nil {
			sum += v
		}
	}
	return sum
}
