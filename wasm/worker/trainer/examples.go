package trainer

import (
	"errors"
	"fmt"
	"slices"

	"github.com/nnplay/nnplay/engine/data"
	"github.com/nnplay/nnplay/engine/nn"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// "Teach it your handwriting": a few epochs on the user's own drawings,
// mixed with some MNIST training images so the model keeps what it knew.

// tuneExamples trains the model on r's drawings (see
// protocol.TuneExamples) and reports how it labels them before and after.
func (t *Trainer) tuneExamples(r protocol.TuneExamples) error {
	if err := t.haveMNISTModel("fine-tune on your drawings"); err != nil {
		return err
	}
	if t.state == protocol.StateRunning {
		return fmt.Errorf("fine-tune on your drawings: training is running; pause it first")
	}
	if t.train == nil {
		if err := t.loadData(t.dataBase); err != nil {
			return err
		}
	}
	mine, err := t.drawings(r)
	if err != nil {
		return err
	}
	// Each epoch shows every drawing as often as it takes for them to be
	// about a quarter of it: a few drawings among many MNIST images would
	// hardly move the model, and many more would make it forget MNIST.
	set := mine
	if r.Mix > 0 {
		train := t.trainSet()
		pick := data.Permutation(train.Len(), r.Seed, 0)[:min(r.Mix, train.Len())]
		repeat := max(1, (len(pick)+3*mine.Len()-1)/(3*mine.Len()))
		set = joinSets(repeated(mine, repeat), train, pick)
	}
	before, err := t.labelledRight(mine)
	if err != nil {
		return err
	}
	testBefore, err := t.accuracy(t.model)
	if err != nil {
		return err
	}
	start := t.env.Now()
	bs := min(t.spec.BatchSize, set.Len())
	batches := 0
	for epoch := range r.Epochs {
		perm := data.Permutation(set.Len(), r.Seed, epoch+1)
		for from := 0; from < len(perm); from += bs {
			x, y := set.Batch(perm[from:min(from+bs, len(perm))])
			if _, err := t.model.TrainBatch(t.inputs(x), t.targets(y)); err != nil {
				var diverged *nn.DivergedError
				if errors.As(err, &diverged) {
					_ = t.freshOptimizer()
				}
				return fmt.Errorf("fine-tune on your drawings, epoch %d: %v; the weights are the last good ones", epoch+1, err)
			}
			batches++
			t.pos.global++
		}
	}
	seconds := t.env.Now().Sub(start).Seconds()
	after, err := t.labelledRight(mine)
	if err != nil {
		return err
	}
	test, err := t.accuracy(t.model)
	if err != nil {
		return err
	}
	t.post(protocol.ExamplesTuned{ID: r.ID, Before: before, After: after, TestBefore: testBefore, TestAccuracy: test,
		Batches: batches, Seconds: seconds})
	return nil
}

// drawings is r's drawings as a data set, labelled as the model's
// outputs are (the spec's Classes, when it learns a subset of digits).
func (t *Trainer) drawings(r protocol.TuneExamples) (*data.Set, error) {
	n := len(r.Labels)
	set := &data.Set{X: make([]float32, n*protocol.ImageSize), Labels: make([]int, n), Shape: []int{protocol.ImageSize},
		Classes: t.classes(), Name: "your drawings"}
	for i, v := range r.Pixels {
		set.X[i] = float32(v) / 255
	}
	for i, d := range r.Labels {
		class := d
		if c := t.spec.Classes; len(c) > 0 {
			if class = slices.Index(c, d); class < 0 {
				return nil, fmt.Errorf("fine-tune on your drawings: drawing %d is a %d, but this model tells apart only the digits %v; fine-tune it on those, or train a model for all ten", i+1, d, c)
			}
		}
		set.Labels[i] = class
	}
	return set, nil
}

// repeated is set with each example n times.
func repeated(set *data.Set, n int) *data.Set {
	out := &data.Set{Shape: set.Shape, Classes: set.Classes, Name: set.Name}
	for range n {
		out.X = append(out.X, set.X...)
		out.Labels = append(out.Labels, set.Labels...)
	}
	return out
}

// joinSets is a's examples followed by b's examples at idx.
func joinSets(a, b *data.Set, idx []int) *data.Set {
	out := &data.Set{X: slices.Clone(a.X), Labels: slices.Clone(a.Labels), Shape: a.Shape, Classes: a.Classes, Name: a.Name}
	for _, i := range idx {
		out.X = b.AppendExample(out.X, i) // b may hold bytes (MNIST's training set)
		out.Labels = append(out.Labels, b.Labels[i])
	}
	return out
}

// labelledRight is the fraction of set's examples the model labels right.
func (t *Trainer) labelledRight(set *data.Set) (float64, error) {
	x, y := set.Tensors()
	ev, err := t.model.Evaluate(t.inputs(x), t.targets(y))
	if err != nil {
		return 0, fmt.Errorf("fine-tune on your drawings: %v", err)
	}
	return ev.Accuracy, nil
}
