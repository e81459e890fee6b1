// Package ddp trains one model on several replicas at once, data-parallel
// as PyTorch's DistributedDataParallel: each batch is split into
// contiguous shares, one per replica; each replica computes its share's
// gradients (nn.Sequential.ShareGradients); the gradients are added up in
// rank order and the coordinator — rank 0, which holds the model that
// counts and computes a share itself — takes the optimizer step. Before the
// next batch every helper (ranks 1…) loads the coordinator's weights and
// random state, so the replicas never drift apart and only the
// coordinator keeps optimizer state.
//
// What is identical and what is not:
//   - the same model, seed and replica count give the same bits on every run:
//     the shares, the order of every sum and the dropout masks are fixed;
//   - across replica counts the dropout masks, the shuffling and the
//     BatchNormalization statistics (summed over the whole batch) are the
//     same, so N replicas train the same model as one; what differs is
//     floating-point summation order — the gradients are added per share,
//     each share's scaled by its size — which moves weights by rounding
//     errors that training then carries on (see the tests for the bounds).
//
// Helpers is the link to the other replicas: goroutines here (Local), Web
// Workers sharing memory in the browser (wasm/worker).
package ddp

import (
	"errors"
	"fmt"
	"time"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/nn"
)

// Split returns where each of n shares of a batch of b examples starts:
// share k is examples [at[k], at[k+1]), the first b mod n shares one
// example longer than the rest. A share may be empty when b < n.
func Split(b, n int) []int {
	at := make([]int, n+1)
	for k := range n {
		size := b / n
		if k < b%n {
			size++
		}
		at[k+1] = at[k] + size
	}
	return at
}

// Work is one helper's part of a batch.
type Work struct {
	// Weights are the values of every param of the model (nn.Sequential
	// Params, frozen and NonTrainable ones too), in order. From Begin they
	// are the coordinator's own: Helpers copy them before Begin returns.
	Weights [][]float32
	// Random is the coordinator's nn.Sequential RandomState.
	Random []byte
	// X and Y are the helper's rows of the batch, which start at Offset of
	// Total examples.
	X, Y          *tensor.Dense
	Offset, Total int
}

// Result is what a helper sends back: its share's gradients (of the
// model's TrainableParams, one after the other), its loss times its
// examples and its correct predictions.
type Result struct {
	Grads   []float32
	LossSum float64
	Correct int
}

// Helpers are the replicas beside the coordinator's model.
type Helpers interface {
	// Len is how many helpers train (ranks 1…Len).
	Len() int
	// Begin hands every helper its Work for one batch (work[0] is rank 1's)
	// and returns the coordinator's Collective for the batch. The helpers
	// compute while the coordinator computes its own share.
	Begin(work []Work) (nn.Collective, error)
	// Gather waits for every helper and adds their gradients to grads in
	// rank order (grads already holds the coordinator's); it returns the
	// sum of their LossSums and Corrects. A helper that failed is a
	// *LostError.
	Gather(grads []float32) (lossSum float64, correct int, err error)
	// Abort ends the batch on every helper after a failure.
	Abort()
	// Drop removes the helper of rank (counted from 1) for good; the ranks
	// after it move down by one.
	Drop(rank int)
}

// LostError says a helper stopped (its worker died, or it failed): the
// batch is retried without it.
type LostError struct {
	Rank   int
	Reason string
}

func (e *LostError) Error() string {
	return fmt.Sprintf("training worker %d stopped: %s", e.Rank+1, e.Reason)
}

// Lose is what a Collective panics with when a helper is lost while the
// coordinator waits on it; Step recovers it. (nn.Collective has no error
// result: a sum that cannot finish ends the batch.)
func Lose(rank int, reason string) { panic(&LostError{Rank: rank, Reason: reason}) }

// Coordinator trains a model with Helpers.
type Coordinator struct {
	Model   *nn.Sequential
	Helpers Helpers // nil: the model trains alone
	// Clock, when set, times the phases of every batch shared with helpers
	// into Times.
	Clock func() time.Time
	Times Times

	weights [][]float32
	grads   []float32
}

// Times adds up where the batches shared with helpers spent their time,
// as the coordinator sees it.
type Times struct {
	Batches int
	// Send is handing out the work (copying the weights and rows to the
	// helpers); Compute the coordinator's own share's forward and backward
	// pass (with BatchNormalization's sums, which wait on the helpers);
	// Gather waiting for the helpers' gradients and adding them; Apply
	// the optimizer step, which the helpers wait for.
	Send, Compute, Gather, Apply time.Duration
}

// Outcome is one batch trained by Step.
type Outcome struct {
	Loss    float64 // the batch's mean loss
	Correct int     // correct predictions, measured in the forward pass
	// Lost are the helpers that stopped during the batch; each was dropped
	// and the batch trained again without it, from the same weights.
	Lost []*LostError
}

// Step trains one batch, x and y, on the model and its helpers: the
// shares' gradients, summed, and one optimizer step (a batch with fewer
// examples than replicas trains on the model alone). A diverged batch is
// the model's *nn.DivergedError, with the weights as they were.
func (c *Coordinator) Step(x, y *tensor.Dense) (Outcome, error) {
	var out Outcome
	for {
		if c.Helpers == nil || c.Helpers.Len() == 0 || x.Shape()[0] <= c.Helpers.Len() {
			// A batch smaller than the replicas (a last, short one) trains
			// on the coordinator alone.
			loss, correct, err := c.alone(x, y)
			out.Loss, out.Correct = loss, correct
			return out, err
		}
		loss, correct, err := c.together(x, y)
		var lost *LostError
		if errors.As(err, &lost) {
			out.Lost = append(out.Lost, lost)
			c.Helpers.Drop(lost.Rank)
			continue
		}
		out.Loss, out.Correct = loss, correct
		return out, err
	}
}

// alone trains the batch on the model as one share.
func (c *Coordinator) alone(x, y *tensor.Dense) (float64, int, error) {
	b := x.Shape()[0]
	loss, correct, err := c.Model.ShareGradients(x, y, nn.Share{Total: b})
	if err != nil {
		return loss, correct, err
	}
	return loss, correct, c.Model.ApplyGradients(loss)
}

// together trains the batch on the model and every helper.
func (c *Coordinator) together(x, y *tensor.Dense) (loss float64, correct int, err error) {
	m, h := c.Model, c.Helpers
	b := x.Shape()[0]
	at := Split(b, h.Len()+1)
	random, err := m.RandomState()
	if err != nil {
		return 0, 0, err
	}
	var t0 time.Time
	if c.Clock != nil {
		t0 = c.Clock()
	}
	c.weights = c.weights[:0]
	for _, p := range m.Params() {
		c.weights = append(c.weights, p.Value.Float32s())
	}
	work := make([]Work, h.Len())
	for k := range work {
		work[k] = Work{Weights: c.weights, Random: random, X: Rows(x, at[k+1], at[k+2]), Y: Rows(y, at[k+1], at[k+2]), Offset: at[k+1], Total: b}
	}
	sync, err := h.Begin(work)
	if err != nil {
		return 0, 0, err
	}
	t1 := c.tick()
	// The coordinator's share, while the helpers compute theirs. A helper
	// lost during it makes the collective panic with a *LostError.
	own, ownCorrect, err := func() (loss float64, correct int, err error) {
		defer func() {
			if r := recover(); r != nil {
				lost, ok := r.(*LostError)
				if !ok {
					panic(r)
				}
				err = lost
			}
		}()
		return m.ShareGradients(Rows(x, at[0], at[1]), Rows(y, at[0], at[1]), nn.Share{Offset: 0, Total: b, Sync: sync})
	}()
	if err != nil {
		return c.abandon(random, err)
	}
	params := m.TrainableParams()
	c.grads = Flatten(c.grads, params, grad)
	t2 := c.tick()
	lossSum, helpCorrect, err := h.Gather(c.grads)
	if err != nil {
		return c.abandon(random, err)
	}
	Unflatten(params, c.grads, grad)
	t3 := c.tick()
	loss = (own*float64(at[1]) + lossSum) / float64(b)
	correct = ownCorrect + helpCorrect
	err = m.ApplyGradients(loss)
	if c.Clock != nil {
		t4 := c.tick()
		c.Times.Batches++
		c.Times.Send += t1.Sub(t0)
		c.Times.Compute += t2.Sub(t1)
		c.Times.Gather += t3.Sub(t2)
		c.Times.Apply += t4.Sub(t3)
	}
	return loss, correct, err
}

// tick is the Clock's time, or zero without one.
func (c *Coordinator) tick() time.Time {
	if c.Clock == nil {
		return time.Time{}
	}
	return c.Clock()
}

// abandon ends a batch that will not be applied: the helpers stop, and the
// model's layer state and random state go back to before it.
func (c *Coordinator) abandon(random []byte, err error) (float64, int, error) {
	c.Helpers.Abort()
	c.Model.AbandonShare()
	if rerr := c.Model.SetRandomState(random); rerr != nil {
		return 0, 0, rerr
	}
	return 0, 0, err
}

// Run is a helper's side of one batch: it loads w's weights and random
// state into its replica m and computes its share's gradients, summing
// with the others through sync. It returns the Result to send back (its
// Grads in buf when buf is large enough).
func Run(m *nn.Sequential, w Work, sync nn.Collective, buf []float32) (Result, error) {
	params := m.Params()
	if err := fits(params, w.Weights); err != nil {
		return Result{}, err
	}
	for i, p := range params {
		copy(p.Value.Float32s(), w.Weights[i])
	}
	if err := m.SetRandomState(w.Random); err != nil {
		return Result{}, fmt.Errorf("replica: %w", err)
	}
	loss, correct, err := m.ShareGradients(w.X, w.Y, nn.Share{Offset: w.Offset, Total: w.Total, Sync: sync})
	if err != nil {
		return Result{}, err
	}
	return Result{Grads: Flatten(buf, m.TrainableParams(), grad), LossSum: loss * float64(w.X.Shape()[0]), Correct: correct}, nil
}

// fits says whether weights has one slice per param, of its size.
func fits(params []*nn.Param, weights [][]float32) error {
	if len(weights) != len(params) {
		return fmt.Errorf("replica: the model has %d weight tensors but %d came", len(params), len(weights))
	}
	for i, p := range params {
		if n := len(p.Value.Float32s()); len(weights[i]) != n {
			return fmt.Errorf("replica: the model has %d weights in tensor %d but %d came", n, i, len(weights[i]))
		}
	}
	return nil
}

// Views cuts flat into one slice per param, of its size: weights laid out
// one after the other, as Run takes them. It fails when the sizes differ.
func Views(params []*nn.Param, flat []float32) ([][]float32, error) {
	out := make([][]float32, len(params))
	at := 0
	for i, p := range params {
		n := len(p.Value.Float32s())
		if at+n > len(flat) {
			return nil, fmt.Errorf("replica: the model has more weights than the %d that came", len(flat))
		}
		out[i], at = flat[at:at+n], at+n
	}
	if at != len(flat) {
		return nil, fmt.Errorf("replica: the model has %d weights but %d came", at, len(flat))
	}
	return out, nil
}

// Rows returns examples [from, to) of t, sharing its storage.
func Rows(t *tensor.Dense, from, to int) *tensor.Dense {
	s := t.Shape()
	width := s.TotalSize() / s[0]
	shape := append([]int{to - from}, s[1:]...)
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(t.Float32s()[from*width:to*width]))
}

// A param's values or its gradient.
func value(p *nn.Param) []float32 { return p.Value.Float32s() }
func grad(p *nn.Param) []float32  { return p.Grad.Float32s() }

func count(params []*nn.Param, of func(*nn.Param) []float32) int {
	n := 0
	for _, p := range params {
		n += len(of(p))
	}
	return n
}

// Flatten copies of(p) of every param into one slice, reusing buf when it
// is large enough.
func Flatten(buf []float32, params []*nn.Param, of func(*nn.Param) []float32) []float32 {
	n := count(params, of)
	if cap(buf) < n {
		buf = make([]float32, n)
	}
	buf = buf[:n]
	at := 0
	for _, p := range params {
		at += copy(buf[at:], of(p))
	}
	return buf
}

// Unflatten copies flat back into of(p) of every param, as Flatten laid
// them out.
func Unflatten(params []*nn.Param, flat []float32, of func(*nn.Param) []float32) {
	at := 0
	for _, p := range params {
		at += copy(of(p), flat[at:])
	}
}

// Values and Grads select what Flatten and Unflatten copy.
var (
	Values = value
	Grads  = grad
)
