//go:build !(js && wasm)

package shell

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestPageDoesNotLoadTheEngine (native only: it runs go list): the page binary must not link the training
// engine (gorgonia tensors, engine/nn): one stray import of engine/data from
// ui/ once grew page.wasm from 8 MB to 42 MB. The page decodes links, draws
// and validates with tensor-free packages; training maths lives in the worker,
// and so do the PyTorch and ONNX exporters and Import weights' zip reader
// (the worker holds the model; on the page they would only grow page.wasm).
func TestPageDoesNotLoadTheEngine(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", "github.com/nnplay/nnplay/wasm/page")
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		switch {
		case strings.HasPrefix(dep, "gorgonia.org/"),
			dep == "github.com/nnplay/nnplay/engine/nn",
			dep == "github.com/nnplay/nnplay/engine/data",
			dep == "github.com/nnplay/nnplay/engine/modelio":
			t.Errorf("the page imports %s (training code); keep it in the worker", dep)
		case dep == "github.com/nnplay/nnplay/engine/torch",
			dep == "github.com/nnplay/nnplay/engine/onnx",
			dep == "github.com/nnplay/nnplay/engine/npz",
			dep == "archive/zip":
			t.Errorf("the page imports %s; the worker writes and reads the files for other frameworks (export_model, load_model)", dep)
		}
	}
}
