package data

import (
	"slices"
	"testing"

	"gorgonia.org/tensor"
)

// fourExamples is a set of 4 examples of Shape [2, 3]; example i holds
// 10·i + k at position k, and its label is i % 3.
func fourExamples() *Set {
	s := &Set{Shape: []int{2, 3}, Classes: 3, Name: "four"}
	for i := range 4 {
		for k := range 6 {
			s.X = append(s.X, float32(10*i+k))
		}
		s.Labels = append(s.Labels, i%3)
	}
	return s
}

func TestBatch(t *testing.T) {
	s := fourExamples()
	x, y := s.Batch([]int{3, 0, 3})
	if !slices.Equal(x.Shape(), []int{3, 2, 3}) || !slices.Equal(y.Shape(), []int{3}) {
		t.Fatalf("shapes %v %v, want (3, 2, 3) (3)", x.Shape(), y.Shape())
	}
	wantX := []float32{30, 31, 32, 33, 34, 35, 0, 1, 2, 3, 4, 5, 30, 31, 32, 33, 34, 35}
	if got := x.Data().([]float32); !slices.Equal(got, wantX) {
		t.Fatalf("x %v, want %v", got, wantX)
	}
	if got := y.Data().([]float32); !slices.Equal(got, []float32{0, 0, 0}) {
		t.Fatalf("y %v, want [0 0 0]", got)
	}
	// A batch is a copy: writing to it leaves the set alone.
	x.Data().([]float32)[0] = -1
	if s.X[18] != 30 {
		t.Fatal("Batch shares storage with the set")
	}
	x, y = s.Batch([]int{1, 2})
	if got := y.Data().([]float32); !slices.Equal(got, []float32{1, 2}) {
		t.Fatalf("y %v, want [1 2]", got)
	}
	if x.Shape()[0] != 2 {
		t.Fatalf("x shape %v", x.Shape())
	}
}

func TestBatchMNISTShape(t *testing.T) {
	s := &Set{X: make([]float32, 5*784), Labels: make([]int, 5), Shape: []int{784}, Classes: 10}
	x, y := s.Batch([]int{0, 1, 2, 3})
	if !slices.Equal(x.Shape(), []int{4, 784}) || !slices.Equal(y.Shape(), []int{4}) {
		t.Fatalf("shapes %v %v", x.Shape(), y.Shape())
	}
	s.Shape = []int{28, 28, 1} // what a CNN reshapes MNIST to
	if x, _ = s.Batch([]int{4}); !slices.Equal(x.Shape(), []int{1, 28, 28, 1}) {
		t.Fatalf("shape %v, want (1, 28, 28, 1)", x.Shape())
	}
}

func TestSliceSharesStorage(t *testing.T) {
	s := fourExamples()
	mid := s.Slice(1, 3)
	if mid.Len() != 2 || mid.X[0] != 10 || mid.Labels[1] != 2 || mid.Classes != 3 || mid.Name != "four" {
		t.Fatalf("slice %+v", mid)
	}
	mid.X[0] = -1
	if s.X[6] != -1 {
		t.Fatal("Slice copied the data")
	}
	// Appending to a slice must not overwrite the parent's next example.
	mid.X = append(mid.X, 99)
	if s.X[18] != 30 {
		t.Fatal("append to a slice clobbered the parent")
	}
	if empty := s.Slice(4, 4); empty.Len() != 0 || len(empty.X) != 0 {
		t.Fatalf("empty slice %+v", empty)
	}
}

func TestSliceOutOfRangePanics(t *testing.T) {
	for _, r := range [][2]int{{-1, 2}, {3, 2}, {0, 5}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Slice(%d, %d) of 4 did not panic", r[0], r[1])
				}
			}()
			fourExamples().Slice(r[0], r[1])
		}()
	}
}

func TestTensors(t *testing.T) {
	s := fourExamples()
	x, y := s.Slice(2, 4).Tensors()
	if !slices.Equal(x.Shape(), []int{2, 2, 3}) || !slices.Equal(y.Shape(), []int{2}) {
		t.Fatalf("shapes %v %v", x.Shape(), y.Shape())
	}
	if got := y.Data().([]float32); !slices.Equal(got, []float32{2, 0}) {
		t.Fatalf("y %v", got)
	}
	if got := x.Data().([]float32); !slices.Equal(got, s.X[12:]) {
		t.Fatalf("x %v", got)
	}
}

func BenchmarkBatch64MNIST(b *testing.B) {
	s := &Set{X: make([]float32, 60000*784), Labels: make([]int, 60000), Shape: []int{784}, Classes: 10}
	perm := Permutation(s.Len(), 1, 0)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		from := (64 * i) % (60000 - 64)
		s.Batch(perm[from : from+64])
	}
}

// A set of Pixels reads exactly as the float set of the same values.
func TestPixelSetsReadLikeFloatSets(t *testing.T) {
	pixels := []byte{0, 1, 2, 255, 128, 7, 9, 200, 3, 4, 5, 6, 250, 251, 252}
	bytesSet := &Set{Pixels: pixels, Labels: []int{0, 1, 2, 1, 0}, Shape: []int{3}, Classes: 3, Name: "p"}
	floats := &Set{X: make([]float32, len(pixels)), Labels: bytesSet.Labels, Shape: []int{3}, Classes: 3, Name: "p"}
	for i, p := range pixels {
		floats.X[i] = float32(p) / 255
	}
	same := func(what string, a, b *tensor.Dense) {
		t.Helper()
		if !slices.Equal(a.Shape(), b.Shape()) || !slices.Equal(a.Float32s(), b.Float32s()) {
			t.Errorf("%s: pixels give %v %v, floats %v %v", what, a.Shape(), a.Float32s(), b.Shape(), b.Float32s())
		}
	}
	idx := []int{4, 0, 2}
	xb, yb := bytesSet.Batch(idx)
	xf, yf := floats.Batch(idx)
	same("Batch x", xb, xf)
	same("Batch y", yb, yf)
	xb, _ = bytesSet.Slice(1, 4).Tensors()
	xf, _ = floats.Slice(1, 4).Tensors()
	same("Slice(1, 4).Tensors", xb, xf)
	sb, err := bytesSet.Subset([]int{1, 2})
	if err != nil {
		t.Fatal(err)
	}
	sf, _ := floats.Subset([]int{1, 2})
	if sb.Pixels == nil || sb.X != nil {
		t.Errorf("Subset of a pixel set: X %v, Pixels %v; want it to stay bytes", sb.X, sb.Pixels)
	}
	xb, yb = sb.Tensors()
	xf, yf = sf.Tensors()
	same("Subset x", xb, xf)
	same("Subset y", yb, yf)
	if got, want := bytesSet.AppendExample([]float32{9}, 3), floats.AppendExample([]float32{9}, 3); !slices.Equal(got, want) {
		t.Errorf("AppendExample: pixels give %v, floats %v", got, want)
	}
}
