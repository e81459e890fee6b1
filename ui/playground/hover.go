//go:build js && wasm

package playground

import (
	"fmt"
	"math"
	"strings"
	"syscall/js"

	"github.com/nnplay/nnplay/wasm/protocol"
)

// Pointing at things: over the plot, a line gives the point's coordinates
// and the model's class probabilities there; over a node of the network,
// the plot shows that node's own heatmap at full size (as TensorFlow
// Playground does), live while training. Listeners are attached with
// syscall/js, not Vugu (a Vugu event re-renders the page), and do their
// work in a goroutine under the event lock.

// hover is what the pointer is over.
type hover struct {
	node     bool     // a network node: the plot shows its map
	col, row int      // the node's column (0: inputs) and place in it
	tip      js.Value // the line under the plot (in its host)
}

// hoverListeners attaches move and leave listeners to el. The canvases
// they go on are made once and move between hosts, so each gets them
// once.
func (p *Place) hoverListeners(el js.Value, move func(x, y, w, h float64), leave func()) {
	env := p.s.Env
	el.Call("addEventListener", "pointermove", js.FuncOf(func(_ js.Value, args []js.Value) any {
		e := args[0]
		x, y := e.Get("offsetX").Float(), e.Get("offsetY").Float()
		w, h := el.Get("clientWidth").Float(), el.Get("clientHeight").Float()
		go func() {
			env.Lock()
			defer env.UnlockOnly()
			move(x, y, w, h)
		}()
		return nil
	}))
	el.Call("addEventListener", "pointerleave", js.FuncOf(func(js.Value, []js.Value) any {
		go func() {
			env.Lock()
			defer env.UnlockOnly()
			leave()
		}()
		return nil
	}))
}

// attachPlotHover follows the pointer over the plot (its top canvas,
// the points).
func (p *Place) attachPlotHover(canvas js.Value) {
	v := p.view
	p.hoverListeners(canvas, func(x, y, w, h float64) {
		if w > 0 && h > 0 && !v.hover.node {
			v.setTip(p.pointText(x/w, y/h))
		}
	}, func() {
		if !v.hover.node {
			v.setTip("")
		}
	})
}

// attachNetHover follows the pointer over the network's nodes.
func (p *Place) attachNetHover(canvas js.Value) {
	v := p.view
	p.hoverListeners(canvas, func(x, y, w, _ float64) {
		if w <= 0 {
			return
		}
		col, row, ok := nodeAt(netColumns(p.Config), x*netW/w, y*netW/w)
		if ok == v.hover.node && col == v.hover.col && row == v.hover.row {
			return
		}
		v.hover.node, v.hover.col, v.hover.row = ok, col, row
		v.setTip(p.nodeText())
		v.drawRegions(p, p.Frame)
	}, func() {
		if v.hover.node {
			v.hover.node = false
			v.setTip("")
			v.drawRegions(p, p.Frame)
		}
	})
}

// setTip shows s under the plot ("" hides the line).
func (v *view) setTip(s string) {
	if !v.hover.tip.Truthy() {
		return
	}
	v.hover.tip.Set("textContent", s)
	v.hover.tip.Set("hidden", s == "")
}

// nodeAt finds the node at (x, y) in the network canvas's CSS pixels.
func nodeAt(cols []int, x, y float64) (col, row int, ok bool) {
	for ci, k := range cols {
		if math.Abs(x-NetColumnX(ci, len(cols))) > nodeSize/2 {
			continue
		}
		for j := 0; j < k; j++ {
			if top := netNodeY(j, k); y >= top && y <= top+nodeSize {
				return ci, j, true
			}
		}
	}
	return 0, 0, false
}

// nodeText names the hovered node and its range.
func (p *Place) nodeText() string {
	v := p.view
	if !v.hover.node {
		return ""
	}
	c := p.Config
	hidden := c.NetColumns()
	switch col, j := v.hover.col, v.hover.row; {
	case col == 0 && j < len(c.Features):
		return "Showing input " + FeatureLabel(c.Features[j]) + " over the plane"
	case col == len(hidden)+1:
		return fmt.Sprintf("Showing the probability of class %d", j)
	case col > 0 && col <= len(hidden):
		s := fmt.Sprintf("Showing hidden layer %d, unit %d (%s)", col, j+1, hidden[col-1].Label)
		if f := p.Frame; f != nil {
			for _, m := range f.Units {
				if m.Layer == hidden[col-1].Shown && m.Unit == j {
					s += fmt.Sprintf(": %.3g to %.3g", m.Lo, m.Hi)
				}
			}
		}
		return s
	}
	return ""
}

// pointText describes the plot's point at fractions (fx, fy) of its size:
// coordinates, then each class's probability in the last frame.
func (p *Place) pointText(fx, fy float64) string {
	span := float64(protocol.PlaneHi - protocol.PlaneLo)
	s := fmt.Sprintf("x %.2f, y %.2f", protocol.PlaneLo+fx*span, protocol.PlaneHi-fy*span)
	f := p.Frame
	if f == nil || f.Grid < 1 || f.Classes < 1 {
		return s
	}
	c, r := min(int(fx*float64(f.Grid)), f.Grid-1), min(int(fy*float64(f.Grid)), f.Grid-1)
	i := (max(r, 0)*f.Grid + max(c, 0)) * f.Classes
	if i+f.Classes > len(f.Probs) {
		return s
	}
	parts := []string{s}
	for k := 0; k < f.Classes; k++ {
		parts = append(parts, fmt.Sprintf("class %d %.0f%%", k, float64(f.Probs[i+k])/2.55))
	}
	return strings.Join(parts, " · ")
}
