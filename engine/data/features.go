package data

import (
	"fmt"

	"github.com/nnplay/nnplay/engine/data/features"
)

// Input features of a 2-D point (x, y), as TensorFlow Playground offers
// them; engine/data/features defines them without tensor code.
const (
	FeatureX    = features.X
	FeatureY    = features.Y
	FeatureX2   = features.X2
	FeatureY2   = features.Y2
	FeatureXY   = features.XY
	FeatureSinX = features.SinX
	FeatureSinY = features.SinY
)

// ToyFeatures lists every feature, in the playground's order.
var ToyFeatures = features.All

// CheckFeatures says whether names is a usable list: 1 to 7 known names,
// none twice.
func CheckFeatures(names []string) error { return features.Check(names) }

// ExpandFeatures returns a copy of the 2-D set s (Shape [2]: x, y per
// point) whose examples are the given features of each point, in that
// order: Shape [len(features)]. Labels, classes and name are kept.
func ExpandFeatures(s *Set, names []string) (*Set, error) {
	if len(s.Shape) != 1 || s.Shape[0] != 2 {
		return nil, fmt.Errorf("features: set %q has examples of shape %v; features are made from 2-D points, shape [2]", s.Name, s.Shape)
	}
	x, err := features.Expand(s.X[:2*s.Len()], names)
	if err != nil {
		return nil, err
	}
	return &Set{
		X:       x,
		Labels:  append([]int(nil), s.Labels...),
		Shape:   []int{len(names)},
		Classes: s.Classes,
		Name:    s.Name,
	}, nil
}

// MaxGrid bounds Grid's n: 256×256 points.
const MaxGrid = features.MaxGrid

// Grid returns the n×n points of a heatmap over [lo, hi]² (see
// features.GridPoints) as a set of the given features (labels all 0,
// Classes 0), for drawing a model's decision regions.
func Grid(n int, lo, hi float64, names []string) (*Set, error) {
	points, err := features.GridPoints(n, lo, hi)
	if err != nil {
		return nil, err
	}
	return ExpandFeatures(&Set{X: points, Labels: make([]int, n*n), Shape: []int{2}, Name: "grid"}, names)
}
