package main

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Module is what wasmsize reads from a WebAssembly binary.
type Module struct {
	Path     string
	Size     int
	Sections []Section
	Imports  int            // imported functions: they come first in the function index space
	Bodies   []int          // size of each function body in the code section, in order
	Names    map[int]string // function index → name, from the "name" custom section
	Segments []int          // size of each data segment
}

// Section is one section's name ("code", or a custom section's own name) and size.
type Section struct {
	Name string
	Size int
}

// Package is the code of one Go package.
type Package struct {
	Name  string
	Bytes int // function body bytes
	Funcs int
}

var sectionNames = map[byte]string{
	1: "type", 2: "import", 3: "function", 4: "table", 5: "memory", 6: "global",
	7: "export", 8: "start", 9: "element", 10: "code", 11: "data", 12: "datacount",
}

func (m *Module) section(name string) int {
	n := 0
	for _, s := range m.Sections {
		if s.Name == name {
			n += s.Size
		}
	}
	return n
}

// Parse reads the sections wasmsize needs from a WebAssembly binary.
func Parse(b []byte) (*Module, error) {
	if len(b) < 8 || string(b[:4]) != "\x00asm" {
		return nil, errors.New("not a WebAssembly binary (no \\0asm header)")
	}
	m := &Module{Size: len(b), Names: map[int]string{}}
	r := &reader{b: b, off: 8}
	for r.off < len(b) {
		id := r.byte()
		size := r.uint()
		if r.err != nil || size > len(b)-r.off {
			return nil, fmt.Errorf("section at byte %d: bad size", r.off)
		}
		body := &reader{b: b[r.off : r.off+size]}
		r.off += size
		name, ok := sectionNames[id]
		if id == 0 {
			name = "custom " + body.name()
		} else if !ok {
			name = fmt.Sprintf("unknown(%d)", id)
		}
		m.Sections = append(m.Sections, Section{name, size})
		var err error
		switch {
		case id == 2:
			err = m.readImports(body)
		case id == 10:
			err = m.readCode(body)
		case id == 11:
			err = m.readData(body)
		case name == "custom name":
			err = m.readNames(body)
		}
		if err != nil {
			return nil, fmt.Errorf("%s section: %w", name, err)
		}
	}
	return m, nil
}

func (m *Module) readImports(r *reader) error {
	n := r.uint()
	for i := 0; i < n && r.err == nil; i++ {
		r.name() // module
		r.name() // field
		switch kind := r.byte(); kind {
		case 0: // function: type index
			r.uint()
			m.Imports++
		case 1: // table: element type, limits
			r.byte()
			r.limits()
		case 2: // memory
			r.limits()
		case 3: // global: type, mutability
			r.byte()
			r.byte()
		default:
			return fmt.Errorf("import %d: unknown kind %d", i, kind)
		}
	}
	return r.err
}

func (m *Module) readCode(r *reader) error {
	n := r.uint()
	for i := 0; i < n && r.err == nil; i++ {
		size := r.uint()
		r.skip(size)
		m.Bodies = append(m.Bodies, size)
	}
	return r.err
}

// readData sums each segment's bytes (active segments: flags, offset
// expression, then the bytes; Go writes flags 0 and an i32.const offset).
func (m *Module) readData(r *reader) error {
	n := r.uint()
	for i := 0; i < n && r.err == nil; i++ {
		switch flags := r.uint(); flags {
		case 0:
			r.constExpr()
		case 1:
		case 2:
			r.uint()
			r.constExpr()
		default:
			return fmt.Errorf("segment %d: unknown flags %d", i, flags)
		}
		size := r.uint()
		r.skip(size)
		m.Segments = append(m.Segments, size)
	}
	return r.err
}

// readNames reads subsection 1 (function names) of the "name" section.
func (m *Module) readNames(r *reader) error {
	for r.off < len(r.b) && r.err == nil {
		id := r.byte()
		size := r.uint()
		if id != 1 {
			r.skip(size)
			continue
		}
		n := r.uint()
		for i := 0; i < n && r.err == nil; i++ {
			idx := r.uint()
			m.Names[idx] = r.name()
		}
	}
	return r.err
}

// ByPackage sums the function bodies by Go package, largest first.
func (m *Module) ByPackage() []Package {
	sum := map[string]*Package{}
	for i, size := range m.Bodies {
		name, ok := m.Names[m.Imports+i]
		pkg := "(unnamed)"
		if ok {
			pkg = PackageOf(name)
		}
		p := sum[pkg]
		if p == nil {
			p = &Package{Name: pkg}
			sum[pkg] = p
		}
		p.Bytes += size
		p.Funcs++
	}
	out := make([]Package, 0, len(sum))
	for _, p := range sum {
		out = append(out, *p)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Bytes != out[j].Bytes {
			return out[i].Bytes > out[j].Bytes
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// PackageOf is the Go package of a function name as the wasm linker writes
// it: every character other than letters, digits, '_' and '.' is replaced
// by '_', so "github.com/a/b.(*T).M" is "github.com_a_b.__T_.M" and
// "slices.Sort[...]" is "slices.Sort_...". The package is the text before
// the first dot, or, when the path starts with a domain ("github.com_a_b",
// recognised by its top-level domain), before the first dot after it.
// Linker-made functions ("type:.eq.T", written "type_.eq.T") keep their
// prefix ("type_"). Packages keep the mangled spelling: "encoding_json" is
// encoding/json.
func PackageOf(sym string) string {
	dot := strings.IndexByte(sym, '.')
	if dot < 0 {
		return sym
	}
	if us := strings.IndexByte(sym[dot:], '_'); us > 0 && isDomainTail(sym[dot+1:dot+us]) {
		if next := strings.IndexByte(sym[dot+us:], '.'); next >= 0 {
			return sym[:dot+us+next]
		}
		return sym
	}
	return sym[:dot]
}

// isDomainTail says whether s ends a host name: "com" of github.com, or
// "golang.org" of google.golang.org.
func isDomainTail(s string) bool {
	for _, c := range s {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '.' && c != '-' {
			return false
		}
	}
	return topLevelDomains[s[strings.LastIndexByte(s, '.')+1:]]
}

// topLevelDomains are those of the module paths Go programs commonly import.
var topLevelDomains = map[string]bool{"com": true, "org": true, "net": true, "io": true, "co": true, "dev": true, "in": true}

// reader decodes LEB128 numbers and names; the first error sticks.
type reader struct {
	b   []byte
	off int
	err error
}

func (r *reader) byte() byte {
	if r.off >= len(r.b) {
		r.fail()
		return 0
	}
	c := r.b[r.off]
	r.off++
	return c
}

func (r *reader) uint() int {
	var v uint64
	for shift := 0; shift < 64; shift += 7 {
		c := r.byte()
		v |= uint64(c&0x7f) << shift
		if c&0x80 == 0 {
			break
		}
	}
	if v > 1<<40 {
		r.fail()
		return 0
	}
	return int(v)
}

func (r *reader) skip(n int) {
	if n < 0 || n > len(r.b)-r.off {
		r.fail()
		return
	}
	r.off += n
}

func (r *reader) name() string {
	n := r.uint()
	start := r.off
	r.skip(n)
	if r.err != nil {
		return ""
	}
	return string(r.b[start:r.off])
}

func (r *reader) limits() {
	if r.byte()&1 != 0 {
		r.uint()
	}
	r.uint()
}

// constExpr skips an offset expression: i32.const N or global.get I, then end.
func (r *reader) constExpr() {
	switch op := r.byte(); op {
	case 0x41, 0x23: // i32.const (signed LEB128), global.get (index)
		r.uint()
	default:
		r.fail()
	}
	if r.byte() != 0x0b {
		r.fail()
	}
}

func (r *reader) fail() {
	if r.err == nil {
		r.err = io.ErrUnexpectedEOF
	}
}
