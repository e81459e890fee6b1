package main

// A minimal WebAssembly binary writer with just what the kernels need: i32,
// f32 and v128 (read as f32x4) values, locals, loads and stores, structured
// loops, calls and an imported memory. Kernels are written as expression
// trees (add(acc, mul(a, b)); this file) and statements on a function
// (f.set, f.store, f.forRange; function.go), so gemm.go and elementwise.go
// read like pseudo-code while these files know the opcodes. module.go
// encodes the whole, following the WebAssembly 2.0 spec (binary format, §5).

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
)

type valType byte

const (
	i32  valType = 0x7f
	f32  valType = 0x7d
	v128 valType = 0x7b // always used as four float32 lanes (f32x4)
)

func (t valType) String() string {
	switch t {
	case i32:
		return "i32"
	case f32:
		return "f32"
	case v128:
		return "v128"
	}
	return fmt.Sprintf("valType(%#x)", byte(t))
}

// expr is a value-producing piece of code: emit appends the instructions
// that push one value of type typ().
type expr interface {
	typ() valType
	emit(w *bytes.Buffer)
}

// node is an operator applied to operands; its code is the operands'
// code followed by the opcode bytes.
type node struct {
	t    valType
	args []expr
	op   []byte
}

func (n node) typ() valType { return n.t }
func (n node) emit(w *bytes.Buffer) {
	for _, a := range n.args {
		a.emit(w)
	}
	w.Write(n.op)
}

// local is a parameter or local variable of a function; it is an expr
// (local.get) too.
type local struct {
	name string
	idx  uint32
	t    valType
}

func (l *local) typ() valType { return l.t }
func (l *local) emit(w *bytes.Buffer) {
	w.WriteByte(0x20) // local.get
	w.Write(uleb(uint64(l.idx)))
}

// ---- constants and operators ------------------------------------------------

func i32c(v int32) expr { return node{t: i32, op: append([]byte{0x41}, sleb(int64(v))...)} }

func f32c(v float32) expr {
	op := []byte{0x43, 0, 0, 0, 0}
	binary.LittleEndian.PutUint32(op[1:], math.Float32bits(v))
	return node{t: f32, op: op}
}

// f32x4c is the f32x4 vector (v, v, v, v).
func f32x4c(v float32) expr {
	op := simd(12)
	for range 4 {
		op = binary.LittleEndian.AppendUint32(op, math.Float32bits(v))
	}
	return node{t: v128, op: op}
}

// zero4 is the f32x4 vector (0, 0, 0, 0).
func zero4() expr { return node{t: v128, op: append(simd(12), make([]byte, 16)...)} }

// simd returns the 0xfd-prefixed opcode of a SIMD instruction.
func simd(op uint32) []byte { return append([]byte{0xfd}, uleb(uint64(op))...) }

// arith picks the opcode of a binary operator by the operands' type.
func arith(name string, a, b expr, ops map[valType][]byte) expr {
	if a.typ() != b.typ() {
		panic(fmt.Sprintf("%s: operand types %v and %v differ", name, a.typ(), b.typ()))
	}
	op, ok := ops[a.typ()]
	if !ok {
		panic(fmt.Sprintf("%s: no %v form", name, a.typ()))
	}
	return node{t: a.typ(), args: []expr{a, b}, op: op}
}

func add(a, b expr) expr {
	return arith("add", a, b, map[valType][]byte{i32: {0x6a}, f32: {0x92}, v128: simd(228)})
}
func sub(a, b expr) expr {
	return arith("sub", a, b, map[valType][]byte{i32: {0x6b}, f32: {0x93}, v128: simd(229)})
}
func mul(a, b expr) expr {
	return arith("mul", a, b, map[valType][]byte{i32: {0x6c}, f32: {0x94}, v128: simd(230)})
}
func div(a, b expr) expr {
	return arith("div", a, b, map[valType][]byte{f32: {0x95}, v128: simd(231)})
}

// maxf is IEEE maximum (f32 or f32x4): NaN if either operand is NaN, and
// max(−0, 0) = 0 — Go's built-in max on floats.
func maxf(a, b expr) expr {
	return arith("max", a, b, map[valType][]byte{f32: {0x97}, v128: simd(233)})
}

// gt is a > b: an i32 0 or 1 for f32, and for f32x4 a lane mask (all ones
// where true, else zero).
func gt(a, b expr) expr {
	if a.typ() == v128 {
		return arith("gt", a, b, map[valType][]byte{v128: simd(68)})
	}
	return cmp("gt", a, b, map[valType]byte{f32: 0x5e})
}

// bitselect takes each bit from a where mask's is 1, else from b
// (v128.bitselect); with a comparison's lane mask it is a per-lane
// mask ? a : b.
func bitselect(a, b, mask expr) expr {
	if a.typ() != v128 || b.typ() != v128 || mask.typ() != v128 {
		panic("bitselect: operands must be vectors")
	}
	return node{t: v128, args: []expr{a, b, mask}, op: simd(82)}
}

// and is the bitwise and of two vectors.
func and(a, b expr) expr { return arith("and", a, b, map[valType][]byte{v128: simd(78)}) }

// choose is cond ? a : b (wasm's select; both a and b are evaluated).
func choose(cond, a, b expr) expr {
	if a.typ() != b.typ() || cond.typ() != i32 {
		panic("choose: operand types")
	}
	return node{t: a.typ(), args: []expr{a, b, cond}, op: []byte{0x1b}}
}

// sqrt is the correctly rounded square root (f32 or f32x4).
func sqrt(a expr) expr {
	op, ok := map[valType][]byte{f32: {0x91}, v128: simd(227)}[a.typ()]
	if !ok {
		panic("sqrt: no " + a.typ().String() + " form")
	}
	return node{t: a.typ(), args: []expr{a}, op: op}
}

// shl is i32 a << n.
func shl(a expr, n int32) expr { return node{t: i32, args: []expr{a, i32c(n)}, op: []byte{0x74}} }

// Comparisons give an i32 0 or 1. Pointers are compared unsigned (Go's
// heap may lie above 2 GiB); counts are small and compared signed.
func cmp(name string, a, b expr, ops map[valType]byte) expr {
	if a.typ() != b.typ() {
		panic(fmt.Sprintf("%s: operand types %v and %v differ", name, a.typ(), b.typ()))
	}
	return node{t: i32, args: []expr{a, b}, op: []byte{ops[a.typ()]}}
}

func eq(a, b expr) expr  { return cmp("eq", a, b, map[valType]byte{i32: 0x46, f32: 0x5b}) }
func ne(a, b expr) expr  { return cmp("ne", a, b, map[valType]byte{i32: 0x47, f32: 0x5c}) }
func lt(a, b expr) expr  { return cmp("lt", a, b, map[valType]byte{i32: 0x48}) }  // signed
func le(a, b expr) expr  { return cmp("le", a, b, map[valType]byte{i32: 0x4c}) }  // signed
func gtI(a, b expr) expr { return cmp("gtI", a, b, map[valType]byte{i32: 0x4a}) } // signed
func ltU(a, b expr) expr { return cmp("ltU", a, b, map[valType]byte{i32: 0x49}) } // unsigned

// minI and maxI are the signed i32 minimum and maximum (both operands are
// evaluated; keep them cheap).
func minI(a, b expr) expr { return choose(lt(a, b), a, b) }
func maxI(a, b expr) expr { return choose(gtI(a, b), a, b) }

// or is the i32 bitwise or (for combining conditions).
func or(a, b expr) expr { return node{t: i32, args: []expr{a, b}, op: []byte{0x72}} }

// ---- memory -----------------------------------------------------------------

// memarg encodes alignment (log2 bytes; a hint only) and a constant byte
// offset. Go's float32 slices are 4-byte aligned, so every access says 4.
func memarg(offset uint32) []byte { return append([]byte{2}, uleb(uint64(offset))...) }

// load reads a value of type t at addr+offset.
func load(t valType, addr expr, offset uint32) expr {
	var op []byte
	switch t {
	case i32:
		op = []byte{0x28}
	case f32:
		op = []byte{0x2a}
	case v128:
		op = simd(0)
	default:
		panic("load: no " + t.String() + " form")
	}
	return node{t: t, args: []expr{addr}, op: append(op, memarg(offset)...)}
}

// loadSplat reads one float32 at addr+offset into all four lanes.
func loadSplat(addr expr, offset uint32) expr {
	return node{t: v128, args: []expr{addr}, op: append(simd(9), memarg(offset)...)}
}

// splatI4 copies an i32 into all four lanes of an i32x4 vector.
func splatI4(a expr) expr {
	if a.typ() != i32 {
		panic("splatI4: operand is " + a.typ().String())
	}
	return node{t: v128, args: []expr{a}, op: simd(17)}
}

// addI4 is i32x4.add (the v128 add above is f32x4's).
func addI4(a, b expr) expr {
	if a.typ() != v128 || b.typ() != v128 {
		panic("addI4: operands must be vectors")
	}
	return node{t: v128, args: []expr{a, b}, op: simd(174)}
}

// iotaI4 is the i32x4 vector (0, 1, 2, 3): lane offsets.
func iotaI4() expr {
	op := simd(12)
	for l := uint32(0); l < 4; l++ {
		op = binary.LittleEndian.AppendUint32(op, l)
	}
	return node{t: v128, op: op}
}

// splat copies an f32 into all four lanes.
func splat(a expr) expr { return node{t: v128, args: []expr{a}, op: simd(19)} }

// shuffle picks four float32 lanes out of the eight of a and b (0-3 from
// a, 4-7 from b), as i8x16.shuffle does byte by byte.
func shuffle(a, b expr, l0, l1, l2, l3 byte) expr {
	op := simd(13)
	for _, l := range []byte{l0, l1, l2, l3} {
		op = append(op, 4*l, 4*l+1, 4*l+2, 4*l+3)
	}
	return node{t: v128, args: []expr{a, b}, op: op}
}
