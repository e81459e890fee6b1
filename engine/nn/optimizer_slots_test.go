package nn

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/nnplay/nnplay/engine/spec"
)

// TestSlotsMoveTraining trains a model 3 batches, copies its weights and
// optimizer state (SlotsOf → SetSlots) into a second model built from the
// same spec, trains both 2 more batches and wants the same bits: the
// state moved is the whole state. Run for Adam (with weight decay), SGD
// with Nesterov momentum, plain SGD, RMSProp and Adagrad.
func TestSlotsMoveTraining(t *testing.T) {
	opts := []spec.Optimizer{
		{Name: spec.OptAdam, LearningRate: 0.01, Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-7, WeightDecay: 0.01},
		{Name: spec.OptSGD, LearningRate: 0.1, Momentum: 0.9, Nesterov: true},
		{Name: spec.OptSGD, LearningRate: 0.1},
		{Name: spec.OptRMSProp, LearningRate: 0.01, Rho: 0.9, Epsilon: 1e-7, WeightDecay: 0.01},
		{Name: spec.OptAdagrad, LearningRate: 0.1, Epsilon: 1e-7},
	}
	for _, o := range opts {
		t.Run(o.Name, func(t *testing.T) {
			m := spec.Model{
				Input: []int{6}, Loss: spec.LossSparseCategoricalCrossentropy, Optimizer: o,
				BatchSize: 8, Epochs: 1, Seed: 3, Dataset: spec.DatasetCircle,
				Layers: []spec.Layer{{Type: spec.TypeDense, Units: 5, Activation: spec.ActTanh}, {Type: spec.TypeDense, Units: 2, Activation: spec.ActSoftmax}},
			}
			a, err := Build(m)
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(1, 2))
			x, y := randTensor(rng, -1, 1, 8, 6), sparseTargets(rng, 8, 2)
			for range 3 {
				if _, err := a.TrainBatch(x, y); err != nil {
					t.Fatal(err)
				}
			}
			b, err := Build(m)
			if err != nil {
				t.Fatal(err)
			}
			for i, p := range a.Params() {
				q := b.Params()[i]
				copy(q.Value.Float32s(), p.Value.Float32s())
				s, err := SlotsOf(a.Optimizer(), p)
				if err != nil {
					t.Fatal(err)
				}
				if o.Name == spec.OptAdam && s.Step != 3 {
					t.Errorf("param %d: adam step %d after 3 batches; want 3", i, s.Step)
				}
				if err := SetSlots(b.Optimizer(), q, s); err != nil {
					t.Fatal(err)
				}
			}
			for range 2 {
				if _, err := a.TrainBatch(x, y); err != nil {
					t.Fatal(err)
				}
				if _, err := b.TrainBatch(x, y); err != nil {
					t.Fatal(err)
				}
			}
			for i, p := range a.Params() {
				if !slices.Equal(p.Value.Float32s(), b.Params()[i].Value.Float32s()) {
					t.Errorf("param %d (%s): weights differ after moving the optimizer state", i, p.Name)
				}
			}
		})
	}
}

// TestSlotsFreshAndErrors: a param not stepped yet has zero state; wrong
// lengths and optimizers without movable state are errors that say so.
func TestSlotsFreshAndErrors(t *testing.T) {
	p := optParam(true, 1, 2, 3)
	s, err := SlotsOf(NewAdam(0.1), p)
	if err != nil || s.Step != 0 || !slices.Equal(s.M, []float32{0, 0, 0}) || !slices.Equal(s.V, []float32{0, 0, 0}) {
		t.Errorf("fresh adam: %+v, %v; want zero moments and step 0", s, err)
	}
	if err := SetSlots(NewAdam(0.1), p, Slots{M: []float32{1}, V: []float32{1, 2, 3}}); err == nil ||
		!strings.Contains(err.Error(), "adam state for kernel: m has 1 values and v 3") {
		t.Errorf("short m: err = %v", err)
	}
	if err := SetSlots(NewSGD(0.1, 0.5, false), p, Slots{M: []float32{1, 2}}); err == nil ||
		!strings.Contains(err.Error(), "sgd velocity for kernel has 2 values; want 3") {
		t.Errorf("short velocity: err = %v", err)
	}
	if s, err := SlotsOf(NewRMSProp(0.1), p); err != nil || !slices.Equal(s.M, []float32{0, 0, 0}) {
		t.Errorf("fresh rmsprop: %+v, %v; want a zero mean square", s, err)
	}
	ada := NewAdagrad(0.1)
	if s, err := SlotsOf(ada, p); err != nil || !slices.Equal(s.M, []float32{0.1, 0.1, 0.1}) || len(ada.sum) != 0 {
		t.Errorf("fresh adagrad: %+v, %v (state %v); want sums of 0.1, read without storing", s, err, ada.sum)
	}
	if err := SetSlots(ada, p, Slots{M: []float32{1}}); err == nil ||
		!strings.Contains(err.Error(), "adagrad sum of squares for kernel has 1 values; want 3") {
		t.Errorf("short adagrad sums: err = %v", err)
	}
}
