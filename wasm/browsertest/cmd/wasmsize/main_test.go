package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

func TestPackageOf(t *testing.T) {
	for sym, want := range map[string]string{
		"runtime.mallocgc":                                   "runtime",
		"runtime.__mheap_.alloc":                             "runtime",
		"fmt.__pp_.printValue":                               "fmt",
		"encoding_json.__decodeState_.object":                "encoding_json",
		"slices.pdqsortCmpFunc_go.shape.struct_x_int_":       "slices",
		"github.com_nnplay_nnplay_ui.__Builder_.Build":       "github.com_nnplay_nnplay_ui",
		"gorgonia.org_tensor_internal_execution.E.AddI":      "gorgonia.org_tensor_internal_execution",
		"google.golang.org_protobuf_internal_impl.init.0":    "google.golang.org_protobuf_internal_impl",
		"honnef.co_go_js_dom_v2.wrapEvent":                   "honnef.co_go_js_dom_v2",
		"type_.eq.struct_a_int_":                             "type_",
		"_rt0_wasm_js":                                       "_rt0_wasm_js",
		"github.com_a_b.F_go.shape.github.com_c_d.T_":        "github.com_a_b",
		"internal_runtime_maps.__Map_.getWithKeySmall":       "internal_runtime_maps",
		"gonum.org_v1_gonum_blas_gonum.Implementation.Sgemm": "gonum.org_v1_gonum_blas_gonum",
	} {
		if got := PackageOf(sym); got != want {
			t.Errorf("PackageOf(%q) = %q, want %q", sym, got, want)
		}
	}
}

// buildModule writes a small binary by hand: 1 imported function, 2 bodies
// (3 and 5 bytes), 2 data segments (4 and 2 bytes) and names for both.
func buildModule() []byte {
	b := []byte{0, 'a', 's', 'm', 1, 0, 0, 0}
	section := func(id byte, body ...byte) {
		b = append(b, id, byte(len(body)))
		b = append(b, body...)
	}
	name := func(s string) []byte { return append([]byte{byte(len(s))}, s...) }
	section(1, 1, 0x60, 0, 0)                             // one type: () -> ()
	section(2, 1, 1, 'm', 1, 'f', 0, 0)                   // import m.f, a function of type 0
	section(3, 2, 0, 0)                                   // two functions of type 0
	section(10, 2, 3, 0, 0x01, 0x0b, 5, 0, 1, 1, 1, 0x0b) // bodies of 3 and 5 bytes
	section(11, 2,
		0, 0x41, 0x8b, 0x01, 0x0b, 4, 'a', 'b', 'c', 'd', // at i32.const 139, whose LEB128 holds 0x0b
		0, 0x41, 8, 0x0b, 2, 'e', 'f')
	fn := append([]byte{2, 1}, name("main.one")...) // function 1 (after the import)
	fn = append(fn, 2)
	fn = append(fn, name("github.com_a_b.Two")...)
	custom := append(name("name"), 1, byte(len(fn)))
	section(0, append(custom, fn...)...)
	return b
}

func TestParse(t *testing.T) {
	m, err := Parse(buildModule())
	if err != nil {
		t.Fatal(err)
	}
	if m.Imports != 1 || len(m.Bodies) != 2 || m.Bodies[0] != 3 || m.Bodies[1] != 5 {
		t.Errorf("imports %d, bodies %v; want 1 and [3 5]", m.Imports, m.Bodies)
	}
	if len(m.Segments) != 2 || m.Segments[0] != 4 || m.Segments[1] != 2 {
		t.Errorf("data segments %v, want [4 2]", m.Segments)
	}
	pkgs := m.ByPackage()
	if len(pkgs) != 2 || pkgs[0] != (Package{"github.com_a_b", 5, 1}) || pkgs[1] != (Package{"main", 3, 1}) {
		t.Errorf("packages %+v, want github.com_a_b 5 bytes, main 3 bytes", pkgs)
	}
	if m.section("code") == 0 || m.section("custom name") == 0 {
		t.Errorf("sections %+v lack code or the name section", m.Sections)
	}
}

func TestParseRejectsBadInput(t *testing.T) {
	good := buildModule()
	for name, b := range map[string][]byte{
		"empty":            nil,
		"not wasm":         []byte("\x7fELF\x02\x01\x01\x00"),
		"cut short":        good[:len(good)-3],
		"section too long": append(append([]byte{}, good[:8]...), 10, 100, 1),
	} {
		if _, err := Parse(b); err == nil {
			t.Errorf("%s: Parse accepted it", name)
		}
	}
}

// A real js/wasm build without -s: the runtime and main are named.
func TestParseGoBuild(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "main.go")
	if err := os.WriteFile(src, []byte("package main\n\nfunc main() { println(\"hello\") }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "hello.wasm")
	cmd := exec.Command("go", "build", "-o", out, src)
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	m, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	size := map[string]int{}
	total := 0
	for _, p := range m.ByPackage() {
		size[p.Name] = p.Bytes
		total += p.Bytes
	}
	if size["runtime"] < total/2 || size["main"] == 0 {
		t.Errorf("runtime %d and main %d bytes of %d; want the runtime to dominate and main present", size["runtime"], size["main"], total)
	}
	// The rest of the code section is its count and each body's size prefix.
	if code := m.section("code"); total >= code || total < code*95/100 {
		t.Errorf("bodies sum to %d B in a code section of %d B", total, code)
	}
	if len(m.Segments) == 0 {
		t.Errorf("no data segments")
	}
}
