package nn

import (
	"errors"
	"fmt"

	"gorgonia.org/tensor"

	dataset "github.com/nnplay/nnplay/engine/data"
	"github.com/nnplay/nnplay/engine/spec"
)

// FitConfig says how Fit trains.
type FitConfig struct {
	Epochs    int
	BatchSize int
	// Shuffle visits the training examples in a new order every epoch,
	// data.Permutation(n, Seed, epoch−1): the same on every run. (Dropout
	// masks come from the layers' own generators, seeded by Build.)
	Shuffle bool
	Seed    int64
	// ValidationSplit holds back this fraction of the examples, the last
	// ones before any shuffling (as Keras does), to validate on after each
	// epoch. In [0, 1).
	ValidationSplit float64
	// ValidationX and ValidationY are a separate validation set; give
	// either these or ValidationSplit.
	ValidationX, ValidationY *tensor.Dense
	// Optimizer, when its Schedule is set, sets the learning rate before
	// every batch (ScheduledLearningRate over this run's epochs); Fit
	// leaves the optimizer at the last batch's rate.
	Optimizer spec.Optimizer
	// OnBatch is called after every batch; returning false stops Fit.
	OnBatch func(BatchEnd) bool
	// OnEpoch is called after every epoch; returning false stops Fit.
	OnEpoch func(EpochEnd) bool
}

// FitConfigFor returns the FitConfig a spec asks for: its epochs, batch
// size, seed, validation split and learning-rate schedule, shuffled.
func FitConfigFor(s spec.Model) FitConfig {
	return FitConfig{Epochs: s.Epochs, BatchSize: s.BatchSize, Shuffle: true, Seed: s.Seed, ValidationSplit: s.ValidationSplit, Optimizer: s.Optimizer}
}

// BatchEnd reports one finished batch.
type BatchEnd struct {
	Epoch, Batch int // counted from 1
	Batches      int // batches per epoch
	Size         int // examples in this batch
	Loss         float64
	Accuracy     float64 // on this batch, measured during its forward pass
}

// EpochEnd reports one finished epoch. Loss and Accuracy are means over
// the epoch's batches, measured as they trained (as Keras reports them).
type EpochEnd struct {
	Epoch                int // counted from 1
	Loss, Accuracy       float64
	Validated            bool // ValLoss and ValAccuracy are set
	ValLoss, ValAccuracy float64
}

// History holds one entry per finished epoch (Val* only with validation).
type History struct {
	Loss, Accuracy       []float64
	ValLoss, ValAccuracy []float64
	// Stopped says a callback stopped training early.
	Stopped bool
}

// Fit trains the model on x (N, input...) and targets y for cfg.Epochs
// epochs of mini-batches. It returns the history of the epochs it
// finished; an epoch cut short by OnBatch is not in it. On a diverged
// step it returns that history and a *DivergedError naming the epoch and
// batch, with the weights from before the step.
func (m *Sequential) Fit(x, y *tensor.Dense, cfg FitConfig) (*History, error) {
	if m.opt == nil || m.loss == nil {
		return nil, fmt.Errorf("the model is not compiled: call Compile (or make it with Build) before training")
	}
	if err := m.checkBatch(x, y); err != nil {
		return nil, err
	}
	trainX, trainY, valX, valY, err := m.splitForFit(x, y, cfg)
	if err != nil {
		return nil, err
	}
	if err := m.checkTargets(trainY); err != nil {
		return nil, err
	}
	n := trainX.Shape()[0]
	batches := (n + cfg.BatchSize - 1) / cfg.BatchSize
	hist := &History{}
	var bx, by gatherBuf
	for epoch := 1; epoch <= cfg.Epochs; epoch++ {
		order := identity(n)
		if cfg.Shuffle {
			order = dataset.Permutation(n, cfg.Seed, epoch-1)
		}
		var lossSum float64
		correct := 0
		for b := 0; b < batches; b++ {
			idx := order[b*cfg.BatchSize : min((b+1)*cfg.BatchSize, n)]
			xb, yb := bx.gather(trainX, idx), by.gather(trainY, idx)
			if Scheduled(cfg.Optimizer) {
				m.opt.SetLearningRate(ScheduledLearningRate(cfg.Optimizer, (epoch-1)*batches+b, batches, cfg.Epochs))
			}
			loss, c, err := m.trainBatch(xb, yb)
			if err != nil {
				var d *DivergedError
				if errors.As(err, &d) {
					d.Epoch, d.Batch = epoch, b+1
				}
				return hist, err
			}
			lossSum += loss * float64(len(idx))
			correct += c
			if cfg.OnBatch != nil && !cfg.OnBatch(BatchEnd{
				Epoch: epoch, Batch: b + 1, Batches: batches, Size: len(idx),
				Loss: loss, Accuracy: float64(c) / float64(len(idx)),
			}) {
				hist.Stopped = true
				return hist, nil
			}
		}
		end := EpochEnd{Epoch: epoch, Loss: lossSum / float64(n), Accuracy: float64(correct) / float64(n)}
		hist.Loss = append(hist.Loss, end.Loss)
		hist.Accuracy = append(hist.Accuracy, end.Accuracy)
		if valX != nil {
			ev, err := m.Evaluate(valX, valY)
			if err != nil {
				return hist, fmt.Errorf("validation: %w", err)
			}
			end.Validated, end.ValLoss, end.ValAccuracy = true, ev.Loss, ev.Accuracy
			hist.ValLoss = append(hist.ValLoss, ev.Loss)
			hist.ValAccuracy = append(hist.ValAccuracy, ev.Accuracy)
		}
		if cfg.OnEpoch != nil && !cfg.OnEpoch(end) {
			hist.Stopped = true
			return hist, nil
		}
	}
	return hist, nil
}

// splitForFit checks cfg and returns the training and validation sets
// (the validation ones nil when there is none).
func (m *Sequential) splitForFit(x, y *tensor.Dense, cfg FitConfig) (trainX, trainY, valX, valY *tensor.Dense, err error) {
	switch {
	case cfg.Epochs < 1:
		return nil, nil, nil, nil, fmt.Errorf("fit: epochs must be at least 1, got %d", cfg.Epochs)
	case cfg.BatchSize < 1:
		return nil, nil, nil, nil, fmt.Errorf("fit: batch size must be at least 1, got %d", cfg.BatchSize)
	case !(cfg.ValidationSplit >= 0 && cfg.ValidationSplit < 1):
		return nil, nil, nil, nil, fmt.Errorf("fit: validation split must be at least 0 and below 1, got %g", cfg.ValidationSplit)
	case (cfg.ValidationX == nil) != (cfg.ValidationY == nil):
		return nil, nil, nil, nil, fmt.Errorf("fit: give both ValidationX and ValidationY, or neither")
	case cfg.ValidationX != nil && cfg.ValidationSplit > 0:
		return nil, nil, nil, nil, fmt.Errorf("fit: give either a validation split or a validation set, not both")
	}
	if cfg.ValidationX != nil {
		if err := m.checkBatch(cfg.ValidationX, cfg.ValidationY); err != nil {
			return nil, nil, nil, nil, fmt.Errorf("validation set: %w", err)
		}
		return x, y, cfg.ValidationX, cfg.ValidationY, nil
	}
	if cfg.ValidationSplit == 0 {
		return x, y, nil, nil, nil
	}
	n := x.Shape()[0]
	at := int(float64(n) * (1 - cfg.ValidationSplit)) // Keras' split_at
	if at < 1 || at >= n {
		return nil, nil, nil, nil, fmt.Errorf("fit: a validation split of %g of %d examples leaves %d to train on and %d to validate on; each needs at least 1", cfg.ValidationSplit, n, at, n-at)
	}
	return rowsOf(x, 0, at), rowsOf(y, 0, at), rowsOf(x, at, n), rowsOf(y, at, n), nil
}

// checkTargets checks every target against the loss before training
// starts, so a bad label fails at once rather than epochs in. It runs one
// example through the model to learn the output width.
func (m *Sequential) checkTargets(y *tensor.Dense) error {
	n := y.Shape()[0]
	one := newTensor(append([]int{1}, m.input...)...)
	out := one
	for _, l := range m.train {
		out = l.Forward(out, Inference)
	}
	pred := newTensor(append([]int{n}, out.Shape()[1:]...)...)
	return CheckTarget(m.trainLoss, pred, y)
}

func identity(n int) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	return p
}

// gatherBuf copies chosen rows of a tensor into a batch tensor it reuses
// while the batch size stays the same.
type gatherBuf struct {
	t *tensor.Dense
}

// gather returns the rows idx of src as one (len(idx), ...) tensor.
func (g *gatherBuf) gather(src *tensor.Dense, idx []int) *tensor.Dense {
	shape := append([]int{len(idx)}, src.Shape()[1:]...)
	g.t = reuse(g.t, shape...)
	width := src.Shape().TotalSize() / src.Shape()[0]
	from, to := src.Float32s(), g.t.Float32s()
	for b, i := range idx {
		copy(to[b*width:(b+1)*width], from[i*width:(i+1)*width])
	}
	return g.t
}
