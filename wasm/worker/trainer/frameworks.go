package trainer

import (
	"errors"
	"strings"

	"github.com/nnplay/nnplay/engine/onnx"
	"github.com/nnplay/nnplay/engine/share"
	"github.com/nnplay/nnplay/engine/torch"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// Files for other frameworks: export_model writes the PyTorch project's
// zip (engine/torch) or model.onnx (engine/onnx) from the model's float32
// payload, and load_model with Weights takes back the weights.npz that
// train.py writes, or the whole project zip. The worker holds the model,
// so the page links none of these packages; it downloads what comes and
// sends what the person chose. The messages are the banner's, as the page
// shows a worker's error as it is.

// exportFramework answers export_model for FormatPyTorch and FormatONNX
// with the file written from p (float32: the protocol allows no other).
func (t *Trainer) exportFramework(r protocol.ExportModel, p share.Payload) error {
	var (
		b   []byte
		err error
	)
	if r.Format == protocol.FormatPyTorch {
		if b, err = torch.Export(p, torch.Options{}); err != nil {
			return errors.New(sentence("The PyTorch project cannot be written: " + err.Error()))
		}
	} else {
		if b, err = onnx.Export(p); err != nil {
			return errors.New(sentence("The ONNX file cannot be written: " + err.Error()))
		}
	}
	t.post(protocol.ModelExport{ID: r.ID, Format: r.Format, Precision: r.Precision, File: b, Epochs: p.Epochs, Steps: p.Steps})
	return nil
}

// importWeights answers load_model with Weights: the model, its spec and
// training kept, with the weights in r.Weights (torch.ImportWeights: every
// name and shape must match; the first that does not is named), made as
// a model file's would be.
func (t *Trainer) importWeights(r protocol.LoadModel) (*replacement, error) {
	p, err := t.payload()
	if err != nil {
		return nil, err
	}
	q, err := torch.ImportWeights(p, r.Weights)
	if err != nil {
		return nil, importError(r.Name, err)
	}
	next, err := t.openPayload(r.ID, q, "the imported weights")
	if err != nil {
		return nil, importError(r.Name, err)
	}
	return next, nil
}

// importError is the banner's message for weights in the file name that
// cannot be imported: it names the file once and says the model stays.
func importError(name string, err error) error {
	msg := err.Error()
	if strings.HasPrefix(msg, name) {
		msg = "Cannot import weights: " + msg // it names the file already
	} else {
		msg = name + " cannot be imported: " + msg
	}
	return errors.New(sentence(msg) + " The model is unchanged.")
}

// sentence ends s with a full stop unless it ends with one already.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if strings.HasSuffix(s, ".") || strings.HasSuffix(s, "?") || strings.HasSuffix(s, "!") {
		return s
	}
	return s + "."
}
