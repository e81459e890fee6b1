package keep

import (
	"bytes"
	"fmt"
	"path"
	"strings"

	"github.com/nnplay/nnplay/engine/onnx"
	"github.com/nnplay/nnplay/engine/share"
	"github.com/nnplay/nnplay/engine/torch"
	"github.com/nnplay/nnplay/engine/units"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// Files for other frameworks, for a model that outgrows the tab: the
// "PyTorch project" zip (engine/torch: model.py, weights.npz, data.py,
// train.py for one process or torchrun, README.md), an ONNX file
// (engine/onnx) and Import weights, which takes back the weights.npz
// train.py writes (or the whole project zip).
//
// The page writes and reads these files itself from the worker's model
// as a float32 model file (export_model): the packages are tensor-free.
// Imported weights go back to the worker as a model file (load_model),
// the path a model file takes, so the model opens in every view, shares
// and fine-tunes like any other.

// Names of the downloads.
const (
	TorchFileName = torch.DefaultFolder + ".zip"
	ONNXFileName  = "model.onnx"
)

// maxWeightsBytes bounds what Import weights reads: the weights of the
// largest model nnplay trains, or a project zip holding them and a data
// set, with room to spare.
const maxWeightsBytes = 256 << 20

// What a pending export_model is for.
const (
	askTorch  = iota + 1 // the PyTorch project
	askONNX              // the ONNX file
	askImport            // the model the imported weights go into
)

// Frameworks is the state of the PyTorch, ONNX and Import weights buttons.
type Frameworks struct {
	p *Place

	// Note says what just happened: "Downloaded nnplay-pytorch.zip (…)".
	Note string

	askID   int    // the pending export_model's id (0: none)
	ask     int    // askTorch, askONNX or askImport
	name    string // the imported file's name
	data    []byte // its bytes, until the model comes
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

// ExportTorch asks the worker for its model; the answer downloads the
// PyTorch project.
func (f *Frameworks) ExportTorch() {
	if f.ExportBlocked() == "" {
		f.askModel(askTorch, "Writing the PyTorch project…")
	}
}

// ExportONNX asks the worker for its model; the answer downloads
// model.onnx.
func (f *Frameworks) ExportONNX() {
	if f.ExportBlocked() == "" {
		f.askModel(askONNX, "Writing model.onnx…")
	}
}

// askModel sends export_model for the worker's model as a float32 file.
func (f *Frameworks) askModel(what int, note string) {
	f.askID, f.ask, f.Note = f.p.S.NewID(), what, note
	f.p.S.Send(protocol.ExportModel{ID: f.askID, Format: protocol.FormatFile, Precision: "float32"})
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
// once; otherwise the worker's model is fetched and the weights checked
// against it when it comes (names and shapes: the first mismatch is
// named). Either way, nothing changes on error.
func (f *Frameworks) ImportWeights(name string, data []byte) {
	if f.ImportBlocked() != "" {
		return
	}
	if why := WeightsFileProblem(name, data); why != "" {
		f.p.S.AddError(why)
		f.Note = ""
		return
	}
	f.name, f.data = name, data
	f.askModel(askImport, "Checking the weights in "+name+"…")
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
		return "" // a zip: torch.ImportWeights reads it
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
		what, name, data := f.ask, f.name, f.data
		f.askID, f.ask, f.name, f.data = 0, 0, "", nil
		p, err := payloadOfFile(e.File)
		if err != nil {
			f.Note = ""
			f.p.S.AddError("The model could not be read back from the worker: " + err.Error())
			return
		}
		switch what {
		case askTorch:
			f.download(TorchFileName, "application/zip", "The PyTorch project cannot be written: ", "unzip it and run python3 train.py (its README.md says more)",
				func() ([]byte, error) { return torch.Export(p, torch.Options{}) })
		case askONNX:
			f.download(ONNXFileName, "application/octet-stream", "The ONNX file cannot be written: ", "",
				func() ([]byte, error) { return onnx.Export(p) })
		case askImport:
			f.importInto(p, name, data)
		}
	case protocol.ModelLoaded:
		if e.ID == f.loadID && f.loadID != 0 {
			f.Note = "Imported the weights in " + f.loadFor + ". Check on 100 test images above to compare the predictions."
			f.loadID, f.loadFor = 0, ""
		}
	case protocol.Error:
		if e.Fatal || !f.Busy() {
			return
		}
		// The worker could not export or load: the banner says why.
		f.askID, f.ask, f.name, f.data, f.loadID, f.loadFor, f.Note = 0, 0, "", nil, 0, "", ""
	}
}

// download writes a file with write and downloads it, the note saying
// what to do next (next, when not ""); an error goes to the banner after
// prefix.
func (f *Frameworks) download(name, mime, prefix, next string, write func() ([]byte, error)) {
	b, err := write()
	if err != nil {
		f.Note = ""
		f.p.S.AddError(sentence(prefix + err.Error()))
		return
	}
	f.p.b.download(name, b, mime)
	f.Note = "Downloaded " + name + " (" + units.Bytes(int64(len(b))) + ")"
	if next != "" {
		f.Note += ": " + next
	}
	f.Note += "."
}

// importInto checks the imported file's weights against the worker's
// model p and loads p with them; on error the banner names the first
// mismatch and nothing is sent.
func (f *Frameworks) importInto(p share.Payload, name string, data []byte) {
	q, err := torch.ImportWeights(p, data)
	if err == nil {
		data, err = fileOfPayload(q)
	}
	if err != nil {
		f.Note = ""
		msg := err.Error()
		if strings.HasPrefix(msg, name) {
			msg = "Cannot import weights: " + msg // it names the file already
		} else {
			msg = name + " cannot be imported: " + msg
		}
		f.p.S.AddError(sentence(msg) + " The model is unchanged.")
		return
	}
	f.Note = "Loading the weights in " + name + "…"
	f.loadFor = name
	f.p.Share.load("Imported the weights in "+name, func(id int) protocol.Request {
		f.loadID = id
		return protocol.LoadModel{ID: id, File: data}
	})
}

// sentence ends s with a full stop unless it ends with one already.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if strings.HasSuffix(s, ".") || strings.HasSuffix(s, "?") || strings.HasSuffix(s, "!") {
		return s
	}
	return s + "."
}
