package nn

import (
	"fmt"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/metrics"
)

// Evaluation is how well a model does on a labelled set.
type Evaluation struct {
	Loss     float64 // mean loss per example
	Accuracy float64 // fraction of examples whose predicted class is the true one
	// Confusion counts (true class, predicted class) pairs.
	Confusion *metrics.Confusion
}

// Evaluate returns the mean loss, the accuracy and the confusion matrix of
// the model on x (N, input...) with targets y, in inference mode (no
// dropout). When training fuses softmax into the loss, so does Evaluate:
// its loss is the exact cross-entropy, without the 1e-7 clip.
//
// The predicted class of an example is the argmax of its outputs; its true
// class is y's class index, or the argmax of its target row. A model with a
// single output is read as binary: class 1 when the value is above 0.5.
func (m *Sequential) Evaluate(x, y *tensor.Dense) (Evaluation, error) {
	if m.loss == nil {
		return Evaluation{}, fmt.Errorf("the model is not compiled: call Compile (or make it with Build) before evaluating")
	}
	if err := m.checkBatch(x, y); err != nil {
		return Evaluation{}, err
	}
	if err := m.checkTargets(y); err != nil {
		return Evaluation{}, err
	}
	var (
		total   float64
		correct int
		conf    *metrics.Confusion
		err     error
	)
	x = m.asInput(x)
	forChunks(x, y, m.inferenceChunk(), func(from int, xc, yc *tensor.Dense) {
		if err != nil {
			return
		}
		out := xc
		for _, l := range m.train {
			out = l.Forward(out, Inference)
		}
		if err = CheckTarget(m.trainLoss, out, yc); err != nil {
			err = fmt.Errorf("examples %d to %d: %w", from, from+yc.Shape()[0]-1, err)
			return
		}
		n := xc.Shape()[0]
		total += m.trainLoss.Forward(out, yc) * float64(n)
		if conf == nil {
			conf = metrics.NewConfusion(classCount(out))
		}
		for i := 0; i < n; i++ {
			truth, pred := classes(out, yc, i)
			conf.Add(truth, pred)
			if truth == pred {
				correct++
			}
		}
	})
	if err != nil {
		return Evaluation{}, err
	}
	n := float64(x.Shape()[0])
	return Evaluation{Loss: total / n, Accuracy: float64(correct) / n, Confusion: conf}, nil
}

// classCount is the number of classes the outputs (N, K) stand for: K, or
// 2 for a single (binary) output.
func classCount(out *tensor.Dense) int {
	if k := out.Shape()[1]; k > 1 {
		return k
	}
	return 2
}

// classes returns example i's true class (from y) and predicted class
// (from the outputs out).
func classes(out, y *tensor.Dense, i int) (truth, pred int) {
	k := out.Shape()[1]
	o := out.Float32s()[i*k : (i+1)*k]
	t := y.Float32s()
	if len(y.Shape()) == 1 {
		truth = int(t[i])
	} else {
		truth = rowClass(t[i*k : (i+1)*k])
	}
	return truth, rowClass(o)
}

// rowClass is the class a row of scores picks: its argmax, or for a single
// score, 1 when it is above 0.5.
func rowClass(row []float32) int {
	if len(row) == 1 {
		if row[0] > 0.5 {
			return 1
		}
		return 0
	}
	return metrics.Argmax(row)
}

// countCorrect counts the examples of a batch whose predicted class is
// the true one.
func countCorrect(out, y *tensor.Dense) int {
	correct := 0
	for i := 0; i < out.Shape()[0]; i++ {
		if truth, pred := classes(out, y, i); truth == pred {
			correct++
		}
	}
	return correct
}
