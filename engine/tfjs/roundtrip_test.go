package tfjs

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/modelio"
	"github.com/nnplay/nnplay/engine/nn"
	"github.com/nnplay/nnplay/engine/share"
	"github.com/nnplay/nnplay/engine/spec"
)

// everyImageLayer is a CNN with every image layer nnplay has, in every
// setting Export writes: padding same and valid, strides, a leaky_relu
// and a he_normal Conv2D, BatchNormalization (one frozen), both pools,
// global pooling, Reshape and Flatten.
func everyImageLayer() spec.Model {
	s := spec.LeNet()
	s.Layers = []spec.Layer{
		spec.Reshape(28, -1, 1),
		{Type: spec.TypeConv2D, Filters: 4, KernelSize: []int{3, 5}, Strides: []int{2, 1}, Padding: spec.PaddingSame,
			Activation: spec.ActLeakyReLU, Alpha: 0.1, KernelInitializer: spec.InitHeNormal}, // (14, 28, 4)
		spec.BatchNormalization(),
		{Type: spec.TypeMaxPool2D, PoolSize: []int{2, 2}}, // (7, 14, 4)
		{Type: spec.TypeAveragePooling2D, PoolSize: []int{3, 3}, Strides: []int{1, 2}, Padding: spec.PaddingSame}, // (7, 7, 4)
		{Type: spec.TypeConv2D, Filters: 8, KernelSize: []int{3, 3}, Activation: spec.ActTanh, Frozen: true},      // (5, 5, 8)
		{Type: spec.TypeBatchNormalization, Momentum: 0.9, Epsilon: 1e-5, Frozen: true},
		{Type: spec.TypeConv2D, Filters: 6, KernelSize: []int{3, 3}, Padding: spec.PaddingSame, Activation: spec.ActSigmoid},
		{Type: spec.TypeMaxPool2D, PoolSize: []int{3, 3}, Strides: []int{2, 2}, Padding: spec.PaddingSame}, // (3, 3, 6)
		{Type: spec.TypeConv2D, Filters: 5, KernelSize: []int{1, 1}},
		{Type: spec.TypeGlobalAveragePooling2D}, // (5)
		{Type: spec.TypeReshape, TargetShape: []int{5, 1}},
		{Type: spec.TypeBatchNormalization, Momentum: 0.5, Epsilon: 0.01},
		{Type: spec.TypeFlatten},
		spec.Dense(10, spec.ActSoftmax),
	}
	return s
}

// everyFlatLayer is an MLP with every activation, as a Dense activation
// and as a layer of its own, and Dropout.
func everyFlatLayer() spec.Model {
	s := spec.Seed()
	s.Layers = []spec.Layer{
		{Type: spec.TypeDense, Units: 32, Activation: spec.ActLeakyReLU, KernelInitializer: spec.InitHeNormal},
		{Type: spec.TypeDense, Units: 24, Activation: spec.ActLeakyReLU, Alpha: 0.05},
		{Type: spec.TypeDropout, Rate: 0.25},
		spec.Dense(20, spec.ActSigmoid),
		spec.Dense(20, spec.ActTanh),
		{Type: spec.TypeDense, Units: 16, Frozen: true},
		{Type: spec.TypeReLU},
		spec.Dense(16, spec.ActReLU),
		{Type: spec.TypeLeakyReLU, Alpha: 0.3},
		spec.Dense(12, ""),
		{Type: spec.TypeSigmoid},
		spec.Dense(12, spec.ActLinear),
		{Type: spec.TypeTanh},
		spec.Dense(10, ""),
		{Type: spec.TypeSoftmax},
	}
	s.Optimizer = spec.Optimizer{Name: spec.OptSGD, LearningRate: 0.05, Momentum: 0.9}
	return s
}

// models is every model the round trips cover.
func models() map[string]spec.Model {
	return map[string]spec.Model{"seed": spec.Seed(), "lenet": spec.LeNet(), "every image layer": everyImageLayer(), "every flat layer": everyFlatLayer(),
		"without biases": withoutBiases()}
}

// withoutBiases is a CNN whose Conv2D (before BatchNormalization, Keras'
// pattern) and Dense layers are built without a bias (use_bias false),
// beside a Conv2D and a Dense with one.
func withoutBiases() spec.Model {
	s := spec.LeNet()
	s.Layers = []spec.Layer{
		spec.NoBias(spec.Conv2D(4, 3, spec.ActLinear)),
		spec.BatchNormalization(),
		{Type: spec.TypeReLU},
		spec.MaxPool2D(2),
		{Type: spec.TypeConv2D, Filters: 6, KernelSize: []int{3, 3}, Strides: []int{2, 2}, Padding: spec.PaddingSame, Activation: spec.ActTanh},
		{Type: spec.TypeFlatten},
		spec.NoBias(spec.Dense(12, spec.ActSigmoid)),
		spec.NoBias(spec.Dense(10, spec.ActSoftmax)),
	}
	return s
}

// trained builds s and takes two steps on random data, so every weight
// (BatchNormalization's moving averages too) is off its initial value.
func trained(t testing.TB, s spec.Model) *nn.Sequential {
	t.Helper()
	m, err := nn.Build(s)
	if err != nil {
		t.Fatal(err)
	}
	x, y := randomBatch(s.Input, 16, 1)
	for range 2 {
		if _, err := m.TrainBatch(x, y); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

// randomBatch is n inputs of the shape in [0, 1), and labels 0–9.
func randomBatch(shape []int, n int, seed uint64) (x, y *tensor.Dense) {
	rng := rand.New(rand.NewPCG(seed, 0x74666a73))
	size := n
	for _, d := range shape {
		size *= d
	}
	xs, ys := make([]float32, size), make([]float32, n)
	for i := range xs {
		xs[i] = rng.Float32()
	}
	for i := range ys {
		ys[i] = float32(rng.IntN(10))
	}
	return tensor.New(tensor.WithShape(append([]int{n}, shape...)...), tensor.WithBacking(xs)),
		tensor.New(tensor.WithShape(n), tensor.WithBacking(ys))
}

// exported is m's export, as files.
func exported(t *testing.T, p share.Payload) (modelJSON []byte, files map[string][]byte) {
	t.Helper()
	modelJSON, bin, err := Export(p)
	if err != nil {
		t.Fatal(err)
	}
	return modelJSON, map[string][]byte{WeightsFile: bin}
}

// TestExportImportRoundTrip: for every layer type, Export then Import
// gives back the same spec (training settings included), progress and
// weights bit for bit, and a model that predicts exactly as the original.
func TestExportImportRoundTrip(t *testing.T) {
	for name, s := range models() {
		m := trained(t, s)
		p := modelio.ToPayload(m, 3, 120)
		modelJSON, files := exported(t, p)
		got, err := Import(modelJSON, files)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !reflect.DeepEqual(got.Spec, p.Spec) || got.Epochs != 3 || got.Steps != 120 {
			t.Errorf("%s: spec or progress changed:\n got %+v\nwant %+v", name, got.Spec, p.Spec)
		}
		if !reflect.DeepEqual(got.Weights, p.Weights) {
			t.Errorf("%s: weights changed", name)
		}
		back, err := modelio.FromPayload(got)
		if err != nil {
			t.Fatal(err)
		}
		x, _ := randomBatch(s.Input, 8, 2)
		if !slices.Equal(back.Predict(x).Float32s(), m.Predict(x).Float32s()) {
			t.Errorf("%s: the imported model predicts differently", name)
		}
	}
}

// withoutMetadata is model.json without nnplay's metadata, as another
// writer would make it.
func withoutMetadata(t testing.TB, modelJSON []byte) []byte {
	t.Helper()
	var mf map[string]any
	if err := json.Unmarshal(modelJSON, &mf); err != nil {
		t.Fatal(err)
	}
	delete(mf, "userDefinedMetadata")
	out, err := json.Marshal(mf)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestImportFromTopology: without nnplay's metadata, the layers come from
// the Keras config alone: a leaky_relu Dense or Conv2D becomes the layer
// and a LeakyReLU layer, Activation layers become nnplay's, the rest is
// as exported; the training settings are Keras' defaults; the model
// predicts exactly as the original.
func TestImportFromTopology(t *testing.T) {
	for name, s := range models() {
		m := trained(t, s)
		modelJSON, files := exported(t, modelio.ToPayload(m, 1, 1))
		got, err := Import(withoutMetadata(t, modelJSON), files)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var want []spec.Layer
		for _, l := range s.Layers {
			leaky := l.Activation == spec.ActLeakyReLU
			if (l.Type == spec.TypeDense || l.Type == spec.TypeConv2D) && (l.Activation == "" || leaky) {
				l.Activation = spec.ActLinear
			}
			if leaky {
				alpha := l.Alpha
				if alpha == 0 {
					alpha = nn.DenseLeakyReLUAlpha
				}
				l.Alpha = 0
				want = append(want, l, spec.Layer{Type: spec.TypeLeakyReLU, Alpha: alpha, Frozen: l.Frozen})
				continue
			}
			switch l.Type {
			case spec.TypeConv2D:
				if len(l.Strides) == 0 {
					l.Strides = []int{1, 1}
				}
				l.Padding = padding(l.Padding)
			case spec.TypeMaxPool2D, spec.TypeAveragePooling2D:
				if len(l.Strides) == 0 {
					l.Strides = l.PoolSize
				}
				l.Padding = padding(l.Padding)
			}
			want = append(want, l)
		}
		if !reflect.DeepEqual(got.Spec.Layers, want) {
			t.Errorf("%s: layers\n got %+v\nwant %+v", name, got.Spec.Layers, want)
		}
		if got.Spec.Optimizer != spec.Adam(0.001) || got.Spec.Loss != spec.LossSparseCategoricalCrossentropy || got.Spec.FromLogits ||
			got.Spec.BatchSize != 32 || got.Spec.Epochs != 1 || got.Spec.Seed != 1 || got.Spec.Dataset != spec.DatasetMNIST || got.Epochs != 0 {
			t.Errorf("%s: settings %+v", name, got.Spec)
		}
		back, err := modelio.FromPayload(got)
		if err != nil {
			t.Fatal(err)
		}
		x, _ := randomBatch(s.Input, 8, 2)
		if !slices.Equal(back.Predict(x).Float32s(), m.Predict(x).Float32s()) {
			t.Errorf("%s: the model read from its topology predicts differently", name)
		}
	}
}

// TestExportedModelJSON checks what TF.js reads in the seed model's
// model.json: the format fields, the InputLayer, Keras class names and
// configs, and the manifest in Keras' order with Keras' names.
func TestExportedModelJSON(t *testing.T) {
	modelJSON, files := exported(t, modelio.ToPayload(trained(t, everyImageLayer()), 0, 0))
	var mf struct {
		Format        string  `json:"format"`
		GeneratedBy   string  `json:"generatedBy"`
		ConvertedBy   *string `json:"convertedBy"`
		ModelTopology struct {
			ClassName string `json:"class_name"`
			Config    struct {
				Layers []kerasLayer `json:"layers"`
			} `json:"config"`
		} `json:"modelTopology"`
		WeightsManifest []weightGroup `json:"weightsManifest"`
	}
	if err := json.Unmarshal(modelJSON, &mf); err != nil {
		t.Fatal(err)
	}
	if mf.Format != "layers-model" || mf.GeneratedBy != "nnplay" || mf.ConvertedBy != nil || mf.ModelTopology.ClassName != "Sequential" {
		t.Errorf("header %q %q %v %q", mf.Format, mf.GeneratedBy, mf.ConvertedBy, mf.ModelTopology.ClassName)
	}
	var classes, names []string
	for _, l := range mf.ModelTopology.Config.Layers {
		classes = append(classes, l.ClassName)
		names = append(names, l.Config["name"].(string))
	}
	wantClasses := []string{"InputLayer", "Reshape", "Conv2D", "LeakyReLU", "BatchNormalization", "MaxPooling2D", "AveragePooling2D",
		"Conv2D", "BatchNormalization", "Conv2D", "MaxPooling2D", "Conv2D", "GlobalAveragePooling2D", "Reshape", "BatchNormalization", "Flatten", "Dense"}
	wantNames := []string{"input", "reshape", "conv2d", "leaky_re_lu", "batch_normalization", "max_pooling2d", "average_pooling2d",
		"conv2d_1", "batch_normalization_1", "conv2d_2", "max_pooling2d_1", "conv2d_3", "global_average_pooling2d", "reshape_1", "batch_normalization_2", "flatten", "dense"}
	if !slices.Equal(classes, wantClasses) || !slices.Equal(names, wantNames) {
		t.Errorf("layers %v %v", classes, names)
	}
	input := mf.ModelTopology.Config.Layers[0].Config["batch_input_shape"]
	if !reflect.DeepEqual(input, []any{nil, 28.0, 28.0, 1.0}) {
		t.Errorf("batch_input_shape %v", input)
	}
	conv := mf.ModelTopology.Config.Layers[2].Config
	if conv["activation"] != "linear" || !reflect.DeepEqual(conv["strides"], []any{2.0, 1.0}) || conv["padding"] != "same" ||
		conv["kernel_initializer"].(map[string]any)["class_name"] != "HeNormal" || mf.ModelTopology.Config.Layers[3].Config["alpha"] != 0.1 {
		t.Errorf("conv2d config %v", conv)
	}
	if frozen := mf.ModelTopology.Config.Layers[8].Config; frozen["trainable"] != false || frozen["momentum"] != 0.9 || frozen["epsilon"] != 1e-5 {
		t.Errorf("batch_normalization_1 config %v", frozen)
	}
	if len(mf.WeightsManifest) != 1 || !slices.Equal(mf.WeightsManifest[0].Paths, []string{"group1-shard1of1.bin"}) {
		t.Fatalf("manifest %+v", mf.WeightsManifest)
	}
	var wnames []string
	total := 0
	for _, w := range mf.WeightsManifest[0].Weights {
		wnames = append(wnames, w.Name)
		total += 4 * size(w.Shape)
		if w.Dtype != "float32" {
			t.Errorf("%s is %s", w.Name, w.Dtype)
		}
	}
	wantW := []string{"conv2d/kernel", "conv2d/bias", "batch_normalization/gamma", "batch_normalization/beta",
		"batch_normalization/moving_mean", "batch_normalization/moving_variance", "conv2d_1/kernel", "conv2d_1/bias"}
	if !slices.Equal(wnames[:len(wantW)], wantW) || wnames[len(wnames)-1] != "dense/bias" {
		t.Errorf("weights %v", wnames)
	}
	if total != len(files[WeightsFile]) {
		t.Errorf("the manifest needs %d bytes, the file holds %d", total, len(files[WeightsFile]))
	}
}

// TestReadWriteDir round-trips a model through a folder.
func TestReadWriteDir(t *testing.T) {
	dir := t.TempDir()
	p := modelio.ToPayload(trained(t, spec.LeNet()), 1, 2)
	if err := WriteDir(dir, p); err != nil {
		t.Fatal(err)
	}
	got, err := ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, p) {
		t.Errorf("the folder's model differs")
	}
}
