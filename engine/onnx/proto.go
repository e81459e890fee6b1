package onnx

import (
	"encoding/binary"
	"math"
)

// The protocol-buffer wire format, as much of it as ONNX's messages need:
// varints, 32-bit floats and length-delimited fields. Repeated scalars are
// written one tagged field each (unpacked), which every protobuf reader
// accepts for proto2 and proto3 alike.

// Wire types.
const (
	wireVarint = 0
	wire32     = 5
	wireBytes  = 2
)

// message builds one protobuf message.
type message struct{ b []byte }

func (m *message) tag(field, wire int) {
	m.b = binary.AppendUvarint(m.b, uint64(field)<<3|uint64(wire))
}

// int writes an int64 (or int32, enum) field; negative values take ten
// bytes, as protobuf encodes them.
func (m *message) int(field int, v int64) {
	m.tag(field, wireVarint)
	m.b = binary.AppendUvarint(m.b, uint64(v))
}

func (m *message) float(field int, v float32) {
	m.tag(field, wire32)
	m.b = binary.LittleEndian.AppendUint32(m.b, math.Float32bits(v))
}

func (m *message) bytes(field int, v []byte) {
	m.tag(field, wireBytes)
	m.b = binary.AppendUvarint(m.b, uint64(len(v)))
	m.b = append(m.b, v...)
}

func (m *message) string(field int, v string) { m.bytes(field, []byte(v)) }

func (m *message) message(field int, sub *message) { m.bytes(field, sub.b) }
