// Package data holds nnplay's data sets: MNIST read from its idx files, the
// 2-D toy sets of TensorFlow Playground, and the user's own: image sets
// (idx files of any size, image folders, the webcam, the generated Shapes)
// and tables (engine/data/table), for classification or regression, split
// and preprocessed as their spec.Data says; and the deterministic shuffle
// used to batch them.
package data

import (
	"fmt"
	"slices"

	"gorgonia.org/tensor"
)

// Set is a labelled data set held in one flat slice.
//
// Example i occupies X[i*size : (i+1)*size] where size = prod(Shape), in
// row-major order; its class is Labels[i], in 0..Classes-1. A set of
// images may hold its values as bytes instead (Pixels, value = byte/255):
// MNIST's training images are 47 MB as bytes and 188 MB as float32, and
// converting them all up front delayed a first visit (README: Performance).
// Batch, Slice, Subset, Tensors and AppendExample read either form.
//
// A regression set holds Targets (one value per example) instead of
// Labels; its y tensors are (N, 1), like a one-output model's predictions.
type Set struct {
	X       []float32 // N × prod(Shape), row-major; MNIST pixels scaled to [0,1]; nil when Pixels holds them
	Pixels  []byte    // N × prod(Shape) bytes standing for byte/255, instead of X; nil for a float set
	Labels  []int     // N class indices; nil for a regression
	Shape   []int     // the shape of one example, e.g. [784] or [2]
	Classes int       // number of classes K; 0 for a regression
	Name    string    // "mnist-train", "spiral-test", ...
	// Targets are a regression's N target values, instead of Labels.
	Targets []float32
	// ClassNames name the classes, when they have names.
	ClassNames []string
	// Image is [height, width, channels] when the examples are images
	// (Shape is then flat, [height·width·channels], so an MLP and a CNN
	// both take them; see nn's flat rows).
	Image []int
	// Levels, when set, maps a pixel byte to its value per channel
	// (spec.Data.PixelLevels: b/255 standardized): Levels[c][b]. Without
	// it a byte b is b/255.
	Levels [][256]float32
}

// Len is the number of examples N.
func (s *Set) Len() int {
	if s.Targets != nil {
		return len(s.Targets)
	}
	return len(s.Labels)
}

// Regression says whether the set holds targets rather than classes.
func (s *Set) Regression() bool { return s.Targets != nil }

// Size is the number of float32 values in one example: prod(Shape).
func (s *Set) Size() int {
	n := 1
	for _, d := range s.Shape {
		n *= d
	}
	return n
}

// Slice returns examples [from, to) as a Set that shares storage with s.
// Like a Go slice expression it panics when 0 ≤ from ≤ to ≤ Len() fails.
func (s *Set) Slice(from, to int) *Set {
	if from < 0 || to < from || to > s.Len() {
		panic(fmt.Sprintf("data: Slice(%d, %d) out of range for %d examples", from, to, s.Len()))
	}
	size := s.Size()
	out := &Set{
		Shape:      s.Shape,
		Classes:    s.Classes,
		Name:       s.Name,
		ClassNames: s.ClassNames,
		Image:      s.Image,
		Levels:     s.Levels,
	}
	if s.Targets != nil {
		out.Targets = s.Targets[from:to:to]
	} else {
		out.Labels = s.Labels[from:to:to]
	}
	if s.Pixels != nil {
		out.Pixels = s.Pixels[from*size : to*size : to*size]
	} else {
		out.X = s.X[from*size : to*size : to*size]
	}
	return out
}

// AppendExample appends example i's values to dst, as float32 whichever
// form the set holds, and returns the extended slice.
func (s *Set) AppendExample(dst []float32, i int) []float32 {
	n := len(dst)
	dst = slices.Grow(dst, s.Size())[:n+s.Size()]
	s.example(dst[n:], i)
	return dst
}

// example writes example i's values into dst (Size() of them) as float32,
// whichever form the set holds.
func (s *Set) example(dst []float32, i int) {
	size := s.Size()
	if s.Pixels != nil {
		s.levels(dst, s.Pixels[i*size:(i+1)*size])
	} else {
		copy(dst, s.X[i*size:(i+1)*size])
	}
}

// levels writes the values of pixel bytes into dst: Levels per channel,
// or b/255.
func (s *Set) levels(dst []float32, pixels []byte) {
	if s.Levels == nil {
		scalePixels(dst, pixels)
		return
	}
	c := len(s.Levels)
	for i, p := range pixels {
		dst[i] = s.Levels[i%c][p]
	}
}

// target is example i's target as float32: its class index, or its value.
func (s *Set) target(i int) float32 {
	if s.Targets != nil {
		return s.Targets[i]
	}
	return float32(s.Labels[i])
}

// Batch copies the examples idx into fresh tensors:
// x has shape (len(idx), Shape...) and y has shape (len(idx),) holding the
// class indices as float32 (the "sparse" target form), or (len(idx), 1)
// holding a regression's targets. It panics on an index outside
// 0..Len()-1, as indexing a slice would.
func (s *Set) Batch(idx []int) (x, y *tensor.Dense) {
	size := s.Size()
	xs := make([]float32, len(idx)*size)
	ys := make([]float32, len(idx))
	for b, i := range idx {
		s.example(xs[b*size:(b+1)*size], i)
		ys[b] = s.target(i)
	}
	return s.tensors(xs, ys, len(idx))
}

// Tensors returns the whole set: x (Len(), Shape...) and y (Len(),).
// For a float set x shares storage with s.X (no copy: MNIST's training
// images are 188 MB as float32), so writing to x writes to the set; a set
// of Pixels is converted into a fresh x.
func (s *Set) Tensors() (x, y *tensor.Dense) {
	ys := make([]float32, s.Len())
	for i := range ys {
		ys[i] = s.target(i)
	}
	n := s.Len() * s.Size()
	if s.Pixels != nil {
		xs := make([]float32, n)
		s.levels(xs, s.Pixels[:n])
		return s.tensors(xs, ys, s.Len())
	}
	return s.tensors(s.X[:n], ys, s.Len())
}

func (s *Set) tensors(xs, ys []float32, n int) (x, y *tensor.Dense) {
	shape := append([]int{n}, s.Shape...)
	x = tensor.New(tensor.WithShape(shape...), tensor.WithBacking(xs))
	if s.Targets != nil {
		return x, tensor.New(tensor.WithShape(n, 1), tensor.WithBacking(ys))
	}
	y = tensor.New(tensor.WithShape(n), tensor.WithBacking(ys))
	return x, y
}
