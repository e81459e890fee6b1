package data

import (
	"fmt"
	"math"
	"strings"
)

// Input features of a 2-D point (x, y), as TensorFlow Playground offers
// them. A network given x² and y² can draw a circle with one linear layer.
const (
	FeatureX    = "x"
	FeatureY    = "y"
	FeatureX2   = "x2"   // x²
	FeatureY2   = "y2"   // y²
	FeatureXY   = "xy"   // x·y
	FeatureSinX = "sinx" // sin x
	FeatureSinY = "siny" // sin y
)

// ToyFeatures lists every feature, in the playground's order.
var ToyFeatures = []string{FeatureX, FeatureY, FeatureX2, FeatureY2, FeatureXY, FeatureSinX, FeatureSinY}

// feature computes one feature of the point (x, y), in float64.
func feature(name string, x, y float64) float64 {
	switch name {
	case FeatureX:
		return x
	case FeatureY:
		return y
	case FeatureX2:
		return x * x
	case FeatureY2:
		return y * y
	case FeatureXY:
		return x * y
	case FeatureSinX:
		return math.Sin(x)
	case FeatureSinY:
		return math.Sin(y)
	}
	panic("data: unknown feature " + name) // CheckFeatures guards every caller
}

// CheckFeatures says whether features is a usable list: 1 to 7 known
// names, none twice.
func CheckFeatures(features []string) error {
	if len(features) == 0 {
		return fmt.Errorf("features: none chosen; pick at least one of %s", strings.Join(ToyFeatures, ", "))
	}
	seen := map[string]bool{}
	for i, f := range features {
		known := false
		for _, k := range ToyFeatures {
			known = known || k == f
		}
		if !known {
			return fmt.Errorf("features: %d (%q) is not a feature; use %s", i+1, f, strings.Join(ToyFeatures, ", "))
		}
		if seen[f] {
			return fmt.Errorf("features: %q is chosen twice", f)
		}
		seen[f] = true
	}
	return nil
}

// ExpandFeatures returns a copy of the 2-D set s (Shape [2]: x, y per
// point) whose examples are the given features of each point, in that
// order: Shape [len(features)]. Labels, classes and name are kept.
func ExpandFeatures(s *Set, features []string) (*Set, error) {
	if len(s.Shape) != 1 || s.Shape[0] != 2 {
		return nil, fmt.Errorf("features: set %q has examples of shape %v; features are made from 2-D points, shape [2]", s.Name, s.Shape)
	}
	if err := CheckFeatures(features); err != nil {
		return nil, err
	}
	k := len(features)
	out := &Set{
		X:       make([]float32, s.Len()*k),
		Labels:  append([]int(nil), s.Labels...),
		Shape:   []int{k},
		Classes: s.Classes,
		Name:    s.Name,
	}
	for i := range s.Len() {
		x, y := float64(s.X[2*i]), float64(s.X[2*i+1])
		for j, f := range features {
			out.X[i*k+j] = float32(feature(f, x, y))
		}
	}
	return out, nil
}

// MaxGrid bounds Grid's n: 256×256 points.
const MaxGrid = 256

// Grid returns the n×n points of a heatmap over [lo, hi]², as a set of
// the given features (labels all 0, Classes 0), for drawing a model's
// decision regions. Point (row r, column c), example r·n + c, is the
// centre of that pixel: x = lo + (c + ½)·(hi − lo)/n and, so that row 0
// is the top of the picture, y = hi − (r + ½)·(hi − lo)/n.
func Grid(n int, lo, hi float64, features []string) (*Set, error) {
	if n < 1 || n > MaxGrid {
		return nil, fmt.Errorf("grid: size must be 1 to %d, got %d", MaxGrid, n)
	}
	if !(lo < hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		return nil, fmt.Errorf("grid: want finite bounds lo < hi, got [%g, %g]", lo, hi)
	}
	step := (hi - lo) / float64(n)
	points := &Set{X: make([]float32, 2*n*n), Labels: make([]int, n*n), Shape: []int{2}, Name: "grid"}
	for r := range n {
		y := hi - (float64(r)+0.5)*step
		for c := range n {
			i := r*n + c
			points.X[2*i] = float32(lo + (float64(c)+0.5)*step)
			points.X[2*i+1] = float32(y)
		}
	}
	return ExpandFeatures(points, features)
}
