//go:build js && wasm

package explain

import (
	"fmt"
	sjs "syscall/js"

	"github.com/vugu/vugu/js"
	"honnef.co/go/js/dom/v2"

	"github.com/nnplay/nnplay/ui/draw"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// hosts are a panel's drawing elements by name: Vugu makes them again
// each time the place is shown, so each mount takes the new element and
// the next populate draws into it.
type hosts struct {
	el    map[string]sjs.Value
	drawn map[string]int
}

// mount takes the element v for name (vg-js-create).
func (h *hosts) mount(name string, v js.Value) {
	if h.el == nil {
		h.el, h.drawn = map[string]sjs.Value{}, map[string]int{}
	}
	if el := sjs.Value(v); !h.el[name].Equal(el) {
		h.el[name], h.drawn[name] = el, -1
	}
}

// put draws name's elements when version moved since it was last drawn.
func (h *hosts) put(name string, version int, make func() []dom.Element) {
	el, ok := h.el[name]
	if !ok || h.drawn[name] == version {
		return
	}
	h.drawn[name] = version
	draw.ReplaceKids(el, make()...)
}

// image draws rgba (w×h) on a canvas.
func image(rgba []byte, w, h int, label, class string) *dom.HTMLCanvasElement {
	cv := draw.LabelledCanvas(w, h, label)
	if class != "" {
		cv.SetAttribute("class", class)
	}
	draw.PutPixels(draw.Context2D(cv), rgba, w, h)
	return cv
}

// inputView draws an input: an image as ink on white, a row of features
// as bars.
func inputView(input []float32, shape []int, label, class string) dom.Element {
	h, w, ch := ImageSize(shape, len(input))
	if h == 1 {
		return draw.Bars(input, Scale(input), label)
	}
	return image(Grey(input, w, h, ch), w, h, label, class)
}

// mapView draws an attribution map over its input, or as signed bars
// for a row of features.
func mapView(input, values []float32, shape []int, label string) dom.Element {
	h, w, ch := ImageSize(shape, len(input))
	if h == 1 {
		return draw.Bars(values, Scale(values), label)
	}
	return image(Overlay(input, values, w, h, ch, Scale(values)), w, h, label, "map-canvas")
}

// probsLine is "p(3) = 0.91" for the top class of probs.
func probsLine(probs []float32) string {
	top := 0
	for k, v := range probs {
		if v > probs[top] {
			top = k
		}
	}
	if len(probs) == 0 {
		return ""
	}
	return fmt.Sprintf("predicted %d, p = %.3f", top, probs[top])
}

var _ = protocol.ImageSize
