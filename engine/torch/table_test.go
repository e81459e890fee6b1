//go:build !js

package torch

import (
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/data"
	"github.com/nnplay/nnplay/engine/data/split"
	"github.com/nnplay/nnplay/engine/data/table"
	"github.com/nnplay/nnplay/engine/internal/exportcases"
	"github.com/nnplay/nnplay/engine/modelio"
	"github.com/nnplay/nnplay/engine/nn"
	"github.com/nnplay/nnplay/engine/spec"
)

// tableFile is a built-in table's file under static/data/tables.
func tableFile(t *testing.T, name string) string {
	t.Helper()
	_, _, mnistDir := exportcases.MNIST(t)
	path := filepath.Join(filepath.Dir(mnistDir), "tables", name)
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("%v (make data-tables writes it)", err)
	}
	return path
}

// encodeRows is what nnplay's table encoding gives for every row data.py
// keeps (target present and a known class; inputs present or filled), in
// file order: x and the class index or scaled target.
func encodeRows(t *testing.T, raw *table.Raw, d spec.Data) (xs []float32, ys []float32) {
	t.Helper()
	at := map[string]int{}
	for j, c := range raw.Columns {
		at[c] = j
	}
	for _, row := range raw.Rows {
		target := row[at[d.Target]]
		if table.IsMissing(target) {
			continue
		}
		var y float32
		if d.Task == spec.TaskRegression {
			v, ok := parseFloat(target)
			if !ok {
				continue
			}
			y = float32((v - d.TargetOffset) / d.TargetScale)
		} else {
			k := slices.Index(d.Classes, target)
			if k < 0 {
				continue
			}
			y = float32(k)
		}
		cells := make([]string, len(d.Columns))
		for i, c := range d.Columns {
			cells[i] = row[at[c.Name]]
		}
		x, err := table.EncodeRow(d, cells)
		if err != nil {
			continue // a missing value without a fill: the row is dropped
		}
		xs, ys = append(xs, x...), append(ys, y)
	}
	return xs, ys
}

// TestPyTorchTables exports models of the built-in tables (penguins:
// species from standardized numeric and one-hot categorical columns with
// missing values filled; cars: miles per gallon, a regression with the
// Huber loss) and checks that data.py encodes the raw table as nnplay does
// (within 1e-6), that PyTorch predicts from it as nnplay does (within
// 1e-5), and one training step (loss within 1e-5, weights within 1e-4).
func TestPyTorchTables(t *testing.T) {
	if testing.Short() {
		t.Skip("a long cross-check or training run: make test runs it (make check is -short)")
	}
	py := python(t)
	checker, err := filepath.Abs(filepath.Join("testdata", "data_check.py"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		dataset string
		loss    string
		outputs int
		act     string
	}{
		{spec.DatasetPenguins, spec.LossSparseCategoricalCrossentropy, 3, spec.ActSoftmax},
		{spec.DatasetCars, spec.LossHuber, 1, spec.ActLinear},
	} {
		t.Run(c.dataset, func(t *testing.T) {
			path := tableFile(t, c.dataset+".json")
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			parts, err := data.BuiltinTable(c.dataset, b, 1, split.Default)
			if err != nil {
				t.Fatal(err)
			}
			d := parts.Data
			s := spec.Model{
				Input:     []int{d.Features()},
				Layers:    []spec.Layer{spec.Dense(12, spec.ActTanh), spec.Dense(c.outputs, c.act)},
				Optimizer: spec.Adam(0.01),
				Loss:      c.loss,
				BatchSize: 16, Epochs: 1, Seed: 1, Dataset: c.dataset, Data: &d,
			}
			m, err := nn.Build(s)
			if err != nil {
				t.Fatal(err)
			}
			for b := 0; b < 5; b++ {
				idx := make([]int, s.BatchSize)
				for i := range idx {
					idx[i] = (b*s.BatchSize + i) % parts.Train.Len()
				}
				x, y := parts.Train.Batch(idx)
				if _, err := m.TrainBatch(x, y); err != nil {
					t.Fatal(err)
				}
			}
			p := modelio.ToPayload(m, 0, 5)
			zipped, err := Export(p, Options{})
			if err != nil {
				t.Fatal(err)
			}
			project := unzip(t, zipped, t.TempDir())
			if err := os.WriteFile(filepath.Join(project, c.dataset+".json"), b, 0o644); err != nil {
				t.Fatal(err)
			}
			raw, err := table.Parse(b, table.Options{})
			if err != nil {
				t.Fatal(err)
			}
			xs, ys := encodeRows(t, raw, d)
			n := len(ys)
			x := tensor.New(tensor.WithShape(n, d.Features()), tensor.WithBacking(xs))
			want := m.Predict(x).Float32s()

			fresh, err := modelio.FromPayload(p)
			if err != nil {
				t.Fatal(err)
			}
			bx := tensor.New(tensor.WithShape(s.BatchSize, d.Features()), tensor.WithBacking(slices.Clone(xs[:s.BatchSize*d.Features()])))
			byShape := []int{s.BatchSize}
			if d.Task == spec.TaskRegression {
				byShape = []int{s.BatchSize, 1}
			}
			by := tensor.New(tensor.WithShape(byShape...), tensor.WithBacking(slices.Clone(ys[:s.BatchSize])))
			stepLoss, err := fresh.TrainBatch(bx, by)
			if err != nil {
				t.Fatal(err)
			}
			stepped := modelio.ToPayload(fresh, 0, 6)

			out, step := filepath.Join(project, "table.npz"), filepath.Join(project, "step.npz")
			lr := fresh.Optimizer().LearningRate()
			if o, err := exec.Command(py, checker, project, out, step, pyFloat(lr), pyFloat(float64(s.BatchSize))).CombinedOutput(); err != nil {
				t.Fatalf("data_check.py: %v\n%s", err, o)
			}
			got := readNPZ(t, out)
			if len(got["y"].Data) != n {
				t.Fatalf("data.py kept %d rows, nnplay's encoding %d", len(got["y"].Data), n)
			}
			if d := maxDiff(t, "x", got["x"].Data, xs); d > 1e-6 {
				t.Errorf("data.py's features differ from nnplay's by up to %.3g", d)
			}
			if d := maxDiff(t, "y", got["y"].Data, ys); d > 1e-6 {
				t.Errorf("data.py's targets differ from nnplay's by up to %.3g", d)
			}
			if d := maxDiff(t, "predictions", got["pred"].Data, want); d > predictTolerance {
				t.Errorf("PyTorch's predictions differ from nnplay's by up to %.3g", d)
			} else {
				t.Logf("%d rows: data.py encodes them as nnplay; predictions max |PyTorch − nnplay| %.3g", n, d)
			}
			if diff := math.Abs(float64(got["loss"].Data[0]) - stepLoss); diff > lossTolerance {
				t.Errorf("one step's loss: PyTorch %.8g, nnplay %.8g", got["loss"].Data[0], stepLoss)
			}
			rawStep, err := os.ReadFile(step)
			if err != nil {
				t.Fatal(err)
			}
			after, err := ImportWeights(p, rawStep)
			if err != nil {
				t.Fatal(err)
			}
			for i, w := range after.Weights {
				if d := maxDiff(t, w.Name, w.Values, stepped.Weights[i].Values); d > weightTolerance {
					t.Errorf("after one step %s differs by up to %.3g", w.Name, d)
				}
			}
		})
	}
}

func parseFloat(s string) (float64, bool) {
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil
}
