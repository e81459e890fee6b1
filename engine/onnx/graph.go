package onnx

import (
	"encoding/binary"
	"fmt"
	"math"
)

// attr is one node attribute.
type attr struct {
	name    string
	kind    int
	i       int64
	f       float32
	ints    []int64
	floats  []float32
	strings []string
	s       string
}

func intAttr(name string, v int64) attr     { return attr{name: name, kind: attrTypeInt, i: v} }
func floatAttr(name string, v float32) attr { return attr{name: name, kind: attrTypeFloat, f: v} }
func intsAttr(name string, v ...int64) attr { return attr{name: name, kind: attrTypeInts, ints: v} }
func floatsAttr(name string, v ...float32) attr {
	return attr{name: name, kind: attrTypeFloats, floats: v}
}
func stringsAttr(name string, v ...string) attr {
	return attr{name: name, kind: attrTypeStrings, strings: v}
}

func (a attr) encode() *message {
	m := &message{}
	m.string(attrName, a.name)
	switch a.kind {
	case attrTypeInt:
		m.int(attrI, a.i)
	case attrTypeFloat:
		m.float(attrF, a.f)
	case attrTypeString:
		m.string(attrS, a.s)
	case attrTypeInts:
		for _, v := range a.ints {
			m.int(attrInts, v)
		}
	case attrTypeFloats:
		for _, v := range a.floats {
			m.float(attrFloats, v)
		}
	case attrTypeStrings:
		for _, v := range a.strings {
			m.string(attrStrings, v)
		}
	}
	m.int(attrType, int64(a.kind))
	return m
}

// graph collects a GraphProto's nodes and initializers.
type graph struct {
	nodes, inits []*message
	count        map[string]int
}

// fresh is a new value name: prefix, prefix_1, ...
func (g *graph) fresh(prefix string) string {
	if g.count == nil {
		g.count = map[string]int{}
	}
	n := g.count[prefix]
	g.count[prefix] = n + 1
	if n == 0 {
		return prefix
	}
	return fmt.Sprintf("%s_%d", prefix, n)
}

// node adds op(inputs) with attrs, its one output named out (a fresh name
// from the op when empty), and returns the output's name. An input ""
// is an optional input left out.
func (g *graph) node(op, out string, inputs []string, attrs ...attr) string {
	if out == "" {
		out = g.fresh(op)
	}
	m := &message{}
	for _, in := range inputs {
		m.string(nodeInput, in)
	}
	m.string(nodeOutput, out)
	m.string(nodeName, g.fresh("node_"+op))
	m.string(nodeOpType, op)
	for _, a := range attrs {
		m.message(nodeAttribute, a.encode())
	}
	g.nodes = append(g.nodes, m)
	return out
}

// nodeOutputs is node for an op with several outputs (e.g. LSTM's Y and
// Y_h); "" skips an output.
func (g *graph) nodeOutputs(op string, inputs, outputs []string, attrs ...attr) {
	m := &message{}
	for _, in := range inputs {
		m.string(nodeInput, in)
	}
	for _, out := range outputs {
		m.string(nodeOutput, out)
	}
	m.string(nodeName, g.fresh("node_"+op))
	m.string(nodeOpType, op)
	for _, a := range attrs {
		m.message(nodeAttribute, a.encode())
	}
	g.nodes = append(g.nodes, m)
}

// floats adds a float32 initializer and returns its name.
func (g *graph) floats(name string, dims []int, values []float32) string {
	m := &message{}
	for _, d := range dims {
		m.int(tensorDims, int64(d))
	}
	m.int(tensorDataType, typeFloat)
	m.string(tensorName, name)
	raw := make([]byte, 0, 4*len(values))
	for _, v := range values {
		raw = binary.LittleEndian.AppendUint32(raw, math.Float32bits(v))
	}
	m.bytes(tensorRawData, raw)
	g.inits = append(g.inits, m)
	return name
}

// int64s adds a 1-D int64 initializer (a shape, axes) and returns its name.
func (g *graph) int64s(prefix string, values ...int64) string {
	name := g.fresh(prefix)
	m := &message{}
	m.int(tensorDims, int64(len(values)))
	m.int(tensorDataType, typeInt64)
	m.string(tensorName, name)
	raw := make([]byte, 0, 8*len(values))
	for _, v := range values {
		raw = binary.LittleEndian.AppendUint64(raw, uint64(v))
	}
	m.bytes(tensorRawData, raw)
	g.inits = append(g.inits, m)
	return name
}

// valueInfo is a graph input's or output's ValueInfoProto: float32 of
// shape (N, dims...), N a symbolic batch size.
func valueInfo(name string, dims []int) *message {
	shape := &message{}
	batch := &message{}
	batch.string(dimParam, "N")
	shape.message(shapeDim, batch)
	for _, d := range dims {
		dm := &message{}
		dm.int(dimValue, int64(d))
		shape.message(shapeDim, dm)
	}
	tt := &message{}
	tt.int(tensorTypeElemType, typeFloat)
	tt.message(tensorTypeShape, shape)
	tp := &message{}
	tp.message(typeTensorType, tt)
	vi := &message{}
	vi.string(valueInfoName, name)
	vi.message(valueInfoType, tp)
	return vi
}
