package trainer

import (
	"archive/zip"
	"bytes"
	"fmt"
	"path"
	"slices"
	"testing"
	"time"

	"github.com/nnplay/nnplay/engine/modelio"
	"github.com/nnplay/nnplay/engine/nn"
	"github.com/nnplay/nnplay/engine/npz"
	"github.com/nnplay/nnplay/engine/onnx"
	"github.com/nnplay/nnplay/engine/share"
	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/engine/torch"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// Tests of the files for other frameworks (frameworks.go): the PyTorch
// project and model.onnx the worker writes, and weights it imports.
// ui/keep's tests hold the page to what it sends and shows;
// wasm/browsertest's TestExportPyTorchProjectAndONNX and
// TestImportWeights… click the real buttons.

// trainedSeed is a harness with the seed model trained 3 batches, and
// that model as the worker's float32 model file reads back.
func trainedSeed(t *testing.T) (*harness, share.Payload) {
	t.Helper()
	train, test := mnist(t)
	h := newHarness(t, nil).withData(train.Slice(0, 640), test.Slice(0, 100)).run().seedTrained(3)
	return h, h.filePayload(1000)
}

// filePayload is the worker's model as its float32 model file (id: the
// export's) reads back.
func (h *harness) filePayload(id int) share.Payload {
	h.t.Helper()
	f := h.export(protocol.ExportModel{ID: id, Format: protocol.FormatFile, Precision: "float32"})
	p, err := modelio.DecodeFile(f.File)
	if err != nil {
		h.t.Fatalf("the worker's model file does not read back: %v", err)
	}
	return p
}

// shifted is p with every weight moved by d.
func shifted(p share.Payload, d float32) share.Payload {
	q := p
	q.Weights = nil
	for _, w := range p.Weights {
		w.Values = slices.Clone(w.Values)
		for i := range w.Values {
			w.Values[i] += d
		}
		q.Weights = append(q.Weights, w)
	}
	return q
}

// samePayloadWeights says whether a and b hold the same weights, bit for bit.
func samePayloadWeights(a, b share.Payload) bool {
	if len(a.Weights) != len(b.Weights) {
		return false
	}
	for i := range a.Weights {
		if !slices.Equal(a.Weights[i].Shape, b.Weights[i].Shape) || !slices.Equal(a.Weights[i].Values, b.Weights[i].Values) {
			return false
		}
	}
	return true
}

func TestExportPyTorchAndONNXAreTheExportersFiles(t *testing.T) {
	h, p := trainedSeed(t)
	pt := h.export(protocol.ExportModel{ID: 2, Format: protocol.FormatPyTorch, Precision: "float32"})
	want, err := torch.Export(p, torch.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if pt.Format != protocol.FormatPyTorch || pt.Steps != 3 || !bytes.Equal(pt.File, want) {
		t.Errorf("pytorch export: format %q, %d steps, %d bytes; want torch.Export's %d bytes of the model file's payload, 3 steps",
			pt.Format, pt.Steps, len(pt.File), len(want))
	}
	zr, err := zip.NewReader(bytes.NewReader(pt.File), int64(len(pt.File)))
	if err != nil {
		t.Fatalf("the PyTorch project is not a zip: %v", err)
	}
	var files []string
	for _, f := range zr.File {
		files = append(files, path.Base(f.Name))
	}
	slices.Sort(files)
	if want := []string{"README.md", "data.py", "model.py", "train.py", "weights.npz"}; !slices.Equal(files, want) {
		t.Errorf("the zip holds %v; want %v", files, want)
	}
	if back, err := torch.ImportWeights(p, pt.File); err != nil || !samePayloadWeights(back, p) {
		t.Errorf("the project's weights.npz does not give the model's weights back (%v)", err)
	}

	ox := h.export(protocol.ExportModel{ID: 3, Format: protocol.FormatONNX, Precision: "float32"})
	want, err = onnx.Export(p)
	if err != nil {
		t.Fatal(err)
	}
	if ox.Format != protocol.FormatONNX || !bytes.Equal(ox.File, want) {
		t.Errorf("onnx export: format %q, %d bytes; want onnx.Export's %d bytes", ox.Format, len(ox.File), len(want))
	}

	// The playground's models are not exported (the page disables the buttons).
	h.send(spiralBuild())
	h.await("playground_data", isType("playground_data"))
	h.send(protocol.ExportModel{ID: 4, Format: protocol.FormatONNX, Precision: "float32"},
		protocol.LoadModel{ID: 5, Weights: pt.File, Name: torch.DefaultFolder + ".zip"})
	h.await("the export's refusal", isError("the playground's models are not shared"))
	h.await("the import's refusal", isError("the playground's models are not shared"))
}

func TestImportWeightsLoadsThemIntoTheModel(t *testing.T) {
	h, p := trainedSeed(t)
	trained := shifted(p, 0.125)
	npzFile, err := torch.WeightsNPZ(trained)
	if err != nil {
		t.Fatal(err)
	}
	project, err := torch.Export(shifted(p, -0.25), torch.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range []struct {
		name string
		file []byte
		want share.Payload
	}{
		{"weights.npz", npzFile, trained},
		{torch.DefaultFolder + ".zip", project, shifted(p, -0.25)},
	} {
		id := 10 + i
		h.send(protocol.LoadModel{ID: id, Weights: c.file, Name: c.name})
		loaded := h.await("model_loaded", isType("model_loaded")).(protocol.ModelLoaded)
		if loaded.ID != id || loaded.Steps != 3 || !loaded.Weights || loaded.Precision != "float32" {
			t.Errorf("%s: model_loaded %+v; want id %d, 3 steps, float32 weights", c.name, loaded, id)
		}
		h.await("built", isType("built"))
		h.await("idle", isState(protocol.StateIdle))
		got := h.filePayload(20 + i)
		if !samePayloadWeights(got, c.want) || got.Steps != 3 || got.Epochs != p.Epochs {
			t.Errorf("%s: the worker's model after the import is not the model with the imported weights", c.name)
		}
	}
}

func TestImportWeightsRefusesAndChangesNothing(t *testing.T) {
	h, p := trainedSeed(t)
	good, err := torch.WeightsNPZ(shifted(p, 0.5))
	if err != nil {
		t.Fatal(err)
	}
	other, err := nn.Build(spec.LeNet())
	if err != nil {
		t.Fatal(err)
	}
	lenetNPZ, err := torch.WeightsNPZ(modelio.ToPayload(other, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	// The model's arrays with dense_1's kernel transposed.
	var arrays []npz.Array
	for _, w := range p.Weights {
		a := npz.Array{Name: w.Name, Shape: slices.Clone(w.Shape), Data: w.Values}
		if w.Name == "dense_1/kernel" {
			a.Shape[0], a.Shape[1] = a.Shape[1], a.Shape[0]
		}
		arrays = append(arrays, a)
	}
	transposed, err := npz.Encode(arrays)
	if err != nil {
		t.Fatal(err)
	}
	img := make([]float32, 784)
	for i := range img {
		img[i] = float32(i%17) / 17
	}
	before := h.predictOn(1, img)
	for i, c := range []struct {
		name string
		file []byte
		want string
	}{
		{"weights.npz", lenetNPZ, `Cannot import weights: weights.npz: weight "dense/kernel" (layer 1, Dense) has shape [400 120] but the model's is [784 128]. The model is unchanged.`},
		{"weights.npz", transposed, `Cannot import weights: weights.npz: weight "dense_1/kernel" (layer 2, Dense) has shape [64 128] but the model's is [128 64]. The model is unchanged.`},
		{"weights.npz", good[:len(good)/2], fmt.Sprintf("Cannot import weights: weights.npz cannot be read: npz: not a readable zip archive (truncated or damaged, %d bytes): zip: not a valid zip file. The model is unchanged.", len(good)/2)},
		{"digit.png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), `digit.png cannot be imported: weights.npz cannot be read: npz: not a .npz file: it is not a zip archive (it starts with "\x89PNG"). The model is unchanged.`},
	} {
		h.send(protocol.LoadModel{ID: 30 + i, Weights: c.file, Name: c.name})
		er := h.await("error", isType("error")).(protocol.Error)
		if er.Message != c.want || er.Fatal || er.Request != "load_model" || er.ID != 30+i {
			t.Errorf("%s (%d): error %+v;\nwant the message %q", c.name, i, er, c.want)
		}
	}
	for _, e := range h.drain(200 * time.Millisecond) {
		if e.Type() == "model_loaded" || e.Type() == "built" {
			t.Errorf("a refused import sent %s", e.Type())
		}
	}
	if got := h.predictOn(2, img); !slices.Equal(got, before) {
		t.Errorf("after refused imports the prediction is %v; want the model's own %v", got, before)
	}
	if after := h.filePayload(40); !samePayloadWeights(after, p) || after.Steps != p.Steps {
		t.Errorf("after refused imports the model's weights changed")
	}
}
