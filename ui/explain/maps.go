package explain

import (
	"fmt"
	"math"

	"github.com/nnplay/nnplay/wasm/protocol"
)

// Ink is the input value above which a pixel counts as part of the
// strokes (an MNIST pixel is in [0, 1]).
const Ink = 0.5

// ScoreName names an explanation's score: "p(1)" or "logit of 1".
func ScoreName(e *protocol.Explanation) string {
	if e.Score == protocol.ScoreProbability {
		return fmt.Sprintf("p(%d)", e.Class)
	}
	return fmt.Sprintf("the logit of %d", e.Class)
}

// Sum is Σ values.
func Sum(v []float32) float64 {
	s := 0.0
	for _, x := range v {
		s += float64(x)
	}
	return s
}

// StrokeMean is the mean attribution over the strokes (inputs above
// Ink), and how many values that is; (0, 0) with no strokes.
func StrokeMean(e *protocol.Explanation) (mean float64, n int) {
	for i, x := range e.Input {
		if x > Ink && i < len(e.Values) {
			mean += float64(e.Values[i])
			n++
		}
	}
	if n == 0 {
		return 0, 0
	}
	return mean / float64(n), n
}

// MapText is what one map's numbers say, in words.
func MapText(e *protocol.Explanation) string {
	score := ScoreName(e)
	switch e.Method {
	case protocol.MethodGradientInput:
		return fmt.Sprintf("%s = %.3f. Each pixel's value times the gradient: a first-order share of the score (Σ = %.3f).", score, e.Output, Sum(e.Values))
	case protocol.MethodIntegratedGradients:
		gap := e.Output - e.Baseline
		rel := 0.0
		if gap != 0 {
			rel = math.Abs(Sum(e.Values)-gap) / math.Abs(gap)
		}
		return fmt.Sprintf("%s = %.3f, %.3f for a blank input; the map sums to %.3f of the %.3f between them (off by %.1f%%).", score, e.Output, e.Baseline, Sum(e.Values), gap, 100*rel)
	case protocol.MethodOcclusion:
		s := fmt.Sprintf("%s = %.3f as it is, %.3f with everything covered.", score, e.Output, e.Baseline)
		if m, n := StrokeMean(e); n > 0 {
			verb := "lowers"
			if m < 0 {
				verb, m = "raises", -m
			}
			s += fmt.Sprintf(" Covering a patch of the strokes %s it by %.3f on average.", verb, m)
		}
		return s
	}
	return score
}

// Overlay draws an attribution map over its input: each pixel the
// input's grey (white background, black ink, as the pad shows it) tinted
// towards red (positive) or blue (negative) by |value|/scale. It returns
// w·h RGBA pixels; ch is the input's channels (their mean is the grey).
func Overlay(input, values []float32, w, h, ch int, scale float64) []byte {
	if ch < 1 {
		ch = 1
	}
	if scale <= 0 {
		scale = 1
	}
	rgba := make([]byte, 4*w*h)
	for i := 0; i < w*h; i++ {
		g, v := 0.0, 0.0
		for c := 0; c < ch; c++ {
			if j := i*ch + c; j < len(input) {
				g += float64(input[j])
				v += float64(values[j])
			}
		}
		g /= float64(ch)
		grey := 255 * (1 - 0.6*math.Max(0, math.Min(1, g))) // ink shows as mid grey under the colour
		t := math.Max(-1, math.Min(1, v/scale))
		r, gr, b := grey, grey, grey
		if t >= 0 {
			gr, b = grey*(1-0.85*t), grey*(1-0.85*t)
		} else {
			r, gr = grey*(1+0.85*t), grey*(1+0.45*t)
		}
		rgba[4*i], rgba[4*i+1], rgba[4*i+2], rgba[4*i+3] = byte(r), byte(gr), byte(b), 255
	}
	return rgba
}

// Grey draws an input as black ink on white: w·h RGBA pixels.
func Grey(input []float32, w, h, ch int) []byte {
	return Overlay(input, make([]float32, len(input)), w, h, ch, 1)
}

// Scale is the colour scale of a map: its largest |value| (1 for an all
// zero map).
func Scale(v []float32) float64 {
	m := 0.0
	for _, x := range v {
		m = math.Max(m, math.Abs(float64(x)))
	}
	if m == 0 || math.IsNaN(m) {
		return 1
	}
	return m
}

// ImageSize is the subject's height, width and channels: the
// explanation's image, else MNIST's 28×28 for 784 values, else a row.
func ImageSize(image []int, n int) (h, w, ch int) {
	switch {
	case len(image) == 2 && image[0]*image[1] > 0:
		return image[0], image[1], max(1, n/(image[0]*image[1]))
	case n == protocol.ImageSize:
		return 28, 28, 1
	}
	return 1, n, 1
}

// FlipText says what the flip search found.
func FlipText(f *protocol.Flip) string {
	if f == nil {
		return ""
	}
	if !f.Flipped {
		return fmt.Sprintf("Not flipped to %d within %d steps: %d pixels moved (distance %.2f), p(%d) = %.3f.", f.Target, f.Steps, f.Changed, f.Distance, f.Target, prob(f.Probs, f.Target))
	}
	return fmt.Sprintf("Flipped from %d to %d in %d steps: %d pixels changed by more than 0.1 (distance %.2f); p(%d) = %.3f.", f.From, f.Target, f.Steps, f.Changed, f.Distance, f.Target, prob(f.Probs, f.Target))
}

func prob(p []float32, k int) float64 {
	if k < 0 || k >= len(p) {
		return math.NaN()
	}
	return float64(p[k])
}

// Diff is b − a, value by value.
func Diff(a, b []float32) []float32 {
	d := make([]float32, min(len(a), len(b)))
	for i := range d {
		d[i] = b[i] - a[i]
	}
	return d
}

// ClassColors are the embedding's colours, one per class (Tableau 10).
var ClassColors = []string{"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"}

// ClassColor is class k's colour.
func ClassColor(k int) string {
	if k < 0 {
		return "#000"
	}
	return ClassColors[k%len(ClassColors)]
}

// Frame maps embedding points (x0, y0, x1, y1, …) into a size×size
// square with a margin, keeping their aspect ratio: the canvas positions
// of every point.
func Frame(points []float32, size, margin float64) []float64 {
	n := len(points) / 2
	out := make([]float64, 2*n)
	if n == 0 {
		return out
	}
	minX, maxX, minY, maxY := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for i := 0; i < n; i++ {
		x, y := float64(points[2*i]), float64(points[2*i+1])
		minX, maxX, minY, maxY = math.Min(minX, x), math.Max(maxX, x), math.Min(minY, y), math.Max(maxY, y)
	}
	span := math.Max(maxX-minX, maxY-minY)
	if span == 0 {
		span = 1
	}
	k := (size - 2*margin) / span
	ox := margin + (size-2*margin-(maxX-minX)*k)/2
	oy := margin + (size-2*margin-(maxY-minY)*k)/2
	for i := 0; i < n; i++ {
		out[2*i] = ox + (float64(points[2*i])-minX)*k
		out[2*i+1] = oy + (maxY-float64(points[2*i+1]))*k // y up
	}
	return out
}

// Nearest is the index of the framed point nearest (x, y) within radius,
// or −1.
func Nearest(framed []float64, x, y, radius float64) int {
	best, bestD := -1, radius*radius
	for i := 0; i < len(framed)/2; i++ {
		dx, dy := framed[2*i]-x, framed[2*i+1]-y
		if d := dx*dx + dy*dy; d <= bestD {
			best, bestD = i, d
		}
	}
	return best
}
