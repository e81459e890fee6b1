package keep

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/nnplay/nnplay/engine/modelio"
	"github.com/nnplay/nnplay/engine/onnx"
	"github.com/nnplay/nnplay/engine/share"
	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/engine/torch"
	"github.com/nnplay/nnplay/engine/units"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// Tests of the PyTorch project, ONNX and Import weights buttons: what
// they ask the worker, what they download, and what an import sends or
// refuses (the worker writes and reads the files: wasm/worker/trainer's
// frameworks_test.go). wasm/browsertest's TestExport… and
// TestImportWeights… click the real buttons.

// payloadOf is m with weights that differ from tensor to tensor and from
// one offset to another, trained 2 epochs.
func payloadOf(t *testing.T, m spec.Model, offset float32) share.Payload {
	t.Helper()
	want, err := share.ExpectedWeights(m.Defaults())
	if err != nil {
		t.Fatal(err)
	}
	p := share.Payload{Spec: m, Epochs: 2, Steps: 1876}
	for i, w := range want {
		n := 1
		for _, d := range w.Shape {
			n *= d
		}
		v := make([]float32, n)
		for j := range v {
			v[j] = offset + float32((i*7919+j)%1000)/1000 - 0.5
		}
		p.Weights = append(p.Weights, share.Tensor{Name: w.Name, Shape: slices.Clone(w.Shape), Values: v})
	}
	return p
}

// workerFile is p as the worker sends it: modelio's float32 file.
func workerFile(t *testing.T, p share.Payload) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := modelio.WriteFile(&b, p, share.Options{Precision: share.Float32}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestTorchFileNameIsTheProjects(t *testing.T) {
	if want := torch.DefaultFolder + ".zip"; TorchFileName != want {
		t.Errorf("TorchFileName is %q; engine/torch's project is %q", TorchFileName, want)
	}
	if f := workerFile(t, payloadOf(t, spec.Seed(), 0)); !bytes.HasPrefix(f, []byte(modelFileMagic)) {
		t.Errorf("modelio's file starts %q, not with modelFileMagic %q", f[:min(len(f), 16)], modelFileMagic)
	}
}

// asked is the last request sent, which must be an export_model of a
// float32 file of format.
func asked(t *testing.T, sent *[]protocol.Request, format string) protocol.ExportModel {
	t.Helper()
	ask, ok := last(t, sent).(protocol.ExportModel)
	if !ok || ask.Format != format || ask.Precision != "float32" || ask.Evaluate {
		t.Fatalf("sent %+v; want a float32 %s export", ask, format)
	}
	return ask
}

func TestExportTorchDownloadsTheProject(t *testing.T) {
	pl, b, sent := readyPlace(t)
	f := pl.Frameworks
	p := payloadOf(t, spec.Seed(), 0)
	zipped, err := torch.Export(p, torch.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f.ExportTorch()
	if f.ExportBlocked() == "" || f.ImportBlocked() == "" || f.Note != "Writing the PyTorch project…" {
		t.Errorf("while the project is on its way the buttons are enabled (note %q)", f.Note)
	}
	f.ExportTorch() // a second click while busy asks nothing
	ask := asked(t, sent, protocol.FormatPyTorch)
	pl.S.Handle(protocol.ModelExport{ID: ask.ID, Format: protocol.FormatPyTorch, Precision: "float32", File: zipped, Epochs: 2, Steps: 1876})
	if !slices.Equal(b.downloads, []string{TorchFileName}) || !bytes.Equal(b.files[TorchFileName], zipped) {
		t.Fatalf("downloaded %v; want the worker's %d bytes as %s", b.downloads, len(zipped), TorchFileName)
	}
	if want := "Downloaded " + TorchFileName + " (" + units.Bytes(int64(len(zipped))) + "): unzip it and run python3 train.py (its README.md says more)."; f.Note != want ||
		f.Busy() || f.ExportBlocked() != "" {
		t.Errorf("after the export: note %q, busy %v; want the note %q", f.Note, f.Busy(), want)
	}
	// Another's export (the Share panel's) downloads nothing here.
	pl.S.Handle(protocol.ModelExport{ID: ask.ID, Format: protocol.FormatPyTorch, Precision: "float32", File: zipped})
	if len(b.downloads) != 1 {
		t.Errorf("an answer nobody waits for downloaded %v", b.downloads)
	}
}

func TestExportONNXDownloadsTheModel(t *testing.T) {
	pl, b, sent := readyPlace(t)
	f := pl.Frameworks
	model, err := onnx.Export(payloadOf(t, spec.LeNet(), 0))
	if err != nil {
		t.Fatal(err)
	}
	f.ExportONNX()
	if f.Note != "Writing model.onnx…" {
		t.Errorf("note %q while writing", f.Note)
	}
	ask := asked(t, sent, protocol.FormatONNX)
	pl.S.Handle(protocol.ModelExport{ID: ask.ID, Format: protocol.FormatONNX, Precision: "float32", File: model})
	if !bytes.Equal(b.files[ONNXFileName], model) {
		t.Errorf("downloaded %v; want %s with the worker's %d bytes", b.downloads, ONNXFileName, len(model))
	}
	if want := "Downloaded model.onnx (" + units.Bytes(int64(len(model))) + ")."; f.Note != want {
		t.Errorf("note %q; want %q", f.Note, want)
	}
}

func TestExportRefusalsGoToTheBanner(t *testing.T) {
	pl, b, sent := readyPlace(t)
	f := pl.Frameworks
	// The worker cannot write the file: its message is the banner's.
	f.ExportTorch()
	ask := asked(t, sent, protocol.FormatPyTorch)
	const why = "The PyTorch project cannot be written: the model cannot be exported: layer 3 (Attention) has no PyTorch equivalent yet."
	pl.S.Handle(protocol.Error{Message: why, Request: "export_model", ID: ask.ID})
	if len(b.downloads) != 0 || pl.S.ErrorText() != why || f.Busy() || f.Note != "" {
		t.Errorf("after the worker's error: downloads %v, banner %q, busy %v, note %q", b.downloads, pl.S.ErrorText(), f.Busy(), f.Note)
	}
	// An answer in another format than asked: the banner says so.
	f.ExportONNX()
	ask = asked(t, sent, protocol.FormatONNX)
	pl.S.Handle(protocol.ModelExport{ID: ask.ID, Format: protocol.FormatPyTorch, Precision: "float32", File: []byte("PK")})
	if len(b.downloads) != 0 || !strings.Contains(pl.S.ErrorText(), "The worker sent a pytorch export for the onnx file asked for") || f.Busy() {
		t.Errorf("a pytorch answer to an onnx export: downloads %v, banner %q, busy %v", b.downloads, pl.S.ErrorText(), f.Busy())
	}
	// Training: the buttons wait for a pause.
	pl.S.Training = protocol.StateRunning
	f.ExportTorch()
	f.ImportWeights("weights.npz", []byte("PK\x03\x04"))
	if len(*sent) != 0 || f.ExportBlocked() != "Pause training first." || f.ImportBlocked() != "Pause training first." {
		t.Errorf("while training: sent %v, blocked %q / %q", types(sent), f.ExportBlocked(), f.ImportBlocked())
	}
	// No model yet.
	q, _ := newTestPlace(t, &fakeBrowser{})
	if q.Frameworks.ExportBlocked() == "" || q.Frameworks.ImportBlocked() == "" {
		t.Errorf("before the worker runs the buttons are enabled")
	}
}

func TestImportWeightsSendsThemToTheWorker(t *testing.T) {
	trained := payloadOf(t, spec.Seed(), 0.125)
	npzFile, err := torch.WeightsNPZ(trained)
	if err != nil {
		t.Fatal(err)
	}
	project, err := torch.Export(trained, torch.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		file []byte
	}{{"weights.npz", npzFile}, {TorchFileName, project}} {
		pl, _, sent := readyPlace(t)
		f := pl.Frameworks
		f.ImportWeights(c.name, c.file)
		load, ok := last(t, sent).(protocol.LoadModel)
		if !ok || !bytes.Equal(load.Weights, c.file) || load.Name != c.name || load.File != nil || load.Link != "" {
			t.Fatalf("%s: sent %T with %d bytes of weights named %q; want a load_model with the file's weights", c.name, load, len(load.Weights), load.Name)
		}
		if !pl.S.ModelLoading || !f.Busy() || f.ImportBlocked() == "" || f.Note != "Loading the weights in "+c.name+"…" {
			t.Errorf("%s: while loading: loading %v, busy %v, note %q", c.name, pl.S.ModelLoading, f.Busy(), f.Note)
		}
		if _, err := protocol.Encode(load); err != nil {
			t.Errorf("%s: the load_model breaks the protocol: %v", c.name, err)
		}
		pl.S.Handle(protocol.ModelLoaded{ID: load.ID, Spec: trained.Spec, Epochs: 2, Weights: true, Precision: "float32"})
		if want := "Imported the weights in " + c.name + ": MLP 128 → 64 → 10 (seed), float32 weights"; !strings.HasPrefix(pl.Share.Opened, want) {
			t.Errorf("%s: the Share panel says %q; want %q…", c.name, pl.Share.Opened, want)
		}
		if want := "Imported the weights in " + c.name + ". Check on 100 test images above to compare the predictions."; f.Note != want || f.Busy() || pl.S.ModelLoading {
			t.Errorf("%s: note %q, busy %v, loading %v; want the note %q", c.name, f.Note, f.Busy(), pl.S.ModelLoading, want)
		}
		if pl.S.ErrorText() != "" {
			t.Errorf("%s: banner %q", c.name, pl.S.ErrorText())
		}
	}
}

func TestImportWeightsRefusesAndChangesNothing(t *testing.T) {
	seed := payloadOf(t, spec.Seed(), 0)
	// Refused at once: not weights at all; the worker is not asked.
	for _, c := range []struct{ name, file, want string }{
		{"digit.png", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "digit.png is a PNG image: choose the weights.npz that train.py wrote, or the whole project zip. The model is unchanged."},
		{"weights.npz", "", "weights.npz is empty; choose"},
		{"m.nnplay", string(workerFile(t, seed)), "m.nnplay is an nnplay model file, not weights: open it with “Open a model file” above."},
	} {
		pl, _, sent := readyPlace(t)
		pl.Frameworks.ImportWeights(c.name, []byte(c.file))
		if len(*sent) != 0 || !strings.Contains(pl.S.ErrorText(), c.want) || pl.Frameworks.Busy() || pl.S.ModelLoading {
			t.Errorf("%s: sent %v, banner %q; want nothing sent and %q", c.name, types(sent), pl.S.ErrorText(), c.want)
		}
	}
	// Refused by the worker (the weights do not fit the model): its
	// message is the banner's, and the import is over.
	pl, _, sent := readyPlace(t)
	pl.Frameworks.ImportWeights("weights.npz", []byte("PK\x03\x04 weights of another model"))
	load := last(t, sent).(protocol.LoadModel)
	const why = `Cannot import weights: weights.npz: weight "dense/kernel" (layer 1, Dense) has shape [400 120] but the model's is [784 128]. The model is unchanged.`
	pl.S.Handle(protocol.Error{Message: why, Request: "load_model", ID: load.ID})
	if pl.S.ErrorText() != why {
		t.Errorf("banner %q; want the worker's %q", pl.S.ErrorText(), why)
	}
	if f := pl.Frameworks; f.Busy() || f.Note != "" || pl.S.ModelLoading || f.ImportBlocked() != "" {
		t.Errorf("after the worker refused the weights: busy %v, note %q, loading %v, blocked %q", f.Busy(), f.Note, pl.S.ModelLoading, f.ImportBlocked())
	}
	if pl.Share.Opened != "" {
		t.Errorf("after a refused import the Share panel says %q", pl.Share.Opened)
	}
	// A file too large is refused before it is read.
	pl, _, _ = readyPlace(t)
	if pl.Frameworks.checkWeightsSize("huge.npz", maxWeightsBytes+1) || !strings.Contains(pl.S.ErrorText(), "huge.npz holds 256") {
		t.Errorf("a file too large: banner %q", pl.S.ErrorText())
	}
	if !pl.Frameworks.checkWeightsSize("w.npz", 1<<20) {
		t.Errorf("a 1 MiB file is refused")
	}
}

func TestWeightsFileProblem(t *testing.T) {
	for _, c := range []struct{ name, data, want string }{
		{"weights.npz", "PK\x03\x04rest", ""},
		{"empty.npz", "PK\x05\x06" + strings.Repeat("\x00", 18), ""},
		{"w.npz", "PK\x01", "w.npz is a damaged or truncated zip: choose"},
		{"a.npy", "\x93NUMPY\x01\x00", "a.npy is a single NumPy array (.npy); weights come as a .npz"},
		{"p.jpg", "\xff\xd8\xff\xe0", "p.jpg is a JPEG image:"},
		{"p.gif", "GIF89a", "p.gif is a GIF image:"},
		{"w.npz.gz", "\x1f\x8b\x08", "w.npz.gz is gzip-compressed; unpack it first:"},
		{"model.json", "\ufeff \n{\"format\": \"layers-model\"}", "model.json is JSON (for a TensorFlow.js model.json use “Import TensorFlow.js model”):"},
		{"model.onnx", "\x08\x07\x12\x06nnplay", "model.onnx is an ONNX model; nnplay exports ONNX but imports weights from NumPy's .npz:"},
		{"notes.txt", "hello", "notes.txt is not a zip, so neither a .npz nor the project zip: choose the weights.npz"},
	} {
		got := WeightsFileProblem(c.name, []byte(c.data))
		if c.want == "" && got != "" || c.want != "" && (!strings.HasPrefix(got, c.want) || !strings.HasSuffix(got, "The model is unchanged.")) {
			t.Errorf("%s: %q; want %q…", c.name, got, c.want)
		}
	}
}
