package ddp

import (
	"errors"
	"fmt"
	"sync"

	"github.com/nnplay/nnplay/engine/nn"
)

// Local is Helpers that are goroutines in this process, each with its own
// replica of the model: the reference the browser's Web Workers follow,
// and what the native tests train with.
type Local struct {
	helpers []*localHelper
	round   *round
	weights [][]float32 // this batch's, which the helpers read
}

var _ Helpers = (*Local)(nil)

// localHelper is one helper goroutine and its replica.
type localHelper struct {
	model *nn.Sequential
	jobs  chan job
	dead  chan struct{} // closed when the helper stops
	once  sync.Once
	why   string // why it stopped, set before dead is closed
	kill  int    // Kill asked: sums to allow before it stops; -1: none
	throw bool   // Throw asked: panic in the next batch
	mu    sync.Mutex
	buf   []float32
}

// job is one batch's work for one helper.
type job struct {
	work  Work
	round *round
	rank  int
}

// round is one batch's channels: each helper's partial sums up, the totals
// down, its result, and abort, closed when the batch is abandoned.
type round struct {
	up, down []chan []float64
	results  []chan Result
	abort    chan struct{}
}

// errAborted ends a helper's batch that the coordinator abandoned.
var errAborted = errors.New("ddp: batch abandoned")

// NewLocal starts one helper goroutine per replica. Each replica must be
// built like the coordinator's model (nn.Build of the same spec); its
// weights and random state come with every batch. Close stops them.
func NewLocal(replicas ...*nn.Sequential) *Local {
	l := &Local{}
	for _, m := range replicas {
		h := &localHelper{model: m, jobs: make(chan job), dead: make(chan struct{}), kill: -1}
		l.helpers = append(l.helpers, h)
		go h.serve()
	}
	return l
}

// Len is the number of helpers.
func (l *Local) Len() int { return len(l.helpers) }

// Begin hands each helper its work.
func (l *Local) Begin(work []Work) (nn.Collective, error) {
	if len(work) != len(l.helpers) {
		return nil, fmt.Errorf("ddp: %d shares of work for %d helpers", len(work), len(l.helpers))
	}
	n := len(l.helpers)
	r := &round{up: make([]chan []float64, n), down: make([]chan []float64, n), results: make([]chan Result, n), abort: make(chan struct{})}
	for k := range n {
		r.up[k], r.down[k], r.results[k] = make(chan []float64, 1), make(chan []float64, 1), make(chan Result, 1)
	}
	l.round = r
	// The helpers read their own copy: the coordinator's moving averages
	// change in its forward pass, which runs beside theirs.
	l.weights = l.weights[:0]
	for _, w := range work[0].Weights {
		l.weights = append(l.weights, append([]float32(nil), w...))
	}
	for k, h := range l.helpers {
		work[k].Weights = l.weights
		select {
		case h.jobs <- job{work: work[k], round: r, rank: k + 1}:
		case <-h.dead:
			return nil, &LostError{Rank: k + 1, Reason: h.why}
		}
	}
	return coordinatorSync{l: l, r: r}, nil
}

// coordinatorSync is rank 0's Collective: it waits for every helper's
// values in rank order, adds them to its own and sends the totals back.
type coordinatorSync struct {
	l *Local
	r *round
}

func (c coordinatorSync) AllSum(v []float64) {
	for k, h := range c.l.helpers {
		select {
		case u := <-c.r.up[k]:
			for i := range v {
				v[i] += u[i]
			}
		case <-h.dead:
			Lose(k+1, h.why)
		}
	}
	for k := range c.l.helpers {
		c.r.down[k] <- append([]float64(nil), v...)
	}
}

// helperSync is a helper's Collective.
type helperSync struct {
	h    *localHelper
	r    *round
	rank int
}

func (s helperSync) AllSum(v []float64) {
	s.h.check(true)
	s.r.up[s.rank-1] <- append([]float64(nil), v...)
	select {
	case total := <-s.r.down[s.rank-1]:
		copy(v, total)
	case <-s.r.abort:
		panic(errAborted)
	}
}

// Gather adds the helpers' gradients to grads in rank order.
func (l *Local) Gather(grads []float32) (lossSum float64, correct int, err error) {
	for k, h := range l.helpers {
		var res Result
		select {
		case res = <-l.round.results[k]:
		case <-h.dead:
			return 0, 0, &LostError{Rank: k + 1, Reason: h.why}
		}
		if len(res.Grads) != len(grads) {
			return 0, 0, &LostError{Rank: k + 1, Reason: fmt.Sprintf("it sent %d gradients, want %d", len(res.Grads), len(grads))}
		}
		for i, g := range res.Grads {
			grads[i] += g
		}
		lossSum += res.LossSum
		correct += res.Correct
	}
	return lossSum, correct, nil
}

// Abort ends the batch on every helper.
func (l *Local) Abort() {
	if l.round != nil {
		close(l.round.abort)
		l.round = nil
	}
}

// Drop stops the helper of rank and forgets it.
func (l *Local) Drop(rank int) {
	h := l.helpers[rank-1]
	h.stop("dropped")
	close(h.jobs)
	l.helpers = append(l.helpers[:rank-1], l.helpers[rank:]...)
}

// Replace gives the helpers new replicas (of another model), one each,
// between batches.
func (l *Local) Replace(replicas ...*nn.Sequential) error {
	if len(replicas) != len(l.helpers) {
		return fmt.Errorf("ddp: %d replicas for %d helpers", len(replicas), len(l.helpers))
	}
	for i, h := range l.helpers {
		h.mu.Lock()
		h.model = replicas[i]
		h.mu.Unlock()
	}
	return nil
}

// Kill makes the helper of rank (counted from 1) stop as a worker that
// dies mid-batch, for tests: after sums more collective sums (0: at its
// next batch).
func (l *Local) Kill(rank, sums int) {
	h := l.helpers[rank-1]
	h.mu.Lock()
	h.kill = sums
	h.mu.Unlock()
}

// Throw makes the helper of rank panic in its next batch, as a bug would:
// for tests.
func (l *Local) Throw(rank int) {
	h := l.helpers[rank-1]
	h.mu.Lock()
	h.throw = true
	h.mu.Unlock()
}

// Close stops every helper.
func (l *Local) Close() {
	for len(l.helpers) > 0 {
		l.Drop(1)
	}
}

// stop marks the helper stopped, for why.
func (h *localHelper) stop(why string) {
	h.once.Do(func() {
		h.why = why
		close(h.dead)
	})
}

// check stops the helper here when Kill asked for it; sum says a
// collective sum follows, which counts towards Kill's.
func (h *localHelper) check(sum bool) {
	h.mu.Lock()
	kill := h.kill == 0
	if h.kill > 0 && sum {
		h.kill--
	}
	h.mu.Unlock()
	if kill {
		h.stop("it was terminated")
		panic(errKilled)
	}
}

var errKilled = errors.New("ddp: helper killed")

// serve runs the helper's batches until its jobs end or it fails.
func (h *localHelper) serve() {
	for j := range h.jobs {
		if !h.run(j) {
			for range h.jobs { // Drop closes jobs
			}
			return
		}
	}
}

// run computes one batch's share and sends its result; false when the
// helper stopped (killed, or it failed).
func (h *localHelper) run(j job) (alive bool) {
	defer func() {
		if r := recover(); r != nil {
			switch r {
			case errAborted:
				alive = true
			case errKilled:
				alive = false
			default:
				h.stop(fmt.Sprint("it failed: ", r))
				alive = false
			}
		}
	}()
	h.check(false)
	h.mu.Lock()
	model, throw := h.model, h.throw
	h.mu.Unlock()
	if throw {
		panic("a fault a test injected")
	}
	res, err := Run(model, j.work, helperSync{h: h, r: j.round, rank: j.rank}, h.buf)
	if err != nil {
		h.stop("it failed: " + err.Error())
		return false
	}
	h.buf = res.Grads
	h.check(false)
	select {
	case j.round.results[j.rank-1] <- res:
	case <-j.round.abort:
	}
	return true
}
