package ui

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"syscall/js"

	"honnef.co/go/js/dom/v2"

	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// bpView draws the step-through's current step into its host element:
// the formulas, then the tensors of that step as heatmaps, grids of maps
// or bars. It is rebuilt only when the trace or the step changes.
type bpView struct {
	a     *App
	host  js.Value
	drawn string
}

func (v *bpView) mount(a *App, host js.Value) {
	if v.host.Equal(host) {
		return
	}
	v.a, v.host, v.drawn = a, host, ""
	v.draw()
}

func (v *bpView) draw() {
	if v.a == nil {
		return
	}
	b := v.a.teach().Backprop
	key := fmt.Sprint(b.Version, b.Step, b.Trace != nil)
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
		replaceKids(v.host, mkEl("p", "hint", text))
		return
	}
	replaceKids(v.host, bpStepView(b.Trace, st, v.optimizer(b.Trace))...)
}

// optimizer is the built model's optimizer settings (for SGD's momentum).
func (v *bpView) optimizer(tr *protocol.Trace) spec.Optimizer {
	if m, err := v.a.Model.Spec(); err == nil && m.Optimizer.Name == tr.Optimizer {
		return m.Optimizer
	}
	return spec.Optimizer{Name: tr.Optimizer}
}

// bpStepView is the elements of one step.
func bpStepView(tr *protocol.Trace, st bpStep, opt spec.Optimizer) []dom.Element {
	last := len(tr.Layers) - 1
	fused := tr.Softmax != nil && tr.Softmax.Fused
	figs := mkEl("div", "bp-figs", "")
	var lines []string
	var extra []dom.Element
	switch st.Phase {
	case "forward":
		l := tr.Layers[st.Layer]
		fwd, _ := layerMaths(l, fused && st.Layer == last)
		lines = []string{fwd}
		x, xs := layerInput(tr, st.Layer)
		figs.AppendChild(tensorView(x, xs, 0, "input x"))
		for _, p := range l.Params {
			if p.Name == "kernel" {
				figs.AppendChild(paramView(traceFloats(p.Before), p.Shape, 0, "weights W (kernel)"))
			}
		}
		figs.AppendChild(tensorView(traceFloats(l.Output.Data), l.Output.Shape, 0, "output y"))
	case "loss":
		out := tr.Layers[last].Output
		p := traceFloats(out.Data)
		lines = []string{"L = −log p_y: small when the model gives the true class y a high probability"}
		if tr.Label < len(p) {
			lines = append(lines, fmt.Sprintf("L = −log p_%d = −log %s = %s", tr.Label, fmtNum(float64(p[tr.Label])), fmtNum(tr.Loss)))
		}
		figs.AppendChild(tensorView(p, out.Shape, 1, "probabilities p"))
		onehot := make([]float32, len(p))
		if tr.Label < len(onehot) {
			onehot[tr.Label] = 1
		}
		figs.AppendChild(tensorView(onehot, out.Shape, 1, fmt.Sprintf("target onehot(y), y = %d", tr.Label)))
		lossEl := mkEl("p", "bp-loss", "loss L = "+fmtNum(tr.Loss))
		lossEl.SetID("bp-loss")
		lossEl.SetAttribute("data-loss", fmtExact(tr.Loss))
		extra = append(extra, lossEl)
	case "backward":
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
		figs.AppendChild(tensorView(traceFloats(l.DOutput.Data), l.DOutput.Shape, 0, what))
		for _, p := range l.Params {
			figs.AppendChild(paramView(traceFloats(p.Grad), p.Shape, 0, "dL/d"+p.Name))
		}
		if st.Layer == 0 {
			figs.AppendChild(tensorView(traceFloats(tr.InputGrad.Data), tr.InputGrad.Shape, 0, "dL/dx, the input's gradient: the pixels that move the loss most"))
		} else {
			d := tr.Layers[st.Layer-1].DOutput
			figs.AppendChild(tensorView(traceFloats(d.Data), d.Shape, 0, "dL/dx (handed to the layer below)"))
		}
	case "update":
		l := tr.Layers[st.Layer]
		lines = append(optimizerMaths(tr.Optimizer, opt), "w ← w + Δw,   η = "+fmtNum(tr.LearningRate))
		for _, p := range l.Params {
			if !p.Trainable {
				continue
			}
			before, after, upd := traceFloats(p.Before), traceFloats(p.After), traceFloats(p.Update)
			scale := math.Max(maxAbs32(before), maxAbs32(after))
			figs.AppendChild(paramView(before, p.Shape, scale, p.Name+" before"))
			figs.AppendChild(paramView(upd, p.Shape, 0, "Δ"+p.Name))
			figs.AppendChild(paramView(after, p.Shape, scale, p.Name+" after"))
			extra = append(extra, updateTable(l.Name, p, before, traceFloats(p.Grad), upd, after))
		}
	}
	formula := mkEl("div", "bp-formula formula", "")
	for _, s := range lines {
		formula.AppendChild(mkEl("p", "", s))
	}
	legend := mkEl("p", "hint", "Colours: blue < 0 < red, each picture scaled to its own largest |value| (before and after share one scale).")
	return append([]dom.Element{formula, figs, legend}, extra...)
}

// layerInput is layer i's input: the example, or the previous layer's output.
func layerInput(tr *protocol.Trace, i int) ([]float32, []int) {
	if i == 0 {
		return traceFloats(tr.Input.Data), tr.Input.Shape
	}
	o := tr.Layers[i-1].Output
	return traceFloats(o.Data), o.Shape
}

// paramView draws a weight tensor: a Dense kernel (in, out) as one pixel
// per weight, one row per unit; a Conv2D kernel (kh, kw, C, F) as a small
// kh×kw image per filter and channel; a vector as bars.
func paramView(v []float32, shape []int, scale float64, what string) dom.Element {
	if scale == 0 {
		scale = maxAbs32(v)
	}
	caption := fmt.Sprintf("%s %s, |max| %s", what, shapeStr(shape), fmtNum(scale))
	switch len(shape) {
	case 2:
		in, out := shape[0], shape[1]
		if in > out { // wide rather than tall: one row per unit
			return mkFigure("tv", caption+", one row per unit", teachHeat(v, out, in, 1, out, scale, what))
		}
		return mkFigure("tv", caption, teachHeat(v, in, out, out, 1, scale, what))
	case 4:
		kh, kw, c, f := shape[0], shape[1], shape[2], shape[3]
		grid := mkEl("div", "map-grid kernels", "")
		n := 0
		for fi := 0; fi < f && n < maxTiles; fi++ {
			for ci := 0; ci < c && n < maxTiles; ci++ {
				grid.AppendChild(teachHeat(v[ci*f+fi:], kh, kw, kw*c*f, c*f, scale, fmt.Sprintf("%s filter %d channel %d", what, fi, ci)))
				n++
			}
		}
		return mkFigure("tv maps", caption+fmt.Sprintf(": %d filters × %d channels", f, c), grid)
	}
	return mkFigure("tv", caption, teachBars(v, scale, what))
}

// updateTable lists the five weights the step moves most: before, the
// gradient, the step and after.
func updateTable(layer string, p protocol.TraceParam, before, grad, upd, after []float32) dom.Element {
	idx := make([]int, len(upd))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(i, j int) bool { return math.Abs(float64(upd[idx[i]])) > math.Abs(float64(upd[idx[j]])) })
	t := mkEl("table", "bp-update-table", "")
	t.AppendChild(mkEl("caption", "", fmt.Sprintf("The %s weights of %s that move most", p.Name, layer)))
	head := mkEl("tr", "", "")
	for _, h := range []string{"weight", "w before", "g = dL/dw", "Δw", "w after"} {
		head.AppendChild(mkEl("th", "", h))
	}
	t.AppendChild(head)
	for _, i := range idx[:min(5, len(idx))] {
		r := mkEl("tr", "", "")
		r.SetAttribute("data-index", strconv.Itoa(i))
		r.AppendChild(mkEl("td", "", p.Name+coords(i, p.Shape)))
		for _, x := range []float32{before[i], grad[i], upd[i], after[i]} {
			r.AppendChild(mkEl("td", "num", fmtNum(float64(x))))
		}
		t.AppendChild(r)
	}
	return t
}
