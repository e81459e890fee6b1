package drawing

import (
	"math"
	"testing"
)

// drawingCanvas returns a w×h drawing with the rectangle [x0,x1)×[y0,y1) inked at v.
func drawingCanvas(w, h, x0, y0, x1, y1 int, v float32) []float32 {
	g := make([]float32, w*h)
	for y := y0; y < y1; y++ {
		for x := x0; x < x1; x++ {
			g[y*w+x] = v
		}
	}
	return g
}

// drawingGeometry measures a 28×28 result: the inked bounding box (inclusive) and
// the centre of mass in pixel-centre coordinates.
func drawingGeometry(t *testing.T, img []float32) (x0, y0, x1, y1 int, cx, cy float64) {
	t.Helper()
	if len(img) != Side*Side {
		t.Fatalf("got %d values, want %d", len(img), Side*Side)
	}
	x0, y0, x1, y1 = Side, Side, -1, -1
	var mass float64
	for i, v := range img {
		if math.IsNaN(float64(v)) || v < 0 || v > 1 {
			t.Fatalf("value %d is %v, want a number in [0,1]", i, v)
		}
		if v == 0 {
			continue
		}
		x, y := i%Side, i/Side
		x0, x1, y0, y1 = min(x0, x), max(x1, x), min(y0, y), max(y1, y)
		mass += float64(v)
		cx += float64(v) * (float64(x) + 0.5)
		cy += float64(v) * (float64(y) + 0.5)
	}
	if mass > 0 {
		cx, cy = cx/mass, cy/mass
	}
	return
}

func TestPreprocessCentredSquareStaysCentred(t *testing.T) {
	// A 20×20 square in the middle of a 100×100 pad: the box needs no
	// scaling and lands on rows and columns 4..23, mass centre (14, 14).
	img := Preprocess(drawingCanvas(100, 100, 40, 40, 60, 60, 1), 100, 100)
	x0, y0, x1, y1, cx, cy := drawingGeometry(t, img)
	if x0 != 4 || y0 != 4 || x1 != 23 || y1 != 23 {
		t.Errorf("ink box = (%d,%d)-(%d,%d), want (4,4)-(23,23)", x0, y0, x1, y1)
	}
	if math.Abs(cx-14) > 1e-9 || math.Abs(cy-14) > 1e-9 {
		t.Errorf("centre of mass = (%.3f, %.3f), want (14, 14)", cx, cy)
	}
	for i, v := range img {
		x, y := i%Side, i/Side
		inside := x >= 4 && x <= 23 && y >= 4 && y <= 23
		if inside && v != 1 {
			t.Fatalf("pixel (%d,%d) = %v inside the square, want 1", x, y, v)
		}
	}
}

func TestPreprocessCentresAnOffCentreStroke(t *testing.T) {
	// A vertical stroke near the top-left corner of a 200×200 pad.
	img := Preprocess(drawingCanvas(200, 200, 10, 20, 20, 100, 1), 200, 200)
	x0, y0, x1, y1, cx, cy := drawingGeometry(t, img)
	if h := y1 - y0 + 1; h != Box {
		t.Errorf("stroke height = %d pixels, want %d (longer side scaled to the box)", h, Box)
	}
	if w := x1 - x0 + 1; w < 2 || w > 3 {
		t.Errorf("stroke width = %d pixels, want 2..3 (10/80 of 20, aspect kept)", w)
	}
	if math.Abs(cx-14) > 0.5 || math.Abs(cy-14) > 0.5 {
		t.Errorf("centre of mass = (%.3f, %.3f), want within half a pixel of (14, 14)", cx, cy)
	}
}

func TestPreprocessKeepsAspectAndScalesUp(t *testing.T) {
	// A small 6 wide × 3 tall blob is scaled up to 20 × 10.
	img := Preprocess(drawingCanvas(50, 40, 30, 5, 36, 8, 1), 50, 40)
	x0, y0, x1, y1, _, _ := drawingGeometry(t, img)
	if w, h := x1-x0+1, y1-y0+1; w != 20 || h != 10 {
		t.Errorf("ink box = %d×%d, want 20×10", w, h)
	}
	for y := y0; y <= y1; y++ {
		for x := x0; x <= x1; x++ {
			if v := img[y*Side+x]; v != 1 {
				t.Fatalf("pixel (%d,%d) = %v, want 1 (a solid blob stays solid)", x, y, v)
			}
		}
	}
}

func TestPreprocessAveragesWhenShrinking(t *testing.T) {
	// A 40×40 box whose left half is ink at 1 and right half empty except
	// one column at the far right: shrinking by 2 averages pixel pairs.
	g := drawingCanvas(40, 40, 0, 0, 20, 40, 1)
	for y := 0; y < 40; y++ {
		g[y*40+39] = 1
	}
	img := Preprocess(g, 40, 40)
	x0, _, x1, _, _, _ := drawingGeometry(t, img)
	if x1-x0+1 != 20 {
		t.Fatalf("ink box width = %d, want 20", x1-x0+1)
	}
	row := img[10*Side : 11*Side]
	if row[x0] != 1 || row[x0+9] != 1 {
		t.Errorf("left half = %v, %v, want 1", row[x0], row[x0+9])
	}
	if row[x1] != 0.5 {
		t.Errorf("last column = %v, want 0.5 (one inked source column of two)", row[x1])
	}
	if row[x0+12] != 0 {
		t.Errorf("empty area = %v, want 0", row[x0+12])
	}
}

func TestPreprocessBadInputGivesZeros(t *testing.T) {
	nan := float32(math.NaN())
	cases := []struct {
		name string
		gray []float32
		w, h int
	}{
		{"empty drawing", make([]float32, 280*280), 280, 280},
		{"all NaN", drawingCanvas(10, 10, 0, 0, 10, 10, nan), 10, 10},
		{"negative ink", drawingCanvas(10, 10, 0, 0, 10, 10, -3), 10, 10},
		{"length is not w×h", make([]float32, 99), 10, 10},
		{"zero width", nil, 0, 10},
		{"negative height", make([]float32, 10), 10, -1},
	}
	for _, c := range cases {
		img := Preprocess(c.gray, c.w, c.h)
		if len(img) != Side*Side {
			t.Fatalf("%s: got %d values, want 784", c.name, len(img))
		}
		for i, v := range img {
			if v != 0 {
				t.Fatalf("%s: value %d = %v, want 0", c.name, i, v)
			}
		}
	}
}

func TestPreprocessClampsInk(t *testing.T) {
	img := Preprocess(drawingCanvas(30, 30, 5, 5, 25, 25, 7), 30, 30)
	_, _, _, _, cx, cy := drawingGeometry(t, img) // fails on values outside [0,1]
	if math.Abs(cx-14) > 1e-9 || math.Abs(cy-14) > 1e-9 {
		t.Errorf("centre of mass = (%.3f, %.3f), want (14, 14)", cx, cy)
	}
}
