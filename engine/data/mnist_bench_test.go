package data

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkNewMNISTRaw parses MNIST's uncompressed training files from
// memory, as the browser worker does on a first visit (keeping the images
// as bytes: NewMNISTPixels).
func BenchmarkNewMNISTRaw(b *testing.B) {
	dir := filepath.Join("..", "..", "static", "data", "mnist")
	images, err := os.ReadFile(filepath.Join(dir, "train-images-idx3-ubyte"))
	if err != nil {
		b.Skipf("no uncompressed MNIST (run make data): %v", err)
	}
	labels, err := os.ReadFile(filepath.Join(dir, "train-labels-idx1-ubyte"))
	if err != nil {
		b.Skipf("no uncompressed MNIST (run make data): %v", err)
	}
	b.SetBytes(int64(len(images)))
	for b.Loop() {
		if _, err := NewMNISTPixels(bytes.NewReader(images), bytes.NewReader(labels), "images", "labels"); err != nil {
			b.Fatal(err)
		}
	}
}
