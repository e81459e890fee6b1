// Package onnx writes an nnplay model as an ONNX model (opset 13), for
// Netron and every ONNX runtime, with a hand-written protocol-buffer
// encoder (no dependency).
//
// The graph takes "input", float32 (N,) + the spec's input shape (channels
// last, as nnplay), and gives "output", what nnplay's Predict gives. Each
// layer becomes ONNX's operator for it: Dense is Gemm, Conv2D Conv with
// explicit (possibly asymmetric) pads, the pools MaxPool and AveragePool
// (pads excluded from the average, as Keras), GlobalAveragePooling2D
// GlobalAveragePool, BatchNormalization its inference form, SimpleRNN,
// LSTM and GRU the RNN, LSTM and GRU operators (gates reordered from
// Keras' to ONNX's, GRU reset_after as linear_before_reset), activations
// and Softmax theirs; Dropout is the identity at inference. ONNX's
// convolutions are channels first, so an image is transposed once on the
// way in and Flatten and Reshape transpose back to Keras' order.
//
// The package works on share.Payload (a spec and its weights, no
// tensors), so the page can export without the training engine.
package onnx

import (
	"fmt"
	"math"
	"slices"

	"github.com/nnplay/nnplay/engine/share"
	"github.com/nnplay/nnplay/engine/spec"
)

// Opset is the ONNX operator set the model imports; IRVersion the IR
// version that goes with it.
const (
	Opset     = 13
	IRVersion = 7
)

// Names of the graph's input and output.
const (
	InputName  = "input"
	OutputName = "output"
)

// Export is p's model as the bytes of a .onnx file. p must hold weights
// in share.ExpectedWeights' order and shapes (engine/modelio.ToPayload
// gives them).
func Export(p share.Payload) ([]byte, error) {
	m := p.Spec.Defaults()
	want, err := share.ExpectedWeights(m)
	if err != nil {
		return nil, fmt.Errorf("the model cannot be exported: %w", err)
	}
	if len(p.Weights) != len(want) {
		if len(p.Weights) == 0 {
			return nil, fmt.Errorf("the model has no weights to export; build or train it first")
		}
		return nil, fmt.Errorf("the model has %d weight tensors but %d were given", len(want), len(p.Weights))
	}
	for i, t := range p.Weights {
		w := want[i]
		if t.Name != "" && t.Name != w.Name {
			return nil, fmt.Errorf("weight tensor %d is named %q but the model's is %q", i+1, t.Name, w.Name)
		}
		if !slices.Equal(t.Shape, w.Shape) || len(t.Values) != size(w.Shape) {
			return nil, fmt.Errorf("weight tensor %d (%s) has shape %v and %d values; the model's is %v", i+1, w.Name, t.Shape, len(t.Values), w.Shape)
		}
		for j, v := range t.Values {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return nil, fmt.Errorf("weight tensor %d (%s) holds %v at index %d; a model with NaN or infinite weights cannot be exported", i+1, w.Name, v, j)
			}
		}
	}
	infos, err := m.Infer()
	if err != nil {
		return nil, fmt.Errorf("the model cannot be exported: %w", err)
	}
	// Each layer's weights, by layer.
	weights := make([][]share.Tensor, len(m.Layers))
	names := make([]string, len(m.Layers))
	for i, w := range want {
		t := p.Weights[i]
		t.Name = w.Name
		weights[w.Layer] = append(weights[w.Layer], t)
		names[w.Layer] = layerName(w.Name)
	}
	b := &builder{g: &graph{}}
	x := InputName
	in := m.Input
	if len(in) == 3 {
		x = b.g.node("Transpose", "", []string{x}, intsAttr("perm", 0, 3, 1, 2))
	}
	for i, l := range m.Layers {
		x = b.layer(l, names[i], weights[i], in, infos[i].Output, x)
		in = infos[i].Output
	}
	if len(in) == 3 {
		x = b.g.node("Transpose", "", []string{x}, intsAttr("perm", 0, 2, 3, 1))
	}
	b.g.node("Identity", OutputName, []string{x})

	graph := &message{}
	for _, n := range b.g.nodes {
		graph.message(graphNode, n)
	}
	graph.string(graphName, "nnplay")
	for _, t := range b.g.inits {
		graph.message(graphInitializer, t)
	}
	graph.string(graphDocString, "Exported by nnplay: "+summary(m, infos))
	graph.message(graphInput, valueInfo(InputName, m.Input))
	graph.message(graphOutput, valueInfo(OutputName, in))
	model := &message{}
	model.int(modelIRVersion, IRVersion)
	model.string(modelProducerName, "nnplay")
	model.string(modelProducerVersion, "1")
	model.string(modelDocString, "An nnplay model. Input: float32 (N,"+dims(m.Input)+") channels last; output as nnplay's predictions.")
	model.message(modelGraph, graph)
	opset := &message{}
	opset.string(opsetDomain, "")
	opset.int(opsetVersion, Opset)
	model.message(modelOpsetImport, opset)
	return model.b, nil
}

func layerName(weight string) string {
	for i := range len(weight) {
		if weight[i] == '/' {
			return weight[:i]
		}
	}
	return weight
}

func size(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

func dims(s []int) string {
	out := ""
	for _, d := range s {
		out += fmt.Sprintf(" %d", d)
	}
	return out
}

func summary(m spec.Model, infos []spec.LayerInfo) string {
	s := fmt.Sprintf("input (%s)", dims(m.Input)[1:])
	for i, l := range m.Layers {
		s += fmt.Sprintf(" → %s (%s)", l.Type, dims(infos[i].Output)[1:])
	}
	return s
}
