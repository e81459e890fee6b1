//go:build js && wasm

package explain

import (
	"fmt"
	"strconv"
	sjs "syscall/js"

	"github.com/vugu/vugu"
	"github.com/vugu/vugu/js"
	"honnef.co/go/js/dom/v2"

	"github.com/nnplay/nnplay/ui/draw"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// WhyPanel shows why the model says what it says about one input: the
// input, its three attribution maps, the nearest training examples and
// the flip search.
type WhyPanel struct {
	P *Place

	index   indexInput
	h       hosts
	pad     livePad
	padOpen bool
}

func (c *WhyPanel) mountPad(v js.Value) {
	c.pad.p = c.P
	c.pad.mount(sjs.Value(v))
}

// togglePad opens or closes the drawing pad (Vugu re-sets open on each
// render, so the panel keeps the state).
func (c *WhyPanel) togglePad(ev vugu.DOMEvent) {
	ev.PreventDefault()
	c.padOpen = !c.padOpen
}

func (c *WhyPanel) mount(name string, v js.Value) { c.h.mount(name, v) }

func (c *WhyPanel) subjectLine() string {
	s := "Explaining " + c.P.SubjectText()
	if e := c.first(); e != nil {
		s += ": " + probsLine(e.Probs)
		if e.Label != nil {
			s += fmt.Sprintf(", true class %d", *e.Label)
		}
		s += fmt.Sprintf(". The maps explain class %d.", e.Class)
	}
	return s
}

// first is any map's answer (they share the input and probabilities).
func (c *WhyPanel) first() *protocol.Explanation {
	for _, m := range Methods {
		if e := c.P.Maps[m]; e != nil {
			return e
		}
	}
	return nil
}

func (c *WhyPanel) mapText(m string) string {
	if c.P.Waiting(m) {
		return "Computing…"
	}
	if e := c.P.Maps[m]; e != nil {
		return MapText(e)
	}
	return ""
}

func (c *WhyPanel) output(m string) string {
	if e := c.P.Maps[m]; e != nil && !c.P.Waiting(m) {
		return strconv.FormatFloat(e.Output, 'g', -1, 64)
	}
	return ""
}

func (c *WhyPanel) baseline(m string) string {
	if e := c.P.Maps[m]; e != nil && !c.P.Waiting(m) {
		return strconv.FormatFloat(e.Baseline, 'g', -1, 64)
	}
	return ""
}

func (c *WhyPanel) stroke(m string) string {
	if e := c.P.Maps[m]; e != nil && !c.P.Waiting(m) {
		if v, n := StrokeMean(e); n > 0 {
			return strconv.FormatFloat(v, 'g', -1, 64)
		}
	}
	return ""
}

func (c *WhyPanel) class(m string) string {
	if e := c.P.Maps[m]; e != nil && !c.P.Waiting(m) {
		return strconv.Itoa(e.Class)
	}
	return ""
}

func (c *WhyPanel) setSteps(ev vugu.DOMEvent) {
	if n, err := strconv.Atoi(ev.PropString("target", "value")); err == nil {
		c.P.SetSteps(n)
	}
}

func (c *WhyPanel) setPatch(ev vugu.DOMEvent) {
	if n, err := strconv.Atoi(ev.PropString("target", "value")); err == nil {
		c.P.SetPatch(n)
	}
}

func (c *WhyPanel) setClass(ev vugu.DOMEvent) {
	if n, err := strconv.Atoi(ev.PropString("target", "value")); err == nil {
		c.P.SetClass(n)
	}
}

func (c *WhyPanel) setTarget(ev vugu.DOMEvent) {
	if n, err := strconv.Atoi(ev.PropString("target", "value")); err == nil && n >= 0 && n <= 9 {
		c.P.Target = n
	}
}

func (c *WhyPanel) flipLabel() string {
	if c.P.FlipWaiting() {
		return "Searching…"
	}
	return fmt.Sprintf("What would make it a %d?", c.P.Target)
}

func (c *WhyPanel) flipText() string {
	if c.P.FlipWaiting() {
		return "Taking gradient steps on the input towards " + strconv.Itoa(c.P.Target) + "…"
	}
	return FlipText(c.P.Flip)
}

func (c *WhyPanel) flipped() string {
	if c.P.Flip == nil {
		return ""
	}
	return strconv.FormatBool(c.P.Flip.Flipped)
}

func (c *WhyPanel) changed() string {
	if c.P.Flip == nil {
		return ""
	}
	return strconv.Itoa(c.P.Flip.Changed)
}

func (c *WhyPanel) nearLine() string {
	n := c.P.Near
	if n == nil {
		return "The training examples whose last hidden layer is closest to this input's."
	}
	return fmt.Sprintf("Closest in %s (%d values), by Euclidean distance:", n.Name, n.Dim)
}

// drawAll draws every canvas whose data changed (vg-js-populate).
func (c *WhyPanel) drawAll() {
	v := c.P.Version
	e := c.first()
	c.h.put("input", v, func() []dom.Element {
		if e == nil {
			return []dom.Element{draw.El("p", "hint", "…")}
		}
		return []dom.Element{inputView(e.Input, e.Image, "the input", "map-canvas")}
	})
	for _, m := range Methods {
		m := m
		c.h.put(m, v, func() []dom.Element {
			e := c.P.Maps[m]
			if e == nil || c.P.Waiting(m) {
				return []dom.Element{draw.El("p", "hint", "…")}
			}
			return []dom.Element{mapView(e.Input, e.Values, e.Image, MethodTitle(m))}
		})
	}
	c.h.put("near", v, func() []dom.Element {
		n := c.P.Near
		if n == nil {
			return []dom.Element{draw.El("p", "hint", "…")}
		}
		var shape []int
		if e != nil {
			shape = e.Image
		}
		var out []dom.Element
		for _, it := range n.Items {
			f := draw.Figure("neighbour", fmt.Sprintf("a %d · %.2f away · #%d", it.Label, it.Distance, it.Index), inputView(it.Input, shape, fmt.Sprintf("training example %d, a %d", it.Index, it.Label), "small-canvas"))
			f.SetAttribute("data-label", strconv.Itoa(it.Label))
			f.SetAttribute("data-index", strconv.Itoa(it.Index))
			out = append(out, f)
		}
		return out
	})
	c.h.put("flip", v, func() []dom.Element {
		f := c.P.Flip
		if f == nil {
			return []dom.Element{draw.El("p", "hint", "Gradient steps on the input towards the class show the smallest change the model needs.")}
		}
		var shape []int
		if e != nil {
			shape = e.Image
		}
		return []dom.Element{
			draw.Figure("why-map", "before", inputView(f.Original, shape, "the input before", "map-canvas")),
			draw.Figure("why-map", fmt.Sprintf("after: %s", probsLine(f.Probs)), inputView(f.Input, shape, "the changed input", "map-canvas")),
			draw.Figure("why-map", "the change (red: more ink)", mapView(f.Original, Diff(f.Original, f.Input), shape, "the change")),
		}
	})
}

// padAttr is data-pad: "true" while the drawing is explained (Vugu writes
// a bool attribute as its name).
func (c *WhyPanel) padAttr() string { return strconv.FormatBool(c.P.Pad) }
