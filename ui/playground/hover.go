//go:build js && wasm

package playground

import "syscall/js"

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
		tip := ""
		if ok {
			tip = p.nodeText(col, row)
		}
		v.setTip(tip)
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
