package tfjs

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/nnplay/nnplay/engine/share"
	"github.com/nnplay/nnplay/engine/spec"
)

// WeightPaths lists the weight files model.json names, in order, so a
// caller knows which files to read for Import.
func WeightPaths(modelJSON []byte) ([]string, error) {
	mf, err := parseModelFile(modelJSON)
	if err != nil {
		return nil, err
	}
	var paths []string
	for _, g := range mf.WeightsManifest {
		paths = append(paths, g.Paths...)
	}
	return paths, nil
}

// Import reads a TF.js Layers model: model.json and the weight files its
// manifest names (files maps each path, or its last element, to the
// file's bytes). The model must be a Sequential of layers nnplay has (see
// importedLayers) whose input fits one of nnplay's data sets.
//
// The payload's spec takes its layers from the Keras config and its
// training settings from nnplay's own metadata when the file is an nnplay
// export, else Keras' defaults (Adam at the file's training config's
// learning rate, if any; sparse categorical cross-entropy, from logits
// when the model does not end in softmax; batch 32, 1 epoch, seed 1). The
// weights are found by name (as TF.js does, allowing the prefixes Keras 3
// writes) and checked for shape, byte count, NaN and infinities.
func Import(modelJSON []byte, files map[string][]byte) (share.Payload, error) {
	mf, err := parseModelFile(modelJSON)
	if err != nil {
		return share.Payload{}, err
	}
	seq, err := parseTopology(mf.ModelTopology)
	if err != nil {
		return share.Payload{}, err
	}
	m, names, froms, err := seq.toSpec()
	if err != nil {
		return share.Payload{}, err
	}
	p := share.Payload{Spec: m}
	if meta, ok := nnplayMetadata(mf, seq.raw); ok {
		// An nnplay export, unedited: its spec holds what Keras' config
		// cannot (a Dense layer's leaky_relu, the training settings).
		p.Spec, p.Epochs, p.Steps = meta.spec, meta.Epochs, meta.Steps
		_, names = kerasLayers(meta.spec)
		froms = make([]weightsFrom, len(names))
	} else {
		settle(&p.Spec, trainingOptimizer(mf, seq.training))
	}
	want, err := share.ExpectedWeights(p.Spec)
	if err != nil {
		return share.Payload{}, err
	}
	stored, err := readWeights(mf.WeightsManifest, files)
	if err != nil {
		return share.Payload{}, err
	}
	if p.Weights, err = matchWeights(want, names, froms, stored); err != nil {
		return share.Payload{}, err
	}
	return p, nil
}

// parseModelFile reads model.json's outer object.
func parseModelFile(data []byte) (modelFile, error) {
	var mf modelFile
	if len(data) > MaxModelJSON {
		return mf, fmt.Errorf("model.json is larger than %d MiB; a Layers model's is a few KiB", MaxModelJSON>>20)
	}
	trimmed := bytes.TrimLeft(data, " \t\r\n\xef\xbb\xbf")
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return mf, fmt.Errorf("this is not a TensorFlow.js model.json: it is not a JSON object")
	}
	if err := json.Unmarshal(trimmed, &mf); err != nil {
		return mf, fmt.Errorf("model.json is not valid JSON: %v", err)
	}
	switch {
	case mf.Format == "graph-model":
		return mf, fmt.Errorf("this is a TensorFlow.js graph model (converted from a SavedModel); nnplay imports Layers models (format \"layers-model\"): convert the Keras model instead")
	case len(mf.ModelTopology) == 0 || string(mf.ModelTopology) == "null":
		return mf, fmt.Errorf("this is not a TensorFlow.js Layers model.json: it has no modelTopology")
	case mf.Format != "" && mf.Format != "layers-model":
		return mf, fmt.Errorf("model.json's format is %q; nnplay imports \"layers-model\"", mf.Format)
	}
	return mf, nil
}

// sequential is a parsed Sequential topology.
type sequential struct {
	raw      any // the model config, as decoded JSON
	layers   []parsedLayer
	input    []int
	training json.RawMessage // Keras' training_config beside model_config
}

type parsedLayer struct {
	class  string
	name   string
	config config
}

// parseTopology reads modelTopology: Keras' {model_config, training_config}
// wrapper or TF.js' bare model config; a Sequential's config is {layers}
// (or, in old files, the list itself).
func parseTopology(raw json.RawMessage) (*sequential, error) {
	var top struct {
		ModelConfig    json.RawMessage `json:"model_config"`
		TrainingConfig json.RawMessage `json:"training_config"`
		ClassName      string          `json:"class_name"`
		Config         json.RawMessage `json:"config"`
	}
	if err := json.Unmarshal(raw, &top); err != nil {
		return nil, fmt.Errorf("model.json's modelTopology is not a Keras model config: %v", err)
	}
	seq := &sequential{training: top.TrainingConfig}
	if len(top.ModelConfig) > 0 && string(top.ModelConfig) != "null" {
		raw = top.ModelConfig
		top.ClassName, top.Config = "", nil
		if err := json.Unmarshal(raw, &top); err != nil {
			return nil, fmt.Errorf("model.json's model_config is not a Keras model config: %v", err)
		}
	}
	if err := json.Unmarshal(raw, &seq.raw); err != nil {
		return nil, err
	}
	if len(seq.training) == 0 || string(seq.training) == "null" {
		// Keras 3 keeps the compile settings in the model config.
		var keras3 struct {
			CompileConfig json.RawMessage `json:"compile_config"`
		}
		if json.Unmarshal(raw, &keras3) == nil {
			seq.training = keras3.CompileConfig
		}
	}
	if top.ClassName != "Sequential" {
		if top.ClassName == "" {
			return nil, fmt.Errorf("model.json's modelTopology names no model class; nnplay imports Keras Sequential models")
		}
		return nil, fmt.Errorf("this is a Keras %s model; nnplay imports Sequential models only (one layer after another)", top.ClassName)
	}
	var body struct {
		Layers          []json.RawMessage `json:"layers"`
		BuildInputShape []*int            `json:"build_input_shape"`
		BatchInputShape []*int            `json:"batch_input_shape"`
	}
	if bytes.HasPrefix(bytes.TrimSpace(top.Config), []byte("[")) {
		if err := json.Unmarshal(top.Config, &body.Layers); err != nil {
			return nil, fmt.Errorf("model.json's Sequential config is not a list of layers: %v", err)
		}
	} else if err := json.Unmarshal(top.Config, &body); err != nil {
		return nil, fmt.Errorf("model.json's Sequential config cannot be read: %v", err)
	}
	if len(body.Layers) == 0 {
		return nil, fmt.Errorf("model.json's Sequential model has no layers")
	}
	for i, rawLayer := range body.Layers {
		var l struct {
			ClassName string `json:"class_name"`
			Config    config `json:"config"`
		}
		if err := json.Unmarshal(rawLayer, &l); err != nil || l.ClassName == "" {
			return nil, fmt.Errorf("model.json: layer %d is not a Keras layer ({\"class_name\": ..., \"config\": {...}})", i+1)
		}
		name, _ := l.Config.str("name", "")
		if name == "" {
			name = fmt.Sprintf("layer %d", i+1)
		}
		seq.layers = append(seq.layers, parsedLayer{class: l.ClassName, name: name, config: l.Config})
	}
	// The input shape: an InputLayer's batch shape (Keras 2:
	// batch_input_shape, Keras 3: batch_shape), else the first layer's
	// batch_input_shape (TF.js), else Keras 3's build_input_shape.
	first := seq.layers[0]
	var shape []*int
	for _, key := range []string{"batch_input_shape", "batch_shape"} {
		if first.config.has(key) {
			if err := json.Unmarshal(first.config[key], &shape); err != nil {
				return nil, fmt.Errorf("layer %q (%s): %s must be a list like [null, 28, 28, 1], got %s", first.name, first.class, key, short(first.config[key]))
			}
			break
		}
	}
	if first.class == "InputLayer" {
		seq.layers = seq.layers[1:]
		if shape == nil {
			return nil, fmt.Errorf("the InputLayer %q has no batch_input_shape or batch_shape", first.name)
		}
	}
	if shape == nil {
		shape = body.BuildInputShape
	}
	if len(shape) < 2 {
		return nil, fmt.Errorf("model.json does not give the model's input shape (an InputLayer, or batch_input_shape on the first layer)")
	}
	for _, d := range shape[1:] {
		if d == nil {
			return nil, fmt.Errorf("the model's input shape %s has an unknown size; nnplay needs every size but the batch's", shapeText(shape))
		}
		seq.input = append(seq.input, *d)
	}
	return seq, nil
}

// toSpec turns the layers into a spec (input, layers, and the data set
// its input fits), the Keras name of each nnplay layer and which weights
// each has.
func (seq *sequential) toSpec() (spec.Model, []string, []weightsFrom, error) {
	m := spec.Model{Input: seq.input}
	var names []string
	var froms []weightsFrom
	for _, pl := range seq.layers {
		l, skip, from, err := importLayer(pl.class, pl.config)
		if err != nil {
			return m, nil, nil, fmt.Errorf("layer %q (%s): %w", pl.name, pl.class, err)
		}
		if skip {
			continue
		}
		m.Layers = append(m.Layers, l)
		names = append(names, pl.name)
		froms = append(froms, from)
	}
	infos, err := m.Infer()
	if err != nil {
		var se *spec.Error
		if errors.As(err, &se) && se.Layer > 0 {
			return m, nil, nil, fmt.Errorf("layer %q (%s): %s", names[se.Layer-1], se.Type, se.Msg)
		}
		return m, nil, nil, fmt.Errorf("the model does not fit nnplay: %w", err)
	}
	in := m.Input
	for i, f := range froms {
		if t := m.Layers[i].Type; (t == spec.TypeBatchNormalization || t == spec.TypeSoftmax) && f.axis != -1 && f.axis != len(in) {
			return m, nil, nil, fmt.Errorf("layer %q (%s): axis %d is not supported; nnplay's %s works on the last axis (-1, or %d here)", names[i], t, f.axis, t, len(in))
		}
		in = infos[i].Output
	}
	switch fmt.Sprint(m.Input) {
	case "[784]", "[28 28 1]", "[28 28]":
		m.Dataset = spec.DatasetMNIST
	default:
		if len(m.Input) == 1 && m.Input[0] >= spec.MinToyFeatures && m.Input[0] <= spec.MaxToyFeatures {
			m.Dataset = spec.DatasetSpiral
		} else {
			return m, nil, nil, fmt.Errorf("the model's input %s fits none of nnplay's data sets: MNIST is (None, 784), (None, 28, 28, 1) or (None, 28, 28); the 2-D sets are (None, 2) to (None, 7)", spec.Shape(m.Input))
		}
	}
	return m, names, froms, nil
}

// nnplayFile is the metadata of an nnplay export whose topology is as
// nnplay wrote it.
type nnplayFile struct {
	metadata
	spec spec.Model
}

// nnplayMetadata returns nnplay's metadata when model.json has it and
// exporting its spec gives the file's model config.
func nnplayMetadata(mf modelFile, config any) (nnplayFile, bool) {
	var all map[string]json.RawMessage
	var f nnplayFile
	if json.Unmarshal(mf.UserDefinedMetadata, &all) != nil || all[metadataKey] == nil {
		return f, false
	}
	if json.Unmarshal(all[metadataKey], &f.metadata) != nil {
		return f, false
	}
	s, err := spec.Decode(f.Spec)
	if err != nil || f.Epochs < 0 || f.Steps < 0 {
		return f, false
	}
	if _, err := share.ExpectedWeights(s); err != nil {
		return f, false
	}
	layers, _ := kerasLayers(s)
	ours, err := json.Marshal(topologyOf(layers))
	if err != nil {
		return f, false
	}
	var top struct {
		Config any `json:"config"`
	}
	if json.Unmarshal(ours, &top) != nil {
		return f, false
	}
	theirs, _ := config.(map[string]any)
	if theirs == nil || !reflect.DeepEqual(top.Config, theirs["config"]) {
		return f, false
	}
	f.spec = s
	return f, true
}

// settle fills in the training settings of an imported spec.
func settle(m *spec.Model, opt spec.Optimizer) {
	last := m.Layers[len(m.Layers)-1]
	softmax := last.Type == spec.TypeSoftmax || (last.Type == spec.TypeDense && last.Activation == spec.ActSoftmax)
	m.Optimizer = opt
	m.Loss = spec.LossSparseCategoricalCrossentropy
	m.FromLogits = !softmax
	m.Seed = 1
	*m = m.Defaults()
}

// trainingOptimizer reads the optimizer of model.json's training config
// (TF.js' trainingConfig or Keras' training_config): Adam, SGD, RMSprop or
// Adagrad at its learning rate; Adam at 0.001 otherwise.
func trainingOptimizer(mf modelFile, keras json.RawMessage) spec.Optimizer {
	def := spec.Optimizer{Name: spec.OptAdam, LearningRate: 0.001}
	raw := mf.TrainingConfig
	if len(raw) == 0 || string(raw) == "null" {
		raw = keras
	}
	type optimizer struct {
		ClassName string         `json:"class_name"`
		Config    map[string]any `json:"config"`
	}
	var tc struct {
		OptimizerConfig *optimizer `json:"optimizer_config"` // Keras 2, TF.js
		Optimizer       *optimizer `json:"optimizer"`        // Keras 3's compile_config
	}
	if len(raw) == 0 || json.Unmarshal(raw, &tc) != nil {
		return def
	}
	oc := tc.OptimizerConfig
	if oc == nil {
		oc = tc.Optimizer
	}
	if oc == nil {
		return def
	}
	names := map[string]string{"adam": spec.OptAdam, "sgd": spec.OptSGD, "rmsprop": spec.OptRMSProp, "adagrad": spec.OptAdagrad}
	// Keras 2.11+ writes its optimizers as "Custom>Adam".
	name, ok := names[strings.ToLower(strings.TrimPrefix(oc.ClassName, "Custom>"))]
	if !ok {
		return def
	}
	o := spec.Optimizer{Name: name}
	for _, key := range []string{"learning_rate", "learningRate", "lr"} {
		if lr, ok := oc.Config[key].(float64); ok && lr > 0 && lr <= spec.MaxLearningRate {
			o.LearningRate = lr
			break
		}
	}
	if o.LearningRate == 0 {
		return def
	}
	return o
}

// shapeText formats a batch shape with null for unknown sizes.
func shapeText(shape []*int) string {
	parts := make([]string, len(shape))
	for i, d := range shape {
		if d == nil {
			parts[i] = "None"
		} else {
			parts[i] = fmt.Sprint(*d)
		}
	}
	return "(" + strings.Join(parts, ", ") + ")"
}
