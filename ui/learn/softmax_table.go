//go:build js && wasm

package learn

import (
	"fmt"
	"math"
	"strconv"
	"syscall/js"

	"github.com/vugu/vugu"
	"honnef.co/go/js/dom/v2"

	"github.com/nnplay/nnplay/engine/data/drawing"
	"github.com/nnplay/nnplay/ui/draw"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// softmaxTable is the explorer's live part, made in Go once: the
// temperature and offset sliders, the ten aligned rows (logit, e^·,
// probability, gradient, each as a bar and a number) and the totals.
// Sliders update it directly, without a Vugu render.
type softmaxTable struct {
	s    *Softmax
	env  vugu.EventEnv
	host js.Value

	temp, offset         *dom.HTMLInputElement
	tempText, offsetText dom.Element
	image                *dom.CanvasRenderingContext2D
	rows                 [protocol.Classes]softmaxRow
	sum, max, loss, psum dom.Element
	note                 dom.Element
	drawn                int
}

// softmaxRow is one class's row: its element, the logit slider and four
// cells.
type softmaxRow struct {
	row    dom.Element
	slider *dom.HTMLInputElement
	bars   [4]dom.Element
	nums   [4]dom.Element
}

// signedColumns says which columns of a row are signed (bars from the
// middle): z and the gradient.
var signedColumns = [4]bool{true, false, false, true}

// mount builds the table in host and draws it, once per host (Vugu calls
// mount on every render).
func (tb *softmaxTable) mount(p *Place, host js.Value) {
	if tb.host.Equal(host) {
		return
	}
	tb.env, tb.s, tb.host, tb.drawn = p.S.Env, p.Softmax, host, -1
	knobs := draw.El("div", "sm-knobs", "")
	cv := draw.LabelledCanvas(drawing.Side, drawing.Side, "The example the logits are of")
	cv.SetID("sm-image")
	tb.image = cv.GetContext2d()
	knobs.AppendChild(cv)
	tb.temp, tb.tempText = tb.knob(knobs, "sm-temp", "Temperature T (softmax of z / T)", tempMin, tempMax, 0.1, 1)
	tb.offset, tb.offsetText = tb.knob(knobs, "sm-offset", "Add c to every logit", -offsetMax, offsetMax, 0.5, 0)
	reset := draw.El("button", "", "T = 1, c = 0").(*dom.HTMLButtonElement)
	reset.SetID("sm-knobs-reset")
	reset.SetAttribute("type", "button")
	reset.AddEventListener("click", draw.Bubble, func(dom.Event) {
		tb.change(func() { tb.s.T, tb.s.C = 1, 0 })
	})
	knobs.AppendChild(reset)

	grid := draw.El("div", "sm-grid", "")
	grid.SetAttribute("role", "table")
	head := draw.El("div", "sm-head", "")
	head.SetAttribute("role", "row")
	head.SetInnerHTML(`<span role="columnheader">k</span><span role="columnheader">logit z<sub>k</sub></span>` +
		`<span role="columnheader">e<sup>z<sub>k</sub> − m</sup></span><span role="columnheader">p<sub>k</sub> = e<sup>z<sub>k</sub>−m</sup> / Σ</span>` +
		`<span role="columnheader">p<sub>k</sub> − onehot(y)<sub>k</sub></span>`)
	grid.AppendChild(head)
	for k := range tb.rows {
		grid.AppendChild(tb.makeRow(k))
	}
	foot := draw.El("div", "sm-foot", "")
	foot.AppendChild(draw.El("span", "", "m = max z = "))
	tb.max = draw.El("span", "", "")
	tb.max.SetID("sm-max")
	foot.AppendChild(tb.max)
	foot.AppendChild(draw.El("span", "", " · Σ"))
	foot.AppendChild(draw.El("sub", "", "j"))
	foot.AppendChild(draw.El("span", "", " e^(z_j − m) = "))
	tb.sum = draw.El("strong", "", "")
	tb.sum.SetID("sm-sum")
	foot.AppendChild(tb.sum)
	foot.AppendChild(draw.El("span", "", " · Σ p = "))
	tb.psum = draw.El("span", "", "")
	foot.AppendChild(tb.psum)
	lossLine := draw.El("div", "sm-foot", "")
	lossLine.AppendChild(draw.El("span", "", "cross-entropy −log p_y = "))
	tb.loss = draw.El("strong", "", "")
	tb.loss.SetID("sm-loss")
	lossLine.AppendChild(tb.loss)
	tb.note = draw.El("p", "sm-note", "")
	tb.note.SetID("sm-note")
	draw.ReplaceKids(host, knobs, grid, foot, lossLine, tb.note)
	tb.draw()
}

// knob adds a labelled range input and the text showing its value.
func (tb *softmaxTable) knob(parent dom.Element, id, label string, lo, hi, step, value float64) (*dom.HTMLInputElement, dom.Element) {
	wrap := draw.El("label", "sm-knob", "")
	wrap.AppendChild(draw.El("span", "", label))
	in := draw.El("input", "", "").(*dom.HTMLInputElement)
	in.SetID(id)
	in.SetAttribute("type", "range")
	in.SetAttribute("min", draw.Exact(lo))
	in.SetAttribute("max", draw.Exact(hi))
	in.SetAttribute("step", draw.Exact(step))
	in.SetValue(draw.Exact(value))
	out := draw.El("output", "", draw.Exact(value))
	out.SetID(id + "-value")
	wrap.AppendChild(in)
	wrap.AppendChild(out)
	parent.AppendChild(wrap)
	in.AddEventListener("input", draw.Bubble, func(dom.Event) {
		v, err := strconv.ParseFloat(in.Value(), 64)
		if err != nil {
			return
		}
		tb.change(func() {
			if id == "sm-temp" {
				tb.s.T = v
			} else {
				tb.s.C = v
			}
		})
	})
	return in, out
}

func (tb *softmaxTable) makeRow(k int) dom.Element {
	r := &tb.rows[k]
	r.row = draw.El("div", "sm-row", "")
	r.row.SetAttribute("role", "row")
	r.row.SetAttribute("data-k", strconv.Itoa(k))
	r.row.AppendChild(draw.El("span", "sm-k", strconv.Itoa(k)))
	for c := range r.bars {
		cell := draw.El("span", "sm-cell", "")
		cell.SetAttribute("role", "cell")
		if c == 0 {
			r.slider = draw.El("input", "sm-slider", "").(*dom.HTMLInputElement)
			r.slider.SetAttribute("type", "range")
			r.slider.SetAttribute("min", draw.Exact(logitMin))
			r.slider.SetAttribute("max", draw.Exact(logitMax))
			r.slider.SetAttribute("step", "0.1")
			r.slider.SetAttribute("aria-label", fmt.Sprintf("logit of class %d", k))
			r.slider.AddEventListener("input", draw.Bubble, func(dom.Event) {
				v, err := strconv.ParseFloat(r.slider.Value(), 64)
				if err == nil {
					tb.change(func() { tb.s.Sliders[k] = v })
				}
			})
			cell.AppendChild(r.slider)
		}
		track := draw.El("span", "track", "")
		if signedColumns[c] {
			track.SetAttribute("class", "track signed")
		}
		r.bars[c] = draw.El("span", "bar", "")
		track.AppendChild(r.bars[c])
		r.nums[c] = draw.El("span", "num", "")
		cell.AppendChild(track)
		cell.AppendChild(r.nums[c])
		r.row.AppendChild(cell)
	}
	return r.row
}

// change applies a slider's edit under Vugu's lock (a listener must not
// block, hence the goroutine) and redraws the table without a render.
func (tb *softmaxTable) change(edit func()) {
	go func() {
		tb.env.Lock()
		edit()
		tb.s.Version++
		tb.draw()
		tb.env.UnlockOnly()
	}()
}

// draw writes the current view into the table (skipped when unchanged).
func (tb *softmaxTable) draw() {
	s := tb.s
	if s == nil || tb.rows[0].row == nil || tb.drawn == s.Version {
		return
	}
	tb.drawn = s.Version
	sliders := s.Source == FromSliders
	tb.temp.SetValue(draw.Exact(s.T))
	tb.tempText.SetTextContent(draw.Exact(s.T))
	tb.offset.SetValue(draw.Exact(s.C))
	tb.offsetText.SetTextContent(draw.Exact(s.C))
	img := s.Image
	if sliders {
		img = nil
	}
	draw.Digit(tb.image, img)
	v, ok := s.Numbers()
	zScale := 1.0
	for _, z := range v.Z {
		zScale = max(zScale, math.Abs(z))
	}
	for k := range tb.rows {
		r := &tb.rows[k]
		r.slider.Underlying().Set("hidden", !sliders)
		if sliders {
			r.slider.SetValue(draw.Exact(s.Sliders[k]))
		}
		cls := "sm-row"
		if k == s.Label {
			cls += " truth"
		}
		r.row.SetAttribute("class", cls)
		if !ok || k >= len(v.Z) {
			for c := range r.nums {
				r.nums[c].SetTextContent("–")
				draw.SetBar(r.bars[c], 0, 1, signedColumns[c])
			}
			for _, at := range []string{"data-z", "data-exp", "data-p", "data-grad"} {
				r.row.RemoveAttribute(at)
			}
			continue
		}
		vals := [4]float64{v.Z[k], v.Exp[k], v.P[k], v.Grad[k]}
		scales := [4]float64{zScale, 1, 1, 1}
		for c, x := range vals {
			r.nums[c].SetTextContent(draw.Num(x))
			draw.SetBar(r.bars[c], x, scales[c], signedColumns[c])
		}
		r.row.SetAttribute("data-z", draw.Exact(v.Z[k]))
		r.row.SetAttribute("data-exp", draw.Exact(v.Exp[k]))
		r.row.SetAttribute("data-p", draw.Exact(v.P[k]))
		r.row.SetAttribute("data-grad", draw.Exact(v.Grad[k]))
	}
	if !ok {
		for _, e := range []dom.Element{tb.sum, tb.max, tb.loss, tb.psum} {
			e.SetTextContent("–")
		}
		tb.note.SetTextContent(s.WaitingText())
		return
	}
	psum := 0.0
	for _, p := range v.P {
		psum += p
	}
	tb.sum.SetTextContent(draw.Num(v.Sum))
	tb.sum.SetAttribute("data-sum", draw.Exact(v.Sum))
	tb.max.SetTextContent(draw.Num(v.Max))
	tb.psum.SetTextContent(strconv.FormatFloat(psum, 'f', 6, 64))
	tb.loss.SetTextContent(fmt.Sprintf("%s  (y = %d)", draw.Num(v.Loss), v.Label))
	tb.loss.SetAttribute("data-loss", draw.Exact(v.Loss))
	tb.note.SetTextContent(softmaxNote(s, v))
}

// softmaxNote explains where the numbers come from and what T and c did.
func softmaxNote(s *Softmax, v Numbers) string {
	var out string
	switch {
	case v.Worker:
		out = fmt.Sprintf("These are the worker's own numbers for this example. It subtracts m = max z = %s before e^· so nothing overflows: "+
			"that is adding c = −m to every logit, which changes nothing (try the c slider).", draw.Num(v.Max))
	case s.Source == FromSliders:
		out = "Computed here from the slider logits with the formula above."
	default:
		out = "Computed here from the worker's logits with the formula above."
	}
	if s.T != 1 {
		out += fmt.Sprintf(" Temperature T = %s divides every logit: T > 1 flattens the probabilities, T < 1 sharpens them towards the largest logit.", draw.Exact(s.T))
	}
	if s.C != 0 {
		out += fmt.Sprintf(" Adding c = %s to every logit multiplies every e^(z_k) by e^c, which cancels in e^(z_k) / Σ_j e^(z_j): the probabilities, the loss and the gradient are unchanged; only z moved.", draw.Exact(s.C))
	}
	if s.Loading() {
		out += " (Updating…)"
	}
	return out
}
