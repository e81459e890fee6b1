package protocol

import (
	"fmt"

	"github.com/nnplay/nnplay/engine/share"
	"github.com/nnplay/nnplay/engine/spec"
)

// Formats an exported model comes in (ExportModel.Format).
const (
	// FormatLink is a share link's value, the part after "#m=".
	FormatLink = "link"
	// FormatFile is a model file's bytes (.nnplay, engine/modelio).
	FormatFile = "file"
	// FormatPyTorch is the PyTorch project's zip (engine/torch: model.py,
	// weights.npz, data.py, train.py, README.md); float32 only.
	FormatPyTorch = "pytorch"
	// FormatONNX is model.onnx (engine/onnx); float32 only.
	FormatONNX = "onnx"
)

// PrecisionRecipe asks ExportModel for the spec and seed only, no weights.
const PrecisionRecipe = "recipe"

// LoadModel asks the worker to replace its model with a shared one: a link's
// value (Link, checked again by the worker with share.Decode) or a model
// file's bytes (File, base64 in JSON); or to replace the current model's
// weights with those in a weights.npz or the PyTorch project's zip
// (Weights, base64 in JSON; engine/torch.ImportWeights), Name being the
// chosen file's name for messages. Exactly one of Link, File and Weights
// is set. The page sends it when it opens on a #m= link, the user opens a
// model file or a kept model, or imports weights. The worker answers
// ModelLoaded, Built and State idle; a link, file or weights it cannot use
// is answered by an error event alone: the current model stays, and so
// does its run (running, paused, or towards a goal).
type LoadModel struct {
	ID      int    `json:"id"`
	Link    string `json:"link,omitempty"`
	File    []byte `json:"file,omitempty"`
	Weights []byte `json:"weights,omitempty"`
	Name    string `json:"name,omitempty"`
}

// ExportModel asks for the current model as a link or a model file at a
// precision (float32, float16, int8, int4 or recipe; PerChannel gives int8
// and int4 a scale per output channel), or as a file for another framework:
// the PyTorch project's zip or model.onnx (FormatPyTorch, FormatONNX; float32
// only). With Evaluate the worker also measures test accuracy of its model
// and of the model decoded back from a link or model file, so the page can
// show what the precision costs. The page sends it when the user shares,
// saves, keeps or exports the model (the page never needs the training code
// nor the exporters for that); the worker answers ModelExport with the same
// ID.
type ExportModel struct {
	ID         int    `json:"id"`
	Format     string `json:"format"`
	Precision  string `json:"precision"`
	PerChannel bool   `json:"per_channel,omitempty"`
	Evaluate   bool   `json:"evaluate,omitempty"`
}

// ModelLoaded says the worker has built a shared model (LoadModel or
// ImportTFJS with the same ID): its spec, the training it had had, and how
// its weights were stored (Weights false: a recipe, fresh weights from the
// seed). The worker sends it before Built.
type ModelLoaded struct {
	ID         int        `json:"id"`
	Spec       spec.Model `json:"spec"`
	Epochs     int        `json:"epochs"`
	Steps      int        `json:"steps"`
	Weights    bool       `json:"weights"`
	Precision  string     `json:"precision,omitempty"`
	PerChannel bool       `json:"per_channel,omitempty"`
}

// ModelExport answers ExportModel: the worker sends Link (FormatLink) or
// File holding the model: a model file (FormatFile), the PyTorch project's
// zip (FormatPyTorch) or model.onnx (FormatONNX); File travels beside the
// JSON (Wire) or as base64 in it. Evaluated says
// Accuracy (the worker's model) and DecodedAccuracy (the export decoded
// again) were measured on the test set.
type ModelExport struct {
	ID              int     `json:"id"`
	Format          string  `json:"format"`
	Precision       string  `json:"precision"`
	PerChannel      bool    `json:"per_channel,omitempty"`
	Link            string  `json:"link,omitempty"`
	File            []byte  `json:"file,omitempty"`
	Epochs          int     `json:"epochs"`
	Steps           int     `json:"steps"`
	Evaluated       bool    `json:"evaluated,omitempty"`
	Accuracy        float64 `json:"accuracy,omitempty"`
	DecodedAccuracy float64 `json:"decoded_accuracy,omitempty"`
}

func (LoadModel) Type() string   { return "load_model" }
func (ExportModel) Type() string { return "export_model" }
func (ModelLoaded) Type() string { return "model_loaded" }
func (ModelExport) Type() string { return "model_export" }
func (LoadModel) isRequest()     {}
func (ExportModel) isRequest()   {}
func (ModelLoaded) isEvent()     {}
func (ModelExport) isEvent()     {}

func (m LoadModel) check() error {
	given := 0
	for _, set := range []bool{m.Link != "", len(m.File) > 0, len(m.Weights) > 0} {
		if set {
			given++
		}
	}
	switch {
	case given == 0:
		return fmt.Errorf("give the model as link or file, or weights to import")
	case given > 1:
		return fmt.Errorf("give exactly one of link, file and weights")
	case len(m.Link) > share.MaxLinkBytes:
		return fmt.Errorf("link is %d characters; links over %d are refused", len(m.Link), share.MaxLinkBytes)
	}
	return nil
}

func checkFormat(f string) error {
	switch f {
	case FormatLink, FormatFile, FormatPyTorch, FormatONNX:
		return nil
	}
	return fmt.Errorf("unknown format %q (want link, file, pytorch or onnx)", f)
}

// checkFormatPrecision refuses a precision other than float32 for the
// other frameworks' files, which hold float32 weights.
func checkFormatPrecision(format, precision string) error {
	if (format == FormatPyTorch || format == FormatONNX) && precision != "float32" {
		return fmt.Errorf("%s export holds float32 weights; precision %q is refused (want float32)", article(format), precision)
	}
	return checkPrecision(precision)
}

// article is a format's name after "a" or "an", for messages.
func article(format string) string {
	if format == FormatONNX {
		return "an " + format
	}
	return "a " + format
}

func checkPrecision(p string) error {
	if p == PrecisionRecipe {
		return nil
	}
	if _, err := share.ParsePrecision(p); err != nil {
		return fmt.Errorf("unknown precision %q (want float32, float16, int8, int4 or recipe)", p)
	}
	return nil
}

func (m ExportModel) check() error {
	if err := checkFormat(m.Format); err != nil {
		return err
	}
	if m.Evaluate && (m.Format == FormatPyTorch || m.Format == FormatONNX) {
		return fmt.Errorf("%s export is not evaluated (evaluate a link or a model file)", article(m.Format))
	}
	return checkFormatPrecision(m.Format, m.Precision)
}

func (m ModelLoaded) check() error {
	if err := nonNegative("epochs", int64(m.Epochs)); err != nil {
		return err
	}
	if err := nonNegative("steps", int64(m.Steps)); err != nil {
		return err
	}
	if m.Weights {
		return checkPrecision(m.Precision)
	}
	return nil
}

func (m ModelExport) check() error {
	if err := checkFormat(m.Format); err != nil {
		return err
	}
	if err := checkFormatPrecision(m.Format, m.Precision); err != nil {
		return err
	}
	if (m.Format == FormatLink) != (m.Link != "") || (m.Format != FormatLink) != (len(m.File) > 0) {
		holds := "file"
		if m.Format == FormatLink {
			holds = "link"
		}
		return fmt.Errorf("%s export holds exactly its %s", article(m.Format), holds)
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"accuracy", m.Accuracy}, {"decoded_accuracy", m.DecodedAccuracy}} {
		if err := finite(f.name, f.v); err != nil {
			return err
		}
	}
	if err := nonNegative("epochs", int64(m.Epochs)); err != nil {
		return err
	}
	return nonNegative("steps", int64(m.Steps))
}
