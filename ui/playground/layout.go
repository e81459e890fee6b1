package playground

import (
	"math"
	"strconv"

	"github.com/nnplay/nnplay/wasm/protocol"
)

// Where things are drawn: the data plot (the plane, y up) and the
// network's columns and nodes, in CSS pixels. Plain Go, tested natively.

// plotSize is the side of the data plot in CSS pixels.
const plotSize = 360

// Geometry of the network canvas, in CSS pixels. The controls above it
// (one column per layer) use the same side margins, so they line up.
const (
	netW, netH        = 600, 380
	netLeft, netRight = 48.0, 64.0
	nodeSize, nodeGap = 34.0, 10.0
)

// NetColumnX is the centre of column i of cols columns, in CSS pixels.
func NetColumnX(i, cols int) float64 {
	return netLeft + (float64(i)+0.5)*(netW-netLeft-netRight)/float64(cols)
}

// netNodeY is the top of node j of a column of n nodes.
func netNodeY(j, n int) float64 {
	total := float64(n)*(nodeSize+nodeGap) - nodeGap
	return math.Round((netH-total)/2 + float64(j)*(nodeSize+nodeGap))
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

// pointsPath is an SVG path of circles of radius r around the points of
// class k (xy holds x, y pairs in plane coordinates).
func pointsPath(xy []float32, labels []int, k int, r float64) string {
	b := make([]byte, 0, 64*len(labels)/2)
	num := func(v float64) { b = strconv.AppendFloat(b, math.Round(v*10)/10, 'f', -1, 64) }
	rs := strconv.FormatFloat(r, 'f', -1, 64)
	for i, l := range labels {
		if l != k || 2*i+1 >= len(xy) {
			continue
		}
		x, y := plotX(float64(xy[2*i])), plotY(float64(xy[2*i+1]))
		b = append(b, 'M')
		num(x - r)
		b = append(b, ' ')
		num(y)
		b = append(b, "a"+rs+" "+rs+" 0 1 0 "+strconv.FormatFloat(2*r, 'f', -1, 64)+" 0a"+rs+" "+rs+" 0 1 0 "+strconv.FormatFloat(-2*r, 'f', -1, 64)+" 0"...)
	}
	return string(b)
}

// plotX and plotY map plane coordinates to the plot's CSS pixels (y up).
func plotX(x float64) float64 {
	return (x - protocol.PlaneLo) / (protocol.PlaneHi - protocol.PlaneLo) * plotSize
}

func plotY(y float64) float64 {
	return (protocol.PlaneHi - y) / (protocol.PlaneHi - protocol.PlaneLo) * plotSize
}
