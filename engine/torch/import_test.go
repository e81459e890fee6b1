package torch

import (
	"archive/zip"
	"bytes"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/nnplay/nnplay/engine/npz"
	"github.com/nnplay/nnplay/engine/share"
	"github.com/nnplay/nnplay/engine/spec"
)

// payloadOf is s with every weight filled with distinct values.
func payloadOf(tb testing.TB, s spec.Model) share.Payload {
	tb.Helper()
	want, err := share.ExpectedWeights(s)
	if err != nil {
		tb.Fatal(err)
	}
	p := share.Payload{Spec: s, Epochs: 2, Steps: 100}
	for k, w := range want {
		v := make([]float32, size(w.Shape))
		for i := range v {
			v[i] = float32(math.Sin(float64(k*1000+i))) / 4
		}
		p.Weights = append(p.Weights, share.Tensor{Name: w.Name, Shape: slices.Clone(w.Shape), Values: v})
	}
	return p
}

// smallCNN has every kind of weight: Conv2D, BatchNormalization (moving
// statistics too), an LSTM and Dense.
func smallCNN() spec.Model {
	s := spec.LeNet()
	s.Layers = []spec.Layer{
		spec.Conv2D(3, 3, spec.ActReLU),
		spec.BatchNormalization(),
		spec.MaxPool2D(2),
		spec.Reshape(13, 39),
		spec.LSTM(5, false),
		spec.Dense(10, spec.ActSoftmax),
	}
	return s
}

func arraysOf(p share.Payload) []npz.Array {
	var out []npz.Array
	for _, w := range p.Weights {
		out = append(out, npz.Array{Name: w.Name, Shape: slices.Clone(w.Shape), Data: slices.Clone(w.Values)})
	}
	return out
}

func encode(t *testing.T, arrays []npz.Array) []byte {
	t.Helper()
	b, err := npz.Encode(arrays)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestImportRoundTrip: the weights.npz Export writes, alone or inside the
// whole project zip, imports back to the same weights.
func TestImportRoundTrip(t *testing.T) {
	p := payloadOf(t, smallCNN())
	project, err := Export(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	weights, err := WeightsNPZ(p)
	if err != nil {
		t.Fatal(err)
	}
	for what, data := range map[string][]byte{"weights.npz": weights, "the project zip": project} {
		// A payload whose weights differ, as the page holds before importing.
		start := payloadOf(t, smallCNN())
		for _, w := range start.Weights {
			clear(w.Values)
		}
		got, err := ImportWeights(start, data)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if len(got.Weights) != len(p.Weights) || got.Epochs != p.Epochs || got.Steps != p.Steps {
			t.Fatalf("%s: %d tensors, epochs %d, steps %d", what, len(got.Weights), got.Epochs, got.Steps)
		}
		for i, w := range got.Weights {
			if w.Name != p.Weights[i].Name || !slices.Equal(w.Shape, p.Weights[i].Shape) || !slices.Equal(w.Values, p.Weights[i].Values) {
				t.Errorf("%s: tensor %d (%s) differs", what, i, w.Name)
			}
		}
		for _, w := range start.Weights {
			if slices.ContainsFunc(w.Values, func(v float32) bool { return v != 0 }) {
				t.Fatalf("%s: importing wrote to the caller's payload", what)
			}
		}
	}
}

// TestImportRefusals: wrong names, shapes, values and files are refused with
// a message naming the problem, and the payload is left as it was.
func TestImportRefusals(t *testing.T) {
	p := payloadOf(t, smallCNN())
	good := arraysOf(p)
	with := func(change func(a []npz.Array) []npz.Array) []byte {
		return encode(t, change(arraysOf(p)))
	}
	goodNPZ := encode(t, good)
	project, err := Export(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	zipOf := func(files map[string][]byte) []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for name, body := range files {
			w, _ := zw.Create(name)
			w.Write(body)
		}
		zw.Close()
		return buf.Bytes()
	}
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"wrong name", with(func(a []npz.Array) []npz.Array { a[2].Name = "batch_normalization/gama"; return a }),
			`weights.npz has no weight "batch_normalization/gamma" (layer 2, BatchNormalization)`},
		{"wrong shape", with(func(a []npz.Array) []npz.Array { a[0].Shape = []int{3, 3, 3, 1}; return a }),
			`weight "conv2d/kernel" (layer 1, Conv2D) has shape [3 3 3 1] but the model's is [3 3 1 3]`},
		{"extra", with(func(a []npz.Array) []npz.Array {
			return append(a, npz.Array{Name: "dense_1/kernel", Shape: []int{1}, Data: []float32{1}})
		}), `holds "dense_1/kernel", which the model has no weight of that name for`},
		{"NaN", with(func(a []npz.Array) []npz.Array { a[5].Data[2] = float32(math.NaN()); return a }),
			`weight "batch_normalization/moving_variance" (layer 2, BatchNormalization) holds NaN at index 2`},
		{"truncated npz", goodNPZ[:len(goodNPZ)-100], "weights.npz cannot be read: npz: not a readable zip archive (truncated or damaged"},
		{"truncated project", project[:len(project)/2], "not a readable zip archive"},
		{"not a zip", []byte("%PDF-1.4 this is not a zip"), `npz: not a .npz file: it is not a zip archive (it starts with "%PDF")`},
		{"empty", nil, "not a readable zip archive"},
		{"zip without weights", zipOf(map[string][]byte{"nnplay-pytorch/model.py": []byte("x")}), "the zip holds no weights.npz"},
		{"two weights", zipOf(map[string][]byte{"a/weights.npz": goodNPZ, "b/weights.npz": goodNPZ}), "two weights.npz"},
		{"damaged weights in the project", zipOf(map[string][]byte{"x/weights.npz": goodNPZ[:50]}), "x/weights.npz cannot be read"},
	} {
		before := clonePayload(p)
		got, err := ImportWeights(p, c.data)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v\nwant one containing %q", c.name, err, c.want)
		}
		if got.Weights != nil || len(got.Spec.Layers) != 0 {
			t.Errorf("%s: a payload came back with the error", c.name)
		}
		samePayload(t, p, before)
	}
}

// TestExport checks the zip's files, that the same payload gives the same
// bytes, that a recipe exports without weights, and refusals.
func TestExport(t *testing.T) {
	p := payloadOf(t, spec.Seed())
	a, err := Export(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Export(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Error("two exports of one payload differ")
	}
	files := func(b []byte) []string {
		zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, f := range zr.File {
			names = append(names, f.Name)
		}
		return names
	}
	want := []string{"nnplay-pytorch/README.md", "nnplay-pytorch/model.py", "nnplay-pytorch/data.py", "nnplay-pytorch/train.py", "nnplay-pytorch/weights.npz"}
	if got := files(a); !slices.Equal(got, want) {
		t.Errorf("files %v, want %v", got, want)
	}
	recipe := p
	recipe.Weights = nil
	r, err := Export(recipe, Options{Folder: "mine", Data: []npz.Array{{Name: "x_train", Shape: []int{1, 2}, Data: []float32{1, 2}}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := files(r); !slices.Equal(got, []string{"mine/README.md", "mine/model.py", "mine/data.py", "mine/train.py", "mine/data.npz"}) {
		t.Errorf("recipe export: files %v", got)
	}
	for _, folder := range []string{"../up", "a/b", "..", `c:\x`} {
		if _, err := Export(p, Options{Folder: folder}); err == nil || !strings.Contains(err.Error(), "cannot hold the project") {
			t.Errorf("folder %q: error %v", folder, err)
		}
	}
	for _, c := range []struct {
		name   string
		change func(p *share.Payload)
		want   string
	}{
		{"count", func(p *share.Payload) { p.Weights = p.Weights[:2] }, "the model has 6 weight tensors but 2 were given"},
		{"shape", func(p *share.Payload) { p.Weights[1].Shape = []int{127} }, "weight tensor 2 (dense/bias) has shape [127]"},
		{"name", func(p *share.Payload) { p.Weights[1].Name = "dense/b" }, `weight tensor 2 is named "dense/b" but the model's is "dense/bias"`},
		{"infinite", func(p *share.Payload) { p.Weights[3].Values[5] = float32(math.Inf(1)) }, "weight tensor 4 (dense_1/bias) holds +Inf at index 5"},
		{"layer", func(p *share.Payload) { p.Spec.Layers = []spec.Layer{{Type: "Dense"}} }, "the model cannot be exported"},
	} {
		q := clonePayload(p)
		q.Spec.Layers = slices.Clone(q.Spec.Layers)
		c.change(&q)
		if _, err := Export(q, Options{}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}

// TestGeneratedLayers checks the padding model.py is given for padding
// same (spec.SamePadding, which TensorFlow puts the odd one of after).
func TestGeneratedLayers(t *testing.T) {
	g, err := newGenerator(spec.LeNet())
	if err != nil {
		t.Fatal(err)
	}
	py := g.modelPy()
	for _, want := range []string{
		`Conv2D("conv2d", 1, 6, (5, 5), (1, 1), (2, 2, 2, 2), act="relu"),  # -> (28, 28, 6)`,
		`Pool2D("max", (2, 2), (2, 2), (0, 0, 0, 0)),  # -> (14, 14, 6)`,
		`Flatten(image=True),  # -> (400)`,
		`INPUT_SHAPE = (28, 28, 1)`,
	} {
		if !strings.Contains(py, want) {
			t.Errorf("model.py lacks %s", want)
		}
	}
}
