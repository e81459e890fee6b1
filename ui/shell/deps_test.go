//go:build !(js && wasm)

package shell

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// deps lists what a wasm binary of the module links.
func deps(t *testing.T, pkg string) []string {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps", "github.com/nnplay/nnplay/"+pkg)
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	return strings.Fields(string(out))
}

// TestPageDoesNotLoadTheEngine (native only: it runs go list): neither the
// page binary nor its annex may link the training engine (gorgonia
// tensors, engine/nn): one stray import of engine/data from ui/ once grew
// page.wasm from 8 MB to 42 MB. The page decodes links, draws and
// validates with tensor-free packages; training maths lives in the worker,
// and so do the PyTorch and ONNX exporters and Import weights' zip reader
// (the worker holds the model; on the page they would only grow page.wasm).
func TestPageDoesNotLoadTheEngine(t *testing.T) {
	for _, bin := range []string{"wasm/page", "wasm/annex"} {
		for _, dep := range deps(t, bin) {
			switch {
			case strings.HasPrefix(dep, "gorgonia.org/"),
				dep == "github.com/nnplay/nnplay/engine/nn",
				dep == "github.com/nnplay/nnplay/engine/data",
				dep == "github.com/nnplay/nnplay/engine/modelio":
				t.Errorf("%s imports %s (training code); keep it in the worker", bin, dep)
			case dep == "github.com/nnplay/nnplay/engine/torch",
				dep == "github.com/nnplay/nnplay/engine/onnx",
				dep == "github.com/nnplay/nnplay/engine/npz",
				dep == "archive/zip":
				t.Errorf("%s imports %s; the worker writes and reads the files for other frameworks (export_model, load_model)", bin, dep)
			}
		}
	}
}

// TestPageLeavesTheAnnexOut: page.wasm, which every visit downloads
// before anything shows, does not link the annexed places; the annex
// (annex.wasm, loaded when one of them is first shown) does.
func TestPageLeavesTheAnnexOut(t *testing.T) {
	annexed := []string{"ui/data", "ui/learn", "ui/inside", "ui/playground", "ui/explain", "ui/challenge"}
	in := func(bin string) map[string]bool {
		m := map[string]bool{}
		for _, d := range deps(t, bin) {
			m[strings.TrimPrefix(d, "github.com/nnplay/nnplay/")] = true
		}
		return m
	}
	page, annex := in("wasm/page"), in("wasm/annex")
	for _, p := range annexed {
		if page[p] {
			t.Errorf("wasm/page imports %s, an annexed place: it belongs in wasm/annex", p)
		}
		if !annex[p] {
			t.Errorf("wasm/annex does not import %s: the place is in neither binary", p)
		}
	}
}
