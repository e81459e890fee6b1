//go:build browser

package browsertest

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// TestInsideCNNShowsFiltersAndFeatureMaps chooses the LeNet preset, Steps
// 3 batches and opens "Inside the model": the first Conv2D's 6 filters
// appear with the colours of the engine's weights' signs, and the feature
// maps of test image 0 appear, each pixel of the first layer's maps the
// colour of the engine's own value (the worker's trainer run natively
// here, on the same data, seed and steps).
func TestInsideCNNShowsFiltersAndFeatureMaps(t *testing.T) {
	const steps = 3
	ref := newEngineRef(t)
	ref.q.Push(protocol.LoadData{})
	ref.q.Push(protocol.Build{Spec: spec.LeNet()})
	for range steps {
		ref.q.Push(protocol.Step{})
	}
	u, _ := openApp(t, 5*time.Minute)
	u.choose("#preset", "lenet")
	u.WaitText("#total-params", 5*time.Second, func(s string) bool { return s == "61,706" })
	u.stepBatches(steps)
	u.goTo("inside")
	u.scrollTo("#inside-panel")
	u.waitAttr("#inside-panel", "data-batch", fmt.Sprint(steps), time.Minute)
	u.waitJS("6 filter images", 30*time.Second, `document.querySelectorAll("#weights-grid canvas").length === 6`)
	// LeNet's image-shaped outputs: conv2d, max_pooling2d, conv2d, max_pooling2d.
	u.waitJS("the feature maps of 4 layers", time.Minute, `document.querySelectorAll("#feature-maps .fmap-layer").length === 4`)

	want := ref.trace(0, nil)
	first := want.Layers[0]
	if first.Type != spec.TypeConv2D || fmt.Sprint(first.Output.Shape) != "[28 28 6]" {
		t.Fatalf("native trace: layer 0 is %s with output %v; want Conv2D (28, 28, 6)", first.Type, first.Output.Shape)
	}

	// The filters: (5, 5, 1, 6) kernel; filter f's pixel i is w[i·6 + f].
	kernel := floatsOf(t, first.Params[0].Before)
	for f := 0; f < 6; f++ {
		var px []int
		u.js("read filter pixels", fmt.Sprintf(`[...document.querySelector('#weights-grid canvas[data-unit="%d"]').getContext("2d").getImageData(0, 0, 5, 5).data]`, f), &px)
		if len(px) != 4*25 {
			t.Fatalf("filter %d's canvas has %d bytes of pixels, want 5×5×4", f, len(px))
		}
		big := 0.0
		for i := 0; i < 25; i++ {
			big = math.Max(big, math.Abs(float64(kernel[i*6+f])))
		}
		for i := 0; i < 25; i++ {
			w := float64(kernel[i*6+f])
			r, b := px[4*i], px[4*i+2]
			if w > big/5 && !(r == 255 && b <= 215) || w < -big/5 && !(b == 255 && r <= 215) {
				t.Errorf("filter %d pixel %d: colour (%d, %d) does not have the sign of the engine's weight %v", f, i, r, b, w)
			}
		}
	}

	// The first layer's maps: channel k's pixel (r, c) shows value
	// v[(r·28 + c)·6 + k] on the scale of the layer's largest |v|.
	if got := u.attr(`#feature-maps .fmap-layer`, "data-layer"); got != "0" {
		t.Errorf("the first feature-map section is layer %s, want 0", got)
	}
	v := floatsOf(t, first.Output.Data)
	scale := 0.0
	for _, x := range v {
		scale = math.Max(scale, math.Abs(float64(x)))
	}
	var maps [][]int
	u.js("read the first layer's maps", `[...document.querySelectorAll('#feature-maps .fmap-layer[data-layer="0"] canvas')].map(c => [...c.getContext("2d").getImageData(0, 0, 28, 28).data])`, &maps)
	if len(maps) != 6 {
		t.Fatalf("the first layer shows %d maps, want 6", len(maps))
	}
	bad, lit := 0, 0
	for k, px := range maps {
		if len(px) != 4*784 {
			t.Fatalf("map %d has %d bytes of pixels, want 28×28×4", k, len(px))
		}
		for i := 0; i < 784; i++ {
			x := float64(v[i*6+k])
			r, g, b := expectedRGB(x, scale)
			if x > 0 {
				lit++
			}
			if absInt(px[4*i]-r) > 1 || absInt(px[4*i+1]-g) > 1 || absInt(px[4*i+2]-b) > 1 {
				if bad < 5 {
					t.Errorf("map %d pixel %d: colour (%d, %d, %d); the engine's value %v on scale %v gives (%d, %d, %d)", k, i, px[4*i], px[4*i+1], px[4*i+2], x, scale, r, g, b)
				}
				bad++
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d feature-map pixels differ from the engine's values", bad, 6*784)
	}
	if lit < 100 {
		t.Errorf("only %d of the first layer's outputs are positive: a check of mostly white pixels proves little", lit)
	}
}

// expectedRGB is the panels' diverging colour scale: white at 0, red
// (255, 55, 40) at +scale, blue (40, 110, 255) at −scale.
func expectedRGB(v, scale float64) (r, g, b int) {
	t := math.Max(-1, math.Min(1, v/scale))
	if t >= 0 {
		return 255, int(byte(255 - 200*t)), int(byte(255 - 215*t))
	}
	t = -t
	return int(byte(255 - 215*t)), int(byte(255 - 145*t)), 255
}

func absInt(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
