package onnx

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/nnplay/nnplay/engine/share"
	"github.com/nnplay/nnplay/engine/spec"
)

func payloadOf(t *testing.T, s spec.Model) share.Payload {
	t.Helper()
	want, err := share.ExpectedWeights(s)
	if err != nil {
		t.Fatal(err)
	}
	p := share.Payload{Spec: s}
	for k, w := range want {
		v := make([]float32, size(w.Shape))
		for i := range v {
			v[i] = float32(math.Sin(float64(k*1000+i))) / 4
		}
		p.Weights = append(p.Weights, share.Tensor{Name: w.Name, Shape: slices.Clone(w.Shape), Values: v})
	}
	return p
}

// field is one top-level protobuf field: its number and, for a varint,
// its value, else its bytes.
type field struct {
	num   int
	value uint64
	bytes []byte
}

// fields reads a message's fields (varints and length-delimited ones).
func fields(t *testing.T, b []byte) []field {
	t.Helper()
	var out []field
	for len(b) > 0 {
		key, n := binary.Uvarint(b)
		if n <= 0 {
			t.Fatalf("bad key at %x", b[:min(len(b), 8)])
		}
		b = b[n:]
		f := field{num: int(key >> 3)}
		switch key & 7 {
		case wireVarint:
			v, n := binary.Uvarint(b)
			if n <= 0 {
				t.Fatal("bad varint")
			}
			f.value, b = v, b[n:]
		case wireBytes:
			l, n := binary.Uvarint(b)
			if n <= 0 || uint64(len(b)-n) < l {
				t.Fatal("bad length")
			}
			f.bytes, b = b[n:n+int(l)], b[n+int(l):]
		case wire32:
			f.value, b = uint64(binary.LittleEndian.Uint32(b)), b[4:]
		default:
			t.Fatalf("wire type %d", key&7)
		}
		out = append(out, f)
	}
	return out
}

func find(fs []field, num int) []field {
	var out []field
	for _, f := range fs {
		if f.num == num {
			out = append(out, f)
		}
	}
	return out
}

// TestModelProto reads the file's frame back: IR version, opset 13 of the
// default domain, the graph's input and output, one initializer per
// weight tensor, the ops a LeNet needs.
func TestModelProto(t *testing.T) {
	b, err := Export(payloadOf(t, spec.LeNet()))
	if err != nil {
		t.Fatal(err)
	}
	model := fields(t, b)
	if ir := find(model, modelIRVersion); len(ir) != 1 || ir[0].value != IRVersion {
		t.Errorf("ir_version %v", ir)
	}
	opsets := find(model, modelOpsetImport)
	if len(opsets) != 1 {
		t.Fatalf("%d opset imports", len(opsets))
	}
	op := fields(t, opsets[0].bytes)
	if v := find(op, opsetVersion); len(v) != 1 || v[0].value != Opset || len(find(op, opsetDomain)[0].bytes) != 0 {
		t.Errorf("opset import %v", op)
	}
	graphs := find(model, modelGraph)
	if len(graphs) != 1 {
		t.Fatalf("%d graphs", len(graphs))
	}
	graph := fields(t, graphs[0].bytes)
	if n := len(find(graph, graphInitializer)); n != 10 {
		t.Errorf("%d initializers, want 10 (5 layers' kernel and bias)", n)
	}
	var ops []string
	for _, n := range find(graph, graphNode) {
		ops = append(ops, string(find(fields(t, n.bytes), nodeOpType)[0].bytes))
	}
	want := "Transpose Conv Relu MaxPool Conv Relu MaxPool Transpose Flatten Gemm Relu Gemm Relu Gemm Softmax Identity"
	if got := strings.Join(ops, " "); got != want {
		t.Errorf("ops %s\nwant %s", got, want)
	}
	for _, num := range []int{graphInput, graphOutput} {
		vi := find(graph, num)
		if len(vi) != 1 {
			t.Fatalf("field %d: %d values", num, len(vi))
		}
	}
}

func TestExportRefusals(t *testing.T) {
	p := payloadOf(t, spec.Seed())
	for _, c := range []struct {
		name   string
		change func(p *share.Payload)
		want   string
	}{
		{"recipe", func(p *share.Payload) { p.Weights = nil }, "the model has no weights to export"},
		{"count", func(p *share.Payload) { p.Weights = p.Weights[:2] }, "the model has 6 weight tensors but 2 were given"},
		{"shape", func(p *share.Payload) { p.Weights[1].Shape = []int{127} }, "weight tensor 2 (dense/bias) has shape [127]"},
		{"name", func(p *share.Payload) { p.Weights[1].Name = "dense/b" }, `weight tensor 2 is named "dense/b"`},
		{"NaN", func(p *share.Payload) { p.Weights[0].Values[3] = float32(math.NaN()) }, "weight tensor 1 (dense/kernel) holds NaN at index 3"},
		{"layer", func(p *share.Payload) { p.Spec.Layers = []spec.Layer{{Type: "Dense"}} }, "the model cannot be exported"},
	} {
		q := p
		q.Spec.Layers = slices.Clone(p.Spec.Layers)
		q.Weights = nil
		for _, w := range p.Weights {
			w.Shape, w.Values = slices.Clone(w.Shape), slices.Clone(w.Values)
			q.Weights = append(q.Weights, w)
		}
		c.change(&q)
		if _, err := Export(q); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}

// TestPads checks ONNX's pads for padding same: [top, left, bottom,
// right], the odd one after.
func TestPads(t *testing.T) {
	l := spec.Conv2D(1, 4, "")
	l.Strides, l.Padding = []int{2, 1}, spec.PaddingSame
	strides, pads := window(l, l.KernelSize, []int{1, 1}, []int{28, 27, 1})
	if !slices.Equal(strides, []int64{2, 1}) || !slices.Equal(pads, []int64{1, 1, 1, 2}) {
		t.Errorf("strides %v, pads %v; want [2 1], [1 1 1 2]", strides, pads)
	}
}

func TestVarints(t *testing.T) {
	m := &message{}
	m.int(1, -1)
	m.int(2, 300)
	m.float(3, 1.5)
	fs := fields(t, m.b)
	if fs[0].value != math.MaxUint64 || fs[1].value != 300 || math.Float32frombits(uint32(fs[2].value)) != 1.5 {
		t.Errorf("fields %+v", fs)
	}
}

// TestModelProtoWithoutBias: a Conv2D and a Dense without use_bias export
// as Conv and Gemm with two inputs (x and the kernel; the bias input is
// optional) and no bias initializer; the others keep three.
func TestModelProtoWithoutBias(t *testing.T) {
	s := spec.LeNet()
	s.Layers[0] = spec.NoBias(s.Layers[0])
	s.Layers[6] = spec.NoBias(s.Layers[6])
	b, err := Export(payloadOf(t, s))
	if err != nil {
		t.Fatal(err)
	}
	graph := fields(t, find(fields(t, b), modelGraph)[0].bytes)
	if n := len(find(graph, graphInitializer)); n != 8 {
		t.Errorf("%d initializers, want 8 (5 kernels, 3 biases)", n)
	}
	var inputs []string
	for _, n := range find(graph, graphNode) {
		node := fields(t, n.bytes)
		if op := string(find(node, nodeOpType)[0].bytes); op == "Conv" || op == "Gemm" {
			inputs = append(inputs, fmt.Sprintf("%s %d", op, len(find(node, nodeInput))))
		}
	}
	if got, want := strings.Join(inputs, ", "), "Conv 2, Conv 3, Gemm 3, Gemm 2, Gemm 3"; got != want {
		t.Errorf("inputs: %s\nwant %s", got, want)
	}
}
