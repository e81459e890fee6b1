package data

import (
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/nnplay/nnplay/engine/data/split"
	"github.com/nnplay/nnplay/engine/data/table"
	"github.com/nnplay/nnplay/engine/spec"
)

// Parts is a data set split three ways, with the description a model
// trained on it carries (spec.Data: shape, classes, preprocessing).
type Parts struct {
	Train, Validation, Test *Set
	Data                    spec.Data
}

// ImageOptions say how to split and preprocess an image set.
type ImageOptions struct {
	Name  string
	Split split.Fractions
	Seed  int64
	// Scaling is spec.ScalingNone (x = b/255) or spec.ScalingStandard:
	// x = (b/255 − mean_c)/std_c per channel, the mean and standard
	// deviation measured on the training split only.
	Scaling string
}

// MaxImageBytes caps an image set's pixels: 1 GiB would not fit a tab.
const MaxImageBytes = 512 << 20

// NewImages makes an image classification set from n images of h × w × c
// bytes (channels last, image i at pixels[i·h·w·c:]) and their labels
// (indices into classes): split stratified by class with opt.Seed, and
// scaled as opt says. The pixels are copied into the parts. Errors name
// a class with fewer than 2 images and the caps.
func NewImages(pixels []byte, labels []int, classes []string, shape [3]int, opt ImageOptions) (*Parts, error) {
	h, w, c := shape[0], shape[1], shape[2]
	d := spec.Data{Name: opt.Name, Kind: spec.KindImage, Task: spec.TaskClassification, Shape: []int{h, w, c}, Classes: slices.Clone(classes)}
	if d.Name == "" {
		d.Name = "images"
	}
	if msg := d.Check(); msg != "" {
		return nil, fmt.Errorf("%s", msg)
	}
	size := h * w * c
	switch {
	case len(pixels) > MaxImageBytes:
		return nil, fmt.Errorf("the images are %d bytes, more than the limit %d", len(pixels), MaxImageBytes)
	case len(pixels) != len(labels)*size:
		return nil, fmt.Errorf("%d bytes of pixels for %d images of %d×%d×%d; want %d", len(pixels), len(labels), h, w, c, len(labels)*size)
	}
	for i, l := range labels {
		if l < 0 || l >= len(classes) {
			return nil, fmt.Errorf("image %d has label %d; the %d classes are 0 to %d", i, l, len(classes), len(classes)-1)
		}
	}
	parts, err := split.Stratified(labels, len(classes), classes, opt.Split, opt.Seed)
	if err != nil {
		return nil, err
	}
	switch opt.Scaling {
	case spec.ScalingNone:
	case spec.ScalingStandard:
		d.Scaling = spec.ScalingStandard
		d.Offset, d.Scale = channelStats(pixels, size, c, parts.Train)
	default:
		return nil, fmt.Errorf("unknown image scaling %q; use %s or none", opt.Scaling, spec.ScalingStandard)
	}
	levels := d.PixelLevels()
	part := func(idx []int, suffix string) *Set {
		s := &Set{
			Pixels: make([]byte, 0, len(idx)*size), Labels: make([]int, 0, len(idx)),
			Shape: []int{size}, Classes: len(classes), Name: d.Name + "-" + suffix,
			ClassNames: d.Classes, Image: []int{h, w, c}, Levels: levels,
		}
		for _, i := range idx {
			s.Pixels = append(s.Pixels, pixels[i*size:(i+1)*size]...)
			s.Labels = append(s.Labels, labels[i])
		}
		return s
	}
	return &Parts{Train: part(parts.Train, "train"), Validation: part(parts.Validation, "validation"), Test: part(parts.Test, "test"), Data: d}, nil
}

// channelStats measures each channel's mean and standard deviation of
// b/255 over the training images; a channel with σ = 0 gets scale 1.
func channelStats(pixels []byte, size, c int, train []int) (mean, std []float64) {
	var sum, sq [3]float64
	var count float64
	for _, i := range train {
		for k, p := range pixels[i*size : (i+1)*size] {
			v := float64(p) / 255
			sum[k%c] += v
			sq[k%c] += v * v
		}
		count += float64(size / c)
	}
	mean, std = make([]float64, c), make([]float64, c)
	for k := range c {
		mean[k] = sum[k] / count
		std[k] = math.Sqrt(max(0, sq[k]/count-mean[k]*mean[k]))
		if std[k] < 1e-6 {
			std[k] = 1
		}
	}
	return mean, std
}

// NewTable makes a set from a prepared table (table.Prepare): its split
// parts, with the scaled features and the labels or scaled targets.
func NewTable(p *table.Prepared) *Parts {
	d := p.Data
	width := d.Features()
	part := func(idx []int, suffix string) *Set {
		s := &Set{X: make([]float32, 0, len(idx)*width), Shape: []int{width}, Name: d.Name + "-" + suffix}
		if d.Task == spec.TaskRegression {
			s.Targets = make([]float32, 0, len(idx))
		} else {
			s.Labels, s.Classes, s.ClassNames = make([]int, 0, len(idx)), len(d.Classes), d.Classes
		}
		for _, i := range idx {
			s.X = append(s.X, p.X[i*width:(i+1)*width]...)
			if s.Targets != nil {
				s.Targets = append(s.Targets, p.Targets[i])
			} else {
				s.Labels = append(s.Labels, p.Labels[i])
			}
		}
		return s
	}
	return &Parts{Train: part(p.Parts.Train, "train"), Validation: part(p.Parts.Validation, "validation"), Test: part(p.Parts.Test, "test"), Data: d}
}

// ReadIDX reads an image set from idx files of any names, gzip or raw (the
// magic decides): Fashion-MNIST, KMNIST, EMNIST, or MNIST under other
// names. Images may have any size up to MaxIDXSide; labels 0..255 make
// that many classes (the largest label + 1), named by names when given
// (one per class) or "0", "1", …
func ReadIDX(images, labels io.Reader, imagesName, labelsName string, names []string) (pixels []byte, ls []int, classes []string, shape [3]int, err error) {
	pixels, n, rows, cols, err := ReadIDXImages(images, imagesName)
	if err != nil {
		return nil, nil, nil, shape, err
	}
	raw, err := ReadIDXLabels(labels, labelsName)
	if err != nil {
		return nil, nil, nil, shape, err
	}
	if len(raw) != n {
		return nil, nil, nil, shape, fmt.Errorf("file %s has %d images but file %s has %d labels", imagesName, n, labelsName, len(raw))
	}
	k := 0
	ls = make([]int, n)
	for i, l := range raw {
		ls[i] = int(l)
		k = max(k, int(l)+1)
	}
	if names != nil && len(names) < k {
		return nil, nil, nil, shape, fmt.Errorf("file %s has labels up to %d (%d classes) but %d class names were given", labelsName, k-1, k, len(names))
	}
	classes = make([]string, k)
	for c := range classes {
		classes[c] = fmt.Sprint(c)
		if c < len(names) && names[c] != "" {
			classes[c] = names[c]
		}
	}
	return pixels, ls, classes, [3]int{rows, cols, 1}, nil
}
