//go:build !js

package tfjs

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/data"
	"github.com/nnplay/nnplay/engine/modelio"
	"github.com/nnplay/nnplay/engine/nn"
	"github.com/nnplay/nnplay/engine/spec"
)

// These tests check nnplay's TF.js files against the real @tensorflow/tfjs
// under Node (its cpu backend), a test-only npm dependency in
// testdata/node. `make test` installs it (make tfjs-deps: npm ci); without
// it they fail, saying how to install it.

// tolerance is the largest difference allowed between nnplay's and TF.js'
// probabilities: both compute in float32, in different orders.
const tolerance = 1e-4

// checkedImages is how many MNIST test images the models predict.
const checkedImages = 100

// nodeDir is testdata/node, after checking that Node and @tensorflow/tfjs
// are there.
func nodeDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("testdata", "node"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatal("node is not installed; the TF.js interop tests need Node.js 18 or newer (apt-get install nodejs)")
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@tensorflow", "tfjs", "package.json")); err != nil {
		t.Fatal("@tensorflow/tfjs is not installed for the TF.js interop tests; install it with: make tfjs-deps   (or: cd engine/tfjs/testdata/node && npm ci)")
	}
	return dir
}

// runNode runs a script of testdata/node with args.
func runNode(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("node", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node %v: %v\n%s", args, err, out)
	}
}

// mnistSets loads MNIST from static/data/mnist under the module root.
func mnistSets(t *testing.T) (train, test *data.Set) {
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

// writeImages writes the set's first n images as float32 little-endian.
func writeImages(t *testing.T, path string, set *data.Set, n int) {
	t.Helper()
	var b []byte
	for _, v := range set.X[:n*set.Size()] {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// tfjsPredictions reads what a script wrote.
func tfjsPredictions(t *testing.T, path string) (shape []int, values []float64) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		Shape  []int     `json:"shape"`
		Values []float64 `json:"values"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return out.Shape, out.Values
}

// compare checks nnplay's probabilities against TF.js' and returns the
// largest difference.
func compare(t *testing.T, name string, ours *tensor.Dense, shape []int, theirs []float64) float64 {
	t.Helper()
	if len(shape) != 2 || shape[0] != ours.Shape()[0] || shape[1] != ours.Shape()[1] || len(theirs) != ours.Shape().TotalSize() {
		t.Fatalf("%s: TF.js predicted shape %v (%d values), nnplay %v", name, shape, len(theirs), ours.Shape())
	}
	worst, agree := 0.0, 0
	classes := shape[1]
	for i, v := range ours.Float32s() {
		worst = max(worst, math.Abs(float64(v)-theirs[i]))
	}
	top := 0.0 // the mean top probability: near 1/classes would make the check weak
	for r := range shape[0] {
		row := ours.Float32s()[r*classes : (r+1)*classes]
		if k := argmax(row); k == argmax64(theirs[r*classes:(r+1)*classes]) {
			agree++
		}
		top += float64(row[argmax(row)]) / float64(shape[0])
	}
	t.Logf("%-18s max |nnplay − TF.js| = %.2e over %d×%d probabilities (mean top %.2f); same class on %d of %d", name, worst, shape[0], shape[1], top, agree, shape[0])
	if worst > tolerance {
		t.Errorf("%s: nnplay's and TF.js' probabilities differ by up to %g, more than %g", name, worst, tolerance)
	}
	return worst
}

func argmax(v []float32) int {
	best := 0
	for i, x := range v {
		if x > v[best] {
			best = i
		}
	}
	return best
}

func argmax64(v []float64) int {
	best := 0
	for i, x := range v {
		if x > v[best] {
			best = i
		}
	}
	return best
}

// bnCNN is a CNN with BatchNormalization that learns in a short epoch:
// Conv 8@3×3 same leaky_relu → BN → MaxPool 2 → Conv 16@3×3 stride 2 same
// relu → BN → AveragePooling 3×3 stride 1 same → global average pooling →
// Dense 10 softmax.
func bnCNN() spec.Model {
	s := spec.LeNet()
	s.Layers = []spec.Layer{
		{Type: spec.TypeConv2D, Filters: 8, KernelSize: []int{3, 3}, Padding: spec.PaddingSame, Activation: spec.ActLeakyReLU, Alpha: 0.1, KernelInitializer: spec.InitHeNormal},
		spec.BatchNormalization(),
		spec.MaxPool2D(2),
		{Type: spec.TypeConv2D, Filters: 16, KernelSize: []int{3, 3}, Strides: []int{2, 2}, Padding: spec.PaddingSame, Activation: spec.ActReLU},
		{Type: spec.TypeBatchNormalization, Momentum: 0.9, Epsilon: 1e-5},
		{Type: spec.TypeAveragePooling2D, PoolSize: []int{3, 3}, Strides: []int{1, 1}, Padding: spec.PaddingSame},
		{Type: spec.TypeGlobalAveragePooling2D},
		spec.Dense(10, spec.ActSoftmax),
	}
	s.Optimizer = spec.Adam(0.01)
	return s
}

// TestTFJSLoadsNNPlayExport trains nnplay models briefly on MNIST —
// the seed MLP, LeNet (Conv2D and pooling), a CNN with BatchNormalization,
// a CNN with every image layer (strides, same padding, frozen layers,
// global pooling, Reshape), an MLP with every activation, the LSTM preset,
// a GRU and SimpleRNN stack, and a CNN whose Conv2D and Dense layers have
// no bias (use_bias false) — exports each, loads the files with
// tf.loadLayersModel and checks TF.js' predictions on 100 test images
// against nnplay's to 1e-4.
func TestTFJSLoadsNNPlayExport(t *testing.T) {
	if testing.Short() {
		t.Skip("a long cross-check or training run: make test runs it (make check is -short)")
	}
	node := nodeDir(t)
	train, test := mnistSets(t)
	tmp := t.TempDir()
	images := filepath.Join(tmp, "images.bin")
	writeImages(t, images, test, checkedImages)
	tx, _ := test.Slice(0, checkedImages).Tensors()
	image, flat := everyImageLayer(), everyFlatLayer()
	image.Optimizer, flat.Optimizer = spec.Adam(0.005), spec.Adam(0.005)
	cases := []struct {
		name   string
		spec   spec.Model
		images int
		// sharpen scales the last Dense layer's weights after training:
		// the many-layer models learn little in one short epoch, and
		// near-uniform probabilities would hide differences upstream.
		sharpen float32
	}{
		{"seed", spec.Seed(), 6000, 1},
		{"lenet", spec.LeNet(), 2000, 1},
		{"bn-cnn", bnCNN(), 4000, 1},
		{"every-image-layer", image, 2000, 8},
		{"every-flat-layer", flat, 6000, 8},
		{"lstm", spec.RowByRowRNN(), 3000, 4},
		{"gru-simple-rnn", rnnStack(), 2000, 4},
		{"without-biases", withoutBiases(), 2000, 4},
	}
	models := map[string]*nn.Sequential{}
	args := []string{"check.mjs", images, strconv.Itoa(checkedImages)}
	for _, c := range cases {
		m, err := nn.Build(c.spec)
		if err != nil {
			t.Fatal(err)
		}
		x, y := train.Slice(0, c.images).Tensors()
		cfg := nn.FitConfigFor(c.spec)
		cfg.Epochs = 1
		if _, err := m.Fit(x, y, cfg); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		params := m.Params()
		for _, p := range params[len(params)-2:] {
			for i := range p.Value.Float32s() {
				p.Value.Float32s()[i] *= c.sharpen
			}
		}
		dir := filepath.Join(tmp, c.name)
		if err := WriteDir(dir, modelio.ToPayload(m, 1, 0)); err != nil {
			t.Fatal(err)
		}
		models[c.name] = m
		args = append(args, dir)
	}
	runNode(t, node, args...)
	for _, c := range cases {
		shape, values := tfjsPredictions(t, filepath.Join(tmp, c.name, "tfjs-predictions.json"))
		compare(t, c.name, models[c.name].Predict(tx), shape, values)
	}
}

// TestTFJSModelOpensInNNPlay has TF.js build and save small models of the
// layers nnplay imports (Conv2D and Dense with and without bias, BatchNormalization
// with and without γ or β, both pools, LeakyReLU, ReLU, Activation,
// Softmax, Reshape, global pooling, Dense, Dropout, GRU, SimpleRNN,
// LSTM), with random weights;
// nnplay imports each and predicts the same 100 test images as TF.js did,
// to 1e-4.
func TestTFJSModelOpensInNNPlay(t *testing.T) {
	if testing.Short() {
		t.Skip("a long cross-check or training run: make test runs it (make check is -short)")
	}
	node := nodeDir(t)
	_, test := mnistSets(t)
	tmp := t.TempDir()
	images := filepath.Join(tmp, "images.bin")
	writeImages(t, images, test, checkedImages)
	runNode(t, node, "save.mjs", images, strconv.Itoa(checkedImages), tmp)
	tx, _ := test.Slice(0, checkedImages).Tensors()
	for _, name := range []string{"cnn", "mlp", "gap", "rnn"} {
		dir := filepath.Join(tmp, name)
		p, err := ReadDir(dir)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		m, err := modelio.FromPayload(p)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		// useBias: false comes in as a layer without a bias, not a zero one.
		noBias := 0
		for _, l := range p.Spec.Layers {
			if !l.HasBias() {
				noBias++
			}
		}
		if want := map[string]int{"cnn": 1, "mlp": 1, "rnn": 1}[name]; noBias != want {
			t.Errorf("%s: %d layers without a bias, want %d", name, noBias, want)
		}
		shape, values := tfjsPredictions(t, filepath.Join(dir, "tfjs-predictions.json"))
		compare(t, "tfjs "+name, m.Predict(tx), shape, values)
	}
}
