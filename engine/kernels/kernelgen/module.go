package main

import "bytes"

// The module: its functions and the binary encoding of the whole (header,
// sections, LEB128 numbers).

type module struct {
	memModule, memName string // where the memory is imported from
	funcs              []*function
	exports            []*function
}

// add's export argument.
const (
	exported = true  // an export of the module, called from Go
	internal = false // called only by other kernels
)

// add appends f to the module and returns it (exported when export is true).
// Functions must be added before code that calls them is generated.
func (m *module) add(f *function, export bool) *function {
	f.index = uint32(len(m.funcs))
	m.funcs = append(m.funcs, f)
	if export {
		m.exports = append(m.exports, f)
	}
	return f
}

func (f *function) signature() []byte {
	var s []byte
	s = append(s, 0x60)
	s = append(s, uleb(uint64(len(f.params)))...)
	for _, p := range f.params {
		s = append(s, byte(p.t))
	}
	s = append(s, uleb(uint64(len(f.results)))...)
	for _, r := range f.results {
		s = append(s, byte(r))
	}
	return s
}

// bytes encodes the module: types, the memory import, functions, exports,
// code and a "name" section with function and local names (so a debugger
// or wasm2wat shows gemm's locals by name).
func (m *module) bytes() []byte {
	var out bytes.Buffer
	out.Write([]byte{0, 'a', 's', 'm', 1, 0, 0, 0})

	// Type section: one type per distinct signature, in first-use order.
	var types [][]byte
	typeOf := make([]uint32, len(m.funcs))
	for i, f := range m.funcs {
		sig := f.signature()
		found := -1
		for j, t := range types {
			if bytes.Equal(t, sig) {
				found = j
			}
		}
		if found < 0 {
			found = len(types)
			types = append(types, sig)
		}
		typeOf[i] = uint32(found)
	}
	section(&out, 1, vec(len(types), func(w *bytes.Buffer, i int) { w.Write(types[i]) }))

	// Import section: the memory, with a minimum of 0 pages and no maximum,
	// so any memory (Go's grows) satisfies it.
	var imp bytes.Buffer
	imp.Write(uleb(1))
	imp.Write(name(m.memModule))
	imp.Write(name(m.memName))
	imp.Write([]byte{0x02, 0x00, 0x00}) // memory, limits: min only, 0
	section(&out, 2, imp.Bytes())

	section(&out, 3, vec(len(m.funcs), func(w *bytes.Buffer, i int) { w.Write(uleb(uint64(typeOf[i]))) }))
	section(&out, 7, vec(len(m.exports), func(w *bytes.Buffer, i int) {
		w.Write(name(m.exports[i].name))
		w.WriteByte(0x00) // func
		w.Write(uleb(uint64(m.exports[i].index)))
	}))
	section(&out, 10, vec(len(m.funcs), func(w *bytes.Buffer, i int) {
		f := m.funcs[i]
		if f.depth != 0 {
			panic(f.name + ": unclosed block")
		}
		var body bytes.Buffer
		// Locals, run-length encoded by type.
		var groups [][2]int // count, type
		for _, l := range f.locals {
			if n := len(groups); n > 0 && groups[n-1][1] == int(l.t) {
				groups[n-1][0]++
			} else {
				groups = append(groups, [2]int{1, int(l.t)})
			}
		}
		body.Write(uleb(uint64(len(groups))))
		for _, g := range groups {
			body.Write(uleb(uint64(g[0])))
			body.WriteByte(byte(g[1]))
		}
		body.Write(f.body.Bytes())
		body.WriteByte(0x0b) // end of function
		w.Write(uleb(uint64(body.Len())))
		w.Write(body.Bytes())
	}))

	// Custom "name" section: subsection 1 function names, 2 local names.
	var names bytes.Buffer
	names.Write(name("name"))
	sub := func(id byte, content []byte) {
		names.WriteByte(id)
		names.Write(uleb(uint64(len(content))))
		names.Write(content)
	}
	sub(1, vec(len(m.funcs), func(w *bytes.Buffer, i int) {
		w.Write(uleb(uint64(i)))
		w.Write(name(m.funcs[i].name))
	}))
	sub(2, vec(len(m.funcs), func(w *bytes.Buffer, i int) {
		f := m.funcs[i]
		all := append(append([]*local(nil), f.params...), f.locals...)
		w.Write(uleb(uint64(i)))
		w.Write(uleb(uint64(len(all))))
		for _, l := range all {
			w.Write(uleb(uint64(l.idx)))
			w.Write(name(l.name))
		}
	}))
	section(&out, 0, names.Bytes())
	return out.Bytes()
}

func section(out *bytes.Buffer, id byte, content []byte) {
	out.WriteByte(id)
	out.Write(uleb(uint64(len(content))))
	out.Write(content)
}

// vec encodes a count followed by n items.
func vec(n int, item func(w *bytes.Buffer, i int)) []byte {
	var w bytes.Buffer
	w.Write(uleb(uint64(n)))
	for i := 0; i < n; i++ {
		item(&w, i)
	}
	return w.Bytes()
}

func name(s string) []byte { return append(uleb(uint64(len(s))), s...) }

// uleb is unsigned LEB128: 7 bits a byte, low first, high bit = more.
func uleb(v uint64) []byte {
	var b []byte
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v != 0 {
			b = append(b, c|0x80)
			continue
		}
		return append(b, c)
	}
}

// sleb is signed LEB128: like uleb, but stops once the remaining bits are
// all copies of the sign bit of the last byte written.
func sleb(v int64) []byte {
	var b []byte
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if (v == 0 && c&0x40 == 0) || (v == -1 && c&0x40 != 0) {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}
