package main

import (
	"bytes"
	"fmt"
)

// Functions and the statements kernels are written with: each method
// appends the code of one statement to the function's body.

type function struct {
	name    string
	params  []*local
	results []valType
	locals  []*local // declared after the params
	body    bytes.Buffer
	depth   int    // open blocks, to catch generator mistakes
	index   uint32 // in the module, set by module.add
}

func newFunction(name string, results ...valType) *function {
	return &function{name: name, results: results}
}

func (f *function) param(name string, t valType) *local {
	if len(f.locals) > 0 {
		panic(f.name + ": params must come before locals")
	}
	l := &local{name: name, idx: uint32(len(f.params)), t: t}
	f.params = append(f.params, l)
	return l
}

func (f *function) local(name string, t valType) *local {
	l := &local{name: name, idx: uint32(len(f.params) + len(f.locals)), t: t}
	f.locals = append(f.locals, l)
	return l
}

// set stores the value of e in l.
func (f *function) set(l *local, e expr) {
	if e.typ() != l.t {
		panic(fmt.Sprintf("%s: set %s (%v) to a %v", f.name, l.name, l.t, e.typ()))
	}
	e.emit(&f.body)
	f.body.WriteByte(0x21)
	f.body.Write(uleb(uint64(l.idx)))
}

// inc adds an i32 step to l.
func (f *function) inc(l *local, step expr) { f.set(l, add(l, step)) }

// store writes v (i32, f32 or f32x4) at addr+offset.
func (f *function) store(addr expr, offset uint32, v expr) {
	addr.emit(&f.body)
	v.emit(&f.body)
	switch v.typ() {
	case i32:
		f.body.WriteByte(0x36)
	case f32:
		f.body.WriteByte(0x38)
	case v128:
		f.body.Write(simd(11))
	default:
		panic(f.name + ": store of " + v.typ().String())
	}
	f.body.Write(memarg(offset))
}

// open starts a block (0x02), loop (0x03) or if (0x04) without a result.
func (f *function) open(op byte) {
	f.body.WriteByte(op)
	f.body.WriteByte(0x40) // no result
	f.depth++
}

func (f *function) end() {
	f.body.WriteByte(0x0b)
	f.depth--
}

func (f *function) brIf(depth uint32, cond expr) {
	cond.emit(&f.body)
	f.body.WriteByte(0x0d)
	f.body.Write(uleb(uint64(depth)))
}

// ifThen runs then when cond (an i32) is not zero.
func (f *function) ifThen(cond expr, then func()) {
	cond.emit(&f.body)
	f.open(0x04)
	then()
	f.end()
}

// ifElse runs then when cond is not zero, else els.
func (f *function) ifElse(cond expr, then, els func()) {
	cond.emit(&f.body)
	f.open(0x04)
	then()
	f.body.WriteByte(0x05)
	els()
	f.end()
}

// doWhile runs body, then again while cond (an i32) is not zero.
func (f *function) doWhile(body func(), cond expr) {
	f.open(0x03)
	body()
	f.brIf(0, cond)
	f.end()
}

// returnIf leaves the function when cond is not zero (void functions).
func (f *function) returnIf(cond expr) {
	f.ifThen(cond, func() { f.body.WriteByte(0x0f) })
}

// forStep runs body for i = from, from+step, … while i < to (signed
// compare for counts, unsigned when the bounds are pointers).
func (f *function) forStep(i *local, from, to expr, step int32, unsigned bool, body func()) {
	less := lt
	if unsigned {
		less = ltU
	}
	f.set(i, from)
	f.open(0x02)                                                         // block: the exit
	f.brIf(0, node{t: i32, args: []expr{less(i, to)}, op: []byte{0x45}}) // i32.eqz: !(i < to)
	f.open(0x03)                                                         // loop
	body()
	f.inc(i, i32c(step))
	f.brIf(0, less(i, to))
	f.end()
	f.end()
}

// forStep's unsigned argument: how i < to compares.
const (
	signedLess   = false // counts
	unsignedLess = true  // byte addresses
)

// forRange is forStep over counts: for i := from; i < to; i += step.
func (f *function) forRange(i *local, from, to expr, step int32, body func()) {
	f.forStep(i, from, to, step, signedLess, body)
}

// forPtr is forStep over byte addresses: for p := from; p < to; p += step.
func (f *function) forPtr(p *local, from, to expr, step int32, body func()) {
	f.forStep(p, from, to, step, unsignedLess, body)
}

// call calls g (a function with no result) with args.
func (f *function) call(g *function, args ...expr) {
	if len(g.results) != 0 {
		panic(f.name + ": call of " + g.name + " drops its result")
	}
	g.checkArgs(args)
	for _, a := range args {
		a.emit(&f.body)
	}
	f.body.WriteByte(0x10)
	f.body.Write(uleb(uint64(g.index)))
}

func (g *function) checkArgs(args []expr) {
	if len(args) != len(g.params) {
		panic(fmt.Sprintf("call %s: %d args for %d params", g.name, len(args), len(g.params)))
	}
	for i, a := range args {
		if a.typ() != g.params[i].t {
			panic(fmt.Sprintf("call %s: arg %s is %v, want %v", g.name, g.params[i].name, a.typ(), g.params[i].t))
		}
	}
}

// ret returns e from a function with one result.
func (f *function) ret(e expr) {
	e.emit(&f.body)
	f.body.WriteByte(0x0f)
}
