package nn

import (
	"fmt"
	"math"

	"gorgonia.org/tensor"
)

// Share says which part of a batch one replica trains in data-parallel
// training (package engine/ddp): examples [Offset, Offset+n) of a batch of
// Total examples, n being the rows it is given.
//
// The layers whose training pass looks at the whole batch see it through
// the Share: Dropout draws the mask of all Total examples and keeps its
// rows, so the masks do not depend on how the batch is split;
// BatchNormalization sums its batch statistics over every share through
// Sync, so each normalizes with the whole batch's mean and variance.
type Share struct {
	Offset, Total int
	// Sync combines sums across the replicas; nil when one replica trains
	// the whole batch.
	Sync Collective
}

// Collective combines values across the replicas that train one batch.
type Collective interface {
	// AllSum replaces v, on every replica, by the sum over the replicas of
	// their v, added in rank order (0, 1, …) so that every replica gets the
	// same bits. Every replica makes the same calls, with the same lengths,
	// in the same order.
	AllSum(v []float64)
}

// sharer is a layer whose training pass depends on the whole batch.
type sharer interface {
	// setShare tells the layer which share of a batch its next training
	// passes see; nil: the whole batch.
	setShare(s *Share)
}

// setShare hands s to every layer that needs it.
func (m *Sequential) setShare(s *Share) {
	for _, l := range m.train {
		if sh, ok := l.(sharer); ok {
			sh.setShare(s)
		}
	}
}

// ShareGradients runs the forward and backward pass of one share of a
// batch: x and y are examples [s.Offset, s.Offset+n) of a batch of s.Total.
// It leaves in every param's Grad this share's part of the gradient of the
// batch's mean loss (its own mean's gradient times n/s.Total), so that the
// Grads of all the shares add up to the batch's gradient; ApplyGradients
// then takes the step. It returns the share's mean loss, which may be NaN
// or infinite (ApplyGradients rejects such a batch), and its correct
// predictions.
func (m *Sequential) ShareGradients(x, y *tensor.Dense, s Share) (loss float64, correct int, err error) {
	if x != nil && (s.Offset < 0 || s.Offset+x.Shape()[0] > s.Total) {
		return 0, 0, fmt.Errorf("share gradients: %d examples from %d do not fit in a batch of %d", x.Shape()[0], s.Offset, s.Total)
	}
	return m.forwardBackward(x, y, &s)
}

// TrainableParams returns the params an optimizer step updates (those of
// layers that are not frozen, never NonTrainable state), in layer order:
// the ones whose Grads data-parallel replicas add up.
func (m *Sequential) TrainableParams() []*Param {
	m.collectTrainable()
	return append([]*Param(nil), m.trainable...)
}

// ApplyGradients takes one training step from the trainable params' Grads
// as they are (the sum over a batch's shares): clipping, the optimizer's
// update and the divergence check. loss is the batch's mean loss. A NaN or
// infinite loss or update returns a *DivergedError and leaves the weights
// and the layer state as they were before the batch's forward pass.
func (m *Sequential) ApplyGradients(loss float64) error {
	if m.opt == nil {
		return fmt.Errorf("the model is not compiled: call Compile (or make it with Build) before training")
	}
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		m.restoreState()
		return &DivergedError{Loss: loss, LearningRate: m.opt.LearningRate()}
	}
	return m.step(loss)
}

// AbandonShare puts the layer state (moving averages) back as it was
// before the last ShareGradients, for a batch that will not be applied.
func (m *Sequential) AbandonShare() { m.restoreState() }

// LastStats measures every layer's LayerStats from the last training pass:
// its outputs (of this replica's share) and the params' values and Grads
// as they are now.
func (m *Sequential) LastStats() []LayerStats {
	if len(m.outs) != len(m.layers) {
		return nil
	}
	return m.layerStats()
}

// RandomState returns the state of every random generator training draws
// from (Dropout's masks), for SetRandomState on a replica.
func (m *Sequential) RandomState() ([]byte, error) {
	var out []byte
	for _, l := range m.layers {
		if d, ok := l.(*Dropout); ok {
			b, err := d.randomState()
			if err != nil {
				return nil, err
			}
			out = append(out, byte(len(b)))
			out = append(out, b...)
		}
	}
	return out, nil
}

// SetRandomState sets the generators to a state RandomState returned from
// a model of the same layers.
func (m *Sequential) SetRandomState(state []byte) error {
	for _, l := range m.layers {
		d, ok := l.(*Dropout)
		if !ok {
			continue
		}
		if len(state) == 0 || len(state) < 1+int(state[0]) {
			return fmt.Errorf("random state: too short for the model's dropout layers")
		}
		n := int(state[0])
		if err := d.setRandomState(state[1 : 1+n]); err != nil {
			return err
		}
		state = state[1+n:]
	}
	if len(state) != 0 {
		return fmt.Errorf("random state: %d bytes left over; the model has fewer dropout layers", len(state))
	}
	return nil
}
