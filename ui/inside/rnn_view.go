//go:build js && wasm

package inside

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"syscall/js"

	"honnef.co/go/js/dom/v2"

	"github.com/nnplay/nnplay/ui/draw"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// Drawing of the "Read a digit row by row" panel. For each trace the
// elements are made once (build); each step then only repaints them
// (show), so playing does not rebuild the page.

// rnnCell is the size, in canvas pixels, of one step × one class of the
// prediction timeline.
const rnnCell = 8

// rnnView is what the panel has drawn into its host element.
type rnnView struct {
	host          js.Value
	version, step int // what is drawn; −1: nothing
	digit         *dom.HTMLCanvasElement
	maps          []rnnMap
	probs         []rnnBar
	timeline      *dom.HTMLCanvasElement
}

// rnnMap is one heatmap growing over the steps: rows = units, one column
// per step (h_t, c_t or a gate).
type rnnMap struct {
	canvas *dom.HTMLCanvasElement
	values func(st protocol.RNNStep) []float32
	scale  float64
}

type rnnBar struct{ row, bar, pct dom.Element }

// mount takes host to draw into; it says whether host is new (Vugu calls
// mount on every render).
func (v *rnnView) mount(host js.Value) bool {
	if v.host.Equal(host) {
		return false
	}
	v.host, v.version, v.step = host, -1, -1
	return true
}

// draw brings the host up to date with s.
func (v *rnnView) draw(s *RNN) {
	if v.host.IsUndefined() || v.host.IsNull() {
		return
	}
	tr := s.Trace
	if tr == nil || len(tr.Steps) == 0 {
		v.version = -1
		draw.ReplaceKids(v.host, draw.El("p", "hint", s.WaitingText()))
		return
	}
	if v.version != s.Version {
		v.build(tr)
		v.version, v.step = s.Version, -1
	}
	if v.step != s.Step {
		v.show(tr, s.Step)
		v.step = s.Step
	}
}

// build makes the elements for a trace.
func (v *rnnView) build(tr *protocol.RNNTrace) {
	T := len(tr.Steps)
	v.digit = draw.LabelledCanvas(28, 28, "the digit, the row being read highlighted")
	left := draw.Figure("rnn-digit", "The digit: rows read so far in ink, the row read at this step highlighted", v.digit)

	v.maps = nil
	grid := draw.El("div", "rnn-maps", "")
	add := func(name, caption string, values func(st protocol.RNNStep) []float32) {
		scale := 0.0
		for _, st := range tr.Steps {
			scale = math.Max(scale, draw.MaxAbs(values(st)))
		}
		cv := draw.LabelledCanvas(T, tr.Units, fmt.Sprintf("%s: %d units (rows) over %d steps (columns)", name, tr.Units, T))
		cv.SetAttribute("data-map", name)
		grid.AppendChild(draw.Figure("rnn-map", caption, cv))
		v.maps = append(v.maps, rnnMap{canvas: cv, values: values, scale: scale})
	}
	add("h", "h_t, the state (what the layer passes on)", func(st protocol.RNNStep) []float32 { return st.H })
	if tr.LayerType == "LSTM" {
		add("c", "c_t, the cell (the LSTM's memory)", func(st protocol.RNNStep) []float32 { return st.C })
	}
	for g, name := range tr.Gates {
		add(name, gateCaption(tr.LayerType, name), func(st protocol.RNNStep) []float32 { return st.Gates[g] })
	}

	probs := draw.El("div", "probs rnn-probs", "")
	probs.SetAttribute("id", "rnn-probs")
	v.probs = nil
	for k := 0; k < len(tr.Steps[0].Probs); k++ {
		row := draw.El("div", "prob", "")
		row.SetAttribute("data-digit", strconv.Itoa(k))
		track := draw.El("span", "track", "")
		bar := draw.El("span", "bar", "")
		track.AppendChild(bar)
		pct := draw.El("span", "pct", "")
		row.AppendChild(draw.El("span", "digit", strconv.Itoa(k)))
		row.AppendChild(track)
		row.AppendChild(pct)
		probs.AppendChild(row)
		v.probs = append(v.probs, rnnBar{row: row, bar: bar, pct: pct})
	}
	v.timeline = draw.LabelledCanvas(T*rnnCell, len(v.probs)*rnnCell, "the probability of each digit (rows 0 to 9) after each step (columns)")
	timeline := draw.Figure("rnn-timeline", "The prediction forming: each digit's probability (rows 0–9) after each step (columns)", v.timeline)

	top := draw.El("div", "rnn-top", "")
	top.AppendChild(left)
	top.AppendChild(draw.Figure("rnn-now", "If the digit ended here", probs))
	top.AppendChild(timeline)
	legend := draw.El("p", "hint", "Each map has a row per unit and a column per step, filled in as the rows are read: red positive, blue negative, white 0, each map scaled to its largest value.")
	draw.ReplaceKids(v.host, top, grid, legend, stepsTable(tr))
}

// show paints step t.
func (v *rnnView) show(tr *protocol.RNNTrace, t int) {
	st := tr.Steps[t]
	// The digit: rows not read yet faded, the step's rows tinted.
	rgba := make([]byte, 4*protocol.ImageSize)
	for i := 0; i < protocol.ImageSize; i++ {
		ink := float32(0)
		if i < len(tr.Input) {
			ink = min(1, max(0, tr.Input[i]))
		}
		row := i / 28
		g := 250 - 221*ink
		r, gr, b := g, g, g
		switch {
		case st.RowFrom >= 0 && row >= st.RowFrom && row <= st.RowTo:
			r, gr, b = 255-40*ink, 214-160*ink, 120-100*ink // the row being read: amber
		case st.RowFrom >= 0 && row > st.RowTo:
			r, gr, b = 250-60*ink, 250-60*ink, 250-60*ink // not read yet: faded
		}
		rgba[4*i], rgba[4*i+1], rgba[4*i+2], rgba[4*i+3] = byte(r), byte(gr), byte(b), 255
	}
	draw.PutPixels(v.digit.GetContext2d(), rgba, 28, 28)

	// The heatmaps: columns up to t filled, the rest blank.
	T := len(tr.Steps)
	for _, m := range v.maps {
		rgba := make([]byte, 4*T*tr.Units)
		for u := 0; u < tr.Units; u++ {
			for s := 0; s < T; s++ {
				p := 4 * (u*T + s)
				r, g, b := byte(238), byte(241), byte(244) // #eef1f4: not read yet
				if s <= t {
					if vals := m.values(tr.Steps[s]); u < len(vals) {
						r, g, b = draw.DivergingRGB(float64(vals[u]), m.scale)
					}
				}
				rgba[p], rgba[p+1], rgba[p+2], rgba[p+3] = r, g, b, 255
			}
		}
		draw.PutPixels(m.canvas.GetContext2d(), rgba, T, tr.Units)
	}

	// The probabilities after step t.
	top := topClass(st.Probs)
	for k, b := range v.probs {
		p := float64(st.Probs[k])
		draw.SetBar(b.bar, p, 1, draw.Unsigned)
		b.pct.SetTextContent(strconv.FormatFloat(100*p, 'f', 1, 64) + "%")
		b.row.SetAttribute("data-p", draw.Exact(p))
		cls := "prob"
		if k == top {
			cls = "prob best" // not "top": the page header's class
		}
		b.row.SetAttribute("class", cls)
	}

	// The timeline: probability as blue ink, later steps faded, step t
	// outlined.
	ctx := v.timeline.GetContext2d()
	for s := 0; s < T; s++ {
		for k, p := range tr.Steps[s].Probs {
			r, g, b := draw.DivergingRGB(-float64(p), 1)
			fade := func(c byte) int { return 255 - (255-int(c))/4 }
			if s > t {
				ctx.SetFillStyle(fmt.Sprintf("rgb(%d,%d,%d)", fade(r), fade(g), fade(b)))
			} else {
				ctx.SetFillStyle(fmt.Sprintf("rgb(%d,%d,%d)", r, g, b))
			}
			ctx.FillRect(float64(s*rnnCell), float64(k*rnnCell), rnnCell, rnnCell)
		}
	}
	ctx.SetStrokeStyle("#e07b1a")
	ctx.SetLineWidth(2)
	ctx.StrokeRect(float64(t*rnnCell)+1, 1, rnnCell-2, float64(len(v.probs)*rnnCell)-2)
}

// gateCaption explains one gate.
func gateCaption(typ, name string) string {
	switch typ + name {
	case "LSTMi":
		return "i, the input gate: how much of g enters the cell"
	case "LSTMf":
		return "f, the forget gate: how much of the cell is kept"
	case "LSTMg":
		return "g, the candidate: what would be written to the cell"
	case "LSTMo":
		return "o, the output gate: how much of the cell shows in h"
	case "GRUz":
		return "z, the update gate: how much of the old state is kept"
	case "GRUr":
		return "r, the reset gate: how much of the old state the candidate sees"
	}
	return name
}

// stepsTable lists every step's probabilities (the numbers behind the
// pictures), folded away.
func stepsTable(tr *protocol.RNNTrace) dom.Element {
	d := draw.El("details", "rnn-numbers", "")
	d.AppendChild(draw.El("summary", "", "The numbers: the prediction after each step"))
	wrap := draw.El("div", "table-wrap", "")
	t := draw.El("table", "rnn-steps", "")
	t.SetAttribute("id", "rnn-steps")
	t.SetAttribute("data-steps", strconv.Itoa(len(tr.Steps)))
	head := draw.El("tr", "", "")
	head.AppendChild(draw.El("th", "", "step"))
	head.AppendChild(draw.El("th", "", "rows"))
	for k := range tr.Steps[0].Probs {
		head.AppendChild(draw.El("th", "num", strconv.Itoa(k)))
	}
	t.AppendChild(head)
	for i, st := range tr.Steps {
		r := draw.El("tr", "", "")
		r.SetAttribute("data-step", strconv.Itoa(i))
		r.AppendChild(draw.El("td", "num", strconv.Itoa(i+1)))
		rows := "–"
		if st.RowFrom >= 0 {
			rows = strconv.Itoa(st.RowFrom)
			if st.RowTo > st.RowFrom {
				rows += "–" + strconv.Itoa(st.RowTo)
			}
		}
		r.AppendChild(draw.El("td", "num", rows))
		top := topClass(st.Probs)
		ps := make([]string, len(st.Probs))
		for k, p := range st.Probs {
			c := draw.El("td", "num", strconv.FormatFloat(100*float64(p), 'f', 1, 64))
			if k == top {
				c.SetAttribute("class", "num best")
			}
			c.SetAttribute("data-digit", strconv.Itoa(k))
			c.SetAttribute("data-p", draw.Exact(float64(p)))
			r.AppendChild(c)
			ps[k] = draw.Exact(float64(p))
		}
		r.SetAttribute("data-probs", strings.Join(ps, " "))
		t.AppendChild(r)
	}
	wrap.AppendChild(t)
	d.AppendChild(wrap)
	return d
}
