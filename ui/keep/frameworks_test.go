package keep

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/nnplay/nnplay/engine/modelio"
	"github.com/nnplay/nnplay/engine/npz"
	"github.com/nnplay/nnplay/engine/onnx"
	"github.com/nnplay/nnplay/engine/share"
	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/engine/torch"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// Tests of the PyTorch project, ONNX and Import weights buttons: what
// they ask the worker, what they download, and what an import loads or
// refuses. wasm/browsertest's TestExport… and TestImportWeights… click
// the real buttons.

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

// sameWeights says whether a and b hold the same weights, bit for bit.
func sameWeights(a, b share.Payload) bool {
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

func specJSON(t *testing.T, m spec.Model) string {
	t.Helper()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestModelFileAgreesWithModelio(t *testing.T) {
	for _, m := range []spec.Model{spec.Seed(), spec.LeNet()} {
		p := payloadOf(t, m, 0.25)
		var b bytes.Buffer
		if err := modelio.WriteFile(&b, p, fileOptions); err != nil {
			t.Fatal(err)
		}
		theirs := b.Bytes()
		ours, err := fileOfPayload(p)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(ours, theirs) {
			t.Errorf("%d layers: the page's model file differs from modelio's (%d and %d bytes)", len(m.Layers), len(ours), len(theirs))
		}
		// The worker's own files are deflated (share's default codec).
		back, err := payloadOfFile(workerFile(t, p))
		if err != nil {
			t.Fatalf("the page cannot read modelio's file: %v", err)
		}
		if !sameWeights(back, p) || back.Epochs != 2 || back.Steps != 1876 || specJSON(t, back.Spec) != specJSON(t, p.Spec) {
			t.Errorf("%d layers: the file reads back as another model", len(m.Layers))
		}
		if _, err := modelio.DecodeFile(ours); err != nil {
			t.Errorf("modelio cannot read the page's file: %v", err)
		}
	}
	good := workerFile(t, payloadOf(t, spec.Seed(), 0))
	damaged := slices.Clone(good)
	damaged[len(damaged)-1] ^= 1
	for name, raw := range map[string][]byte{
		"empty": nil, "short": good[:10], "cut": good[:len(good)-1], "damaged": damaged,
		"version": append(append([]byte(modelFileMagic), 9), good[len(modelFileMagic)+1:]...),
	} {
		if _, err := payloadOfFile(raw); err == nil {
			t.Errorf("%s: a bad model file reads", name)
		}
	}
}

// answer is the worker's answer to the last request, an export_model of a
// float32 file, with p.
func answer(t *testing.T, pl *Place, sent *[]protocol.Request, p share.Payload) {
	t.Helper()
	ask, ok := last(t, sent).(protocol.ExportModel)
	if !ok || ask.Format != protocol.FormatFile || ask.Precision != "float32" {
		t.Fatalf("sent %+v; want a float32 model file export", ask)
	}
	pl.S.Handle(protocol.ModelExport{ID: ask.ID, Format: protocol.FormatFile, Precision: "float32", File: workerFile(t, p), Epochs: p.Epochs, Steps: p.Steps})
}

func TestExportTorchDownloadsTheProject(t *testing.T) {
	pl, b, sent := readyPlace(t)
	f := pl.Frameworks
	p := payloadOf(t, spec.Seed(), 0)
	f.ExportTorch()
	if f.ExportBlocked() == "" || f.ImportBlocked() == "" {
		t.Errorf("while the model is on its way the buttons are enabled")
	}
	f.ExportTorch() // a second click while busy asks nothing
	answer(t, pl, sent, p)
	zipped := b.files[TorchFileName]
	if zipped == nil {
		t.Fatalf("downloaded %v; want %s", b.downloads, TorchFileName)
	}
	zr, err := zip.NewReader(bytes.NewReader(zipped), int64(len(zipped)))
	if err != nil {
		t.Fatalf("the download is not a zip: %v", err)
	}
	var got []string
	for _, zf := range zr.File {
		got = append(got, path.Base(zf.Name))
	}
	slices.Sort(got)
	if want := []string{"README.md", "data.py", "model.py", "train.py", "weights.npz"}; !slices.Equal(got, want) {
		t.Errorf("the zip holds %v; want %v", got, want)
	}
	// Its weights are the model's: importing them gives them back.
	back, err := torch.ImportWeights(p, zipped)
	if err != nil || !sameWeights(back, p) {
		t.Errorf("the project's weights.npz does not give the model's weights back (%v)", err)
	}
	if !strings.HasPrefix(f.Note, "Downloaded "+TorchFileName+" (") || !strings.HasSuffix(f.Note, "): unzip it and run python3 train.py (its README.md says more).") ||
		f.Busy() || f.ExportBlocked() != "" {
		t.Errorf("after the export: note %q, busy %v", f.Note, f.Busy())
	}
}

func TestExportONNXDownloadsTheModel(t *testing.T) {
	pl, b, sent := readyPlace(t)
	f := pl.Frameworks
	p := payloadOf(t, spec.LeNet(), 0)
	f.ExportONNX()
	answer(t, pl, sent, p)
	want, err := onnx.Export(p)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.files[ONNXFileName], want) {
		t.Errorf("downloaded %v; want %s with onnx.Export's %d bytes", b.downloads, ONNXFileName, len(want))
	}
	if !strings.HasPrefix(f.Note, "Downloaded model.onnx (") || !strings.HasSuffix(f.Note, " kB).") {
		t.Errorf("note %q", f.Note)
	}
}

func TestExportRefusalsGoToTheBanner(t *testing.T) {
	pl, b, sent := readyPlace(t)
	f := pl.Frameworks
	// The worker's file is damaged: the banner says so, nothing downloads.
	f.ExportONNX()
	ask := last(t, sent).(protocol.ExportModel)
	pl.S.Handle(protocol.ModelExport{ID: ask.ID, Format: protocol.FormatFile, Precision: "float32", File: []byte("nnplay model\n?")})
	if len(b.downloads) != 0 || !strings.Contains(pl.S.ErrorText(), "could not be read back from the worker") || f.Busy() {
		t.Errorf("a damaged answer: downloads %v, banner %q, busy %v", b.downloads, pl.S.ErrorText(), f.Busy())
	}
	// The worker refuses the export: the buttons come back.
	f.ExportTorch()
	last(t, sent)
	pl.S.Handle(protocol.Error{Message: "no model"})
	if f.Busy() || f.Note != "" {
		t.Errorf("after the worker's error: busy %v, note %q", f.Busy(), f.Note)
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

func TestImportWeightsLoadsTheModelWithThem(t *testing.T) {
	for _, c := range []struct {
		name string
		file func(trained share.Payload) []byte
	}{
		{"weights.npz", func(trained share.Payload) []byte {
			b, err := torch.WeightsNPZ(trained)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}},
		{TorchFileName, func(trained share.Payload) []byte {
			b, err := torch.Export(trained, torch.Options{})
			if err != nil {
				t.Fatal(err)
			}
			return b
		}},
	} {
		pl, _, sent := readyPlace(t)
		f := pl.Frameworks
		current := payloadOf(t, spec.Seed(), 0)
		trained := payloadOf(t, spec.Seed(), 0.125)
		f.ImportWeights(c.name, c.file(trained))
		answer(t, pl, sent, current)
		load, ok := last(t, sent).(protocol.LoadModel)
		if !ok || len(load.File) == 0 || !pl.S.ModelLoading {
			t.Fatalf("%s: sent %+v; want a load_model with a file", c.name, load)
		}
		got, err := modelio.DecodeFile(load.File)
		if err != nil {
			t.Fatalf("%s: the worker cannot read the file sent: %v", c.name, err)
		}
		if !sameWeights(got, trained) || got.Epochs != current.Epochs || specJSON(t, got.Spec) != specJSON(t, current.Spec) {
			t.Errorf("%s: the model sent is not the current one with the imported weights", c.name)
		}
		if pl.S.ErrorText() != "" {
			t.Errorf("%s: banner %q", c.name, pl.S.ErrorText())
		}
		pl.S.Handle(protocol.ModelLoaded{ID: load.ID, Spec: got.Spec, Epochs: 2, Weights: true, Precision: "float32"})
		if want := "Imported the weights in " + c.name + ": MLP 128 → 64 → 10 (seed), float32 weights"; !strings.HasPrefix(pl.Share.Opened, want) {
			t.Errorf("%s: the Share panel says %q; want %q…", c.name, pl.Share.Opened, want)
		}
		if !strings.HasPrefix(f.Note, "Imported the weights in "+c.name+".") || f.Busy() {
			t.Errorf("%s: note %q, busy %v", c.name, f.Note, f.Busy())
		}
	}
}

func TestImportWeightsRefusesAndChangesNothing(t *testing.T) {
	seed := payloadOf(t, spec.Seed(), 0)
	good, err := torch.WeightsNPZ(payloadOf(t, spec.Seed(), 0.5))
	if err != nil {
		t.Fatal(err)
	}
	lenet, err := torch.WeightsNPZ(payloadOf(t, spec.LeNet(), 0))
	if err != nil {
		t.Fatal(err)
	}
	// The seed model's arrays with dense_1's kernel transposed.
	want, _ := share.ExpectedWeights(spec.Seed())
	var arrays []npz.Array
	for i, w := range want {
		a := npz.Array{Name: w.Name, Shape: slices.Clone(w.Shape), Data: seed.Weights[i].Values}
		if w.Name == "dense_1/kernel" {
			a.Shape[0], a.Shape[1] = a.Shape[1], a.Shape[0]
		}
		arrays = append(arrays, a)
	}
	transposed, err := npz.Encode(arrays)
	if err != nil {
		t.Fatal(err)
	}
	deeper := spec.Seed()
	deeper.Layers = append(deeper.Layers, spec.Dense(10, spec.ActSoftmax))
	extra, err := torch.WeightsNPZ(payloadOf(t, deeper, 0))
	if err != nil {
		t.Fatal(err)
	}
	// Refused after the model came: the weights do not fit it.
	for _, c := range []struct{ name, file, want string }{
		{"LeNet's", string(lenet), `Cannot import weights: weights.npz: weight "dense/kernel" (layer 1, Dense) has shape [400 120] but the model's is [784 128].`},
		{"a deeper model's", string(extra), `Cannot import weights: weights.npz holds "dense_3/bias", which the model has no weight of that name for (is it another model's?)`},
		{"a wrong shape", string(transposed), `weights.npz: weight "dense_1/kernel" (layer 2, Dense) has shape [64 128] but the model's is [128 64]`},
		{"a truncated .npz", string(good[:len(good)/2]), "Cannot import weights: weights.npz cannot be read: npz: not a readable zip archive (truncated or damaged"},
	} {
		pl, _, sent := readyPlace(t)
		pl.Frameworks.ImportWeights("weights.npz", []byte(c.file))
		answer(t, pl, sent, seed)
		if len(*sent) != 0 {
			t.Errorf("%s: sent %v after a refused import", c.name, types(sent))
		}
		msg := pl.S.ErrorText()
		if !strings.Contains(msg, c.want) || !strings.HasSuffix(msg, "The model is unchanged.") {
			t.Errorf("%s: banner %q; want it to say %q and that the model is unchanged", c.name, msg, c.want)
		}
		if pl.Frameworks.Busy() || pl.Frameworks.Note != "" || pl.S.ModelLoading {
			t.Errorf("%s: busy %v, note %q, loading %v after a refused import", c.name, pl.Frameworks.Busy(), pl.Frameworks.Note, pl.S.ModelLoading)
		}
	}
	// Refused at once: not weights at all; the worker is not asked.
	for _, c := range []struct{ name, file, want string }{
		{"digit.png", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "digit.png is a PNG image: choose the weights.npz that train.py wrote, or the whole project zip. The model is unchanged."},
		{"weights.npz", "", "weights.npz is empty; choose"},
		{"m.nnplay", string(workerFile(t, seed)), "m.nnplay is an nnplay model file, not weights: open it with “Open a model file” above."},
	} {
		pl, _, sent := readyPlace(t)
		pl.Frameworks.ImportWeights(c.name, []byte(c.file))
		if len(*sent) != 0 || !strings.Contains(pl.S.ErrorText(), c.want) || pl.Frameworks.Busy() {
			t.Errorf("%s: sent %v, banner %q; want nothing sent and %q", c.name, types(sent), pl.S.ErrorText(), c.want)
		}
	}
	// A file too large is refused before it is read.
	pl, _, _ := readyPlace(t)
	if pl.Frameworks.checkWeightsSize("huge.npz", maxWeightsBytes+1) || !strings.Contains(pl.S.ErrorText(), "huge.npz holds 256") {
		t.Errorf("a file too large: banner %q", pl.S.ErrorText())
	}
	if !pl.Frameworks.checkWeightsSize("w.npz", 1<<20) {
		t.Errorf("a 1 MiB file is refused")
	}
}

func TestImportRefusedByTheWorkerClearsTheImport(t *testing.T) {
	pl, _, sent := readyPlace(t)
	good, err := torch.WeightsNPZ(payloadOf(t, spec.Seed(), 0.5))
	if err != nil {
		t.Fatal(err)
	}
	pl.Frameworks.ImportWeights("weights.npz", good)
	answer(t, pl, sent, payloadOf(t, spec.Seed(), 0))
	last(t, sent) // the load_model
	pl.S.Handle(protocol.Error{Message: "the model file cannot be opened"})
	if pl.Frameworks.Busy() || pl.S.ModelLoading || pl.Frameworks.ImportBlocked() != "" {
		t.Errorf("after the worker refused the model: busy %v, loading %v, blocked %q", pl.Frameworks.Busy(), pl.S.ModelLoading, pl.Frameworks.ImportBlocked())
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

func TestSentence(t *testing.T) {
	for in, want := range map[string]string{"a b": "a b.", "a b. ": "a b.", "why?": "why?"} {
		if got := sentence(in); got != want {
			t.Errorf("sentence(%q) = %q, want %q", in, got, want)
		}
	}
}
