//go:build js && wasm

package inside

import (
	"fmt"
	"sort"
	"strconv"
	"syscall/js"

	"honnef.co/go/js/dom/v2"

	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/ui/chart"
	"github.com/nnplay/nnplay/ui/draw"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// Drawing of the layers panel: the first layer's weights, feature maps,
// and the per-layer statistics charts with a table of the latest values.

// layerColors tell the layers apart in the statistics charts.
var layerColors = []string{"#2f6fdb", "#e07b1a", "#2e8b4c", "#b3261e", "#7b4fd6", "#13808f", "#c2408f", "#6b7280"}

// drawWeights shows the first layer's kernel: for a Dense layer reading
// the 784 pixels, each unit's 784 weights as a 28×28 image (up to 64
// units); for a Conv2D layer, each filter as a small image. Each image is
// scaled to its own largest |w| (blue < 0 < red), so its pattern shows
// whatever its size.
func drawWeights(host js.Value, s *Layers) {
	p, typ := s.firstKernel()
	if p == nil {
		draw.ReplaceKids(host, draw.El("p", "hint", "The weights appear once the model is built."))
		return
	}
	w := draw.Floats(p.Data)
	grid := draw.El("div", "weight-grid", "")
	var note string
	switch {
	case typ == spec.TypeDense && len(p.Shape) == 2 && p.Shape[0] == protocol.ImageSize:
		units := p.Shape[1]
		for u := 0; u < min(units, draw.MaxTiles); u++ {
			col := make([]float32, protocol.ImageSize)
			for i := range col {
				col[i] = w[i*units+u]
			}
			cv := draw.Heat(col, 28, 28, 28, 1, draw.MaxAbs(col), fmt.Sprintf("weights of unit %d", u))
			cv.SetAttribute("title", fmt.Sprintf("unit %d of %s: |max| %s", u, layerLabel(s.Snap.Spec, p.Layer), draw.Num(draw.MaxAbs(col))))
			cv.SetAttribute("data-unit", strconv.Itoa(u))
			grid.AppendChild(cv)
		}
		note = fmt.Sprintf("%s: each unit's 784 weights as a 28×28 image (%d of %d units). Red pixels push the unit up, blue ones down: the unit looks for that pattern.",
			layerLabel(s.Snap.Spec, p.Layer), min(units, draw.MaxTiles), units)
	case typ == spec.TypeConv2D && len(p.Shape) == 4:
		kh, kw, c, f := p.Shape[0], p.Shape[1], p.Shape[2], p.Shape[3]
		for fi := 0; fi < min(f, draw.MaxTiles); fi++ {
			filt := make([]float32, kh*kw) // channel 0 (MNIST has one)
			for i := range filt {
				filt[i] = w[i*c*f+fi]
			}
			cv := draw.Heat(filt, kh, kw, kw, 1, draw.MaxAbs(filt), fmt.Sprintf("filter %d", fi))
			cv.SetAttribute("data-unit", strconv.Itoa(fi))
			grid.AppendChild(cv)
		}
		note = fmt.Sprintf("%s: its %d filters (%d×%d, input channel 0). Each slides over the image; the feature maps below show where it fires.",
			layerLabel(s.Snap.Spec, p.Layer), f, kh, kw)
	default:
		draw.ReplaceKids(host, draw.El("p", "hint", fmt.Sprintf("The first weights (%s, shape %s) do not read the image's pixels directly, so they are not drawn as images.",
			layerLabel(s.Snap.Spec, p.Layer), draw.ShapeText(p.Shape))))
		return
	}
	caption := draw.El("p", "hint", note+fmt.Sprintf(" Weights after batch %d.", s.SnapBatch))
	draw.ReplaceKids(host, grid, caption)
}

// drawMaps shows the input and every image-shaped layer output of the
// traced test image.
func drawMaps(host js.Value, s *Layers) {
	if !s.IsCNN() {
		draw.ReplaceKids(host, draw.El("p", "hint", "This model has no convolutional layers. Choose a CNN preset (LeNet-5 or the small CNN) in Build & train to see feature maps; the backprop step-through (Learn) shows every layer's output."))
		return
	}
	tr := s.Maps
	if tr == nil {
		draw.ReplaceKids(host, draw.El("p", "hint", "The feature maps appear once the model is built."))
		return
	}
	els := []dom.Element{draw.TensorView(draw.Floats(tr.Input.Data), tr.Input.Shape, 0, fmt.Sprintf("test image %d", s.MapTraceIndex))}
	for _, l := range tr.Layers {
		if len(l.Output.Shape) != 3 {
			continue
		}
		sec := draw.El("div", "fmap-layer", "")
		sec.SetAttribute("data-layer", strconv.Itoa(l.Layer))
		sec.AppendChild(draw.TensorView(draw.Floats(l.Output.Data), l.Output.Shape, 0, fmt.Sprintf("%s (%s) output", l.Name, l.Type)))
		els = append(els, sec)
	}
	draw.ReplaceKids(host, els...)
}

// drawStatsTable writes the latest per-layer statistics.
func drawStatsTable(host js.Value, s *Layers) {
	if s.Latest == nil {
		draw.ReplaceKids(host, draw.El("p", "hint", "Train (or Step) to see each layer's statistics."))
		return
	}
	t := draw.El("table", "stats-table", "")
	t.AppendChild(draw.El("caption", "", fmt.Sprintf("Batch %d: loss %s", s.Latest.GlobalBatch, draw.Num(s.Latest.Loss))))
	head := draw.El("tr", "", "")
	for _, h := range []string{"layer", "mean", "std", "dead ReLUs", "‖dL/dW‖", "‖W‖"} {
		head.AppendChild(draw.El("th", "", h))
	}
	t.AppendChild(head)
	for _, l := range s.Latest.Layers {
		r := draw.El("tr", "", "")
		r.SetAttribute("data-layer", strconv.Itoa(l.Layer))
		r.AppendChild(draw.El("td", "", l.Name))
		r.AppendChild(draw.El("td", "num", draw.Num(l.Mean)))
		r.AppendChild(draw.El("td", "num", draw.Num(l.Std)))
		dead := "–"
		if l.ReLU {
			dead = strconv.FormatFloat(l.Dead*100, 'f', 1, 64) + "%"
		}
		r.AppendChild(draw.El("td", "num", dead))
		g, w := "–", "–"
		if len(l.Params) > 0 {
			g, w = draw.Num(l.Params[0].GradNorm), draw.Num(l.Params[0].WeightNorm)
			r.SetAttribute("data-grad-norm", draw.Exact(l.Params[0].GradNorm))
		}
		r.AppendChild(draw.El("td", "num", g))
		r.AppendChild(draw.El("td", "num", w))
		t.AppendChild(r)
	}
	draw.ReplaceKids(host, t)
}

// statsSeries turns a layer → points map into chart series, one colour
// per layer, in layer order.
func statsSeries(m map[int][]chart.Point, names map[int]string) []chart.Series {
	layers := make([]int, 0, len(m))
	for l := range m {
		layers = append(layers, l)
	}
	sort.Ints(layers)
	var out []chart.Series
	for i, l := range layers {
		out = append(out, chart.Series{Name: names[l], Color: layerColors[i%len(layerColors)], Points: m[l]})
	}
	return out
}
