// Package measure re-measures challenge submissions with the training
// engine: it is engine/challenge's Evaluate, kept apart so the page can
// show challenges and boards without loading the engine.
package measure

import (
	"fmt"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/challenge"
	"github.com/nnplay/nnplay/engine/data"
	"github.com/nnplay/nnplay/engine/modelio"
	"github.com/nnplay/nnplay/engine/share"
)

// OnSet returns an Evaluate that rebuilds each submitted model from its
// link's payload (modelio.FromPayload: spec validated, weights checked)
// and measures its accuracy on test, which should be the challenge's
// test split in the models' input form (as the worker trains on it).
func OnSet(test *data.Set) challenge.Evaluate {
	return func(p share.Payload) (float64, error) {
		if test == nil || test.Len() == 0 {
			return 0, fmt.Errorf("there is no test split to measure on")
		}
		m, err := modelio.FromPayload(p)
		if err != nil {
			return 0, err
		}
		correct := 0
		const chunk = 2048 // bounds the float32 copy of a Pixels set
		for lo := 0; lo < test.Len(); lo += chunk {
			hi := min(lo+chunk, test.Len())
			x, y := test.Slice(lo, hi).Tensors()
			n := x.Shape()[0]
			x = tensor.New(tensor.WithShape(n, x.Shape().TotalSize()/n), tensor.WithBacking(x.Float32s()))
			if err := m.CheckInput(x); err != nil {
				return 0, fmt.Errorf("the model does not take the test examples: %w", err)
			}
			ev, err := m.Evaluate(x, y)
			if err != nil {
				return 0, err
			}
			for k := range ev.Confusion.Classes {
				correct += ev.Confusion.At(k, k)
			}
		}
		return float64(correct) / float64(test.Len()), nil
	}
}
