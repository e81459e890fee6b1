package playground

import (
	"reflect"
	"strings"
	"testing"

	"github.com/nnplay/nnplay/wasm/protocol"
)

// What the drawings show, without a canvas: where the nodes and points
// go, the colours of the regions and maps, and the tips' texts.

// Every node's centre finds that node; the gaps between columns and
// between nodes find none.
func TestNodeAtFindsEachNode(t *testing.T) {
	cols := []int{3, 8, 3, 2}
	for ci, k := range cols {
		x := NetColumnX(ci, len(cols))
		for j := 0; j < k; j++ {
			y := netNodeY(j, k) + nodeSize/2
			if col, row, ok := nodeAt(cols, x, y); !ok || col != ci || row != j {
				t.Errorf("the centre of node %d of column %d finds (%d, %d, %v)", j, ci, col, row, ok)
			}
			if j > 0 {
				if _, _, ok := nodeAt(cols, x, netNodeY(j, k)-nodeGap/2); ok {
					t.Errorf("the gap above node %d of column %d finds a node", j, ci)
				}
			}
		}
		if ci > 0 {
			if _, _, ok := nodeAt(cols, (x+NetColumnX(ci-1, len(cols)))/2, netH/2); ok {
				t.Errorf("the space before column %d finds a node", ci)
			}
		}
	}
	if top, bottom := netNodeY(0, 8), netNodeY(7, 8)+nodeSize; top < 0 || bottom > netH || top+bottom != netH {
		t.Errorf("a column of 8 spans %v to %v of %v: not centred inside the canvas", top, bottom, netH)
	}
}

// The plot puts the plane's corners at its corners, y up, and draws each
// point of a class as one circle.
func TestPlotPlacesThePoints(t *testing.T) {
	if plotX(protocol.PlaneLo) != 0 || plotX(protocol.PlaneHi) != plotSize || plotY(protocol.PlaneHi) != 0 || plotY(protocol.PlaneLo) != plotSize {
		t.Errorf("corners at x %v..%v, y %v..%v", plotX(protocol.PlaneLo), plotX(protocol.PlaneHi), plotY(protocol.PlaneHi), plotY(protocol.PlaneLo))
	}
	xy := []float32{0, 0, 6, 6, -6, -6}
	labels := []int{0, 1, 0}
	if got, want := pointsPath(xy, labels, 1, 3.5), "M356.5 0a3.5 3.5 0 1 0 7 0a3.5 3.5 0 1 0 -7 0"; got != want {
		t.Errorf("class 1: %q, want %q", got, want)
	}
	if got := pointsPath(xy, labels, 0, 3.5); strings.Count(got, "M") != 2 || !strings.HasPrefix(got, "M176.5 180a") || !strings.Contains(got, "M-3.5 360a") {
		t.Errorf("class 0: %q; want circles at (180, 180) and (0, 360)", got)
	}
	if got := pointsPath(xy[:3], labels, 1, 3.5); got != "" {
		t.Errorf("a label without its y: %q", got)
	}
}

// Regions blend the class colours by probability, or take the likeliest
// class's when discretized; no probability at all is white.
func TestRegionPixels(t *testing.T) {
	colors := [][3]uint8{{0, 0, 200}, {200, 100, 0}}
	probs := []byte{255, 0, 51, 204, 0, 0}
	rgba := make([]byte, 3*4)
	regionPixels(rgba, probs, 2, colors, false)
	want := []byte{0, 0, 200, 255, 160, 80, 40, 255, 255, 255, 255, 255}
	if !reflect.DeepEqual(rgba, want) {
		t.Errorf("blended %v, want %v", rgba, want)
	}
	regionPixels(rgba, probs, 2, colors, true)
	want = []byte{0, 0, 200, 255, 200, 100, 0, 255, 0, 0, 200, 255}
	if !reflect.DeepEqual(rgba, want) {
		t.Errorf("discretized %v, want %v", rgba, want)
	}
	if l := lighten([3]uint8{8, 119, 189}, 0.5); l != [3]uint8{132, 187, 222} {
		t.Errorf("lighten half: %v", l)
	}
	// The regions' colours are the classes', lighter (the points, in the
	// classes' own colours, stand out on them), and all distinct.
	seen := map[[3]uint8]bool{}
	for k, c := range regionColors {
		for i := range c {
			if c[i] < ClassColors[k][i] || c == [3]uint8{255, 255, 255} || c == ClassColors[k] || seen[c] {
				t.Errorf("class %d: region colour %v for class colour %v", k, c, ClassColors[k])
				break
			}
		}
		seen[c] = true
	}
}

// A hidden unit's map is white at 0, full blue at its largest positive
// value and orange, as far from white as the value is from 0, below.
func TestUnitPixelsAreSymmetricAboutZero(t *testing.T) {
	m := protocol.UnitMap{Lo: -1, Hi: 2, Values: []byte{0, 85, 255}}
	img := make([]byte, 3*4)
	unitPixels(img, m)
	want := []byte{250, 201, 145, 255, 255, 255, 255, 255, netPosR, netPosG, netPosB, 255}
	if !reflect.DeepEqual(img, want) {
		t.Errorf("pixels %v, want %v", img, want)
	}
}

// The tips: a point of the plot with the last frame's probabilities there,
// and a node of the network.
func TestTips(t *testing.T) {
	p, _ := newTestPlace()
	if got := p.pointText(0.5, 0.5); got != "x 0.00, y 0.00" {
		t.Errorf("before a frame: %q", got)
	}
	p.Frame = &protocol.PlaygroundFrame{Grid: 2, Classes: 2, Probs: []byte{255, 0, 0, 255, 51, 204, 128, 127},
		Units: []protocol.UnitMap{{Layer: 0, Unit: 1, Lo: -0.5, Hi: 0.75}}}
	for _, c := range []struct {
		fx, fy float64
		want   string
	}{
		{0, 0, "x -6.00, y 6.00 · class 0 100% · class 1 0%"},
		{0.75, 0.25, "x 3.00, y 3.00 · class 0 0% · class 1 100%"},
		{0.25, 0.75, "x -3.00, y -3.00 · class 0 20% · class 1 80%"},
		{1, 1, "x 6.00, y -6.00 · class 0 50% · class 1 50%"},
	} {
		if got := p.pointText(c.fx, c.fy); got != c.want {
			t.Errorf("pointText(%v, %v) = %q, want %q", c.fx, c.fy, got, c.want)
		}
	}
	for _, c := range []struct {
		col, row int
		want     string
	}{
		{0, 1, "Showing input y over the plane"},
		{1, 1, "Showing hidden layer 1, unit 2 (tanh): -0.5 to 0.75"},
		{2, 0, "Showing hidden layer 2, unit 1 (tanh)"},
		{3, 1, "Showing the probability of class 1"},
		{0, 2, ""},
	} {
		if got := p.nodeText(c.col, c.row); got != c.want {
			t.Errorf("nodeText(%d, %d) = %q, want %q", c.col, c.row, got, c.want)
		}
	}
}
