package trainer

import (
	"fmt"
	"math"
	"slices"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// predict answers one image's class probabilities.
func (t *Trainer) predict(r protocol.Predict) error {
	if t.model == nil {
		return fmt.Errorf("predict: build a model first")
	}
	if t.play != nil {
		return fmt.Errorf("predict takes an MNIST image; the playground's model answers playground_frame")
	}
	img := append([]float32(nil), r.Image...)
	x := tensor.New(tensor.WithShape(1, len(img)), tensor.WithBacking(img))
	probs := append([]float32(nil), t.model.Predict(t.inputs(x)).Data().([]float32)...)
	if t.spec.FromLogits {
		softmax(probs)
	}
	t.post(protocol.Prediction{ID: r.ID, Probs: probs})
	return nil
}

// evaluate answers metrics on the whole test set.
func (t *Trainer) evaluate(id int) error {
	if t.userActive() && t.regression() {
		ev, err := t.regressionEvaluation(id)
		if err != nil {
			return err
		}
		t.post(ev)
		return nil
	}
	ev, err := t.evaluation(id)
	if err != nil {
		return err
	}
	t.post(ev)
	return nil
}

// evaluation measures the model on the test set: loss, accuracy, the
// confusion matrix with per-class precision, recall and F1, and the first
// MaxMisclassified test images it gets wrong.
func (t *Trainer) evaluation(id int) (protocol.Evaluation, error) {
	if t.model == nil {
		return protocol.Evaluation{}, fmt.Errorf("evaluate: build a model first")
	}
	testX, testY := t.testX, t.testY
	if t.userActive() {
		if err := t.checkUserData("evaluate"); err != nil {
			return protocol.Evaluation{}, err
		}
		testX, testY = t.user.testX, t.user.testY
	} else if t.play != nil {
		testX, testY = t.play.testX, t.play.testY
	} else if t.test == nil {
		if err := t.loadData(t.dataBase); err != nil {
			return protocol.Evaluation{}, err
		}
		testX, testY = t.testX, t.testY
	}
	if s := t.subset(); s != nil {
		testX, testY = s.testX, s.testY
	}
	ev, err := t.model.Evaluate(t.inputs(testX), t.targets(testY))
	if err != nil {
		return protocol.Evaluation{}, fmt.Errorf("evaluate: %v", err)
	}
	if math.IsNaN(ev.Loss) || math.IsInf(ev.Loss, 0) {
		return protocol.Evaluation{}, fmt.Errorf("evaluate: the test loss is %v; the model has diverged — reset it or lower the learning rate", ev.Loss)
	}
	c := ev.Confusion
	out := protocol.Evaluation{ID: id, Loss: ev.Loss, Accuracy: ev.Accuracy}
	for i := 0; i < c.Classes; i++ {
		out.Confusion = append(out.Confusion, append([]int(nil), c.Counts[i*c.Classes:(i+1)*c.Classes]...))
	}
	for _, s := range c.PerClass() {
		out.Classes = append(out.Classes, protocol.ClassStats{
			Precision: s.Precision, Recall: s.Recall, F1: s.F1, Support: s.Support,
		})
	}
	out.Misclassified = []protocol.Misclassified{}
	switch {
	case t.userActive() && t.user.parts.Data.Kind == spec.KindImage:
		out.Shape = slices.Clone(t.user.parts.Data.Shape)
		out.Misclassified = t.misclassified(protocol.MaxMisclassified)
	case t.play == nil && !t.userActive(): // MNIST's images
		out.Misclassified = t.misclassified(protocol.MaxMisclassified)
	}
	return out, nil
}

// misclassified returns up to limit test images the model gets wrong, in
// test-set order. It predicts chunk by chunk and stops once it has enough,
// so a good model costs a few hundred predictions, not ten thousand.
func (t *Trainer) misclassified(limit int) []protocol.Misclassified {
	const chunk = 500
	out := []protocol.Misclassified{}
	test := t.testSet()
	size := test.Size()
	for from := 0; from < test.Len() && len(out) < limit; from += chunk {
		part := test.Slice(from, min(from+chunk, test.Len()))
		x, _ := part.Tensors()
		probs := t.model.Predict(t.inputs(x))
		p := probs.Data().([]float32)
		k := probs.Shape()[len(probs.Shape())-1]
		for i, truth := range part.Labels {
			guess := argmax(p[i*k : (i+1)*k])
			if guess == truth {
				continue
			}
			pixels := make([]byte, size)
			if part.Levels != nil { // the image's own bytes, before its scaling
				copy(pixels, part.Pixels[i*size:(i+1)*size])
			} else {
				for j, v := range part.AppendExample(nil, i) {
					pixels[j] = byte(math.Round(float64(min(max(v, 0), 1)) * 255))
				}
			}
			out = append(out, protocol.Misclassified{Index: from + i, True: truth, Predicted: guess, Pixels: pixels})
			if len(out) == limit {
				break
			}
		}
	}
	return out
}

// snapshot answers the model's spec and weights.
func (t *Trainer) snapshot(id int) error {
	if t.model == nil {
		return fmt.Errorf("snapshot: build a model first")
	}
	t.post(protocol.Snapshot{ID: id, Spec: t.spec, Params: t.paramData()})
	return nil
}

// paramData is every weight tensor of the model, in layer order.
func (t *Trainer) paramData() []protocol.ParamData {
	params := []protocol.ParamData{}
	for i, l := range t.model.Layers() {
		for _, p := range l.Params() {
			params = append(params, protocol.ParamData{
				Layer: i,
				Name:  p.Name,
				Shape: append([]int(nil), p.Value.Shape()...),
				Data:  protocol.FloatsToBytes(p.Value.Data().([]float32)),
			})
		}
	}
	return params
}

// softmax turns logits into probabilities in place: p_i = e^(z_i − max z) / Σ_j e^(z_j − max z).
func softmax(z []float32) {
	m := z[argmax(z)]
	sum := 0.0
	for i, v := range z {
		e := math.Exp(float64(v - m))
		z[i] = float32(e)
		sum += e
	}
	for i := range z {
		z[i] = float32(float64(z[i]) / sum)
	}
}
