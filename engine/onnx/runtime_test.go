//go:build !js

package onnx

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nnplay/nnplay/engine/data"
	"github.com/nnplay/nnplay/engine/internal/exportcases"
	"github.com/nnplay/nnplay/engine/modelio"
	"github.com/nnplay/nnplay/engine/nn"
	"github.com/nnplay/nnplay/engine/spec"
	"gorgonia.org/tensor"
)

// tolerance is the issue's: predictions within 1e-5.
const tolerance = 1e-5

// checked is how many MNIST test images the models predict.
const checked = 100

// nodeDir is testdata/node, after checking that Node and
// onnxruntime-node are there.
func nodeDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("testdata", "node"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatal("node is not installed; the ONNX checks need Node.js 18 or newer")
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "onnxruntime-node", "package.json")); err != nil {
		t.Fatal("onnxruntime-node is not installed for the ONNX checks; install it with: make deps-onnx   (or: cd engine/onnx/testdata/node && npm ci --ignore-scripts)")
	}
	return dir
}

// mnist is MNIST from static/data/mnist under the module root.
func mnist(t *testing.T) (train, test *data.Set) {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		if filepath.Dir(dir) == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = filepath.Dir(dir)
	}
	train, test, err = data.LoadMNIST(filepath.Join(dir, "static", "data", "mnist"))
	if err != nil {
		t.Fatalf("loading MNIST (run `make data` first): %v", err)
	}
	return train, test
}

// trained is the model of s trained a few batches, so its weights and
// BatchNorm statistics are not the initial ones.
func trained(t *testing.T, s spec.Model, train *data.Set) *nn.Sequential {
	t.Helper()
	m, err := nn.Build(s)
	if err != nil {
		t.Fatal(err)
	}
	for b := 0; b < 4; b++ {
		idx := make([]int, s.BatchSize)
		for i := range idx {
			idx[i] = (b*s.BatchSize + i) * 7 % train.Len()
		}
		x, y := train.Batch(idx)
		if s.Loss != spec.LossSparseCategoricalCrossentropy {
			y = oneHot(y, 10)
		}
		if _, err := m.TrainBatch(x, y); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

func oneHot(y *tensor.Dense, k int) *tensor.Dense {
	labels := y.Float32s()
	hot := make([]float32, len(labels)*k)
	for i, l := range labels {
		hot[i*k+int(l)] = 1
	}
	return tensor.New(tensor.WithShape(len(labels), k), tensor.WithBacking(hot))
}

// TestONNXRuntimeMatchesNNPlay exports every test model, trained a little,
// runs it with onnxruntime-node on 100 MNIST test images and wants
// nnplay's predictions within 1e-5.
func TestONNXRuntimeMatchesNNPlay(t *testing.T) {
	dir := nodeDir(t)
	train, test := mnist(t)
	x, _ := test.Slice(0, checked).Tensors()
	for _, c := range exportcases.Models() {
		t.Run(strings.ReplaceAll(c.Name, " ", "_"), func(t *testing.T) {
			m := trained(t, c.Spec, train)
			b, err := Export(modelio.ToPayload(m, 0, 4))
			if err != nil {
				t.Fatal(err)
			}
			tmp := t.TempDir()
			model, in, out := filepath.Join(tmp, "model.onnx"), filepath.Join(tmp, "x.f32"), filepath.Join(tmp, "y.f32")
			if err := os.WriteFile(model, b, 0o644); err != nil {
				t.Fatal(err)
			}
			var raw []byte
			for _, v := range x.Float32s() {
				raw = binary.LittleEndian.AppendUint32(raw, math.Float32bits(v))
			}
			if err := os.WriteFile(in, raw, 0o644); err != nil {
				t.Fatal(err)
			}
			shape := append([]int{checked}, c.Spec.Input...)
			dims := strings.Trim(strings.ReplaceAll(fmt.Sprint(shape), " ", ","), "[]")
			cmd := exec.Command("node", "run.mjs", model, in, dims, out)
			cmd.Dir = dir
			stdout, err := cmd.Output()
			if err != nil {
				msg := ""
				if ee, ok := err.(*exec.ExitError); ok {
					msg = string(ee.Stderr)
				}
				t.Fatalf("onnxruntime-node: %v\n%s", err, msg)
			}
			want := m.Predict(x)
			var gotShape []int
			if err := json.Unmarshal(stdout, &gotShape); err != nil {
				t.Fatalf("run.mjs printed %q: %v", stdout, err)
			}
			if !slices.Equal(gotShape, []int(want.Shape())) {
				t.Fatalf("output shape %v, nnplay's %v", gotShape, want.Shape())
			}
			rawOut, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			w := want.Float32s()
			if len(rawOut) != 4*len(w) {
				t.Fatalf("%d bytes of output for %d values", len(rawOut), len(w))
			}
			worst := 0.0
			for i, v := range w {
				g := math.Float32frombits(binary.LittleEndian.Uint32(rawOut[4*i:]))
				worst = max(worst, math.Abs(float64(g)-float64(v)))
				if math.IsNaN(float64(g)) {
					worst = math.Inf(1)
				}
			}
			if worst > tolerance {
				t.Errorf("onnxruntime's predictions differ from nnplay's by up to %.3g (tolerance %g)", worst, tolerance)
			} else {
				t.Logf("%d bytes; max |onnxruntime − nnplay| = %.3g over %d values", len(b), worst, len(w))
			}
		})
	}
}
