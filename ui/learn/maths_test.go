package learn

import (
	"strings"
	"testing"

	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// TestEveryLayerTypeHasItsFormulas: each layer type the builder offers has
// a forward formula of its own and a chain rule that ends in dx; the
// fused softmax's δ is p − onehot(y).
func TestEveryLayerTypeHasItsFormulas(t *testing.T) {
	types := []string{spec.TypeDense, spec.TypeConv2D, spec.TypeMaxPool2D, spec.TypeAveragePooling2D,
		spec.TypeGlobalAveragePooling2D, spec.TypeBatchNormalization, spec.TypeReLU, spec.TypeLeakyReLU,
		spec.TypeSigmoid, spec.TypeTanh, spec.TypeSoftmax, spec.TypeDropout, spec.TypeFlatten, spec.TypeReshape,
		spec.TypeSimpleRNN, spec.TypeLSTM, spec.TypeGRU}
	seen := map[string]string{}
	for _, typ := range types {
		fwd, back := layerMaths(protocol.TraceLayer{Type: typ, Activation: spec.ActReLU}, false)
		if fwd == "" || len(back) == 0 || strings.HasPrefix(fwd, "y = "+typ+"(") {
			t.Errorf("%s: forward %q, backward %q", typ, fwd, back)
		}
		if other, ok := seen[fwd]; ok && !(other == spec.TypeFlatten && typ == spec.TypeReshape) {
			t.Errorf("%s and %s share the forward formula %q", other, typ, fwd)
		}
		seen[fwd] = typ
		hasDx := false
		for _, b := range back {
			hasDx = hasDx || strings.Contains(b, "dx")
		}
		if !hasDx {
			t.Errorf("%s: the backward formulas %q never give dx", typ, back)
		}
	}
	_, back := layerMaths(protocol.TraceLayer{Type: spec.TypeDense, Activation: spec.ActSoftmax}, true)
	if !strings.Contains(back[0], "p − onehot(y)") {
		t.Errorf("fused softmax and cross-entropy: δ is %q", back[0])
	}
}

// TestMathsWithoutBias: a Dense or Conv2D traced without a bias param
// shows no b and no db.
func TestMathsWithoutBias(t *testing.T) {
	kernel := []protocol.TraceParam{{Name: "kernel"}}
	for _, typ := range []string{spec.TypeDense, spec.TypeConv2D} {
		fwd, back := layerMaths(protocol.TraceLayer{Type: typ, Params: kernel}, false)
		all := fwd + " | " + strings.Join(back, " | ")
		if strings.Contains(all, "b_f") || strings.Contains(all, "+ b") || strings.Contains(all, "db") || !strings.Contains(all, "dx") {
			t.Errorf("%s without a bias: %q", typ, all)
		}
		fwd, back = layerMaths(protocol.TraceLayer{Type: typ, Params: append(kernel, protocol.TraceParam{Name: "bias"})}, false)
		if all := fwd + strings.Join(back, " "); !strings.Contains(all, "db") {
			t.Errorf("%s with a bias: %q", typ, all)
		}
	}
}

func TestOptimizerMaths(t *testing.T) {
	cases := []struct {
		o    spec.Optimizer
		want string
	}{
		{spec.Optimizer{Name: spec.OptSGD}, "Δw = −η · g"},
		{spec.Optimizer{Name: spec.OptSGD, Momentum: 0.9}, "Δw = v"},
		{spec.Optimizer{Name: spec.OptAdam}, "m̂ / (√v̂ + ε)"},
		{spec.Optimizer{Name: spec.OptRMSProp}, "s ← ρ·s + (1 − ρ)·g²"},
		{spec.Optimizer{Name: spec.OptAdagrad}, "s ← s + g²"},
	}
	for _, c := range cases {
		if got := strings.Join(optimizerMaths(c.o.Name, c.o), " | "); !strings.Contains(got, c.want) {
			t.Errorf("%s (momentum %v): %q, want it to contain %q", c.o.Name, c.o.Momentum, got, c.want)
		}
	}
}
