package tfjs

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/nnplay/nnplay/engine/modelio"
	"github.com/nnplay/nnplay/engine/share"
	"github.com/nnplay/nnplay/engine/spec"
)

// fixture reads a model.json of testdata/keras and makes its weight bytes:
// entry k's value j is k + j/10⁴ (distinct per tensor, so a test sees
// which tensor landed where), split evenly over the group's paths.
func fixture(t *testing.T, name string) (modelJSON []byte, files map[string][]byte, values map[string][]float32) {
	t.Helper()
	modelJSON, err := os.ReadFile(filepath.Join("testdata", "keras", name))
	if err != nil {
		t.Fatal(err)
	}
	var mf modelFile
	if err := json.Unmarshal(modelJSON, &mf); err != nil {
		t.Fatal(err)
	}
	files, values = map[string][]byte{}, map[string][]float32{}
	k := 0
	for _, g := range mf.WeightsManifest {
		var b []byte
		for _, e := range g.Weights {
			v := make([]float32, size(e.Shape))
			for j := range v {
				v[j] = float32(k) + float32(j)/1e4
			}
			values[e.Name] = v
			b = appendFloats(b, v)
			k++
		}
		part := (len(b) + len(g.Paths) - 1) / len(g.Paths)
		for i, p := range g.Paths {
			files[p] = b[min(i*part, len(b)):min((i+1)*part, len(b))]
		}
	}
	return modelJSON, files, values
}

// TestImportKeras2 reads what tensorflowjs_converter writes for a Keras 2
// Sequential CNN (an .h5 file): the model_config wrapper, an InputLayer
// with batch_input_shape, BatchNormalization on axis [3] with its weights
// listed before the convolution's, an Activation("linear") that is
// dropped, a frozen Dense, and Adam's learning rate from training_config.
func TestImportKeras2(t *testing.T) {
	modelJSON, files, values := fixture(t, "keras2-cnn.json")
	p, err := Import(modelJSON, files)
	if err != nil {
		t.Fatal(err)
	}
	conv := spec.Conv2D(2, 3, spec.ActReLU)
	dense := spec.Dense(10, spec.ActSoftmax)
	dense.KernelInitializer, dense.Frozen = spec.InitHeNormal, true
	want := spec.Model{
		Input: []int{28, 28, 1},
		Layers: []spec.Layer{conv, {Type: spec.TypeBatchNormalization, Momentum: 0.9, Epsilon: 1e-3}, spec.MaxPool2D(2),
			{Type: spec.TypeFlatten}, {Type: spec.TypeDropout, Rate: 0.5}, dense},
		Optimizer: spec.Adam(0.0005), Loss: spec.LossSparseCategoricalCrossentropy,
		BatchSize: 32, Epochs: 1, Seed: 1, Dataset: spec.DatasetMNIST,
	}
	if !reflect.DeepEqual(p.Spec, want) {
		t.Errorf("spec\n got %+v\nwant %+v", p.Spec, want)
	}
	for _, w := range p.Weights {
		if !slices.Equal(w.Values, values[w.Name]) {
			t.Errorf("%s: values of another tensor", w.Name)
		}
	}
	if _, err := modelio.FromPayload(p); err != nil {
		t.Errorf("the imported model does not build: %v", err)
	}
}

// TestImportKeras3 reads a Keras 3 config: module and build_config
// fields, DTypePolicy dtypes, an InputLayer with batch_shape, weights
// named sequential/…, a Dense without bias (use_bias false: the kernel
// alone), a
// BatchNormalization without β (center=False: zero β), LeakyReLU's
// negative_slope, a ReLU, a Softmax layer, the optimizer from
// compile_config, and a group split over two files. Then the same with
// Keras 3's checkpoint names (…/dense/vars/0).
func TestImportKeras3(t *testing.T) {
	modelJSON, files, values := fixture(t, "keras3-mlp.json")
	want := spec.Model{
		Input: []int{784},
		Layers: []spec.Layer{
			{Type: spec.TypeDense, Units: 16, Activation: spec.ActLinear, KernelInitializer: spec.InitHeNormal, UseBias: spec.Bool(false)},
			{Type: spec.TypeBatchNormalization, Momentum: 0.99, Epsilon: 1e-3},
			{Type: spec.TypeLeakyReLU, Alpha: 0.1},
			{Type: spec.TypeReLU},
			{Type: spec.TypeDense, Units: 10, Activation: spec.ActLinear},
			{Type: spec.TypeSoftmax},
		},
		Optimizer: spec.Optimizer{Name: spec.OptSGD, LearningRate: 0.01}, Loss: spec.LossSparseCategoricalCrossentropy,
		BatchSize: 32, Epochs: 1, Seed: 1, Dataset: spec.DatasetMNIST,
	}
	check := func(p share.Payload, names map[string]string) {
		t.Helper()
		if !reflect.DeepEqual(p.Spec, want) {
			t.Errorf("spec\n got %+v\nwant %+v", p.Spec, want)
		}
		for _, w := range p.Weights {
			switch w.Name {
			case "dense/bias":
				t.Error("dense/bias: the Dense layer was built without a bias")
			case "batch_normalization/beta":
				if slices.ContainsFunc(w.Values, func(v float32) bool { return v != 0 }) {
					t.Errorf("%s: want zeros for a weight the layer was built without", w.Name)
				}
			default:
				if !slices.Equal(w.Values, values[names[w.Name]]) {
					t.Errorf("%s: values of another tensor", w.Name)
				}
			}
		}
		if _, err := modelio.FromPayload(p); err != nil {
			t.Errorf("the imported model does not build: %v", err)
		}
	}
	p, err := Import(modelJSON, files)
	if err != nil {
		t.Fatal(err)
	}
	check(p, map[string]string{
		"dense/kernel": "sequential/dense/kernel", "batch_normalization/gamma": "sequential/batch_normalization/gamma",
		"batch_normalization/moving_mean": "sequential/batch_normalization/moving_mean", "batch_normalization/moving_variance": "sequential/batch_normalization/moving_variance",
		"dense_1/kernel": "sequential/dense_1/kernel", "dense_1/bias": "sequential/dense_1/bias",
	})

	// Keras 3 checkpoint names count a layer's weights: BatchNormalization
	// without β holds gamma, moving_mean, moving_variance as 0, 1, 2.
	renamed := map[string]string{
		"sequential/dense/kernel":                        "_layer_checkpoint_dependencies/dense/vars/0",
		"sequential/batch_normalization/gamma":           "_layer_checkpoint_dependencies/batch_normalization/vars/0",
		"sequential/batch_normalization/moving_mean":     "_layer_checkpoint_dependencies/batch_normalization/vars/1",
		"sequential/batch_normalization/moving_variance": "_layer_checkpoint_dependencies/batch_normalization/vars/2",
		"sequential/dense_1/kernel":                      "_layer_checkpoint_dependencies/dense_1/vars/0",
		"sequential/dense_1/bias":                        "_layer_checkpoint_dependencies/dense_1/vars/1",
	}
	text := string(modelJSON)
	for from, to := range renamed {
		text = strings.ReplaceAll(text, `"`+from+`"`, `"`+to+`"`)
		values[to] = values[from]
	}
	p, err = Import([]byte(text), files)
	if err != nil {
		t.Fatal(err)
	}
	check(p, map[string]string{
		"dense/kernel": renamed["sequential/dense/kernel"], "batch_normalization/gamma": renamed["sequential/batch_normalization/gamma"],
		"batch_normalization/moving_mean": renamed["sequential/batch_normalization/moving_mean"], "batch_normalization/moving_variance": renamed["sequential/batch_normalization/moving_variance"],
		"dense_1/kernel": renamed["sequential/dense_1/kernel"], "dense_1/bias": renamed["sequential/dense_1/bias"],
	})
}
