package share

import (
	"reflect"
	"strings"
	"testing"

	"github.com/nnplay/nnplay/engine/nn"
	"github.com/nnplay/nnplay/engine/spec"
)

// TestExpectedWeightsMatchEngine: for models using every layer type, the
// weights ExpectedWeights lists are engine/nn's params, in order, by name
// and shape, and their sizes add up to spec's parameter count.
func TestExpectedWeightsMatchEngine(t *testing.T) {
	for _, m := range []spec.Model{spec.Seed(), spec.LeNet(), spec.SmallCNN(), imageModel(), flatModel(), toyModel()} {
		ws, err := ExpectedWeights(m)
		if err != nil {
			t.Fatal(err)
		}
		model, err := nn.Build(m)
		if err != nil {
			t.Fatal(err)
		}
		params := model.Params()
		if len(ws) != len(params) {
			t.Fatalf("%v: %d expected weights, the engine has %d params", m.Layers, len(ws), len(params))
		}
		for i, p := range params {
			if shape := []int(p.Value.Shape()); !reflect.DeepEqual(ws[i].Shape, shape) {
				t.Errorf("weight %d (%s): shape %v, the engine's is %v", i, ws[i].Name, ws[i].Shape, shape)
			}
			if !strings.HasSuffix(ws[i].Name, "/"+p.Name) {
				t.Errorf("weight %d is %s, the engine's param is %s", i, ws[i].Name, p.Name)
			}
			if m.Layers[ws[i].Layer].Type != layerOf(model, p).Spec().Type {
				t.Errorf("weight %d (%s) is said to be layer %d's", i, ws[i].Name, ws[i].Layer)
			}
		}
		infos, _ := m.Infer()
		total := 0
		for _, info := range infos {
			total += info.Params
		}
		if count(ws) != total {
			t.Errorf("%d weights expected, spec counts %d", count(ws), total)
		}
		shapes, err := ExpectedShapes(m)
		if err != nil || len(shapes) != len(ws) {
			t.Fatalf("ExpectedShapes: %d shapes, %v", len(shapes), err)
		}
	}
}

// layerOf is the engine layer that holds p.
func layerOf(m *nn.Sequential, p *nn.Param) nn.Layer {
	for _, l := range m.Layers() {
		for _, q := range l.Params() {
			if q == p {
				return l
			}
		}
	}
	return nil
}

// TestKerasNames: layers are named as Keras names them, numbered per type.
func TestKerasNames(t *testing.T) {
	ws, err := ExpectedWeights(imageModel())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, w := range ws {
		names = append(names, w.Name)
	}
	want := []string{"conv2d/kernel", "conv2d/bias", "batch_normalization/gamma", "batch_normalization/beta",
		"batch_normalization/moving_mean", "batch_normalization/moving_variance", "conv2d_1/kernel", "conv2d_1/bias",
		"dense/kernel", "dense/bias"}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("names %q,\nwant %q", names, want)
	}
	for typ, want := range map[string]string{spec.TypeLeakyReLU: "leaky_re_lu", spec.TypeMaxPool2D: "max_pooling2d", spec.TypeDense: "dense"} {
		if got := spec.KerasName(typ); got != want {
			t.Errorf("spec.KerasName(%s) = %s, want %s", typ, got, want)
		}
	}
}

// TestExpectedWeightsInvalid: a spec whose shapes do not work out gives
// spec's error.
func TestExpectedWeightsInvalid(t *testing.T) {
	m := spec.Seed()
	m.Layers[1].Units = 0
	if _, err := ExpectedShapes(m); err == nil || err.Error() != "layer 2 (Dense): units must be between 1 and 4096, got 0" {
		t.Errorf("got %v", err)
	}
}
