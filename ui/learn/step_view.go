//go:build js && wasm

package learn

import (
	"fmt"
	"math"
	"strconv"
	"syscall/js"

	"honnef.co/go/js/dom/v2"

	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/ui/draw"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// stepView draws the step-through's current step into its host element:
// the formulas, then the tensors of that step as heatmaps, grids of maps
// or bars. It is rebuilt only when the trace or the step changes.
type stepView struct {
	p     *Place
	host  js.Value
	drawn string
}

// mount draws into host, once per host (Vugu calls mount on every
// render).
func (v *stepView) mount(p *Place, host js.Value) {
	if v.host.Equal(host) {
		return
	}
	v.p, v.host, v.drawn = p, host, ""
	v.draw()
}

func (v *stepView) draw() {
	if v.p == nil {
		return
	}
	b := v.p.Backprop
	key := fmt.Sprint(b.Version, b.At, b.Trace != nil)
	if key == v.drawn {
		return
	}
	v.drawn = key
	st, ok := b.Current()
	if !ok {
		text := "Pick a test image: its trace appears here once the model is built."
		if b.Loading() {
			text = "Asking the worker for the trace…"
		}
		draw.ReplaceKids(v.host, draw.El("p", "hint", text))
		return
	}
	draw.ReplaceKids(v.host, stepElements(b.Trace, st, b.Optimizer())...)
}

// stepElements is the elements of one step.
func stepElements(tr *protocol.Trace, st Step, opt spec.Optimizer) []dom.Element {
	last := len(tr.Layers) - 1
	fused := tr.Softmax != nil && tr.Softmax.Fused
	figs := draw.El("div", "bp-figs", "")
	var lines []string
	var extra []dom.Element
	switch st.Phase {
	case Forward:
		l := tr.Layers[st.Layer]
		fwd, _ := layerMaths(l, fused && st.Layer == last)
		lines = []string{fwd}
		x, xs := layerInput(tr, st.Layer)
		figs.AppendChild(draw.TensorView(x, xs, 0, "input x"))
		for _, p := range l.Params {
			if p.Name == "kernel" {
				figs.AppendChild(paramView(draw.Floats(p.Before), p.Shape, 0, "weights W (kernel)"))
			}
		}
		figs.AppendChild(draw.TensorView(draw.Floats(l.Output.Data), l.Output.Shape, 0, "output y"))
	case Loss:
		out := tr.Layers[last].Output
		p := draw.Floats(out.Data)
		lines = []string{"L = −log p_y: small when the model gives the true class y a high probability"}
		if tr.Label < len(p) {
			lines = append(lines, fmt.Sprintf("L = −log p_%d = −log %s = %s", tr.Label, draw.Num(float64(p[tr.Label])), draw.Num(tr.Loss)))
		}
		figs.AppendChild(draw.TensorView(p, out.Shape, 1, "probabilities p"))
		onehot := make([]float32, len(p))
		if tr.Label < len(onehot) {
			onehot[tr.Label] = 1
		}
		figs.AppendChild(draw.TensorView(onehot, out.Shape, 1, fmt.Sprintf("target onehot(y), y = %d", tr.Label)))
		lossEl := draw.El("p", "bp-loss", "loss L = "+draw.Num(tr.Loss))
		lossEl.SetID("bp-loss")
		lossEl.SetAttribute("data-loss", draw.Exact(tr.Loss))
		extra = append(extra, lossEl)
	case Backward:
		l := tr.Layers[st.Layer]
		isFused := fused && st.Layer == last
		_, back := layerMaths(l, isFused)
		lines = back
		what := "dL/dy (from the layer above)"
		if isFused {
			what = "δ = dL/dz = p − onehot(y)"
		} else if st.Layer == last {
			what = "dL/dy (from the loss)"
		}
		figs.AppendChild(draw.TensorView(draw.Floats(l.DOutput.Data), l.DOutput.Shape, 0, what))
		for _, p := range l.Params {
			figs.AppendChild(paramView(draw.Floats(p.Grad), p.Shape, 0, "dL/d"+p.Name))
		}
		if st.Layer == 0 {
			figs.AppendChild(draw.TensorView(draw.Floats(tr.InputGrad.Data), tr.InputGrad.Shape, 0, "dL/dx, the input's gradient: the pixels that move the loss most"))
		} else {
			d := tr.Layers[st.Layer-1].DOutput
			figs.AppendChild(draw.TensorView(draw.Floats(d.Data), d.Shape, 0, "dL/dx (handed to the layer below)"))
		}
	case Update:
		l := tr.Layers[st.Layer]
		lines = append(optimizerMaths(tr.Optimizer, opt), "w ← w + Δw,   η = "+draw.Num(tr.LearningRate))
		for _, p := range l.Params {
			if !p.Trainable {
				continue
			}
			before, after, upd := draw.Floats(p.Before), draw.Floats(p.After), draw.Floats(p.Update)
			scale := math.Max(draw.MaxAbs(before), draw.MaxAbs(after))
			figs.AppendChild(paramView(before, p.Shape, scale, p.Name+" before"))
			figs.AppendChild(paramView(upd, p.Shape, 0, "Δ"+p.Name))
			figs.AppendChild(paramView(after, p.Shape, scale, p.Name+" after"))
			extra = append(extra, updateTable(l.Name, p, before, draw.Floats(p.Grad), upd, after))
		}
	}
	formula := draw.El("div", "bp-formula formula", "")
	for _, s := range lines {
		formula.AppendChild(draw.El("p", "", s))
	}
	legend := draw.El("p", "hint", "Colours: blue < 0 < red, each picture scaled to its own largest |value| (before and after share one scale).")
	return append([]dom.Element{formula, figs, legend}, extra...)
}

// layerInput is layer i's input: the example, or the previous layer's output.
func layerInput(tr *protocol.Trace, i int) ([]float32, []int) {
	if i == 0 {
		return draw.Floats(tr.Input.Data), tr.Input.Shape
	}
	o := tr.Layers[i-1].Output
	return draw.Floats(o.Data), o.Shape
}

// paramView draws a weight tensor: a Dense kernel (in, out) as one pixel
// per weight, one row per unit; a Conv2D kernel (kh, kw, C, F) as a small
// kh×kw image per filter and channel; a vector as bars.
func paramView(v []float32, shape []int, scale float64, what string) dom.Element {
	if scale == 0 {
		scale = draw.MaxAbs(v)
	}
	caption := fmt.Sprintf("%s %s, |max| %s", what, draw.ShapeText(shape), draw.Num(scale))
	switch len(shape) {
	case 2:
		in, out := shape[0], shape[1]
		if in > out { // wide rather than tall: one row per unit
			return draw.Figure("tv", caption+", one row per unit", draw.Heat(v, out, in, 1, out, scale, what))
		}
		return draw.Figure("tv", caption, draw.Heat(v, in, out, out, 1, scale, what))
	case 4:
		kh, kw, c, f := shape[0], shape[1], shape[2], shape[3]
		grid := draw.El("div", "map-grid kernels", "")
		n := 0
		for fi := 0; fi < f && n < draw.MaxTiles; fi++ {
			for ci := 0; ci < c && n < draw.MaxTiles; ci++ {
				grid.AppendChild(draw.Heat(v[ci*f+fi:], kh, kw, kw*c*f, c*f, scale, fmt.Sprintf("%s filter %d channel %d", what, fi, ci)))
				n++
			}
		}
		return draw.Figure("tv maps", caption+fmt.Sprintf(": %d filters × %d channels", f, c), grid)
	}
	return draw.Figure("tv", caption, draw.Bars(v, scale, what))
}

// updateTable lists the five weights the step moves most: before, the
// gradient, the step and after.
func updateTable(layer string, p protocol.TraceParam, before, grad, upd, after []float32) dom.Element {
	t := draw.El("table", "bp-update-table", "")
	t.AppendChild(draw.El("caption", "", fmt.Sprintf("The %s weights of %s that move most", p.Name, layer)))
	head := draw.El("tr", "", "")
	for _, h := range []string{"weight", "w before", "g = dL/dw", "Δw", "w after"} {
		head.AppendChild(draw.El("th", "", h))
	}
	t.AppendChild(head)
	for _, i := range mostMoved(upd, 5) {
		r := draw.El("tr", "", "")
		r.SetAttribute("data-index", strconv.Itoa(i))
		r.AppendChild(draw.El("td", "", p.Name+coords(i, p.Shape)))
		for _, x := range []float32{before[i], grad[i], upd[i], after[i]} {
			r.AppendChild(draw.El("td", "num", draw.Num(float64(x))))
		}
		t.AppendChild(r)
	}
	return t
}
