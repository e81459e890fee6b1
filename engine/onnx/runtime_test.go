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

	"github.com/nnplay/nnplay/engine/internal/exportcases"
	"github.com/nnplay/nnplay/engine/modelio"
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

// TestONNXRuntimeMatchesNNPlay exports every test model, trained a little,
// runs it with onnxruntime-node on 100 MNIST test images and wants
// nnplay's predictions within 1e-5.
func TestONNXRuntimeMatchesNNPlay(t *testing.T) {
	if testing.Short() {
		t.Skip("a long cross-check or training run: make test runs it (make check is -short)")
	}
	dir := nodeDir(t)
	train, test, _ := exportcases.MNIST(t)
	x, _ := test.Slice(0, checked).Tensors()
	for _, c := range exportcases.Models() {
		t.Run(strings.ReplaceAll(c.Name, " ", "_"), func(t *testing.T) {
			m := exportcases.Trained(t, c.Spec, train)
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
