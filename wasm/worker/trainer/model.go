package trainer

import (
	"bytes"
	"fmt"
	"slices"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/data"
	"github.com/nnplay/nnplay/engine/modelio"
	"github.com/nnplay/nnplay/engine/nn"
	"github.com/nnplay/nnplay/engine/share"
	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// Shared models: load_model opens a link or a model file, export_model
// encodes the current model as one. The codec (engine/share) and the
// bridge to the engine (engine/modelio) do the work; the worker decides
// what happens to its own model. The files for other frameworks (the
// PyTorch project, ONNX, imported weights) are in frameworks.go.

// loadModel makes the link's or file's model. Anything that cannot be
// opened is an error.
func (t *Trainer) loadModel(r protocol.LoadModel) (*replacement, error) {
	var (
		p    share.Payload
		err  error
		what = "the link"
	)
	if r.Link != "" {
		p, err = share.Decode(r.Link)
	} else {
		what = "the model file"
		p, err = modelio.DecodeFile(r.File)
	}
	if err != nil {
		return nil, err // the codec's messages say what is wrong and where
	}
	return t.openPayload(r.ID, p, what)
}

// openPayload makes p's model, announced by ModelLoaded with id; what
// names where p came from in messages. A model that cannot be built is an
// error.
func (t *Trainer) openPayload(id int, p share.Payload, what string) (*replacement, error) {
	if p.Spec.Dataset != spec.DatasetMNIST && !spec.IsDescribed(p.Spec.Dataset) {
		return nil, fmt.Errorf("%s holds a model for %q; this page opens mnist models and models of described data sets", what, p.Spec.Dataset)
	}
	model, err := modelio.FromPayload(p)
	if err != nil {
		return nil, fmt.Errorf("%s cannot be opened: %v", what, err)
	}
	infos, err := p.Spec.Infer()
	if err != nil {
		return nil, fmt.Errorf("%s cannot be opened: %v", what, err)
	}
	loaded := protocol.ModelLoaded{ID: id, Spec: p.Spec, Epochs: p.Epochs, Steps: p.Steps, Weights: len(p.Weights) > 0}
	if loaded.Weights {
		// Kernels carry the precision chosen (vectors are float16 or float32).
		for _, w := range p.Weights {
			if len(w.Shape) >= 2 {
				loaded.Precision, loaded.PerChannel = w.Precision.String(), w.PerChannel
				break
			}
		}
		if loaded.Precision == "" {
			loaded.Precision = p.Weights[0].Precision.String()
		}
	}
	return &replacement{spec: p.Spec, model: model, infos: infos, news: []protocol.Event{loaded},
		epochs: p.Epochs, steps: p.Steps}, nil
}

// exportModel encodes the model as asked and, with Evaluate, measures the
// test accuracy of the model and of the export decoded into a scratch
// model (the worker's model is not touched).
func (t *Trainer) exportModel(r protocol.ExportModel) error {
	p, err := t.payload()
	if err != nil {
		return err
	}
	if r.Format == protocol.FormatPyTorch || r.Format == protocol.FormatONNX {
		return t.exportFramework(r, p)
	}
	var opt share.Options
	if r.Precision == protocol.PrecisionRecipe {
		p.Weights = nil
	} else {
		prec, err := share.ParsePrecision(r.Precision)
		if err != nil {
			return fmt.Errorf("share: %v", err)
		}
		opt = share.Options{Precision: prec, PerChannel: r.PerChannel}
	}
	out := protocol.ModelExport{ID: r.ID, Format: r.Format, Precision: r.Precision, PerChannel: r.PerChannel,
		Epochs: p.Epochs, Steps: p.Steps}
	var decoded share.Payload
	switch r.Format {
	case protocol.FormatLink:
		link, err := share.Encode(p, opt)
		if err != nil {
			return fmt.Errorf("share: %v", err)
		}
		out.Link = link
		if r.Evaluate {
			decoded, err = share.Decode(link)
			if err != nil {
				return fmt.Errorf("share: the link does not decode: %v", err)
			}
		}
	default:
		var buf bytes.Buffer
		if err := modelio.WriteFile(&buf, p, opt); err != nil {
			return fmt.Errorf("saving the model: %v", err)
		}
		out.File = buf.Bytes()
		if r.Evaluate {
			var err error
			if decoded, err = modelio.DecodeFile(out.File); err != nil {
				return fmt.Errorf("saving the model: the file does not read back: %v", err)
			}
		}
	}
	if r.Evaluate {
		scratch, err := modelio.FromPayload(decoded)
		if err != nil {
			return fmt.Errorf("share: the export does not rebuild: %v", err)
		}
		if out.Accuracy, err = t.accuracy(t.model); err != nil {
			return err
		}
		if out.DecodedAccuracy, err = t.accuracy(scratch); err != nil {
			return err
		}
		out.Evaluated = true
	}
	t.post(out)
	return nil
}

// payload is the model as export_model and an import of weights see it:
// its spec, with the run's batch size and learning rate, its weights and
// the training it has had. The playground's models and no model at all
// are errors.
func (t *Trainer) payload() (share.Payload, error) {
	if t.model == nil {
		return share.Payload{}, fmt.Errorf("share: build a model first")
	}
	if t.play != nil {
		return share.Payload{}, fmt.Errorf("share: the playground's models are not shared as links yet")
	}
	p := modelio.ToPayload(t.model, t.epochsDone, t.pos.global)
	p.Spec.BatchSize = t.spec.BatchSize
	p.Spec.Optimizer.LearningRate = t.spec.Optimizer.LearningRate
	return p, nil
}

// accuracy is m's accuracy on the test set: the user's data set's test split
// when the model trains on one, else MNIST's (the class subset's, when the
// spec has one).
func (t *Trainer) accuracy(m *nn.Sequential) (float64, error) {
	if t.userActive() { // the user's data set: its test split (a regression has no accuracy)
		if t.regression() {
			return 0, nil
		}
		ev, err := m.Evaluate(t.inputs(t.user.testX), t.targets(t.user.testY))
		if err != nil {
			return 0, fmt.Errorf("evaluate: %v", err)
		}
		return ev.Accuracy, nil
	}
	if t.test == nil {
		if err := t.loadData(t.dataBase); err != nil {
			return 0, err
		}
	}
	x, y := t.testX, t.testY
	if s := t.subset(); s != nil {
		x, y = s.testX, s.testY
	}
	ev, err := m.Evaluate(t.inputs(x), t.targets(y))
	if err != nil {
		return 0, fmt.Errorf("evaluate: %v", err)
	}
	return ev.Accuracy, nil
}

// classSubset is MNIST restricted to a spec's Classes (data.Subset),
// made once per choice of classes.
type classSubset struct {
	classes      []int
	from         *data.Set // the full training set it was made from
	train, test  *data.Set
	testX, testY *tensor.Dense
}

// subset is the data for a spec that sets Classes, or nil when training
// on all of MNIST (or in the playground, or before MNIST is loaded).
func (t *Trainer) subset() *classSubset {
	if t.play != nil || len(t.spec.Classes) == 0 || t.train == nil {
		return nil
	}
	if s := t.sub; s != nil && s.from == t.train && slices.Equal(s.classes, t.spec.Classes) {
		return s
	}
	train, err := t.train.Subset(t.spec.Classes)
	if err != nil {
		panic(err) // Validate checked the classes are distinct digits
	}
	test, err := t.test.Subset(t.spec.Classes)
	if err != nil {
		panic(err)
	}
	s := &classSubset{classes: slices.Clone(t.spec.Classes), from: t.train, train: train, test: test}
	s.testX, s.testY = test.Tensors()
	t.sub = s
	return s
}
