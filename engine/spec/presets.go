package spec

// LeNet is a LeNet-5 style CNN for MNIST images (28, 28, 1):
// Conv 6@5×5 same relu → MaxPool 2 → Conv 16@5×5 valid relu → MaxPool 2 →
// Flatten → Dense 120 relu → Dense 84 relu → Dense 10 softmax; 61,706
// weights. Adam with a cosine schedule, sparse categorical cross-entropy,
// batch 64, 3 epochs.
func LeNet() Model {
	first := Conv2D(6, 5, ActReLU)
	first.Padding = PaddingSame
	return Model{
		Input: []int{28, 28, 1},
		Layers: []Layer{
			first,
			MaxPool2D(2),
			Conv2D(16, 5, ActReLU),
			MaxPool2D(2),
			{Type: TypeFlatten},
			Dense(120, ActReLU),
			Dense(84, ActReLU),
			Dense(10, ActSoftmax),
		},
		// Adam at 3e-3 annealed to 0 by a cosine over the 3 epochs: better
		// than a constant 1e-3 (the README's performance section has the
		// accuracies).
		Optimizer: cosine(Adam(0.003)),
		Loss:      LossSparseCategoricalCrossentropy,
		BatchSize: 64,
		Epochs:    3,
		Seed:      1,
		Dataset:   DatasetMNIST,
	}
}

// SmallCNN is a small modern CNN for MNIST images (28, 28, 1), the Keras
// example's: Conv 32@3×3 relu → Conv 64@3×3 relu → MaxPool 2 →
// Dropout 0.25 → Flatten → Dense 128 relu → Dropout 0.5 → Dense 10
// softmax; 1,199,882 weights. Adam at 2e-3 with a cosine schedule,
// sparse categorical cross-entropy, batch 128, 3 epochs, which beats a
// constant 1e-3 at batch 64 (accuracies in the README's performance
// section).
func SmallCNN() Model {
	return Model{
		Input: []int{28, 28, 1},
		Layers: []Layer{
			Conv2D(32, 3, ActReLU),
			Conv2D(64, 3, ActReLU),
			MaxPool2D(2),
			{Type: TypeDropout, Rate: 0.25},
			{Type: TypeFlatten},
			Dense(128, ActReLU),
			{Type: TypeDropout, Rate: 0.5},
			Dense(10, ActSoftmax),
		},
		Optimizer: cosine(Adam(0.002)),
		Loss:      LossSparseCategoricalCrossentropy,
		BatchSize: 128,
		Epochs:    3,
		Seed:      1,
		Dataset:   DatasetMNIST,
	}
}

// RowByRowRNN reads an MNIST digit as a sequence: 28 rows of 28 pixels,
// one row per step, top to bottom: Reshape(28, 28) → LSTM 64 → Dense 10
// softmax; 24,458 weights. Adam at 0.003 with global_clipnorm 1 (recurrent
// gradients can spike), sparse categorical cross-entropy, batch 64, 3
// epochs: Adam's default 0.001 learns slower (accuracies in the README's
// performance section).
func RowByRowRNN() Model {
	return rowByRow(LSTM(64, LastState))
}

// RowByRowGRU is RowByRowRNN with a GRU (reset_after, Keras' default) in
// place of the LSTM: 18,698 weights.
func RowByRowGRU() Model {
	return rowByRow(GRU(64, LastState))
}

func rowByRow(recurrent Layer) Model {
	opt := Adam(0.003)
	opt.GlobalClipNorm = 1
	return Model{
		Input:     []int{784},
		Layers:    []Layer{Reshape(28, 28), recurrent, Dense(10, ActSoftmax)},
		Optimizer: opt,
		Loss:      LossSparseCategoricalCrossentropy,
		BatchSize: 64,
		Epochs:    3,
		Seed:      1,
		Dataset:   DatasetMNIST,
	}
}

// cosine is o annealed to 0 over the run by a cosine schedule.
func cosine(o Optimizer) Optimizer {
	o.Schedule = ScheduleCosine
	return o
}
