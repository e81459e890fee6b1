// Package tfjs converts nnplay models to and from the TensorFlow.js Layers
// format: a model.json holding the architecture as a Keras Sequential
// config and a manifest of the weights, plus binary files holding the
// weights as little-endian float32.
//
// Export writes what tf.loadLayersModel reads; Import reads what TF.js'
// model.save writes and what tensorflowjs_converter writes for a Keras
// Sequential model (Keras 2 and Keras 3 configs), for the layer types nnplay
// has. The package works on share.Payload (a spec and its weights, no
// tensors), so the page can convert without the training engine;
// engine/modelio turns a Payload into a trainable model and back.
//
// Layer types map one to one, except that a Dense or Conv2D layer with a
// leaky_relu activation, which TF.js does not have, is written as the layer
// with a linear activation followed by a LeakyReLU layer; nnplay's
// Sigmoid, Tanh and Softmax layers are Keras Activation layers; and a GRU
// exports only with reset_after false, the one form TF.js has (see
// recurrent.go).
package tfjs

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"

	"github.com/nnplay/nnplay/engine/share"
	"github.com/nnplay/nnplay/engine/spec"
)

// Files Export writes.
const (
	ModelFile   = "model.json"
	WeightsFile = "group1-shard1of1.bin"
)

// metadataKey is where model.json's userDefinedMetadata keeps what Keras'
// config cannot say (see metadata).
const metadataKey = "nnplay"

// metadata is nnplay's own record in model.json: the full spec (training
// settings, seed, data set) and the training done. Import uses the spec's
// layers only when exporting them gives the file's topology, so an edited
// file is read from its topology.
type metadata struct {
	Spec   json.RawMessage `json:"spec"`
	Epochs int             `json:"epochs"`
	Steps  int             `json:"steps"`
}

// kerasLayer is one entry of a Sequential config's layers.
type kerasLayer struct {
	ClassName string         `json:"class_name"`
	Config    map[string]any `json:"config"`
}

// Export writes p's model as TF.js Layers files: model.json (format
// "layers-model", generatedBy "nnplay") and the weights file it names,
// WeightsFile. p must hold weights, in share.ExpectedWeights' order and
// shapes (engine/modelio.ToPayload gives them).
func Export(p share.Payload) (modelJSON, weights []byte, err error) {
	want, err := share.ExpectedWeights(p.Spec)
	if err == nil {
		err = canExport(p.Spec)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("the model cannot be exported: %w", err)
	}
	if len(p.Weights) != len(want) {
		if len(p.Weights) == 0 {
			return nil, nil, fmt.Errorf("the model has no weights to export; build or train it first")
		}
		return nil, nil, fmt.Errorf("the model has %d weight tensors but %d were given", len(want), len(p.Weights))
	}
	for i, t := range p.Weights {
		if !slices.Equal(t.Shape, want[i].Shape) || len(t.Values) != size(want[i].Shape) {
			return nil, nil, fmt.Errorf("weight tensor %d (%s) has shape %v and %d values; the model's is %v", i+1, want[i].Name, t.Shape, len(t.Values), want[i].Shape)
		}
		for j, v := range t.Values {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return nil, nil, fmt.Errorf("weight tensor %d (%s) holds %v at index %d; a model with NaN or infinite weights cannot be exported", i+1, want[i].Name, v, j)
			}
		}
	}
	layers, holders := kerasLayers(p.Spec)
	var entries []weightEntry
	for i, w := range want {
		_, weight, _ := cutName(w.Name)
		name := holders[w.Layer] + "/" + weight
		entries = append(entries, weightEntry{Name: name, Shape: w.Shape, Dtype: "float32"})
		weights = appendFloats(weights, p.Weights[i].Values)
	}
	topology, err := json.Marshal(topologyOf(layers))
	if err != nil {
		return nil, nil, err
	}
	specJSON, err := json.Marshal(p.Spec)
	if err != nil {
		return nil, nil, fmt.Errorf("the model's spec cannot be written: %v", err)
	}
	meta, err := json.Marshal(map[string]metadata{metadataKey: {Spec: specJSON, Epochs: p.Epochs, Steps: p.Steps}})
	if err != nil {
		return nil, nil, err
	}
	modelJSON, err = json.MarshalIndent(modelFile{
		Format: "layers-model", GeneratedBy: "nnplay",
		ModelTopology:       topology,
		WeightsManifest:     []weightGroup{{Paths: []string{WeightsFile}, Weights: entries}},
		UserDefinedMetadata: meta,
	}, "", " ")
	return modelJSON, weights, err
}

// topologyOf is the modelTopology of a Sequential model of these layers.
func topologyOf(layers []kerasLayer) map[string]any {
	return map[string]any{
		"class_name": "Sequential",
		"config":     map[string]any{"name": "sequential", "layers": layers},
	}
}

// kerasLayers is the Keras layer list for s: an InputLayer, then each
// layer's one or two Keras layers. holders[i] is the Keras name of the
// layer holding nnplay layer i's weights ("" when it has none).
func kerasLayers(s spec.Model) (layers []kerasLayer, holders []string) {
	count := map[string]int{}
	name := func(class string) string {
		base := snake(class)
		n := count[base]
		count[base] = n + 1
		if n == 0 {
			return base
		}
		return fmt.Sprintf("%s_%d", base, n)
	}
	add := func(class string, frozen bool, config map[string]any) string {
		n := name(class)
		config["name"], config["trainable"], config["dtype"] = n, !frozen, "float32"
		layers = append(layers, kerasLayer{ClassName: class, Config: config})
		return n
	}
	layers = append(layers, kerasLayer{ClassName: "InputLayer", Config: map[string]any{
		"batch_input_shape": append([]any{nil}, intsAny(s.Input)...), "dtype": "float32", "sparse": false, "name": "input",
	}})
	holders = make([]string, len(s.Layers))
	for i, l := range s.Layers {
		class, config := exportLayer(l)
		n := add(class, l.Frozen, config)
		if l.Type == spec.TypeDense || l.Type == spec.TypeConv2D || l.Type == spec.TypeBatchNormalization || spec.IsRecurrent(l.Type) {
			holders[i] = n
		}
		if (l.Type == spec.TypeDense || l.Type == spec.TypeConv2D) && l.Activation == spec.ActLeakyReLU {
			alpha := l.Alpha
			if alpha == 0 {
				alpha = 0.2 // nn.DenseLeakyReLUAlpha, Keras' activations.leaky_relu
			}
			add("LeakyReLU", l.Frozen, map[string]any{"alpha": alpha})
		}
	}
	return layers, holders
}

// exportLayer is the Keras class and config (without name, trainable and
// dtype) of one nnplay layer; a leaky_relu activation is left to a
// LeakyReLU layer after it.
func exportLayer(l spec.Layer) (string, map[string]any) {
	act := l.Activation
	if act == "" || act == spec.ActLeakyReLU {
		act = spec.ActLinear
	}
	window := func(size []int) map[string]any {
		strides := l.Strides
		if len(strides) == 0 {
			strides = size
		}
		return map[string]any{"pool_size": intsAny(size), "strides": intsAny(strides), "padding": padding(l.Padding), "data_format": "channels_last"}
	}
	switch l.Type {
	case spec.TypeDense:
		c := withKernel(l.KernelInitializer)
		c["units"], c["activation"], c["use_bias"] = l.Units, act, l.HasBias()
		return "Dense", c
	case spec.TypeConv2D:
		strides := l.Strides
		if len(strides) == 0 {
			strides = []int{1, 1}
		}
		c := withKernel(l.KernelInitializer)
		c["filters"], c["kernel_size"], c["strides"], c["padding"] = l.Filters, intsAny(l.KernelSize), intsAny(strides), padding(l.Padding)
		c["data_format"], c["dilation_rate"], c["activation"], c["use_bias"] = "channels_last", []any{1, 1}, act, l.HasBias()
		return "Conv2D", c
	case spec.TypeMaxPool2D:
		return "MaxPooling2D", window(l.PoolSize)
	case spec.TypeAveragePooling2D:
		return "AveragePooling2D", window(l.PoolSize)
	case spec.TypeGlobalAveragePooling2D:
		return "GlobalAveragePooling2D", map[string]any{"data_format": "channels_last"}
	case spec.TypeBatchNormalization:
		return "BatchNormalization", map[string]any{"axis": -1, "momentum": l.Momentum, "epsilon": l.Epsilon, "center": true, "scale": true}
	case spec.TypeReshape:
		return "Reshape", map[string]any{"target_shape": intsAny(l.TargetShape)}
	case spec.TypeFlatten:
		return "Flatten", map[string]any{"data_format": "channels_last"}
	case spec.TypeDropout:
		return "Dropout", map[string]any{"rate": l.Rate, "noise_shape": nil, "seed": nil}
	case spec.TypeReLU:
		return "ReLU", map[string]any{"max_value": nil}
	case spec.TypeLeakyReLU:
		return "LeakyReLU", map[string]any{"alpha": l.Alpha}
	case spec.TypeSigmoid:
		return "Activation", map[string]any{"activation": spec.ActSigmoid}
	case spec.TypeTanh:
		return "Activation", map[string]any{"activation": spec.ActTanh}
	case spec.TypeSoftmax:
		return "Activation", map[string]any{"activation": spec.ActSoftmax}
	case spec.TypeSimpleRNN, spec.TypeLSTM, spec.TypeGRU:
		return l.Type, exportRecurrent(l)
	}
	// share.ExpectedWeights has inferred the spec, so the type is known.
	panic("tfjs: layer type " + l.Type + " has no Keras counterpart")
}

// withKernel starts a Dense or Conv2D config: its initializers and no
// regularizers or constraints.
func withKernel(init string) map[string]any {
	kernel := "GlorotUniform"
	if init == spec.InitHeNormal {
		kernel = "HeNormal"
	}
	return map[string]any{
		"kernel_initializer": map[string]any{"class_name": kernel, "config": map[string]any{"seed": nil}},
		"bias_initializer":   map[string]any{"class_name": "Zeros", "config": map[string]any{}},
		"kernel_regularizer": nil, "bias_regularizer": nil, "activity_regularizer": nil,
		"kernel_constraint": nil, "bias_constraint": nil,
	}
}

func padding(p string) string {
	if p == "" {
		return spec.PaddingValid
	}
	return p
}

func intsAny(v []int) []any {
	out := make([]any, len(v))
	for i, x := range v {
		out[i] = x
	}
	return out
}

// snake is Keras' default layer name for a class: Conv2D → conv2d,
// MaxPooling2D → max_pooling2d, ReLU → re_lu, LeakyReLU → leaky_re_lu.
func snake(class string) string {
	var b []byte
	for i := 0; i < len(class); i++ {
		c := class[i]
		if 'A' <= c && c <= 'Z' {
			// A capital starts a word after a lower-case letter, or
			// before one (the U of ReLU's "LU" does not).
			if i > 0 && (isLower(class[i-1]) || (i+1 < len(class) && isLower(class[i+1]) && isUpper(class[i-1]))) {
				b = append(b, '_')
			}
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	return string(b)
}

func isLower(c byte) bool { return 'a' <= c && c <= 'z' }
func isUpper(c byte) bool { return 'A' <= c && c <= 'Z' }

// cutName splits "dense_1/kernel" into the layer's and the weight's name.
func cutName(name string) (layer, weight string, ok bool) {
	for i := len(name) - 1; i >= 0; i-- {
		if name[i] == '/' {
			return name[:i], name[i+1:], true
		}
	}
	return "", name, false
}

func size(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}
