//go:build js && wasm

package playground

import (
	"math"
	"strconv"
	"strings"
	"syscall/js"

	"github.com/nnplay/nnplay/engine/data/features"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// The network drawing: a column of input features, one per hidden layer
// and one of outputs. Every node is a small heatmap of its value over the
// plane (features computed here, hidden units from the frame's unit maps,
// outputs from its class probabilities); links between nodes are drawn
// with thickness and colour by weight (blue positive, orange negative).

// netView draws the network on its canvas; node images are composed in
// one RGBA buffer (a sprite sheet, nodes side by side) and copied in once.
type netView struct {
	dpr         float64
	canvas, ctx js.Value
	sheet, sctx js.Value // the sprite sheet
	sheetImg    js.Value
	sheetNodes  int
	buf         []byte

	featKey  string   // the features featMaps hold
	featMaps [][]byte // per feature, grid² RGBA pixels
}

// mount puts the network's canvas (made the first time) in host; the
// caller redraws it.
func (n *netView) mount(p *Place, host js.Value) {
	if n.canvas.Truthy() && n.canvas.Get("parentNode").Equal(host) {
		return
	}
	if !n.canvas.Truthy() {
		n.dpr = devicePixelRatio()
		n.canvas = newCanvas(int(netW*n.dpr), int(netH*n.dpr))
		n.canvas.Call("setAttribute", "role", "img")
		n.canvas.Call("setAttribute", "aria-label", "The network: each node's output over the plane, links coloured and sized by weight")
		n.ctx = n.canvas.Call("getContext", "2d")
		n.sheet = newCanvas(grid, grid)
		n.sctx = n.sheet.Call("getContext", "2d")
		n.sheetNodes = 0
		p.attachNetHover(n.canvas)
	}
	host.Call("replaceChildren", n.canvas)
}

// draw redraws the whole network for frame f (nil: links and nodes blank).
func (n *netView) draw(p *Place, f *protocol.PlaygroundFrame) {
	if !n.ctx.Truthy() {
		return
	}
	c := p.Config
	cols := netColumns(c)
	ctx := n.ctx
	ctx.Call("setTransform", n.dpr, 0, 0, n.dpr, 0, 0)
	ctx.Call("clearRect", 0, 0, netW, netH)
	if f != nil && len(f.Params) > 0 {
		n.drawLinks(cols, kernelColumns(c), f.Params)
	}
	n.drawNodes(c, cols, f)
	n.drawLabels(c, cols)
}

// drawLinks strokes every weight of the kernels as a curve; links are
// grouped by sign and thickness so that a group is one path.
func (n *netView) drawLinks(cols []int, kernelCol map[int]int, params []protocol.ParamData) {
	const levels = 8
	var groups [2][levels][]byte
	num := func(b []byte, v float64) []byte { return strconv.AppendFloat(b, math.Round(v*10)/10, 'f', -1, 64) }
	for _, pd := range params {
		l := kernelCol[pd.Layer] - 1 // the column the links start in
		if pd.Name != "kernel" || l < 0 || l+1 >= len(cols) || len(pd.Shape) != 2 || pd.Shape[0] != cols[l] || pd.Shape[1] != cols[l+1] {
			continue
		}
		w, err := protocol.BytesToFloats(pd.Data)
		if err != nil {
			continue
		}
		x0 := NetColumnX(l, len(cols)) + nodeSize/2
		x1 := NetColumnX(l+1, len(cols)) - nodeSize/2
		xm := (x0 + x1) / 2
		for i := 0; i < cols[l]; i++ {
			y0 := netNodeY(i, cols[l]) + nodeSize/2
			for j := 0; j < cols[l+1]; j++ {
				v := float64(w[i*cols[l+1]+j])
				if v != v {
					continue
				}
				sign, level := 0, int(math.Min(math.Abs(v), 4)/4*(levels-1)+0.5)
				if v < 0 {
					sign = 1
				}
				y1 := netNodeY(j, cols[l+1]) + nodeSize/2
				b := append(groups[sign][level], 'M')
				b = num(b, x0)
				b = append(b, ' ')
				b = num(b, y0)
				b = append(b, 'C')
				for _, q := range []float64{xm, y0, xm, y1, x1, y1} {
					b = num(b, q)
					b = append(b, ' ')
				}
				groups[sign][level] = b
			}
		}
	}
	path2 := js.Global().Get("Path2D")
	for sign, colour := range []string{"8,119,189", "245,147,34"} {
		for level, s := range groups[sign] {
			if len(s) == 0 {
				continue
			}
			f := float64(level) / (levels - 1)
			n.ctx.Set("strokeStyle", "rgba("+colour+","+strconv.FormatFloat(0.25+0.7*f, 'f', 2, 64)+")")
			n.ctx.Set("lineWidth", 0.6+5*f)
			n.ctx.Call("stroke", path2.New(string(s)))
		}
	}
}

// drawNodes composes every node's heatmap into the sprite sheet, copies
// it in once and draws each node from it.
func (n *netView) drawNodes(c Config, cols []int, f *protocol.PlaygroundFrame) {
	total := 0
	for _, k := range cols {
		total += k
	}
	const px = grid * grid * 4
	if len(n.buf) != total*px {
		n.buf = make([]byte, total*px)
	}
	if n.sheetNodes != total {
		n.sheet.Set("width", grid*total)
		n.sheetImg = n.sctx.Call("createImageData", grid*total, grid)
		n.sheetNodes = total
	}
	img := make([]byte, px)
	node := 0
	for ci, k := range cols {
		for j := 0; j < k; j++ {
			n.nodeImage(img, c, f, ci, j)
			for r := 0; r < grid; r++ {
				copy(n.buf[(r*grid*total+node*grid)*4:], img[r*grid*4:(r+1)*grid*4])
			}
			node++
		}
	}
	js.CopyBytesToJS(n.sheetImg.Get("data"), n.buf)
	n.sctx.Call("putImageData", n.sheetImg, 0, 0)

	node = 0
	var frames []byte
	for ci, k := range cols {
		x := math.Round(NetColumnX(ci, len(cols)) - nodeSize/2)
		for j := 0; j < k; j++ {
			y := netNodeY(j, k)
			n.ctx.Call("drawImage", n.sheet, node*grid, 0, grid, grid, x, y, nodeSize, nodeSize)
			frames = append(frames, ("M" + ftoa(x-0.5) + " " + ftoa(y-0.5) + "h" + ftoa(nodeSize+1) + "v" + ftoa(nodeSize+1) + "h" + ftoa(-nodeSize-1) + "z")...)
			node++
		}
	}
	n.ctx.Set("strokeStyle", "#5b6470")
	n.ctx.Set("lineWidth", 1)
	n.ctx.Call("stroke", js.Global().Get("Path2D").New(string(frames)))
}

// nodeImage writes node j of column col as grid² RGBA pixels: an
// input feature, a hidden unit (from the frame's unit maps) or an output
// class's probability. Without its data the node is blank grey.
func (n *netView) nodeImage(img []byte, c Config, f *protocol.PlaygroundFrame, col, j int) {
	hidden := c.NetColumns()
	last := len(hidden) + 1
	switch {
	case col == 0:
		if maps := n.featureMaps(c.Features); j < len(maps) {
			copy(img, maps[j])
			return
		}
	case col == last && f != nil && f.Classes == c.Classes && j < c.Classes && len(f.Probs) == grid*grid*f.Classes:
		for i := 0; i < grid*grid; i++ {
			shade(img[4*i:], ClassColors[j], float64(f.Probs[i*f.Classes+j])/255)
		}
		return
	case col > 0 && col < last && f != nil:
		for _, m := range f.Units {
			if m.Layer == hidden[col-1].Shown && m.Unit == j && len(m.Values) == grid*grid {
				unitPixels(img, m)
				return
			}
		}
	}
	for i := range img {
		img[i] = 244
	}
}

// drawLabels names the inputs and the output classes.
func (n *netView) drawLabels(c Config, cols []int) {
	ctx := n.ctx
	ctx.Set("font", "12px system-ui, sans-serif")
	ctx.Set("textBaseline", "middle")
	ctx.Set("textAlign", "right")
	ctx.Set("fillStyle", "#2b313a")
	x := NetColumnX(0, len(cols)) - nodeSize/2 - 6
	for j, f := range c.Features {
		ctx.Call("fillText", FeatureLabel(f), x, netNodeY(j, len(c.Features))+nodeSize/2)
	}
	ctx.Set("textAlign", "left")
	x = NetColumnX(len(cols)-1, len(cols)) + nodeSize/2 + 6
	for k := 0; k < c.Classes; k++ {
		ctx.Set("fillStyle", ClassColorsCSS[k])
		ctx.Call("fillText", "class "+strconv.Itoa(k), x, netNodeY(k, c.Classes)+nodeSize/2)
	}
}

// featureMaps are the input features over the plane (cached per list).
func (n *netView) featureMaps(names []string) [][]byte {
	key := strings.Join(names, ",")
	if key == n.featKey && len(n.featMaps) == len(names) {
		return n.featMaps
	}
	n.featKey, n.featMaps = key, nil
	points, err := features.GridPoints(grid, protocol.PlaneLo, protocol.PlaneHi)
	if err != nil {
		return nil
	}
	values, err := features.Expand(points, names)
	if err != nil {
		return nil
	}
	k := len(names)
	for fi := range names {
		peak := 0.0
		for i := 0; i < grid*grid; i++ {
			peak = math.Max(peak, math.Abs(float64(values[i*k+fi])))
		}
		img := make([]byte, grid*grid*4)
		for i := 0; i < grid*grid; i++ {
			t := 0.0
			if peak > 0 {
				t = float64(values[i*k+fi]) / peak
			}
			diverging(img[4*i:], t)
		}
		n.featMaps = append(n.featMaps, img)
	}
	return n.featMaps
}

func ftoa(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
