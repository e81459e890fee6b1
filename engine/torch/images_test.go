//go:build !js

package torch

import (
	"encoding/binary"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/nnplay/nnplay/engine/data"
	"github.com/nnplay/nnplay/engine/data/split"
	"github.com/nnplay/nnplay/engine/modelio"
	"github.com/nnplay/nnplay/engine/nn"
	"github.com/nnplay/nnplay/engine/npz"
	"github.com/nnplay/nnplay/engine/spec"
)

// idxFile is an idx file of bytes of that shape.
func idxFile(shape []int, body []byte) []byte {
	b := []byte{0, 0, 0x08, byte(len(shape))}
	for _, d := range shape {
		b = binary.BigEndian.AppendUint32(b, uint32(d))
	}
	return append(b, body...)
}

// TestPyTorchImages exports a CNN of the Shapes images (32×32 RGB,
// standardized per channel) and checks that data.py reads the images as
// idx files and scales them as nnplay does (within 1e-6), that PyTorch
// predicts as nnplay does (within 1e-5), and one training step.
func TestPyTorchImages(t *testing.T) {
	if testing.Short() {
		t.Skip("a long cross-check or training run: make test runs it (make check is -short)")
	}
	py := python(t)
	checker, err := filepath.Abs(filepath.Join("testdata", "data_check.py"))
	if err != nil {
		t.Fatal(err)
	}
	parts, err := data.Shapes(spec.DatasetShapes, data.ShapesOptions{N: 300, Seed: 2, Split: split.Default, Scaling: spec.ScalingStandard})
	if err != nil {
		t.Fatal(err)
	}
	d := parts.Data
	if len(d.Offset) != 3 {
		t.Fatalf("the Shapes set has offsets %v; the test wants per-channel standardization", d.Offset)
	}
	s := spec.Model{
		Input:     d.Shape,
		Layers:    []spec.Layer{spec.Conv2D(4, 3, spec.ActReLU), spec.MaxPool2D(2), {Type: spec.TypeFlatten}, spec.Dense(d.Outputs(), spec.ActSoftmax)},
		Optimizer: spec.Adam(0.01),
		Loss:      spec.LossSparseCategoricalCrossentropy,
		BatchSize: 16, Epochs: 1, Seed: 1, Dataset: spec.DatasetShapes, Data: &d,
	}
	m, err := nn.Build(s)
	if err != nil {
		t.Fatal(err)
	}
	train := parts.Train
	for b := 0; b < 4; b++ {
		idx := make([]int, s.BatchSize)
		for i := range idx {
			idx[i] = b*s.BatchSize + i
		}
		x, y := train.Batch(idx)
		if _, err := m.TrainBatch(x, y); err != nil {
			t.Fatal(err)
		}
	}
	p := modelio.ToPayload(m, 0, 4)
	zipped, err := Export(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	project := unzip(t, zipped, t.TempDir())
	images := filepath.Join(project, "images")
	if err := os.MkdirAll(images, 0o755); err != nil {
		t.Fatal(err)
	}
	n := train.Len()
	labels := make([]byte, n)
	for i, l := range train.Labels {
		labels[i] = byte(l)
	}
	if err := os.WriteFile(filepath.Join(images, "images-idx3-ubyte"), idxFile(append([]int{n}, d.Shape...), train.Pixels), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(images, "labels-idx1-ubyte"), idxFile([]int{n}, labels), 0o644); err != nil {
		t.Fatal(err)
	}
	all := make([]int, n)
	for i := range all {
		all[i] = i
	}
	x, _ := train.Batch(all)
	want := m.Predict(x).Float32s()

	fresh, err := modelio.FromPayload(p)
	if err != nil {
		t.Fatal(err)
	}
	bx, by := train.Batch(all[:s.BatchSize])
	stepLoss, err := fresh.TrainBatch(bx, by)
	if err != nil {
		t.Fatal(err)
	}
	stepped := modelio.ToPayload(fresh, 0, 5)
	out, step := filepath.Join(project, "images.npz"), filepath.Join(project, "step.npz")
	if o, err := exec.Command(py, checker, project, out, step, pyFloat(fresh.Optimizer().LearningRate()), pyFloat(float64(s.BatchSize))).CombinedOutput(); err != nil {
		t.Fatalf("data_check.py: %v\n%s", err, o)
	}
	got := readNPZ(t, out)
	if diff := maxDiff(t, "x", got["x"].Data, x.Float32s()); diff > 1e-6 {
		t.Errorf("data.py's pixels differ from nnplay's by up to %.3g", diff)
	}
	for i, l := range train.Labels {
		if got["y"].Data[i] != float32(l) {
			t.Fatalf("label %d: data.py %v, nnplay %d", i, got["y"].Data[i], l)
		}
	}
	if diff := maxDiff(t, "predictions", got["pred"].Data, want); diff > predictTolerance {
		t.Errorf("PyTorch's predictions differ from nnplay's by up to %.3g", diff)
	} else {
		t.Logf("%d images %v: data.py scales them as nnplay; predictions max |PyTorch − nnplay| %.3g", n, d.Shape, diff)
	}
	if diff := math.Abs(float64(got["loss"].Data[0]) - stepLoss); diff > lossTolerance {
		t.Errorf("one step's loss: PyTorch %.8g, nnplay %.8g", got["loss"].Data[0], stepLoss)
	}
	raw, err := os.ReadFile(step)
	if err != nil {
		t.Fatal(err)
	}
	after, err := ImportWeights(p, raw)
	if err != nil {
		t.Fatal(err)
	}
	for i, w := range after.Weights {
		if diff := maxDiff(t, w.Name, w.Values, stepped.Weights[i].Values); diff > weightTolerance {
			t.Errorf("after one step %s differs by up to %.3g", w.Name, diff)
		}
	}
}

// TestPyTorchArrays exports a 2-D playground model with its points in the
// zip (Options.Data, data.npz) and checks that data.py reads them as they
// are, that PyTorch predicts as nnplay does and one training step.
func TestPyTorchArrays(t *testing.T) {
	if testing.Short() {
		t.Skip("a long cross-check or training run: make test runs it (make check is -short)")
	}
	py := python(t)
	checker, err := filepath.Abs(filepath.Join("testdata", "data_check.py"))
	if err != nil {
		t.Fatal(err)
	}
	train, test, err := data.Toy(spec.DatasetSpiral, data.DefaultToyOptions())
	if err != nil {
		t.Fatal(err)
	}
	s := spec.Model{
		Input:     []int{2},
		Layers:    []spec.Layer{spec.Dense(8, spec.ActTanh), spec.Dense(train.Classes, spec.ActSoftmax)},
		Optimizer: spec.Optimizer{Name: spec.OptSGD, LearningRate: 0.1, Momentum: 0.5},
		Loss:      spec.LossSparseCategoricalCrossentropy,
		BatchSize: 10, Epochs: 1, Seed: 1, Dataset: spec.DatasetSpiral,
	}
	m, err := nn.Build(s)
	if err != nil {
		t.Fatal(err)
	}
	x, y := train.Tensors()
	if _, err := m.TrainBatch(x, y); err != nil {
		t.Fatal(err)
	}
	p := modelio.ToPayload(m, 0, 1)
	labels := func(s *data.Set) []float32 {
		out := make([]float32, s.Len())
		for i, l := range s.Labels {
			out[i] = float32(l)
		}
		return out
	}
	tx, _ := test.Tensors()
	zipped, err := Export(p, Options{Data: []npz.Array{
		{Name: "x_train", Shape: []int(x.Shape()), Data: x.Float32s()},
		{Name: "y_train", Shape: []int{train.Len()}, Data: labels(train)},
		{Name: "x_test", Shape: []int(tx.Shape()), Data: tx.Float32s()},
		{Name: "y_test", Shape: []int{test.Len()}, Data: labels(test)},
	}})
	if err != nil {
		t.Fatal(err)
	}
	project := unzip(t, zipped, t.TempDir())
	want := m.Predict(x).Float32s()
	fresh, err := modelio.FromPayload(p)
	if err != nil {
		t.Fatal(err)
	}
	all := make([]int, s.BatchSize)
	for i := range all {
		all[i] = i
	}
	bx, by := train.Batch(all)
	stepLoss, err := fresh.TrainBatch(bx, by)
	if err != nil {
		t.Fatal(err)
	}
	out, step := filepath.Join(project, "arrays.npz"), filepath.Join(project, "step.npz")
	if o, err := exec.Command(py, checker, project, out, step, pyFloat(fresh.Optimizer().LearningRate()), pyFloat(float64(s.BatchSize))).CombinedOutput(); err != nil {
		t.Fatalf("data_check.py: %v\n%s", err, o)
	}
	got := readNPZ(t, out)
	if diff := maxDiff(t, "x", got["x"].Data, x.Float32s()); diff != 0 {
		t.Errorf("data.py's points differ from the exported ones by up to %.3g", diff)
	}
	if diff := maxDiff(t, "y", got["y"].Data, labels(train)); diff != 0 {
		t.Errorf("data.py's labels differ from the exported ones")
	}
	if diff := maxDiff(t, "predictions", got["pred"].Data, want); diff > predictTolerance {
		t.Errorf("PyTorch's predictions differ from nnplay's by up to %.3g", diff)
	}
	if diff := math.Abs(float64(got["loss"].Data[0]) - stepLoss); diff > lossTolerance {
		t.Errorf("one step's loss: PyTorch %.8g, nnplay %.8g", got["loss"].Data[0], stepLoss)
	}
	raw, err := os.ReadFile(step)
	if err != nil {
		t.Fatal(err)
	}
	after, err := ImportWeights(p, raw)
	if err != nil {
		t.Fatal(err)
	}
	stepped := modelio.ToPayload(fresh, 0, 2)
	for i, w := range after.Weights {
		if diff := maxDiff(t, w.Name, w.Values, stepped.Weights[i].Values); diff > weightTolerance {
			t.Errorf("after one step %s differs by up to %.3g", w.Name, diff)
		}
	}
}
