package nn

import "gorgonia.org/tensor"

// flatRows reports whether s is (N, size) with N ≥ 1 and size the number
// of values in one example of the model's input.
func (m *Sequential) flatRows(s tensor.Shape) bool {
	return len(s) == 2 && s[0] >= 1 && s[1] == inputSize(m.input)
}

func inputSize(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// asInput returns a checked x in the model's input shape: x itself, or
// for flat rows (N, size) a view (N, input...) of the same memory. So the
// flat MNIST rows of engine/data, (N, 784), feed a CNN whose input is
// (28, 28, 1) as they are, as well as an MLP.
func (m *Sequential) asInput(x *tensor.Dense) *tensor.Dense {
	s := x.Shape()
	if len(s) == len(m.input)+1 || !m.flatRows(s) {
		return x
	}
	return tensor.New(tensor.WithShape(append([]int{s[0]}, m.input...)...), tensor.WithBacking(x.Float32s()))
}

// inferenceFloats bounds the layer outputs of one inference chunk, in
// float32 values: 16 MiB, so Predict and Evaluate stay well inside the
// memory spec.MemoryEstimate allows for training.
const inferenceFloats = 1 << 22

// inferenceChunk is how many examples Predict and Evaluate push through
// at once: chunkSize, or fewer when the outputs of all layers for one
// example (counted twice, for activations' own buffers) would put a chunk
// over inferenceFloats.
func (m *Sequential) inferenceChunk() int {
	if m.chunk > 0 {
		return m.chunk
	}
	m.chunk = chunkSize
	infos, err := m.Spec().Infer()
	if err != nil { // layers made by hand that no spec describes
		return m.chunk
	}
	perExample := 0
	for _, info := range infos {
		perExample += 2 * inputSize(info.Output)
	}
	m.chunk = min(max(inferenceFloats/perExample, 1), chunkSize)
	return m.chunk
}
