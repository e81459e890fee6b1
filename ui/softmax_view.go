package ui

import (
	"fmt"
	"math"
	"strconv"
	"syscall/js"

	"honnef.co/go/js/dom/v2"

	"github.com/nnplay/nnplay/engine/data/drawing"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// softmaxTable is the explorer's live part, made in Go once: the
// temperature and offset sliders, the ten aligned rows (logit, e^·,
// probability, gradient, each as a bar and a number) and the totals.
// Sliders update it directly, without a Vugu render of the whole page.
type softmaxTable struct {
	s    *SoftmaxState
	a    *App
	host js.Value

	temp, offset         *dom.HTMLInputElement
	tempText, offsetText dom.Element
	image                *dom.CanvasRenderingContext2D
	rows                 [protocol.Classes]smRow
	sum, max, loss, psum dom.Element
	note                 dom.Element
	drawn                int
}

// smRow is one class's row: its element, the logit slider and four cells.
type smRow struct {
	row    dom.Element
	slider *dom.HTMLInputElement
	bars   [4]dom.Element
	nums   [4]dom.Element
}

// Columns of a row: which are signed (bars from the middle).
var smSigned = [4]bool{true, false, false, true}

func (tb *softmaxTable) mount(a *App, host js.Value) {
	if tb.host.Equal(host) {
		return
	}
	tb.a, tb.s, tb.host, tb.drawn = a, a.teach().Softmax, host, -1
	knobs := mkEl("div", "sm-knobs", "")
	cv := teachCanvas(drawing.Side, drawing.Side, "The example the logits are of")
	cv.SetID("sm-image")
	tb.image = cv.GetContext2d()
	knobs.AppendChild(cv)
	tb.temp, tb.tempText = tb.knob(knobs, "sm-temp", "Temperature T (softmax of z / T)", tempMin, tempMax, 0.1, 1)
	tb.offset, tb.offsetText = tb.knob(knobs, "sm-offset", "Add c to every logit", -offsetMax, offsetMax, 0.5, 0)
	reset := mkEl("button", "", "T = 1, c = 0").(*dom.HTMLButtonElement)
	reset.SetID("sm-knobs-reset")
	reset.SetAttribute("type", "button")
	reset.AddEventListener("click", false, func(dom.Event) {
		tb.change(func() { tb.s.T, tb.s.C = 1, 0 })
	})
	knobs.AppendChild(reset)

	grid := mkEl("div", "sm-grid", "")
	grid.SetAttribute("role", "table")
	head := mkEl("div", "sm-head", "")
	head.SetAttribute("role", "row")
	head.SetInnerHTML(`<span role="columnheader">k</span><span role="columnheader">logit z<sub>k</sub></span>` +
		`<span role="columnheader">e<sup>z<sub>k</sub> − m</sup></span><span role="columnheader">p<sub>k</sub> = e<sup>z<sub>k</sub>−m</sup> / Σ</span>` +
		`<span role="columnheader">p<sub>k</sub> − onehot(y)<sub>k</sub></span>`)
	grid.AppendChild(head)
	for k := range tb.rows {
		grid.AppendChild(tb.makeRow(k))
	}
	foot := mkEl("div", "sm-foot", "")
	foot.AppendChild(mkEl("span", "", "m = max z = "))
	tb.max = mkEl("span", "", "")
	tb.max.SetID("sm-max")
	foot.AppendChild(tb.max)
	foot.AppendChild(mkEl("span", "", " · Σ"))
	foot.AppendChild(mkEl("sub", "", "j"))
	foot.AppendChild(mkEl("span", "", " e^(z_j − m) = "))
	tb.sum = mkEl("strong", "", "")
	tb.sum.SetID("sm-sum")
	foot.AppendChild(tb.sum)
	foot.AppendChild(mkEl("span", "", " · Σ p = "))
	tb.psum = mkEl("span", "", "")
	foot.AppendChild(tb.psum)
	lossLine := mkEl("div", "sm-foot", "")
	lossLine.AppendChild(mkEl("span", "", "cross-entropy −log p_y = "))
	tb.loss = mkEl("strong", "", "")
	tb.loss.SetID("sm-loss")
	lossLine.AppendChild(tb.loss)
	tb.note = mkEl("p", "sm-note", "")
	tb.note.SetID("sm-note")
	replaceKids(host, knobs, grid, foot, lossLine, tb.note)
	tb.draw()
}

// knob adds a labelled range input and the text showing its value.
func (tb *softmaxTable) knob(parent dom.Element, id, label string, lo, hi, step, value float64) (*dom.HTMLInputElement, dom.Element) {
	wrap := mkEl("label", "sm-knob", "")
	wrap.AppendChild(mkEl("span", "", label))
	in := mkEl("input", "", "").(*dom.HTMLInputElement)
	in.SetID(id)
	in.SetAttribute("type", "range")
	in.SetAttribute("min", fmtExact(lo))
	in.SetAttribute("max", fmtExact(hi))
	in.SetAttribute("step", fmtExact(step))
	in.SetValue(fmtExact(value))
	out := mkEl("output", "", fmtExact(value))
	out.SetID(id + "-value")
	wrap.AppendChild(in)
	wrap.AppendChild(out)
	parent.AppendChild(wrap)
	in.AddEventListener("input", false, func(dom.Event) {
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
	r.row = mkEl("div", "sm-row", "")
	r.row.SetAttribute("role", "row")
	r.row.SetAttribute("data-k", strconv.Itoa(k))
	r.row.AppendChild(mkEl("span", "sm-k", strconv.Itoa(k)))
	for c := range r.bars {
		cell := mkEl("span", "sm-cell", "")
		cell.SetAttribute("role", "cell")
		if c == 0 {
			r.slider = mkEl("input", "sm-slider", "").(*dom.HTMLInputElement)
			r.slider.SetAttribute("type", "range")
			r.slider.SetAttribute("min", fmtExact(logitMin))
			r.slider.SetAttribute("max", fmtExact(logitMax))
			r.slider.SetAttribute("step", "0.1")
			r.slider.SetAttribute("aria-label", fmt.Sprintf("logit of class %d", k))
			r.slider.AddEventListener("input", false, func(dom.Event) {
				v, err := strconv.ParseFloat(r.slider.Value(), 64)
				if err == nil {
					tb.change(func() { tb.s.Sliders[k] = v })
				}
			})
			cell.AppendChild(r.slider)
		}
		track := mkEl("span", "track", "")
		if smSigned[c] {
			track.SetAttribute("class", "track signed")
		}
		r.bars[c] = mkEl("span", "bar", "")
		track.AppendChild(r.bars[c])
		r.nums[c] = mkEl("span", "num", "")
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
		tb.a.Env.Lock()
		edit()
		tb.s.Version++
		tb.draw()
		tb.a.Env.UnlockOnly()
	}()
}

// draw writes the current view into the table (skipped when unchanged).
func (tb *softmaxTable) draw() {
	s := tb.s
	if tb.rows[0].row == nil || tb.drawn == s.Version {
		return
	}
	tb.drawn = s.Version
	sliders := s.Source == SoftmaxFromSliders
	tb.temp.SetValue(fmtExact(s.T))
	tb.tempText.SetTextContent(fmtExact(s.T))
	tb.offset.SetValue(fmtExact(s.C))
	tb.offsetText.SetTextContent(fmtExact(s.C))
	img := s.Image
	if sliders {
		img = nil
	}
	drawDigit(tb.image, img)
	v, ok := s.View()
	zScale := 1.0
	for _, z := range v.Z {
		zScale = max(zScale, math.Abs(z))
	}
	for k := range tb.rows {
		r := &tb.rows[k]
		r.slider.Underlying().Set("hidden", !sliders)
		if sliders {
			r.slider.SetValue(fmtExact(s.Sliders[k]))
		}
		cls := "sm-row"
		if k == s.Label {
			cls += " truth"
		}
		r.row.SetAttribute("class", cls)
		if !ok || k >= len(v.Z) {
			for c := range r.nums {
				r.nums[c].SetTextContent("–")
				setTeachBar(r.bars[c], 0, 1, smSigned[c])
			}
			for _, at := range []string{"data-z", "data-exp", "data-p", "data-grad"} {
				r.row.RemoveAttribute(at)
			}
			continue
		}
		vals := [4]float64{v.Z[k], v.Exp[k], v.P[k], v.Grad[k]}
		scales := [4]float64{zScale, 1, 1, 1}
		for c, x := range vals {
			r.nums[c].SetTextContent(fmtNum(x))
			setTeachBar(r.bars[c], x, scales[c], smSigned[c])
		}
		r.row.SetAttribute("data-z", fmtExact(v.Z[k]))
		r.row.SetAttribute("data-exp", fmtExact(v.Exp[k]))
		r.row.SetAttribute("data-p", fmtExact(v.P[k]))
		r.row.SetAttribute("data-grad", fmtExact(v.Grad[k]))
	}
	if !ok {
		for _, e := range []dom.Element{tb.sum, tb.max, tb.loss, tb.psum} {
			e.SetTextContent("–")
		}
		tb.note.SetTextContent(tb.waitingText())
		return
	}
	psum := 0.0
	for _, p := range v.P {
		psum += p
	}
	tb.sum.SetTextContent(fmtNum(v.Sum))
	tb.sum.SetAttribute("data-sum", fmtExact(v.Sum))
	tb.max.SetTextContent(fmtNum(v.Max))
	tb.psum.SetTextContent(strconv.FormatFloat(psum, 'f', 6, 64))
	tb.loss.SetTextContent(fmt.Sprintf("%s  (y = %d)", fmtNum(v.Loss), v.Label))
	tb.loss.SetAttribute("data-loss", fmtExact(v.Loss))
	tb.note.SetTextContent(softmaxNote(s, v))
}

func (tb *softmaxTable) waitingText() string {
	s := tb.s
	switch {
	case s.Err != "":
		return s.Err
	case !tb.a.teach().modelReady():
		return "The numbers appear once the model is built."
	case s.Loading():
		return "Asking the worker for this example's logits…"
	}
	return "Pick an example."
}

// softmaxNote explains where the numbers come from and what T and c did.
func softmaxNote(s *SoftmaxState, v SoftmaxView) string {
	var out string
	switch {
	case v.Worker:
		out = fmt.Sprintf("These are the worker's own numbers for this example. It subtracts m = max z = %s before e^· so nothing overflows: "+
			"that is adding c = −m to every logit, which changes nothing (try the c slider).", fmtNum(v.Max))
	case s.Source == SoftmaxFromSliders:
		out = "Computed here from the slider logits with the formula above."
	default:
		out = "Computed here from the worker's logits with the formula above."
	}
	if s.T != 1 {
		out += fmt.Sprintf(" Temperature T = %s divides every logit: T > 1 flattens the probabilities, T < 1 sharpens them towards the largest logit.", fmtExact(s.T))
	}
	if s.C != 0 {
		out += fmt.Sprintf(" Adding c = %s to every logit multiplies every e^(z_k) by e^c, which cancels in e^(z_k) / Σ_j e^(z_j): the probabilities, the loss and the gradient are unchanged; only z moved.", fmtExact(s.C))
	}
	if s.Loading() {
		out += " (Updating…)"
	}
	return out
}
