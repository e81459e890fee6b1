package tfjs

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nnplay/nnplay/engine/modelio"
	"github.com/nnplay/nnplay/engine/share"
	"github.com/nnplay/nnplay/engine/spec"
)

// edited exports s (trained a little), lets edit change model.json as
// decoded JSON (without nnplay's metadata, as a foreign file), and returns
// the files.
func edited(t *testing.T, s spec.Model, edit func(mf map[string]any, layers []any)) ([]byte, map[string][]byte) {
	t.Helper()
	modelJSON, files := exported(t, modelio.ToPayload(trained(t, s), 0, 0))
	var mf map[string]any
	if err := json.Unmarshal(withoutMetadata(t, modelJSON), &mf); err != nil {
		t.Fatal(err)
	}
	layers := mf["modelTopology"].(map[string]any)["config"].(map[string]any)["layers"].([]any)
	if edit != nil {
		edit(mf, layers)
	}
	out, err := json.Marshal(mf)
	if err != nil {
		t.Fatal(err)
	}
	return out, files
}

// layerConfig is layer i's config in decoded model.json.
func layerConfig(layers []any, i int) map[string]any {
	return layers[i].(map[string]any)["config"].(map[string]any)
}

// manifestEntry is weight i of the first group.
func manifestEntry(mf map[string]any, i int) map[string]any {
	return mf["weightsManifest"].([]any)[0].(map[string]any)["weights"].([]any)[i].(map[string]any)
}

// TestImportRefuses: files nnplay cannot read are refused with a message
// that names the layer or weight and says why.
func TestImportRefuses(t *testing.T) {
	seed, lenet := spec.Seed(), spec.LeNet()
	type files = map[string][]byte
	cases := []struct {
		name  string
		model func() ([]byte, files)
		want  string
	}{
		{"a list", func() ([]byte, files) { return []byte(`[1, 2]`), nil }, "this is not a TensorFlow.js model.json: it is not a JSON object"},
		{"broken JSON", func() ([]byte, files) { return []byte(`{"format": `), nil }, "model.json is not valid JSON"},
		{"graph model", func() ([]byte, files) { return []byte(`{"format": "graph-model", "modelTopology": {"node": []}}`), nil }, "this is a TensorFlow.js graph model"},
		{"no topology", func() ([]byte, files) { return []byte(`{"format": "layers-model", "weightsManifest": []}`), nil }, "it has no modelTopology"},
		{"other format", func() ([]byte, files) {
			return edited(t, seed, func(mf map[string]any, _ []any) { mf["format"] = "onnx" })
		}, `model.json's format is "onnx"; nnplay imports "layers-model"`},
		{"functional", func() ([]byte, files) {
			return edited(t, seed, func(mf map[string]any, _ []any) { mf["modelTopology"].(map[string]any)["class_name"] = "Functional" })
		}, "this is a Keras Functional model; nnplay imports Sequential models only"},
		{"unknown layer", func() ([]byte, files) {
			return edited(t, seed, func(_ map[string]any, l []any) { l[2].(map[string]any)["class_name"] = "Conv1D" })
		}, `layer "dense_1" (Conv1D): nnplay has no Conv1D layer; it imports Dense, Conv2D,`},
		{"dilated conv", func() ([]byte, files) {
			return edited(t, lenet, func(_ map[string]any, l []any) { layerConfig(l, 3)["dilation_rate"] = []any{2, 2} })
		}, `layer "conv2d_1" (Conv2D): dilation_rate [2 2] is not supported; nnplay's convolutions are not dilated`},
		{"grouped conv", func() ([]byte, files) {
			return edited(t, lenet, func(_ map[string]any, l []any) { layerConfig(l, 1)["groups"] = 2 })
		}, `layer "conv2d" (Conv2D): groups 2 is not supported`},
		{"channels first", func() ([]byte, files) {
			return edited(t, lenet, func(_ map[string]any, l []any) { layerConfig(l, 2)["data_format"] = "channels_first" })
		}, `layer "max_pooling2d" (MaxPooling2D): data_format "channels_first" is not supported`},
		{"causal padding", func() ([]byte, files) {
			return edited(t, lenet, func(_ map[string]any, l []any) { layerConfig(l, 1)["padding"] = "causal" })
		}, `layer "conv2d" (Conv2D): padding "causal" is not supported; use valid or same`},
		{"ReLU6", func() ([]byte, files) {
			return edited(t, seed, func(_ map[string]any, l []any) {
				l[2] = map[string]any{"class_name": "ReLU", "config": map[string]any{"name": "re_lu", "max_value": 6}}
			})
		}, `layer "re_lu" (ReLU): max_value 6 is not supported; nnplay's ReLU has no cap (ReLU6 is not in nnplay)`},
		{"elu", func() ([]byte, files) {
			return edited(t, seed, func(_ map[string]any, l []any) { layerConfig(l, 1)["activation"] = "elu" })
		}, `layer "dense" (Dense): activation "elu" is not one nnplay has`},
		{"units as text", func() ([]byte, files) {
			return edited(t, seed, func(_ map[string]any, l []any) { layerConfig(l, 1)["units"] = "128" })
		}, `layer "dense" (Dense): units must be a number, got "128"`},
		{"trainable as text", func() ([]byte, files) {
			return edited(t, seed, func(_ map[string]any, l []any) { layerConfig(l, 1)["trainable"] = "yes" })
		}, `layer "dense" (Dense): trainable must be true or false, got "yes"`},
		{"CIFAR input", func() ([]byte, files) {
			return edited(t, lenet, func(_ map[string]any, l []any) { layerConfig(l, 0)["batch_input_shape"] = []any{nil, 32, 32, 3} })
		}, "the model's input (None, 32, 32, 3) fits none of nnplay's data sets"},
		{"Dense on an image", func() ([]byte, files) {
			return edited(t, lenet, func(_ map[string]any, l []any) {
				l[5] = map[string]any{"class_name": "Dropout", "config": map[string]any{"name": "dropout", "rate": 0.1}}
			})
		}, `layer "dense" (Dense): needs a flat input, got shape (None, 5, 5, 16); add Flatten first`},
		{"no input shape", func() ([]byte, files) {
			return edited(t, seed, func(_ map[string]any, l []any) { delete(layerConfig(l, 0), "batch_input_shape") })
		}, `the InputLayer "input" has no batch_input_shape or batch_shape`},
		{"unknown size", func() ([]byte, files) {
			return edited(t, seed, func(_ map[string]any, l []any) { layerConfig(l, 0)["batch_input_shape"] = []any{nil, nil} })
		}, "the model's input shape (None, None) has an unknown size"},
		{"InputLayer later", func() ([]byte, files) {
			return edited(t, seed, func(_ map[string]any, l []any) { l[2].(map[string]any)["class_name"] = "InputLayer" })
		}, `layer "dense_1" (InputLayer): an InputLayer may only come first`},
		{"not a layer", func() ([]byte, files) {
			return edited(t, seed, func(_ map[string]any, l []any) { l[1] = map[string]any{"units": 3} })
		}, `model.json: layer 2 is not a Keras layer`},
		{"Softmax on axis 1 of an image", func() ([]byte, files) {
			return edited(t, lenet, func(_ map[string]any, l []any) {
				l[2] = map[string]any{"class_name": "Softmax", "config": map[string]any{"name": "softmax", "axis": 1}}
			})
		}, `layer "softmax" (Softmax): axis 1 is not supported; nnplay's Softmax works on the last axis (-1, or 3 here)`},
		{"weight file missing", func() ([]byte, files) {
			j, _ := edited(t, seed, nil)
			return j, files{}
		}, `the weight file "group1-shard1of1.bin" that model.json names is missing; choose it together with model.json`},
		{"weight file cut", func() ([]byte, files) {
			j, f := edited(t, seed, nil)
			f[WeightsFile] = f[WeightsFile][:1000]
			return j, f
		}, "the weight files group1-shard1of1.bin hold 1,000 bytes but model.json's manifest needs 437,544 for its 6 weights"},
		{"weight file too long", func() ([]byte, files) {
			j, f := edited(t, seed, nil)
			f[WeightsFile] = append(slices.Clone(f[WeightsFile]), 0, 0, 0, 0)
			return j, f
		}, "hold 437,548 bytes but model.json's manifest needs 437,544"},
		{"transposed kernel", func() ([]byte, files) {
			return edited(t, seed, func(mf map[string]any, _ []any) { manifestEntry(mf, 0)["shape"] = []any{128, 784} })
		}, `layer "dense": weight "dense/kernel" has shape [128 784] but the layer needs [784 128]`},
		{"weight not in the manifest", func() ([]byte, files) {
			return edited(t, seed, func(mf map[string]any, _ []any) { manifestEntry(mf, 2)["name"] = "other/kernel" })
		}, `layer "dense_1": its weight "dense_1/kernel" is not in model.json's weights manifest (which holds dense/kernel, dense/bias, other/kernel,`},
		{"NaN weight", func() ([]byte, files) {
			j, f := edited(t, seed, nil)
			f[WeightsFile] = slices.Clone(f[WeightsFile])
			binary.LittleEndian.PutUint32(f[WeightsFile][4*(784*128+3):], math.Float32bits(float32(math.NaN())))
			return j, f
		}, `weight "dense/bias" holds NaN at index 3; NaN and infinite weights are refused`},
		{"int32 weight", func() ([]byte, files) {
			return edited(t, seed, func(mf map[string]any, _ []any) { manifestEntry(mf, 1)["dtype"] = "int32" })
		}, `weight "dense/bias" is int32; nnplay reads float32 weights only`},
		{"unknown quantization", func() ([]byte, files) {
			return edited(t, seed, func(mf map[string]any, _ []any) {
				manifestEntry(mf, 1)["quantization"] = map[string]any{"dtype": "int4"}
			})
		}, `weight "dense/bias" is quantized as "int4", which nnplay does not read`},
		{"huge shape", func() ([]byte, files) {
			return edited(t, seed, func(mf map[string]any, _ []any) { manifestEntry(mf, 0)["shape"] = []any{1 << 30, 1 << 30} })
		}, `weight "dense/kernel" has shape [1073741824 1073741824], far larger than nnplay trains`},
		{"huge model.json", func() ([]byte, files) {
			return append([]byte(`{"x": "`), make([]byte, MaxModelJSON)...), nil
		}, "model.json is larger than 16 MiB"},
	}
	for _, c := range cases {
		modelJSON, files := c.model()
		p, err := Import(modelJSON, files)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v\nwant %q", c.name, err, c.want)
		}
		if len(p.Weights) != 0 || len(p.Spec.Layers) != 0 {
			t.Errorf("%s: a payload came back with the error", c.name)
		}
	}
}

// TestImportQuantized reads weights stored by tensorflowjs_converter's
// --quantize_uint8, --quantize_uint16 and --quantize_float16: value =
// code·scale + min, or float16 bits.
func TestImportQuantized(t *testing.T) {
	modelJSON, files := edited(t, spec.Seed(), func(mf map[string]any, _ []any) {
		manifestEntry(mf, 1)["quantization"] = map[string]any{"dtype": "uint8", "scale": 0.5, "min": -1}
		manifestEntry(mf, 3)["quantization"] = map[string]any{"dtype": "uint16", "scale": 0.25, "min": 2}
		manifestEntry(mf, 5)["quantization"] = map[string]any{"dtype": "float16"}
	})
	// Rewrite the file: dense/bias as uint8 codes 0…, dense_1/bias as
	// uint16 codes 0…, dense_2/bias as float16 1.5.
	var mf modelFile
	if err := json.Unmarshal(modelJSON, &mf); err != nil {
		t.Fatal(err)
	}
	src := files[WeightsFile]
	var b []byte
	at := 0
	for i, e := range mf.WeightsManifest[0].Weights {
		n := size(e.Shape)
		switch i {
		case 1:
			for j := range n {
				b = append(b, byte(j))
			}
		case 3:
			for j := range n {
				b = binary.LittleEndian.AppendUint16(b, uint16(j))
			}
		case 5:
			for range n {
				b = binary.LittleEndian.AppendUint16(b, share.Float16Bits(1.5))
			}
		default:
			b = append(b, src[at:at+4*n]...)
		}
		at += 4 * n
	}
	p, err := Import(modelJSON, map[string][]byte{WeightsFile: b})
	if err != nil {
		t.Fatal(err)
	}
	if v := p.Weights[1].Values; v[0] != -1 || v[3] != 0.5 || v[127] != 62.5 {
		t.Errorf("uint8: %v", v[:4])
	}
	if v := p.Weights[3].Values; v[0] != 2 || v[4] != 3 {
		t.Errorf("uint16: %v", v[:5])
	}
	if v := p.Weights[5].Values; v[0] != 1.5 || v[9] != 1.5 {
		t.Errorf("float16: %v", v)
	}
}

// TestImportByOrder: when no weight name fits any layer (a writer that
// names weights its own way), the manifest is read in Keras' order.
func TestImportByOrder(t *testing.T) {
	want := modelio.ToPayload(trained(t, spec.Seed()), 0, 0)
	modelJSON, files := exported(t, want)
	var mf map[string]any
	if err := json.Unmarshal(withoutMetadata(t, modelJSON), &mf); err != nil {
		t.Fatal(err)
	}
	for i := range 6 {
		manifestEntry(mf, i)["name"] = "w" + string(rune('a'+i))
	}
	modelJSON, _ = json.Marshal(mf)
	p, err := Import(modelJSON, files)
	if err != nil {
		t.Fatal(err)
	}
	for i, w := range p.Weights {
		if w.Name != want.Weights[i].Name || !slices.Equal(w.Values, want.Weights[i].Values) {
			t.Errorf("tensor %d: %s", i, w.Name)
		}
	}
}

// TestExportRefuses: payloads that cannot become TF.js files.
func TestExportRefuses(t *testing.T) {
	good := modelio.ToPayload(trained(t, spec.Seed()), 0, 0)
	nan := good
	nan.Weights = slices.Clone(good.Weights)
	nan.Weights[2].Values = slices.Clone(nan.Weights[2].Values)
	nan.Weights[2].Values[5] = float32(math.Inf(1))
	bad := spec.Seed()
	bad.Layers[0].Units = 0
	for _, c := range []struct {
		name string
		p    share.Payload
		want string
	}{
		{"recipe", share.Payload{Spec: spec.Seed()}, "the model has no weights to export; build or train it first"},
		{"missing tensor", share.Payload{Spec: spec.Seed(), Weights: good.Weights[:4]}, "the model has 6 weight tensors but 4 were given"},
		{"wrong shape", share.Payload{Spec: spec.Seed(), Weights: append([]share.Tensor{{Shape: []int{128, 784}, Values: good.Weights[0].Values}}, good.Weights[1:]...)},
			"weight tensor 1 (dense/kernel) has shape [128 784] and 100352 values; the model's is [784 128]"},
		{"infinite weight", nan, "weight tensor 3 (dense_1/kernel) holds +Inf at index 5; a model with NaN or infinite weights cannot be exported"},
		{"invalid spec", share.Payload{Spec: bad}, "the model cannot be exported: layer 1 (Dense): units must be between 1 and 4096, got 0"},
	} {
		if _, _, err := Export(c.p); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v\nwant %q", c.name, err, c.want)
		}
	}
}

// TestReadDirRefusesOutsidePaths: a model.json naming a weight file
// outside its folder is refused before anything is read.
func TestReadDirRefusesOutsidePaths(t *testing.T) {
	dir := t.TempDir()
	modelJSON, _ := edited(t, spec.Seed(), func(mf map[string]any, _ []any) {
		mf["weightsManifest"].([]any)[0].(map[string]any)["paths"] = []any{"../secret.bin"}
	})
	if err := os.WriteFile(filepath.Join(dir, ModelFile), modelJSON, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadDir(dir); err == nil || !strings.Contains(err.Error(), `model.json names the weight file "../secret.bin" outside its folder`) {
		t.Errorf("ReadDir: %v", err)
	}
	if paths, err := WeightPaths(modelJSON); err != nil || !slices.Equal(paths, []string{"../secret.bin"}) {
		t.Errorf("WeightPaths: %v %v", paths, err)
	}
}
