package data

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/nnplay/nnplay/engine/data/augment"
	"github.com/nnplay/nnplay/engine/data/split"
	"github.com/nnplay/nnplay/engine/data/table"
	"github.com/nnplay/nnplay/engine/spec"
)

// tinyImages are n 2×2 RGB images: image i's every value is 10·i + k for
// channel k, labels i mod classes.
func tinyImages(n, classes int) ([]byte, []int) {
	var pixels []byte
	var labels []int
	for i := range n {
		for range 4 {
			pixels = append(pixels, byte(10*i), byte(10*i+1), byte(10*i+2))
		}
		labels = append(labels, i%classes)
	}
	return pixels, labels
}

func TestNewImagesSplitsAndStandardizesOnTraining(t *testing.T) {
	pixels, labels := tinyImages(20, 2)
	p, err := NewImages(pixels, labels, []string{"odd", "even"}, [3]int{2, 2, 3}, ImageOptions{Name: "tiny", Split: split.Fractions{Validation: 0.1, Test: 0.2}, Seed: 4, Scaling: spec.ScalingStandard})
	if err != nil {
		t.Fatal(err)
	}
	if p.Train.Len() != 14 || p.Validation.Len() != 2 || p.Test.Len() != 4 {
		t.Fatalf("parts %d/%d/%d, want 14/2/4", p.Train.Len(), p.Validation.Len(), p.Test.Len())
	}
	d := p.Data
	if msg := d.Check(); msg != "" || d.Kind != spec.KindImage || !slices.Equal(d.Shape, []int{2, 2, 3}) {
		t.Fatalf("description %+v: %s", d, msg)
	}
	// The channel means are measured on the training images only.
	for c := range 3 {
		var sum float64
		for i := 0; i < len(p.Train.Pixels); i += 3 {
			sum += float64(p.Train.Pixels[i+c]) / 255
		}
		if mean := sum / float64(len(p.Train.Pixels)/3); math.Abs(mean-d.Offset[c]) > 1e-12 {
			t.Errorf("channel %d: offset %v, want the training mean %v", c, d.Offset[c], mean)
		}
	}
	// Batches give the standardized values, as the description maps them.
	x, y := p.Train.Batch([]int{0})
	levels := d.PixelLevels()
	for k, v := range x.Float32s() {
		if want := levels[k%3][p.Train.Pixels[k]]; v != want {
			t.Fatalf("value %d: %v, want %v", k, v, want)
		}
	}
	if y.Float32s()[0] != float32(p.Train.Labels[0]) {
		t.Errorf("label %v", y.Float32s())
	}
	// Training values average about 0.
	tx, _ := p.Train.Tensors()
	var sum float64
	for _, v := range tx.Float32s() {
		sum += float64(v)
	}
	if mean := sum / float64(len(tx.Float32s())); math.Abs(mean) > 1e-5 {
		t.Errorf("standardized training mean %v, want 0", mean)
	}
}

func TestNewImagesRejects(t *testing.T) {
	pixels, labels := tinyImages(5, 2)
	for _, c := range []struct {
		name   string
		pixels []byte
		labels []int
		shape  [3]int
		want   string
	}{
		{"small class", pixels, []int{0, 0, 0, 0, 1}, [3]int{2, 2, 3}, `class "b" has 1 example(s)`},
		{"length", pixels[:10], labels, [3]int{2, 2, 3}, "10 bytes of pixels for 5 images of 2×2×3; want 60"},
		{"label", pixels, []int{0, 1, 2, 0, 1}, [3]int{2, 2, 3}, "image 2 has label 2; the 2 classes are 0 to 1"},
		{"channels", pixels, labels, [3]int{2, 3, 2}, "images have 1 (grey) or 3 (RGB) channels, got 2"},
	} {
		_, err := NewImages(c.pixels, c.labels, []string{"a", "b"}, c.shape, ImageOptions{Split: split.Default})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
}

func TestNewTableRegressionBatches(t *testing.T) {
	raw, err := table.Parse([]byte("a,b,y\n1,x,10\n2,y,20\n3,x,30\n4,y,40\n5,x,50\n"), table.Options{})
	if err != nil {
		t.Fatal(err)
	}
	prep, err := table.Prepare(raw, table.Config{Name: "t", Target: "y", Split: split.Fractions{Test: 0.2}, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	p := NewTable(prep)
	if !p.Train.Regression() || p.Train.Len() != 4 || p.Test.Len() != 1 || p.Train.Size() != 3 {
		t.Fatalf("train %d, test %d, size %d", p.Train.Len(), p.Test.Len(), p.Train.Size())
	}
	x, y := p.Train.Batch([]int{1, 0})
	if !slices.Equal(y.Shape(), []int{2, 1}) || !slices.Equal(x.Shape(), []int{2, 3}) {
		t.Errorf("shapes x %v y %v, want (2, 3) and (2, 1)", x.Shape(), y.Shape())
	}
	if y.Float32s()[0] != p.Train.Targets[1] {
		t.Errorf("y %v, targets %v", y.Float32s(), p.Train.Targets)
	}
	_, ty := p.Train.Tensors()
	if !slices.Equal(ty.Shape(), []int{4, 1}) {
		t.Errorf("Tensors y %v", ty.Shape())
	}
	if _, err := p.Train.Subset([]int{0}); err == nil {
		t.Error("Subset of a regression: no error")
	}
}

// idxFile writes an idx file: images (magic 0x803) or labels (0x801).
func idxFile(magic uint32, dims []uint32, body []byte, zip bool) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, magic)
	for _, d := range dims {
		binary.Write(&b, binary.BigEndian, d)
	}
	b.Write(body)
	if !zip {
		return b.Bytes()
	}
	var z bytes.Buffer
	w := gzip.NewWriter(&z)
	w.Write(b.Bytes())
	w.Close()
	return z.Bytes()
}

// TestReadIDXAnyNamesAndSizes: idx files of any size and any name, gzip
// or raw, with class names.
func TestReadIDXAnyNamesAndSizes(t *testing.T) {
	img := idxFile(0x803, []uint32{3, 2, 5}, bytes.Repeat([]byte{7}, 30), true)
	lab := idxFile(0x801, []uint32{3}, []byte{0, 4, 2}, false)
	pixels, labels, classes, shape, err := ReadIDX(bytes.NewReader(img), bytes.NewReader(lab), "fashion-images.bin", "my-labels", []string{"T-shirt", "", "Pullover", "Dress", "Coat"})
	if err != nil {
		t.Fatal(err)
	}
	if len(pixels) != 30 || !slices.Equal(labels, []int{0, 4, 2}) || shape != [3]int{2, 5, 1} || !slices.Equal(classes, []string{"T-shirt", "1", "Pullover", "Dress", "Coat"}) {
		t.Errorf("pixels %d labels %v shape %v classes %q", len(pixels), labels, shape, classes)
	}
	if _, _, _, _, err := ReadIDX(bytes.NewReader(img), bytes.NewReader(lab), "a", "b", []string{"x"}); err == nil || !strings.Contains(err.Error(), "labels up to 4 (5 classes) but 1 class names") {
		t.Errorf("too few names: %v", err)
	}
	if _, _, _, _, err := ReadIDX(bytes.NewReader(lab), bytes.NewReader(img), "a", "b", nil); err == nil || !strings.Contains(err.Error(), "this is an idx1 unsigned-byte labels file") {
		t.Errorf("swapped files: %v", err)
	}
}

func TestShapesParts(t *testing.T) {
	p, err := Shapes(spec.DatasetShapesGrey, ShapesOptions{N: 100, Seed: 2, Split: split.Default})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.Data.Shape, []int{28, 28, 1}) || len(p.Data.Classes) != 5 || p.Train.Len()+p.Validation.Len()+p.Test.Len() != 100 {
		t.Errorf("grey shapes: %+v", p.Data)
	}
	if _, err := Shapes("circles", ShapesOptions{}); err == nil {
		t.Error("unknown variant: no error")
	}
}

// TestAugmentedBatch: off, it is Batch; on, the same generator state gives
// the same batch and the values stay what pixel bytes map to.
func TestAugmentedBatch(t *testing.T) {
	p, err := Shapes(spec.DatasetShapes, ShapesOptions{N: 20, Seed: 2, Split: split.Fractions{Test: 0.2}, Scaling: spec.ScalingStandard})
	if err != nil {
		t.Fatal(err)
	}
	idx := []int{3, 1, 4}
	x, _ := p.Train.Batch(idx)
	ax, _, err := p.Train.AugmentedBatch(idx, augment.Config{}, augment.Rand(1, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(x.Float32s(), ax.Float32s()) {
		t.Error("augmentation off changed the batch")
	}
	cfg := augment.Config{Shift: 0.1, Rotation: 15, Zoom: 0.1, Flip: true, Brightness: 0.1}
	a, _, _ := p.Train.AugmentedBatch(idx, cfg, augment.Rand(1, 2, 3))
	b, _, _ := p.Train.AugmentedBatch(idx, cfg, augment.Rand(1, 2, 3))
	if !slices.Equal(a.Float32s(), b.Float32s()) || slices.Equal(a.Float32s(), x.Float32s()) {
		t.Error("augmented batches are not deterministic, or not varied")
	}
	levels := p.Data.PixelLevels()
	for k, v := range a.Float32s() {
		if !slices.Contains(levels[k%3][:], v) {
			t.Fatalf("value %d (%v) is no pixel level of channel %d", k, v, k%3)
		}
	}
	if _, _, err := p.Train.AugmentedBatch(idx, augment.Config{Zoom: 2}, augment.Rand(1, 0, 0)); err == nil {
		t.Error("zoom 2 accepted")
	}
}
