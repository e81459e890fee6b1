package nn

import (
	"fmt"

	"gorgonia.org/tensor"
)

// floats returns t's backing float32 slice, row-major. Layers work on these
// slices directly: t must be a contiguous float32 tensor (not a strided view).
func floats(t *tensor.Dense) []float32 {
	return t.Float32s()
}

// newTensor returns a zeroed float32 tensor of the given shape.
func newTensor(shape ...int) *tensor.Dense {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(make([]float32, n)))
}

// reuse returns buf when it already has the given shape, else a new zeroed
// tensor of that shape. Layers keep their output buffers this way so a
// training loop with a fixed batch size allocates nothing per batch. The
// caller must overwrite (or clear) the contents. So a tensor a layer or loss
// returns belongs to it and is overwritten by its next call: copy it to keep it.
func reuse(buf *tensor.Dense, shape ...int) *tensor.Dense {
	if buf != nil && sameShape(buf.Shape(), shape) {
		return buf
	}
	return newTensor(shape...)
}

func sameShape(s tensor.Shape, shape []int) bool {
	if len(s) != len(shape) {
		return false
	}
	for i := range s {
		if s[i] != shape[i] {
			return false
		}
	}
	return true
}

// rows splits a shape into its batch size and the size of one example.
func rows(t *tensor.Dense) (n, width int) {
	s := t.Shape()
	if len(s) == 0 {
		panic("nn: a batch tensor needs a batch dimension, got a scalar")
	}
	width = 1
	for _, d := range s[1:] {
		width *= d
	}
	return s[0], width
}

// mustMatch panics when two tensors that a layer pairs up differ in shape:
// that is a wiring bug, not bad user input (the spec validates user input).
func mustMatch(layer, what string, got tensor.Shape, want tensor.Shape) {
	if !got.Eq(want) {
		panic(fmt.Sprintf("nn.%s: %s has shape %v, want %v", layer, what, got, want))
	}
}
