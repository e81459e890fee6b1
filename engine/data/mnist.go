package data

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// The standard MNIST file names (as published, gzip-compressed).
const (
	MNISTTrainImages = "train-images-idx3-ubyte.gz"
	MNISTTrainLabels = "train-labels-idx1-ubyte.gz"
	MNISTTestImages  = "t10k-images-idx3-ubyte.gz"
	MNISTTestLabels  = "t10k-labels-idx1-ubyte.gz"
)

// MNIST's geometry: 28×28 grey-level digits, classes 0..9.
const (
	mnistSide    = 28
	mnistClasses = 10
)

// pixelScale maps a grey level 0..255 to x/255 in [0,1].
var pixelScale = func() (t [256]float32) {
	for i := range t {
		t[i] = float32(i) / 255
	}
	return t
}()

// NewMNIST reads one MNIST split from its images and labels idx files (gzip
// or raw) and returns it as a Set of Shape [784] with pixels scaled to
// [0,1]. The names are used in error messages. It checks that the images are
// 28×28, that both files hold the same number of examples and that every
// label is a digit 0..9.
func NewMNIST(images, labels io.Reader, imagesName, labelsName string) (*Set, error) {
	set, err := NewMNISTPixels(images, labels, imagesName, labelsName)
	if err != nil {
		return nil, err
	}
	set.X = make([]float32, len(set.Pixels))
	scalePixels(set.X, set.Pixels)
	set.Pixels = nil
	return set, nil
}

// scalePixels sets x[i] = pixels[i]/255 (len(x) ≥ len(pixels)).
func scalePixels(x []float32, pixels []byte) {
	x = x[:len(pixels)]
	for i, p := range pixels {
		x[i] = pixelScale[p]
	}
}

// NewMNISTPixels is NewMNIST keeping the pixels as bytes (Set.Pixels):
// a quarter of the memory, and no conversion up front.
func NewMNISTPixels(images, labels io.Reader, imagesName, labelsName string) (*Set, error) {
	pixels, n, rows, cols, err := ReadIDXImages(images, imagesName)
	if err != nil {
		return nil, err
	}
	if rows != mnistSide || cols != mnistSide {
		return nil, fmt.Errorf("file %s: images are %d×%d, MNIST's are %d×%d", imagesName, rows, cols, mnistSide, mnistSide)
	}
	raw, err := ReadIDXLabels(labels, labelsName)
	if err != nil {
		return nil, err
	}
	if len(raw) != n {
		return nil, fmt.Errorf("file %s has %d images but file %s has %d labels", imagesName, n, labelsName, len(raw))
	}
	set := &Set{
		Pixels:  pixels,
		Labels:  make([]int, n),
		Shape:   []int{rows * cols},
		Classes: mnistClasses,
		Name:    "mnist",
	}
	for i, l := range raw {
		if int(l) >= mnistClasses {
			return nil, fmt.Errorf("file %s: label %d of example %d is not a digit 0..9", labelsName, l, i)
		}
		set.Labels[i] = int(l)
	}
	return set, nil
}

// LoadMNIST reads the four MNIST files from dir by their standard names
// (MNISTTrainImages, ...). Where a .gz file is missing it falls back to the
// same name without .gz (an uncompressed copy).
func LoadMNIST(dir string) (train, test *Set, err error) {
	if train, err = loadMNISTSplit(dir, MNISTTrainImages, MNISTTrainLabels); err != nil {
		return nil, nil, err
	}
	train.Name = "mnist-train"
	if test, err = loadMNISTSplit(dir, MNISTTestImages, MNISTTestLabels); err != nil {
		return nil, nil, err
	}
	test.Name = "mnist-test"
	return train, test, nil
}

func loadMNISTSplit(dir, imagesFile, labelsFile string) (*Set, error) {
	images, imagesPath, err := openMNISTFile(dir, imagesFile)
	if err != nil {
		return nil, err
	}
	defer images.Close()
	labels, labelsPath, err := openMNISTFile(dir, labelsFile)
	if err != nil {
		return nil, err
	}
	defer labels.Close()
	return NewMNIST(images, labels, imagesPath, labelsPath)
}

// openMNISTFile opens dir/name, or dir/name without ".gz" if only that exists.
func openMNISTFile(dir, name string) (*os.File, string, error) {
	path := filepath.Join(dir, name)
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		raw := strings.TrimSuffix(path, ".gz")
		if g, rawErr := os.Open(raw); rawErr == nil {
			return g, raw, nil
		}
	}
	if err != nil {
		return nil, "", fmt.Errorf("mnist: %w (the four MNIST files are made by `make data`)", err)
	}
	return f, path, nil
}
