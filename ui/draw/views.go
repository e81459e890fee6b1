//go:build js && wasm

package draw

import (
	"fmt"
	"math"
	"strconv"
	"syscall/js"

	"honnef.co/go/js/dom/v2"

	"github.com/nnplay/nnplay/wasm/protocol"
)

// Drawing for the teaching panels: tensors as heatmaps, grids of small
// images and bar charts, all on canvases made in Go (Vugu would clear a
// template canvas on every render). Colours go on canvases, not in inline
// styles, which the page's CSP forbids; bar lengths are set through the
// CSSOM (element.style), which the CSP allows.

// MaxTiles bounds the small images of one grid (feature maps, filters,
// weight images).
const MaxTiles = 64

// floats decodes a protocol tensor's little-endian float32 bytes (nil on
// a malformed one; the protocol's Decode has checked sizes already).
func Floats(b []byte) []float32 {
	v, err := protocol.BytesToFloats(b)
	if err != nil {
		return nil
	}
	return v
}

// maxAbs is the largest |v_i| (1 when all are 0, so scales never divide by 0).
func MaxAbs(v []float32) float64 {
	m := 0.0
	for _, x := range v {
		m = math.Max(m, math.Abs(float64(x)))
	}
	if m == 0 || math.IsNaN(m) {
		return 1
	}
	return m
}

// diverging maps v/scale in [−1, 1] to blue (negative), white (0) and red
// (positive).
func DivergingRGB(v, scale float64) (r, g, b byte) {
	t := math.Max(-1, math.Min(1, v/scale))
	if t >= 0 {
		return 255, byte(255 - 200*t), byte(255 - 215*t) // white → #ff3728
	}
	t = -t
	return byte(255 - 215*t), byte(255 - 145*t), 255 // white → #286eff
}

// heatCanvas draws rows×cols values (row-major, with the given strides so a
// slice of a larger tensor can be drawn in place) as one pixel each.
func Heat(v []float32, rows, cols, rowStride, colStride int, scale float64, label string) *dom.HTMLCanvasElement {
	cv := LabelledCanvas(cols, rows, label)
	rgba := make([]byte, 4*rows*cols)
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			i := r*rowStride + c*colStride
			x := 0.0
			if i < len(v) {
				x = float64(v[i])
			}
			p := 4 * (r*cols + c)
			rgba[p], rgba[p+1], rgba[p+2] = DivergingRGB(x, scale)
			rgba[p+3] = 255
		}
	}
	PutPixels(cv.GetContext2d(), rgba, cols, rows)
	return cv
}

func LabelledCanvas(w, h int, label string) *dom.HTMLCanvasElement {
	cv := Canvas()
	cv.SetWidth(max(1, w))
	cv.SetHeight(max(1, h))
	cv.SetAttribute("role", "img")
	cv.SetAttribute("aria-label", label)
	return cv
}

// el makes an element with a class and text.
func El(tag, class, text string) dom.Element {
	e := New(tag)
	if class != "" {
		e.SetAttribute("class", class)
	}
	if text != "" {
		e.SetTextContent(text)
	}
	return e
}

// figure wraps a canvas (or any element) with a caption.
func Figure(class, caption string, content dom.Element) dom.Element {
	f := El("figure", class, "")
	f.AppendChild(content)
	f.AppendChild(El("figcaption", "", caption))
	return f
}

// TensorView shows a tensor the way its shape suggests: (H, W, C) as a grid
// of C maps, a 784-vector as a 28×28 image, any other vector as bars.
// scale 0 means the tensor's own max |v|.
func TensorView(v []float32, shape []int, scale float64, what string) dom.Element {
	if scale == 0 {
		scale = MaxAbs(v)
	}
	switch {
	case len(shape) == 3:
		return Maps(v, shape[0], shape[1], shape[2], scale, what)
	case len(shape) == 2:
		return Figure("tv", fmt.Sprintf("%s %s", what, ShapeText(shape)), Heat(v, shape[0], shape[1], shape[1], 1, scale, what))
	case len(v) == protocol.ImageSize:
		return Figure("tv image", fmt.Sprintf("%s (784 values as 28×28)", what), Heat(v, 28, 28, 28, 1, scale, what))
	}
	return Figure("tv", fmt.Sprintf("%s %s", what, ShapeText(shape)), Bars(v, scale, what))
}

// mapGrid draws an (H, W, C) tensor as C small H×W images (at most
// MaxTiles), sharing one colour scale.
func Maps(v []float32, h, w, c int, scale float64, what string) dom.Element {
	grid := El("div", "map-grid", "")
	for k := 0; k < min(c, MaxTiles); k++ {
		cv := Heat(v[k:], h, w, w*c, c, scale, fmt.Sprintf("%s, channel %d", what, k))
		grid.AppendChild(cv)
	}
	note := fmt.Sprintf("%s: %d maps of %d×%d", what, c, h, w)
	if c > MaxTiles {
		note += fmt.Sprintf(" (the first %d shown)", MaxTiles)
	}
	return Figure("tv maps", note, grid)
}

// barCanvas draws a vector as signed bars around a middle line (red up for
// positive, blue down for negative).
func Bars(v []float32, scale float64, label string) *dom.HTMLCanvasElement {
	bw := 4
	if len(v) > 128 {
		bw = 1
	} else if len(v) > 64 {
		bw = 2
	}
	const h = 80
	cv := LabelledCanvas(len(v)*bw, h, label)
	cv.SetAttribute("class", "bars")
	ctx := cv.GetContext2d()
	ctx.SetFillStyle("#eef1f4")
	ctx.FillRect(0, h/2, float64(len(v)*bw), 1)
	for i, x := range v {
		t := math.Max(-1, math.Min(1, float64(x)/scale))
		if t >= 0 {
			ctx.SetFillStyle("#e0503f")
			ctx.FillRect(float64(i*bw), h/2-t*(h/2-1), float64(max(1, bw-1)), t*(h/2-1))
		} else {
			ctx.SetFillStyle("#3f73e0")
			ctx.FillRect(float64(i*bw), h/2+1, float64(max(1, bw-1)), -t*(h/2-1))
		}
	}
	return cv
}

// setBar sizes a bar inside its track (via the CSSOM): from the middle
// for signed values, from the left for values in [0, 1].
func SetBar(bar dom.Element, v, scale float64, signed bool) {
	st := bar.Underlying().Get("style")
	t := 0.0
	if scale > 0 && !math.IsNaN(v) {
		t = math.Max(-1, math.Min(1, v/scale))
	}
	pct := func(f float64) string { return strconv.FormatFloat(f, 'f', 2, 64) + "%" }
	if !signed {
		st.Set("left", "0%")
		st.Set("width", pct(100*math.Max(0, t)))
		return
	}
	if t >= 0 {
		st.Set("left", "50%")
	} else {
		st.Set("left", pct(50+50*t))
	}
	st.Set("width", pct(50*math.Abs(t)))
	cls := "bar pos"
	if t < 0 {
		cls = "bar neg"
	}
	bar.SetAttribute("class", cls)
}

// shapeText is "(28, 28, 6)".
func ShapeText(shape []int) string {
	s := "("
	for i, n := range shape {
		if i > 0 {
			s += ", "
		}
		s += strconv.Itoa(n)
	}
	if len(shape) == 1 {
		s += ","
	}
	return s + ")"
}

// num formats a value for display with 4 significant digits.
func Num(v float64) string {
	switch {
	case v == 0:
		return "0"
	case math.Abs(v) >= 1e5 || math.Abs(v) < 1e-3:
		return strconv.FormatFloat(v, 'e', 3, 64)
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}

// exact formats a value for a data-* attribute: every digit, so tests can
// compare it with the worker's number.
func Exact(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// replace empties host and appends the elements.
func ReplaceKids(host js.Value, els ...dom.Element) {
	items := make([]any, len(els))
	for i, e := range els {
		items[i] = e.Underlying()
	}
	host.Call("replaceChildren", items...)
}

// SetBar's argument: the value is a magnitude (from 0), or signed (from
// the middle).
const (
	Unsigned = false
	Signed   = true
)

// Bubble is AddEventListener's useCapture for listening as events bubble
// up (the usual way), and Clockwise is Arc's anticlockwise for a
// clockwise arc.
const (
	Bubble    = false
	Clockwise = false
)
