package nn

import (
	"fmt"
	"math"
	"strconv"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/spec"
)

// Sequential is a stack of layers trained as one model, like Keras'
// Sequential: Compile it with an optimizer and a loss, then TrainBatch or
// Fit, Evaluate and Predict. Build makes one from a spec.
//
// A Sequential is not safe for concurrent use: its layers reuse their
// buffers from one batch to the next.
type Sequential struct {
	input  []int // shape of one example
	layers []Layer
	opt    Optimizer
	loss   Loss // the loss as given to Compile
	// clipNorm, when above 0, bounds the joint norm of the gradients
	// before each step (see clipGlobalNorm).
	clipNorm float64

	// train and trainLoss are what a training step runs. When the model
	// ends in softmax and the loss is a cross-entropy from probabilities,
	// the last layer outputs logits and trainLoss is the fused, stable
	// SoftmaxCrossEntropy (see FuseSoftmax); else they are layers and loss.
	train     []Layer
	trainLoss Loss

	// settings holds the training fields of the spec Build was given
	// (batch size, epochs, seed, data set, validation split) for Spec.
	settings spec.Model

	trainable []*Param    // params the optimizer updates this step
	backup    [][]float32 // their values before the step, to undo a diverged one
	// state holds the NonTrainable params (BatchNormalization's moving
	// averages), which Forward updates, and stateBackup their values from
	// before the step.
	state       []*Param
	stateBackup [][]float32

	chunk int // examples per inference chunk (see inferenceChunk); 0 until worked out

	// outs are the layer outputs of the last training forward pass (the
	// layers' own buffers, not copies), which TrainBatchWithStats reads.
	outs []*tensor.Dense
}

// NewSequential returns a model whose examples have shape input (without
// the batch dimension) and that runs layers in order. Compile it before
// training.
func NewSequential(input []int, layers ...Layer) *Sequential {
	return &Sequential{input: append([]int(nil), input...), layers: layers}
}

// Compile sets the optimizer and the loss. When the last layer ends in
// softmax and loss is a cross-entropy from probabilities, training fuses
// the two into SoftmaxCrossEntropy, which stays exact where a separate
// softmax would round probabilities to 0 or 1.
func (m *Sequential) Compile(opt Optimizer, loss Loss) {
	m.opt, m.loss = opt, loss
	m.train, m.trainLoss, _ = FuseSoftmax(m.layers, loss)
}

// Layers returns the model's layers, in order.
func (m *Sequential) Layers() []Layer { return m.layers }

// SetGlobalClipNorm makes every training step scale the trainable
// gradients so their joint L2 norm is at most c (0 turns clipping off),
// as Keras' global_clipnorm.
func (m *Sequential) SetGlobalClipNorm(c float64) { m.clipNorm = c }

// Optimizer returns the optimizer given to Compile.
func (m *Sequential) Optimizer() Optimizer { return m.opt }

// Loss returns the loss given to Compile.
func (m *Sequential) Loss() Loss { return m.loss }

// Input returns the shape of one example.
func (m *Sequential) Input() []int { return append([]int(nil), m.input...) }

// Params returns every layer's params, frozen or not, in layer order.
func (m *Sequential) Params() []*Param {
	var ps []*Param
	for _, l := range m.layers {
		ps = append(ps, l.Params()...)
	}
	return ps
}

// SetTrainable freezes (false) or unfreezes (true) layer i, counted from 0.
// The optimizer leaves a frozen layer's weights alone; gradients still flow
// through it to the layers before.
func (m *Sequential) SetTrainable(i int, trainable bool) error {
	if i < 0 || i >= len(m.layers) {
		return fmt.Errorf("layer index %d is out of range: the model has %d layers (0 to %d)", i, len(m.layers), len(m.layers)-1)
	}
	f, ok := m.layers[i].(Freezer)
	if !ok {
		return fmt.Errorf("layer %d (%T) cannot be frozen: it has no SetFrozen method (nn.Freezer)", i, m.layers[i])
	}
	f.SetFrozen(!trainable)
	return nil
}

// Trainable reports whether layer i's weights are trained (it is not frozen).
func (m *Sequential) Trainable(i int) bool { return !isFrozen(m.layers[i]) }

// DivergedError says a training step produced a NaN or infinite loss, or
// an update that made weights NaN or infinite. The weights are those from
// before the step. (The optimizer's own state, such as Adam's moving
// averages, is not rolled back: compile a fresh optimizer to go on.)
type DivergedError struct {
	Epoch, Batch int     // where, counted from 1; 0 when not called from Fit
	Loss         float64 // the batch's loss
	Weights      bool    // the loss was finite but the update was not
	LearningRate float64
}

func (e *DivergedError) Error() string {
	where := ""
	if e.Epoch > 0 {
		where = fmt.Sprintf("epoch %d, batch %d: ", e.Epoch, e.Batch)
	}
	what := "loss is " + strconv.FormatFloat(e.Loss, 'g', -1, 64)
	if e.Weights {
		what = "the update made weights NaN or infinite"
	}
	return fmt.Sprintf("%s%s — the run diverged; try a lower learning rate (now %g)", where, what, e.LearningRate)
}

// TrainBatch runs one forward pass, backward pass and optimizer update on
// the batch x (N, input...) with targets y, and returns the batch's mean
// loss. A NaN or infinite loss, or an update that makes any weight NaN or
// infinite, returns a *DivergedError and leaves the weights as they were.
func (m *Sequential) TrainBatch(x, y *tensor.Dense) (float64, error) {
	loss, _, err := m.trainBatch(x, y)
	return loss, err
}

// trainBatch is TrainBatch that also counts the correct predictions.
func (m *Sequential) trainBatch(x, y *tensor.Dense) (loss float64, correct int, err error) {
	loss, correct, err = m.forwardBackward(x, y, nil)
	if err != nil {
		return loss, correct, err
	}
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		m.restoreState()
		return loss, correct, &DivergedError{Loss: loss, LearningRate: m.opt.LearningRate()}
	}
	return loss, correct, m.step(loss)
}

// forwardBackward runs the forward pass, the loss and the backward pass of
// x and y, leaving dL/dθ in every param's Grad, and returns the mean loss
// and the correct predictions. share, when not nil, says x is that part of
// a larger batch (see ShareGradients). It keeps a copy of the layer state
// (moving averages) that the forward pass moves, for restoreState.
//
// A non-finite loss stops it before the backward pass, except in a share
// that syncs with others: those must all run every collective step.
func (m *Sequential) forwardBackward(x, y *tensor.Dense, share *Share) (loss float64, correct int, err error) {
	if m.opt == nil || m.loss == nil {
		return 0, 0, fmt.Errorf("the model is not compiled: call Compile (or make it with Build) before training")
	}
	if err := m.checkBatch(x, y); err != nil {
		return 0, 0, err
	}
	x = m.asInput(x)
	m.setShare(share)
	defer m.setShare(nil)
	// Forward, keeping what Backward needs. It also moves layer state
	// (moving averages): keep a copy to undo a diverged step.
	m.saveState()
	out := x
	m.outs = m.outs[:0]
	for _, l := range m.train {
		out = l.Forward(out, Training)
		m.outs = append(m.outs, out) // for TrainBatchWithStats
	}
	if err := CheckTarget(m.trainLoss, out, y); err != nil {
		return 0, 0, err
	}
	loss = m.trainLoss.Forward(out, y)
	correct = countCorrect(out, y)
	if (math.IsNaN(loss) || math.IsInf(loss, 0)) && (share == nil || share.Sync == nil) {
		return loss, correct, nil
	}
	// Backward: grads accumulate, so clear them first.
	for _, l := range m.layers {
		for _, p := range l.Params() {
			clear(p.Grad.Float32s())
		}
	}
	g := m.trainLoss.Backward()
	if n := x.Shape()[0]; share != nil && share.Total != n {
		// The loss is this share's mean; the batch's mean weighs it by
		// n/Total, so that the shares' gradients add up to the batch's.
		scale := float32(float64(n) / float64(share.Total))
		gs := g.Float32s()
		for i := range gs {
			gs[i] *= scale
		}
	}
	first := m.firstTrained()
	if first < len(m.train) {
		// Nothing uses dL/dx of the first layer that learns: for the seed
		// MLP that product, dz·Wᵀ with the 784-wide input, is a fifth of a
		// step's arithmetic.
		if skip, ok := m.train[first].(inputGradientSkipper); ok {
			skip.skipInputGradient(true)
			defer skip.skipInputGradient(false)
		}
	}
	for i := len(m.train) - 1; i >= first; i-- {
		g = m.train[i].Backward(g)
	}
	return loss, correct, nil
}

// step updates the trainable params from their Grads: clipping, the
// optimizer's step and the check that the weights stayed finite (else
// they and the layer state go back to before the batch). loss is the
// batch's, for the error.
func (m *Sequential) step(loss float64) error {
	// Keep a copy of the params to undo a step that overflows.
	m.collectTrainable()
	for i, p := range m.trainable {
		copy(m.backup[i], p.Value.Float32s())
	}
	if m.clipNorm > 0 {
		clipGlobalNorm(m.trainable, m.clipNorm)
	}
	m.opt.Step(m.trainable)
	if !allFinite(m.trainable) {
		for i, p := range m.trainable {
			copy(p.Value.Float32s(), m.backup[i])
		}
		m.restoreState()
		return &DivergedError{Loss: loss, Weights: true, LearningRate: m.opt.LearningRate()}
	}
	return nil
}

// inputGradientSkipper is a layer that can leave out dL/dx in Backward
// (returning nil) while still accumulating its weight gradients.
type inputGradientSkipper interface {
	skipInputGradient(skip bool)
}

// collectTrainable gathers the trainable params of the layers that are
// not frozen into m.trainable (never NonTrainable ones: the optimizer must
// not touch those), and sizes m.backup to match.
func (m *Sequential) collectTrainable() {
	m.trainable = m.trainable[:0]
	for _, l := range m.layers {
		if isFrozen(l) {
			continue
		}
		for _, p := range l.Params() {
			if !p.NonTrainable {
				m.trainable = append(m.trainable, p)
			}
		}
	}
	m.backup = sizeBackup(m.backup, m.trainable)
}

// allFinite reports whether every value of every param is finite. It sums
// v·0, which is 0 for finite v and NaN for NaN or ±Inf: one cheap pass.
func allFinite(params []*Param) bool {
	var sum float32
	for _, p := range params {
		for _, v := range p.Value.Float32s() {
			sum += v * 0
		}
	}
	return sum == 0
}

// checkInput checks that x is a non-empty float32 batch of examples of the
// model's input shape, or of flat rows of that many values (see asInput).
func (m *Sequential) checkInput(x *tensor.Dense) error {
	if x == nil {
		return fmt.Errorf("inputs are missing (nil)")
	}
	if x.Dtype() != tensor.Float32 {
		return fmt.Errorf("inputs are %v, want float32", x.Dtype())
	}
	s := x.Shape()
	want := append([]int{-1}, m.input...)
	ok := len(s) == len(want) && s[0] >= 1
	for i := 1; ok && i < len(s); i++ {
		ok = s[i] == want[i]
	}
	flat := m.flatRows(s)
	if !ok && !flat {
		if len(m.input) > 1 {
			return fmt.Errorf("inputs have shape %v, want (N%s) or flat rows (N, %d) with N ≥ 1: N examples of shape %v", []int(s), shapeTail(m.input), inputSize(m.input), m.input)
		}
		return fmt.Errorf("inputs have shape %v, want (N%s) with N ≥ 1: N examples of shape %v", []int(s), shapeTail(m.input), m.input)
	}
	if len(x.Float32s()) != s.TotalSize() {
		return fmt.Errorf("inputs are a strided view; pass a contiguous tensor (Materialize it)")
	}
	return nil
}

// checkBatch checks x as checkInput does, and that y is float32 with one
// target (row) per example.
func (m *Sequential) checkBatch(x, y *tensor.Dense) error {
	if err := m.checkInput(x); err != nil {
		return err
	}
	if y == nil {
		return fmt.Errorf("targets are missing (nil)")
	}
	if y.Dtype() != tensor.Float32 {
		return fmt.Errorf("targets are %v, want float32", y.Dtype())
	}
	n := x.Shape()[0]
	if s := y.Shape(); len(s) == 0 || s[0] != n {
		return fmt.Errorf("targets have shape %v but there are %d inputs; want %d targets", []int(s), n, n)
	}
	if len(y.Float32s()) != y.Shape().TotalSize() {
		return fmt.Errorf("targets are a strided view; pass a contiguous tensor (Materialize it)")
	}
	return nil
}

func shapeTail(s []int) string {
	out := ""
	for _, d := range s {
		out += ", " + strconv.Itoa(d)
	}
	return out
}

// Predict returns the model's outputs (N, classes) for x (N, input...):
// probabilities when the model ends in softmax. It runs in inference mode
// (no dropout) in chunks, and returns a new tensor.
//
// x must have the model's input shape: Predict panics with a message
// naming the shapes otherwise (call CheckInput first on user data).
func (m *Sequential) Predict(x *tensor.Dense) *tensor.Dense {
	if err := m.checkInput(x); err != nil {
		panic("nn.Predict: " + err.Error())
	}
	x = m.asInput(x)
	var result *tensor.Dense
	var res []float32
	forChunks(x, nil, m.inferenceChunk(), func(from int, xc, _ *tensor.Dense) {
		out := xc
		for _, l := range m.layers {
			out = l.Forward(out, Inference)
		}
		if result == nil {
			shape := append([]int{x.Shape()[0]}, out.Shape()[1:]...)
			result = newTensor(shape...)
			res = result.Float32s()
		}
		o := out.Float32s()
		perExample := len(o) / xc.Shape()[0]
		copy(res[from*perExample:], o)
	})
	return result
}

// CheckInput says whether x fits the model's input: a non-empty, contiguous
// float32 tensor (N, input...).
func (m *Sequential) CheckInput(x *tensor.Dense) error { return m.checkInput(x) }

// chunkSize is the most examples Predict and Evaluate push through at
// once: large enough to amortise per-call costs, small enough to bound
// memory. Models with large layer outputs (CNNs) use fewer: see
// inferenceChunk.
const chunkSize = 1024

// forChunks calls f on consecutive chunks of at most size examples of x
// (and the matching rows of y, when y is not nil), as tensors sharing
// their storage; from is the index of the chunk's first example.
func forChunks(x, y *tensor.Dense, size int, f func(from int, xc, yc *tensor.Dense)) {
	n := x.Shape()[0]
	for from := 0; from < n; from += size {
		to := min(from+size, n)
		var yc *tensor.Dense
		if y != nil {
			yc = rowsOf(y, from, to)
		}
		f(from, rowsOf(x, from, to), yc)
	}
}

// rowsOf returns examples [from, to) of t as a tensor sharing t's storage.
func rowsOf(t *tensor.Dense, from, to int) *tensor.Dense {
	if from == 0 && to == t.Shape()[0] {
		return t
	}
	width := t.Shape().TotalSize() / t.Shape()[0]
	shape := append([]int{to - from}, t.Shape()[1:]...)
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(t.Float32s()[from*width:to*width]))
}
