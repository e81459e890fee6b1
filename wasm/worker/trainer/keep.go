package trainer

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"math"

	"github.com/nnplay/nnplay/engine/modelio"
	"github.com/nnplay/nnplay/engine/tfjs"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// TensorFlow.js files and the check on the first test images. The
// format's work is engine/tfjs's; the worker only decides what happens to
// its own model.

// exportTFJS answers with the model as TF.js Layers files.
func (t *Trainer) exportTFJS(r protocol.ExportTFJS) error {
	if err := t.haveMNISTModel("TensorFlow.js export"); err != nil {
		return err
	}
	p := modelio.ToPayload(t.model, t.epochsDone, t.pos.global)
	p.Spec.BatchSize = t.spec.BatchSize
	p.Spec.Optimizer.LearningRate = t.spec.Optimizer.LearningRate
	modelJSON, weights, err := tfjs.Export(p)
	if err != nil {
		return fmt.Errorf("TensorFlow.js export: %v", err)
	}
	t.post(protocol.TFJSExport{ID: r.ID, ModelJSON: modelJSON, WeightsName: tfjs.WeightsFile, Weights: weights})
	return nil
}

// importTFJS opens a TF.js Layers model as load_model opens a model file.
// A model nnplay cannot read (a layer it does not have, weights that do
// not fit) is an error naming it, and the current model stays.
func (t *Trainer) importTFJS(r protocol.ImportTFJS) (*replacement, error) {
	p, err := tfjs.Import(r.ModelJSON, r.Files)
	if err != nil {
		//lint:ignore ST1005 the page shows this message to the user as it is
		return nil, fmt.Errorf("this TensorFlow.js model cannot be opened: %v. The page keeps its own model.", err)
	}
	return t.openPayload(r.ID, p, "the TensorFlow.js model")
}

// haveMNISTModel says why there is no MNIST model to work on ("" error
// when there is one); what names the action.
func (t *Trainer) haveMNISTModel(what string) error {
	switch {
	case t.model == nil:
		return fmt.Errorf("%s: build a model first", what)
	case t.play != nil:
		return fmt.Errorf("%s: the worker holds a 2-D playground model; open the MNIST tab first", what)
	}
	return nil
}

// testPredict answers with the model's predictions on the first test
// images (of its classes): the digits, and a CRC-32 of the probabilities'
// float32 bits, which only an exactly equal model reproduces.
func (t *Trainer) testPredict(r protocol.TestPredict) error {
	if err := t.haveMNISTModel("check on test images"); err != nil {
		return err
	}
	if t.test == nil {
		if err := t.loadData(t.dataBase); err != nil {
			return err
		}
	}
	test := t.testSet()
	set := test.Slice(0, min(r.Count, test.Len()))
	x, _ := set.Tensors()
	probs := t.model.Predict(t.inputs(x))
	p := probs.Float32s()
	k := len(p) / set.Len()
	out := protocol.TestPredictions{ID: r.ID}
	crc := crc32.NewIEEE()
	var word [4]byte
	for i := range set.Len() {
		row := p[i*k : (i+1)*k]
		for _, v := range row {
			binary.LittleEndian.PutUint32(word[:], math.Float32bits(v))
			crc.Write(word[:])
		}
		pred, truth := t.digit(argmax(row)), t.digit(set.Labels[i])
		out.Predicted = append(out.Predicted, pred)
		out.Labels = append(out.Labels, truth)
		if pred == truth {
			out.Right++
		}
	}
	out.ProbsCRC = crc.Sum32()
	t.post(out)
	return nil
}

// digit is the digit a class index stands for (the spec's Classes map
// them when the model learns a subset).
func (t *Trainer) digit(class int) int {
	if c := t.spec.Classes; len(c) > 0 {
		return c[class]
	}
	return class
}
