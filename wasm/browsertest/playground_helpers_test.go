//go:build browser

package browsertest

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Helpers for the 2-D playground's tests.

// openPlayground opens the page at a playground hash and waits until the
// model is built and its first frame drawn.
func openPlayground(t *testing.T, hash string, timeout time.Duration) *user {
	t.Helper()
	u := &user{NewTab(t, server.URL, "/"+hash, timeout)}
	u.waitPlaygroundReady()
	return u
}

// waitPlaygroundReady waits for Play to be enabled and a frame drawn.
func (u *user) waitPlaygroundReady() {
	u.t.Helper()
	u.waitJS("the playground to be shown", 60*time.Second, `!!document.querySelector("#playground")`)
	u.waitEnabled("#pg-play", 60*time.Second)
	u.waitJS("a first frame", 30*time.Second, `+(document.querySelector("#pg-heatmap canvas.regions")?.dataset.frames || 0) > 0`)
}

// pgControls is what the playground's controls show, read from the DOM.
type pgControls struct {
	Dataset, Classes, Points, Noise, Ratio, LR, Optimizer, Batch, Seed string
	Features                                                           []string
	Units, Acts                                                        []string
	ShowTest, Discretize                                               bool
	Hash                                                               string
}

func (u *user) pgControls() pgControls {
	u.t.Helper()
	var c pgControls
	u.js("read the playground's controls", `(() => {
		const v = (s) => document.querySelector(s).value;
		return {
			Dataset: document.querySelector(".pg-ds[aria-pressed=true]")?.dataset.dataset || "",
			Classes: v("#pg-classes"), Points: v("#pg-points"), Noise: v("#pg-noise"), Ratio: v("#pg-ratio"),
			LR: v("#pg-lr"), Optimizer: v("#pg-optimizer"), Batch: v("#pg-batch"), Seed: v("#pg-seed"),
			Features: [...document.querySelectorAll(".pg-feature input:checked")].map(e => e.dataset.feature),
			Units: [...document.querySelectorAll("#pg-layers .layer-row [data-field=units]")].map(e => e.value),
			Acts: [...document.querySelectorAll("#pg-layers .layer-row [data-field=activation]")].map(e => e.value),
			ShowTest: document.querySelector("#pg-show-test").checked,
			Discretize: document.querySelector("#pg-discretize").checked,
			Hash: location.hash,
		} })()`, &c)
	return c
}

// pgPercent reads a percentage like "93.2%".
func (u *user) pgPercent(sel string) float64 {
	u.t.Helper()
	s := strings.TrimSpace(u.text(sel))
	v, err := strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64)
	if err != nil || !strings.HasSuffix(s, "%") {
		u.t.Fatalf("%s is %q; want a percentage", sel, s)
	}
	return v
}

func (u *user) pgNumber(sel string) float64 {
	u.t.Helper()
	s := strings.TrimSpace(u.text(sel))
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		u.t.Fatalf("%s is %q; want a number", sel, s)
	}
	return v
}

// regionPixels reads the decision-region canvas: RGBA bytes.
func (u *user) regionPixels() []int {
	u.t.Helper()
	var px []int
	u.js("read the decision regions", `(() => { const c = document.querySelector("#pg-heatmap canvas.regions");
		return Array.from(c.getContext("2d").getImageData(0, 0, c.width, c.height).data) })()`, &px)
	if len(px) == 0 || len(px)%4 != 0 {
		u.t.Fatalf("the decision-region canvas gave %d bytes", len(px))
	}
	return px
}

// framesDrawn reads the count of frames drawn and the page's clock (ms).
func (u *user) framesDrawn() (frames, at float64) {
	u.t.Helper()
	var r []float64
	u.js("count frames", `[+document.querySelector("#pg-heatmap canvas.regions").dataset.frames, performance.now()]`, &r)
	return r[0], r[1]
}

// hueShares buckets the coloured pixels (saturation above 0.2) into 12
// hue bins of 30° and returns each bin's share of all pixels.
func hueShares(px []int) [12]float64 {
	var bins [12]float64
	n := len(px) / 4
	for i := 0; i < n; i++ {
		r, g, b := float64(px[4*i])/255, float64(px[4*i+1])/255, float64(px[4*i+2])/255
		hi, lo := math.Max(r, math.Max(g, b)), math.Min(r, math.Min(g, b))
		if hi == 0 || (hi-lo)/hi < 0.2 {
			continue
		}
		var h float64
		switch d := hi - lo; hi {
		case r:
			h = math.Mod((g-b)/d, 6)
		case g:
			h = (b-r)/d + 2
		default:
			h = (r-g)/d + 4
		}
		h *= 60
		if h < 0 {
			h += 360
		}
		bins[int(h/30)%12]++
	}
	for i := range bins {
		bins[i] /= float64(n)
	}
	return bins
}

// distinctHues counts hue bins holding at least minShare of the pixels
// that lie at least 60° from every larger such bin: the distinct colours
// of a picture, blends between neighbours not counted twice.
func distinctHues(px []int, minShare float64) (int, string) {
	bins := hueShares(px)
	idx := make([]int, 12)
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return bins[idx[a]] > bins[idx[b]] })
	var kept []int
	var desc []string
	for _, i := range idx {
		if bins[i] < minShare {
			break
		}
		far := true
		for _, k := range kept {
			if d := (i - k + 12) % 12; d < 2 || d > 10 {
				far = false
			}
		}
		if far {
			kept = append(kept, i)
		}
		desc = append(desc, fmt.Sprintf("%d–%d°: %.0f%%", i*30, i*30+30, bins[i]*100))
	}
	return len(kept), strings.Join(desc, ", ")
}

// changedShare is the share of pixels whose colour moved by more than 30
// in some channel between two pictures of the same size.
func changedShare(a, b []int) float64 {
	if len(a) != len(b) {
		return 1
	}
	changed := 0
	for i := 0; i < len(a); i += 4 {
		for c := 0; c < 3; c++ {
			if d := a[i+c] - b[i+c]; d > 30 || d < -30 {
				changed++
				break
			}
		}
	}
	return float64(changed) / float64(len(a)/4)
}
