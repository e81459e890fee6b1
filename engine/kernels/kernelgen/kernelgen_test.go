package main

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestModuleReproducible: generating the module twice gives the same bytes
// (no map order, time or path leaks in). `make kernels-check` also builds
// it twice in separate processes and compares the files.
func TestModuleReproducible(t *testing.T) {
	a, b := Module(), Module()
	if !bytes.Equal(a, b) {
		t.Fatalf("two builds differ: %d and %d bytes", len(a), len(b))
	}
}

func TestLEB128(t *testing.T) {
	for _, tc := range []struct {
		got, want []byte
	}{
		{uleb(0), []byte{0}},
		{uleb(127), []byte{0x7f}},
		{uleb(128), []byte{0x80, 0x01}},
		{uleb(624485), []byte{0xe5, 0x8e, 0x26}}, // the example in the DWARF spec
		{sleb(0), []byte{0}},
		{sleb(63), []byte{0x3f}},
		{sleb(64), []byte{0xc0, 0x00}},
		{sleb(-1), []byte{0x7f}},
		{sleb(-64), []byte{0x40}},
		{sleb(-65), []byte{0xbf, 0x7f}},
		{sleb(-123456), []byte{0xc0, 0xbb, 0x78}},
	} {
		if !bytes.Equal(tc.got, tc.want) {
			t.Errorf("got % x, want % x", tc.got, tc.want)
		}
	}
}

// parsedModule is what the test reads back from the binary.
type parsedModule struct {
	sectionIDs []byte
	imports    []string          // "module.name kind"
	exports    map[string]string // name → signature "(i32,f32)->(i32)"
}

// parseModule decodes the parts of a module the other tests check.
func parseModule(t *testing.T, b []byte) parsedModule {
	t.Helper()
	if !bytes.HasPrefix(b, []byte{0, 'a', 's', 'm', 1, 0, 0, 0}) {
		t.Fatalf("bad header % x", b[:8])
	}
	r := &reader{b: b[8:], t: t}
	var pm parsedModule
	pm.exports = map[string]string{}
	var types []string
	var funcTypes []uint64
	for len(r.b) > 0 {
		id := r.byte()
		sec := &reader{b: r.bytes(int(r.uleb())), t: t}
		pm.sectionIDs = append(pm.sectionIDs, id)
		switch id {
		case 1:
			for n := sec.uleb(); n > 0; n-- {
				if sec.byte() != 0x60 {
					t.Fatal("type is not a func type")
				}
				vt := func() string {
					var s []string
					for k := sec.uleb(); k > 0; k-- {
						s = append(s, valType(sec.byte()).String())
					}
					return "(" + strings.Join(s, ",") + ")"
				}
				params := vt()
				types = append(types, params+"->"+vt())
			}
		case 2:
			for n := sec.uleb(); n > 0; n-- {
				mod, name := sec.name(), sec.name()
				kind := sec.byte()
				if kind != 0x02 {
					t.Fatalf("import %s.%s: kind %d, want memory", mod, name, kind)
				}
				if flags := sec.byte(); flags != 0 {
					t.Fatalf("memory import has a maximum (flags %d): Go's memory grows", flags)
				}
				sec.uleb()
				pm.imports = append(pm.imports, fmt.Sprintf("%s.%s memory", mod, name))
			}
		case 3:
			for n := sec.uleb(); n > 0; n-- {
				funcTypes = append(funcTypes, sec.uleb())
			}
		case 7:
			for n := sec.uleb(); n > 0; n-- {
				name := sec.name()
				if kind := sec.byte(); kind != 0 {
					t.Fatalf("export %s is not a function", name)
				}
				pm.exports[name] = types[funcTypes[sec.uleb()]]
			}
		}
	}
	return pm
}

type reader struct {
	b []byte
	t *testing.T
}

func (r *reader) byte() byte { return r.bytes(1)[0] }
func (r *reader) bytes(n int) []byte {
	if n > len(r.b) {
		r.t.Fatalf("truncated: want %d bytes, have %d", n, len(r.b))
	}
	s := r.b[:n]
	r.b = r.b[n:]
	return s
}
func (r *reader) uleb() uint64 {
	var v uint64
	for shift := 0; ; shift += 7 {
		c := r.byte()
		v |= uint64(c&0x7f) << shift
		if c&0x80 == 0 {
			return v
		}
	}
}
func (r *reader) name() string { return string(r.bytes(int(r.uleb()))) }

// TestModuleLayout: sections in the order the spec requires, one import
// (Go's memory, as env.mem, no maximum) and the exports the glue forwards.
func TestModuleLayout(t *testing.T) {
	pm := parseModule(t, Module())
	if want := []byte{1, 2, 3, 7, 10, 0}; !bytes.Equal(pm.sectionIDs, want) {
		t.Errorf("section ids %v, want %v", pm.sectionIDs, want)
	}
	if want := []string{"env.mem memory"}; !slices.Equal(pm.imports, want) {
		t.Errorf("imports %v, want %v", pm.imports, want)
	}
	if len(pm.exports) == 0 {
		t.Fatal("no exports")
	}
}

// TestGoImportsMatchExports: every //go:wasmimport nnkernels function in
// engine/kernels has an export of the same name and signature here (or is
// `available`, which the JS glue answers itself), and every export is
// imported, so the three parts cannot drift apart unnoticed.
func TestGoImportsMatchExports(t *testing.T) {
	pm := parseModule(t, Module())
	imported := goImports(t, filepath.Join("..", "simd.go"))
	if imported["available"] != "()->(i32)" {
		t.Errorf("available: Go declares %q, want ()->(i32)", imported["available"])
	}
	for name, sig := range imported {
		if name == "available" {
			continue
		}
		if pm.exports[name] != sig {
			t.Errorf("%s: Go imports %s, the module exports %q", name, sig, pm.exports[name])
		}
	}
	for name := range pm.exports {
		if _, ok := imported[name]; !ok {
			t.Errorf("export %s is not imported by engine/kernels", name)
		}
	}
}

// goImports reads the //go:wasmimport nnkernels declarations of a Go file
// as name → wasm signature.
func goImports(t *testing.T, path string) map[string]string {
	t.Helper()
	file, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	wasmType := map[string]string{"int32": "i32", "uint32": "i32", "float32": "f32", "unsafe.Pointer": "i32"}
	typeName := func(e ast.Expr) string {
		if sel, ok := e.(*ast.SelectorExpr); ok {
			return sel.X.(*ast.Ident).Name + "." + sel.Sel.Name
		}
		return e.(*ast.Ident).Name
	}
	list := func(fl *ast.FieldList) string {
		var s []string
		if fl != nil {
			for _, f := range fl.List {
				w, ok := wasmType[typeName(f.Type)]
				if !ok {
					t.Fatalf("%s: parameter type %s has no wasm form here", path, typeName(f.Type))
				}
				for range max(len(f.Names), 1) {
					s = append(s, w)
				}
			}
		}
		return "(" + strings.Join(s, ",") + ")"
	}
	out := map[string]string{}
	for _, d := range file.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Doc == nil {
			continue
		}
		for _, c := range fn.Doc.List {
			if name, ok := strings.CutPrefix(c.Text, "//go:wasmimport nnkernels "); ok {
				out[name] = list(fn.Type.Params) + "->" + list(fn.Type.Results)
			}
		}
	}
	if len(out) == 0 {
		t.Fatalf("%s: no //go:wasmimport nnkernels functions", path)
	}
	return out
}

// TestGlueForwardsImports: static/kernels.js provides each import Go
// declares, taking as many arguments as the Go declaration.
func TestGlueForwardsImports(t *testing.T) {
	js, err := os.ReadFile(filepath.Join("..", "..", "..", "static", "kernels.js"))
	if err != nil {
		t.Fatal(err)
	}
	for name, sig := range goImports(t, filepath.Join("..", "simd.go")) {
		m := regexp.MustCompile(`\n\s*` + name + `: \(([^)]*)\) =>`).FindSubmatch(js)
		if m == nil {
			t.Errorf("kernels.js has no forwarder %q", name)
			continue
		}
		params := strings.TrimSuffix(strings.TrimPrefix(strings.Split(sig, "->")[0], "("), ")")
		want, got := len(strings.Split(params, ",")), len(strings.Split(string(m[1]), ","))
		if params == "" {
			want = 0
		}
		if strings.TrimSpace(string(m[1])) == "" {
			got = 0
		}
		if got != want {
			t.Errorf("kernels.js %s takes %d arguments, Go passes %d", name, got, want)
		}
	}
}
