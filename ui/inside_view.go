package ui

import (
	"fmt"
	"sort"
	"strconv"
	"syscall/js"

	"honnef.co/go/js/dom/v2"

	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// Drawing of the Inside panel: the first layer's weights, feature maps,
// and the per-layer statistics charts with a table of the latest values.

// layerColors tell the layers apart in the statistics charts.
var layerColors = []string{"#2f6fdb", "#e07b1a", "#2e8b4c", "#b3261e", "#7b4fd6", "#13808f", "#c2408f", "#6b7280"}

// drawWeights shows the first layer's kernel: for a Dense layer reading
// the 784 pixels, each unit's 784 weights as a 28×28 image (up to 64
// units); for a Conv2D layer, each filter as a small image. Each image is
// scaled to its own largest |w| (blue < 0 < red), so its pattern shows
// whatever its size.
func drawWeights(host js.Value, s *InsideState) {
	p, typ := s.firstKernel()
	if p == nil {
		replaceKids(host, mkEl("p", "hint", "The weights appear once the model is built."))
		return
	}
	w := traceFloats(p.Data)
	grid := mkEl("div", "weight-grid", "")
	var note string
	switch {
	case typ == spec.TypeDense && len(p.Shape) == 2 && p.Shape[0] == protocol.ImageSize:
		units := p.Shape[1]
		for u := 0; u < min(units, maxTiles); u++ {
			col := make([]float32, protocol.ImageSize)
			for i := range col {
				col[i] = w[i*units+u]
			}
			cv := teachHeat(col, 28, 28, 28, 1, maxAbs32(col), fmt.Sprintf("weights of unit %d", u))
			cv.SetAttribute("title", fmt.Sprintf("unit %d of %s: |max| %s", u, layerLabel(s.Snap.Spec, p.Layer), fmtNum(maxAbs32(col))))
			cv.SetAttribute("data-unit", strconv.Itoa(u))
			grid.AppendChild(cv)
		}
		note = fmt.Sprintf("%s: each unit's 784 weights as a 28×28 image (%d of %d units). Red pixels push the unit up, blue ones down: the unit looks for that pattern.",
			layerLabel(s.Snap.Spec, p.Layer), min(units, maxTiles), units)
	case typ == spec.TypeConv2D && len(p.Shape) == 4:
		kh, kw, c, f := p.Shape[0], p.Shape[1], p.Shape[2], p.Shape[3]
		for fi := 0; fi < min(f, maxTiles); fi++ {
			filt := make([]float32, kh*kw) // channel 0 (MNIST has one)
			for i := range filt {
				filt[i] = w[i*c*f+fi]
			}
			cv := teachHeat(filt, kh, kw, kw, 1, maxAbs32(filt), fmt.Sprintf("filter %d", fi))
			cv.SetAttribute("data-unit", strconv.Itoa(fi))
			grid.AppendChild(cv)
		}
		note = fmt.Sprintf("%s: its %d filters (%d×%d, input channel 0). Each slides over the image; the feature maps below show where it fires.",
			layerLabel(s.Snap.Spec, p.Layer), f, kh, kw)
	default:
		replaceKids(host, mkEl("p", "hint", fmt.Sprintf("The first weights (%s, shape %s) do not read the image's pixels directly, so they are not drawn as images.",
			layerLabel(s.Snap.Spec, p.Layer), shapeStr(p.Shape))))
		return
	}
	caption := mkEl("p", "hint", note+fmt.Sprintf(" Weights after batch %d.", s.SnapBatch))
	replaceKids(host, grid, caption)
}

// layerLabel is "dense_1 (Dense)", numbered as the worker names layers.
func layerLabel(m spec.Model, i int) string {
	if i >= len(m.Layers) {
		return fmt.Sprintf("layer %d", i+1)
	}
	n := 0
	for _, l := range m.Layers[:i+1] {
		if l.Type == m.Layers[i].Type {
			n++
		}
	}
	t := m.Layers[i].Type
	return fmt.Sprintf("%s_%d (%s)", lower(t), n, t)
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// drawMaps shows the input and every image-shaped layer output of the
// traced test image.
func drawMaps(host js.Value, s *InsideState) {
	if !s.IsCNN() {
		replaceKids(host, mkEl("p", "hint", "This model has no convolutional layers. Choose a CNN preset (LeNet-5 or the small CNN) to see feature maps; the backprop panel shows every layer's output."))
		return
	}
	tr := s.Maps
	if tr == nil {
		replaceKids(host, mkEl("p", "hint", "The feature maps appear once the model is built."))
		return
	}
	els := []dom.Element{tensorView(traceFloats(tr.Input.Data), tr.Input.Shape, 0, fmt.Sprintf("test image %d", s.MapTraceIndex))}
	for _, l := range tr.Layers {
		if len(l.Output.Shape) != 3 {
			continue
		}
		sec := mkEl("div", "fmap-layer", "")
		sec.SetAttribute("data-layer", strconv.Itoa(l.Layer))
		sec.AppendChild(tensorView(traceFloats(l.Output.Data), l.Output.Shape, 0, fmt.Sprintf("%s (%s) output", l.Name, l.Type)))
		els = append(els, sec)
	}
	replaceKids(host, els...)
}

// drawStatsTable writes the latest per-layer statistics.
func drawStatsTable(host js.Value, s *InsideState) {
	if s.Latest == nil {
		replaceKids(host, mkEl("p", "hint", "Train (or Step) to see each layer's statistics."))
		return
	}
	t := mkEl("table", "stats-table", "")
	t.AppendChild(mkEl("caption", "", fmt.Sprintf("Batch %d: loss %s", s.Latest.GlobalBatch, fmtNum(s.Latest.Loss))))
	head := mkEl("tr", "", "")
	for _, h := range []string{"layer", "mean", "std", "dead ReLUs", "‖dL/dW‖", "‖W‖"} {
		head.AppendChild(mkEl("th", "", h))
	}
	t.AppendChild(head)
	for _, l := range s.Latest.Layers {
		r := mkEl("tr", "", "")
		r.SetAttribute("data-layer", strconv.Itoa(l.Layer))
		r.AppendChild(mkEl("td", "", l.Name))
		r.AppendChild(mkEl("td", "num", fmtNum(l.Mean)))
		r.AppendChild(mkEl("td", "num", fmtNum(l.Std)))
		dead := "–"
		if l.ReLU {
			dead = strconv.FormatFloat(l.Dead*100, 'f', 1, 64) + "%"
		}
		r.AppendChild(mkEl("td", "num", dead))
		g, w := "–", "–"
		if len(l.Params) > 0 {
			g, w = fmtNum(l.Params[0].GradNorm), fmtNum(l.Params[0].WeightNorm)
			r.SetAttribute("data-grad-norm", fmtExact(l.Params[0].GradNorm))
		}
		r.AppendChild(mkEl("td", "num", g))
		r.AppendChild(mkEl("td", "num", w))
		t.AppendChild(r)
	}
	replaceKids(host, t)
}

// statsSeries turns a layer → points map into chart series, one colour
// per layer, in layer order.
func statsSeries(m map[int][]Point, names map[int]string) []Series {
	layers := make([]int, 0, len(m))
	for l := range m {
		layers = append(layers, l)
	}
	sort.Ints(layers)
	var out []Series
	for i, l := range layers {
		out = append(out, Series{Name: names[l], Color: layerColors[i%len(layerColors)], Points: m[l]})
	}
	return out
}
