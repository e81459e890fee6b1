package keep

import (
	"bytes"
	"fmt"
	"path"
	"strings"

	"github.com/nnplay/nnplay/engine/units"
	"github.com/nnplay/nnplay/ui/session"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// Files for other frameworks, for a model that outgrows the tab: the
// "PyTorch project" zip (model.py, weights.npz, data.py, train.py for one
// process or torchrun, README.md), an ONNX file and Import weights, which
// takes back the weights.npz train.py writes (or the whole project zip).
//
// The worker, which holds the model, writes and reads these files
// (export_model as pytorch or onnx, load_model with weights: engine/torch
// and engine/onnx), so the page links neither them nor a zip reader: it
// downloads the file that comes, and sends a chosen file on once its first
// bytes could be weights (WeightsFileProblem). Imported weights load as a
// model file does, so the model opens in every view, shares and
// fine-tunes like any other.

// Names of the downloads. TorchFileName is engine/torch's project folder
// with ".zip" (a test holds them equal; the page does not link the
// package).
const (
	TorchFileName = "nnplay-pytorch.zip"
	ONNXFileName  = "model.onnx"
)

// modelFileMagic starts a model file (.nnplay, engine/modelio), which
// Import weights points to Open a model file.
const modelFileMagic = "nnplay model\n"

// maxWeightsBytes bounds what Import weights reads: the weights of the
// largest model nnplay trains, or a project zip holding them and a data
// set, with room to spare: what one message takes to the worker beside
// its text.
const maxWeightsBytes = protocol.MaxPartsBytes

// Frameworks is the state of the PyTorch, ONNX and Import weights buttons.
type Frameworks struct {
	p *Place

	// Note says what just happened: "Downloaded nnplay-pytorch.zip (…)".
	Note string

	askID   int    // the pending export_model's id (0: none)
	ask     string // its format: protocol.FormatPyTorch or FormatONNX
	loadID  int    // the load_model that carries imported weights (0: none)
	loadFor string // its file's name
}

// Busy says an export or an import is under way.
func (f *Frameworks) Busy() bool { return f.askID != 0 || f.loadID != 0 }

// ExportBlocked says why the export buttons are disabled ("" when they
// are not).
func (f *Frameworks) ExportBlocked() string {
	switch {
	case !f.p.S.ModelReady():
		return "The model is not ready yet."
	case f.p.S.Training == protocol.StateRunning:
		return "Pause training first."
	case f.Busy():
		return "Busy with the last export or import."
	}
	return ""
}

// ImportBlocked says why Import weights is disabled ("" when it is not).
func (f *Frameworks) ImportBlocked() string {
	if why := f.p.Library.LoadBlocked(); why != "" {
		return why
	}
	return f.ExportBlocked()
}

// ExportTorch asks the worker for the PyTorch project; the answer
// downloads it.
func (f *Frameworks) ExportTorch() {
	if f.ExportBlocked() == "" {
		f.askExport(protocol.FormatPyTorch, "Writing the PyTorch project…")
	}
}

// ExportONNX asks the worker for model.onnx; the answer downloads it.
func (f *Frameworks) ExportONNX() {
	if f.ExportBlocked() == "" {
		f.askExport(protocol.FormatONNX, "Writing model.onnx…")
	}
}

// askExport sends export_model for the model as a file of format
// (float32, the only precision those files take).
func (f *Frameworks) askExport(format, note string) {
	f.askID, f.ask, f.Note = f.p.S.NewID(), format, note
	f.p.S.Send(protocol.ExportModel{ID: f.askID, Format: format, Precision: "float32"})
}

// checkWeightsSize refuses a chosen file too large to be weights before it
// is read; false (the banner says why) when it is.
func (f *Frameworks) checkWeightsSize(name string, size int64) bool {
	if size > maxWeightsBytes {
		f.p.S.AddError(fmt.Sprintf("%s holds %s; the weights of a model nnplay trains are far smaller (at most %s are read). The model is unchanged.",
			name, units.Bytes(size), units.Bytes(maxWeightsBytes)))
		return false
	}
	return true
}

// ImportWeights takes a chosen file's bytes: a weights.npz or the project
// zip. A file that cannot be weights (WeightsFileProblem) is refused at
// once; otherwise the worker checks the weights against its model (names
// and shapes: the first mismatch is named) and loads them. Either way,
// nothing changes on error.
func (f *Frameworks) ImportWeights(name string, data []byte) {
	if f.ImportBlocked() != "" {
		return
	}
	if why := WeightsFileProblem(name, data); why != "" {
		f.p.S.AddError(why)
		f.Note = ""
		return
	}
	f.Note = "Loading the weights in " + name + "…"
	f.loadFor = name
	f.p.Share.load("Imported the weights in "+name, func(id int) protocol.Request {
		f.loadID = id
		return protocol.LoadModel{ID: id, Weights: data, Name: name}
	})
}

// WeightsFileProblem says why a file cannot hold weights to import,
// naming what it is instead ("" when it may: a zip, which a .npz and the
// project both are). The message ends with what to choose and that the
// model is unchanged.
func WeightsFileProblem(name string, data []byte) string {
	const choose = "choose the weights.npz that train.py wrote, or the whole project zip. The model is unchanged."
	what := ""
	head := bytes.TrimLeft(data[:min(len(data), 64)], " \t\r\n\ufeff")
	switch {
	case len(data) == 0:
		return name + " is empty; " + choose
	case bytes.HasPrefix(data, []byte("PK\x03\x04")), bytes.HasPrefix(data, []byte("PK\x05\x06")):
		return "" // a zip: the worker reads it (engine/torch.ImportWeights)
	case bytes.HasPrefix(data, []byte("PK")):
		what = "a damaged or truncated zip"
	case bytes.HasPrefix(data, []byte(modelFileMagic)):
		return name + " is an nnplay model file, not weights: open it with “Open a model file” above. The model is unchanged."
	case bytes.HasPrefix(data, []byte("\x93NUMPY")):
		what = "a single NumPy array (.npy); weights come as a .npz holding every layer's arrays"
	case bytes.HasPrefix(data, []byte("\x89PNG")):
		what = "a PNG image"
	case bytes.HasPrefix(data, []byte("\xff\xd8\xff")):
		what = "a JPEG image"
	case bytes.HasPrefix(data, []byte("GIF8")):
		what = "a GIF image"
	case bytes.HasPrefix(data, []byte("\x1f\x8b")):
		what = "gzip-compressed; unpack it first"
	case bytes.HasPrefix(head, []byte("{")) || bytes.HasPrefix(head, []byte("[")):
		what = "JSON (for a TensorFlow.js model.json use “Import TensorFlow.js model”)"
	case strings.EqualFold(path.Ext(name), ".onnx"):
		what = "an ONNX model; nnplay exports ONNX but imports weights from NumPy's .npz"
	default:
		what = "not a zip, so neither a .npz nor the project zip"
	}
	return name + " is " + what + ": " + choose
}

// apply follows the worker's events.
func (f *Frameworks) apply(ev protocol.Event) {
	switch e := ev.(type) {
	case protocol.ModelExport:
		if e.ID != f.askID || f.askID == 0 {
			return
		}
		asked := f.ask
		f.askID, f.ask = 0, ""
		switch {
		case e.Format != asked:
			f.Note = ""
			f.p.S.AddError(fmt.Sprintf("The worker sent a %s export for the %s file asked for; try again.", e.Format, asked))
		case asked == protocol.FormatPyTorch:
			f.download(TorchFileName, "application/zip", e.File, "unzip it and run python3 train.py (its README.md says more)")
		default:
			f.download(ONNXFileName, "application/octet-stream", e.File, "")
		}
	case protocol.ModelLoaded:
		if e.ID == f.loadID && f.loadID != 0 {
			f.Note = "Imported the weights in " + f.loadFor + ". Check on 100 test images above to compare the predictions."
			f.loadID, f.loadFor = 0, ""
		}
	case protocol.Error:
		// The worker could not export or import: the banner says why.
		// Only the request's own error (or a fatal one) is its answer.
		if _, ours := session.ErrorFor(ev, f.askID); ours {
			f.askID, f.ask, f.Note = 0, "", ""
		}
		if _, ours := session.ErrorFor(ev, f.loadID); ours {
			f.loadID, f.loadFor, f.Note = 0, "", ""
		}
	}
}

// download downloads the worker's file b as name, the note saying what to
// do next (next, when not "").
func (f *Frameworks) download(name, mime string, b []byte, next string) {
	f.p.b.download(name, b, mime)
	f.Note = "Downloaded " + name + " (" + units.Bytes(int64(len(b))) + ")"
	if next != "" {
		f.Note += ": " + next
	}
	f.Note += "."
}
