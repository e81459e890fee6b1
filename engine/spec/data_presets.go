package spec

// Presets that adapt to a described data set: they take its input shape
// and output size, and end as its task needs (softmax over the classes, or
// one linear value with mean squared error).

// TableMLP is a small MLP for a table: Dense 32 relu → Dense 16 relu →
// the output; Adam at 0.01, batch 32, 40 epochs.
func TableMLP(dataset string, d Data) Model {
	return forData(dataset, d, []int{d.Features()}, []Layer{Dense(32, ActReLU), Dense(16, ActReLU)}, Adam(0.01), 32, 40)
}

// ImageMLP is an MLP for images of any size and channel count: Flatten →
// Dense 64 relu → the output; Adam at 0.001, batch 32, 10 epochs.
func ImageMLP(dataset string, d Data) Model {
	return forData(dataset, d, d.Shape, []Layer{{Type: TypeFlatten}, Dense(64, ActReLU)}, Adam(0.001), 32, 10)
}

// ImageCNN is a small CNN for images with any number of channels:
// Conv 8@3×3 relu → MaxPool 2 → Conv 16@3×3 relu → MaxPool 2 →
// Conv 16@3×3 relu → Flatten → Dense 32 relu → the output (12,149
// weights on Shapes' 32×32 RGB); Adam at 0.003 with a cosine schedule,
// batch 32, 5 epochs. On Shapes it learns what an MLP cannot: the
// outline wherever it is.
//
// Images smaller than 22 pixels a side take padding "same" in the
// convolutions, so that every layer keeps at least one position; images
// of 128 pixels a side or more are first averaged in k×k blocks, down to
// 64 pixels or less, to stay within a tab's memory.
func ImageCNN(dataset string, d Data) Model {
	convs := []Layer{Conv2D(8, 3, ActReLU), Conv2D(16, 3, ActReLU), Conv2D(16, 3, ActReLU)}
	if len(d.Shape) == 3 && min(d.Shape[0], d.Shape[1]) < 22 {
		for i := range convs {
			convs[i].Padding = PaddingSame
		}
	}
	layers := []Layer{convs[0], MaxPool2D(2), convs[1], MaxPool2D(2), convs[2], {Type: TypeFlatten}, Dense(32, ActReLU)}
	if len(d.Shape) == 3 && min(d.Shape[0], d.Shape[1]) >= 128 {
		// Average k×k blocks first, down to 64 pixels or less a side.
		k := (min(d.Shape[0], d.Shape[1]) + 63) / 64
		layers = append([]Layer{AveragePooling2D(k)}, layers...)
	}
	return forData(dataset, d, d.Shape, layers, cosine(Adam(0.003)), 32, 5)
}

// forData ends hidden with d's output layer and loss.
func forData(dataset string, d Data, input []int, hidden []Layer, opt Optimizer, batch, epochs int) Model {
	m := Model{
		Input:     append([]int(nil), input...),
		Layers:    append([]Layer(nil), hidden...),
		Optimizer: opt,
		BatchSize: batch,
		Epochs:    epochs,
		Seed:      1,
		Dataset:   dataset,
		Data:      &d,
	}
	if d.Task == TaskRegression {
		m.Layers = append(m.Layers, Dense(1, ActLinear))
		m.Loss = LossMeanSquaredError
	} else {
		m.Layers = append(m.Layers, Dense(d.Outputs(), ActSoftmax))
		m.Loss = LossSparseCategoricalCrossentropy
	}
	return m
}
