package data

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestNewMNISTScalesPixels(t *testing.T) {
	file := idxImages(0x803, 2, 28, 28, 2*784) // pixel k is byte(k)
	labels := gz(idxLabels(0x801, 2, []byte{9, 0}))
	s, err := NewMNIST(bytes.NewReader(gz(file)), bytes.NewReader(labels), "img", "lab")
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 2 || s.Classes != 10 || len(s.Shape) != 1 || s.Shape[0] != 784 || len(s.X) != 2*784 {
		t.Fatalf("set: len %d classes %d shape %v |X| %d", s.Len(), s.Classes, s.Shape, len(s.X))
	}
	for k, want := range map[int]float32{0: 0, 1: 1.0 / 255, 255: 1, 256: 0, 800: float32(800%256) / 255} {
		if s.X[k] != want {
			t.Errorf("X[%d] = %v, want %v", k, s.X[k], want)
		}
	}
	if s.Labels[0] != 9 || s.Labels[1] != 0 {
		t.Fatalf("labels %v", s.Labels)
	}
}

func TestNewMNISTErrors(t *testing.T) {
	images := func(n, side int) []byte { return idxImages(0x803, n, side, side, n*side*side) }
	cases := []struct {
		what           string
		images, labels []byte
		want           string
	}{
		{"count mismatch", images(3, 28), idxLabels(0x801, 2, []byte{1, 2}),
			"file train-images-idx3-ubyte.gz has 3 images but file train-labels-idx1-ubyte.gz has 2 labels"},
		{"label out of range", images(3, 28), idxLabels(0x801, 3, []byte{1, 10, 2}),
			"file train-labels-idx1-ubyte.gz: label 10 of example 1 is not a digit 0..9"},
		{"not 28×28", images(1, 32), idxLabels(0x801, 1, []byte{1}),
			"file train-images-idx3-ubyte.gz: images are 32×32, MNIST's are 28×28"},
		{"files swapped", idxLabels(0x801, 1, []byte{1}), images(1, 28),
			"file train-images-idx3-ubyte.gz: bad magic 0x00000801, want 0x00000803 (idx3 unsigned-byte images); this is an idx1 unsigned-byte labels file"},
		{"bad labels file", images(1, 28), []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0, 0xff},
			"file train-labels-idx1-ubyte.gz: corrupt or truncated gzip data: "},
	}
	for _, c := range cases {
		t.Run(c.what, func(t *testing.T) {
			_, err := NewMNIST(bytes.NewReader(c.images), bytes.NewReader(c.labels), MNISTTrainImages, MNISTTrainLabels)
			if err == nil || !strings.HasPrefix(err.Error(), c.want) {
				t.Fatalf("error %v\nwant  %q", err, c.want)
			}
		})
	}
}

func TestLoadMNISTReal(t *testing.T) {
	dir := mnistDir(t)
	if _, err := os.Stat(filepath.Join(dir, MNISTTrainImages)); err != nil {
		t.Fatalf("the MNIST files are missing (run `make data`): %v", err)
	}
	train, test, err := LoadMNIST(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		s         *Set
		n, label0 int
		name      string
	}{{train, 60000, 5, "mnist-train"}, {test, 10000, 7, "mnist-test"}} {
		s := c.s
		if s.Len() != c.n || len(s.X) != c.n*784 || s.Name != c.name {
			t.Fatalf("%s: %d examples, %d values, want %d", s.Name, s.Len(), len(s.X), c.n)
		}
		if s.Labels[0] != c.label0 {
			t.Errorf("%s: first label %d, want %d", s.Name, s.Labels[0], c.label0)
		}
		lo, hi := s.X[0], s.X[0]
		for _, v := range s.X {
			lo, hi = min(lo, v), max(hi, v)
		}
		if lo != 0 || hi != 1 {
			t.Errorf("%s: pixels span [%v, %v], want [0, 1]", s.Name, lo, hi)
		}
		var perClass [10]int
		for _, l := range s.Labels {
			perClass[l]++
		}
		for d, k := range perClass {
			if k < c.n/20 {
				t.Errorf("%s: only %d examples of digit %d", s.Name, k, d)
			}
		}
	}
}

func TestLoadMNISTMissing(t *testing.T) {
	dir := t.TempDir()
	_, _, err := LoadMNIST(dir)
	if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, MNISTTrainImages)) || !strings.Contains(err.Error(), "make data") {
		t.Fatalf("error %v, want one naming the missing file and `make data`", err)
	}
}

// Uncompressed copies under the names without .gz are found too, and a bad
// file is named by its full path.
func TestLoadMNISTRawFallback(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("train-images-idx3-ubyte", idxImages(0x803, 2, 28, 28, 2*784))
	write("train-labels-idx1-ubyte", idxLabels(0x801, 2, []byte{3, 4}))
	write(MNISTTestImages, gz(idxImages(0x803, 1, 28, 28, 784)))
	write(MNISTTestLabels, gz(idxLabels(0x801, 1, []byte{5})))
	train, test, err := LoadMNIST(dir)
	if err != nil {
		t.Fatal(err)
	}
	if train.Len() != 2 || train.Labels[1] != 4 || test.Len() != 1 || test.Labels[0] != 5 {
		t.Fatalf("train %v test %v", train.Labels, test.Labels)
	}
	write(MNISTTestLabels, gz(idxLabels(0x801, 1, []byte{11})))
	_, _, err = LoadMNIST(dir)
	want := "file " + filepath.Join(dir, MNISTTestLabels) + ": label 11 of example 0 is not a digit 0..9"
	if err == nil || err.Error() != want {
		t.Fatalf("error %v\nwant  %q", err, want)
	}
}

func BenchmarkLoadMNIST(b *testing.B) {
	dir := filepath.Join("..", "..", "static", "data", "mnist")
	for b.Loop() {
		if _, _, err := LoadMNIST(dir); err != nil {
			b.Fatal(err)
		}
	}
}
