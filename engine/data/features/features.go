// Package features computes the input features of a 2-D point (x, y) that
// TensorFlow Playground offers: x, y, x², y², xy, sin x, sin y.
//
// It imports no tensor code, so the page can name, check and draw features
// without loading the training engine (engine/data builds data sets on it).
package features

import (
	"fmt"
	"math"
	"strings"
)

// Feature names. A network given x² and y² can draw a circle with one
// linear layer.
const (
	X    = "x"
	Y    = "y"
	X2   = "x2"   // x²
	Y2   = "y2"   // y²
	XY   = "xy"   // x·y
	SinX = "sinx" // sin x
	SinY = "siny" // sin y
)

// All lists every feature, in the playground's order.
var All = []string{X, Y, X2, Y2, XY, SinX, SinY}

// Value computes one feature of the point (x, y). It panics on an unknown
// name: Check guards every caller.
func Value(name string, x, y float64) float64 {
	switch name {
	case X:
		return x
	case Y:
		return y
	case X2:
		return x * x
	case Y2:
		return y * y
	case XY:
		return x * y
	case SinX:
		return math.Sin(x)
	case SinY:
		return math.Sin(y)
	}
	panic("features: unknown feature " + name)
}

// Check says whether names is a usable list: 1 to 7 known names, none twice.
func Check(names []string) error {
	if len(names) == 0 {
		return fmt.Errorf("features: none chosen; pick at least one of %s", strings.Join(All, ", "))
	}
	seen := map[string]bool{}
	for i, f := range names {
		known := false
		for _, k := range All {
			known = known || k == f
		}
		if !known {
			return fmt.Errorf("features: %d (%q) is not a feature; use %s", i+1, f, strings.Join(All, ", "))
		}
		if seen[f] {
			return fmt.Errorf("features: %q is chosen twice", f)
		}
		seen[f] = true
	}
	return nil
}

// MaxGrid bounds GridPoints' n: 256×256 points.
const MaxGrid = 256

// GridPoints returns the n×n points of a heatmap over [lo, hi]² as (x, y)
// pairs, row-major. Point (row r, column c) is the centre of that pixel:
// x = lo + (c + ½)·(hi − lo)/n and, so that row 0 is the top of the
// picture, y = hi − (r + ½)·(hi − lo)/n.
func GridPoints(n int, lo, hi float64) ([]float32, error) {
	if n < 1 || n > MaxGrid {
		return nil, fmt.Errorf("grid: size must be 1 to %d, got %d", MaxGrid, n)
	}
	if !(lo < hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		return nil, fmt.Errorf("grid: want finite bounds lo < hi, got [%g, %g]", lo, hi)
	}
	step := (hi - lo) / float64(n)
	points := make([]float32, 2*n*n)
	for r := range n {
		y := hi - (float64(r)+0.5)*step
		for c := range n {
			i := r*n + c
			points[2*i] = float32(lo + (float64(c)+0.5)*step)
			points[2*i+1] = float32(y)
		}
	}
	return points, nil
}

// Expand maps 2-D points (x, y pairs) to the named features of each point,
// len(names) values per point, in that order.
func Expand(points []float32, names []string) ([]float32, error) {
	if err := Check(names); err != nil {
		return nil, err
	}
	if len(points)%2 != 0 {
		return nil, fmt.Errorf("features: %d values are not (x, y) pairs", len(points))
	}
	k := len(names)
	out := make([]float32, len(points)/2*k)
	for i := range len(points) / 2 {
		x, y := float64(points[2*i]), float64(points[2*i+1])
		for j, f := range names {
			out[i*k+j] = float32(Value(f, x, y))
		}
	}
	return out, nil
}
