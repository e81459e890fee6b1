package trainer

import (
	"encoding/json"
	"fmt"
	"time"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/ddp"
	"github.com/nnplay/nnplay/engine/nn"
	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// Workers starts the helper workers of data-parallel training
// (engine/ddp): Web Workers sharing memory in the browser
// (wasm/worker/replicas), goroutines in tests.
type Workers interface {
	// Limits are the default number of training workers (cores − 1, at
	// least 1), the most there may be, and why only one can train ("" when
	// several can).
	Limits() (def, max int, why string)
	// Start starts helpers for model m; each builds m's spec (specJSON).
	Start(m *nn.Sequential, specJSON []byte, helpers int) (WorkerGroup, error)
}

// WorkerGroup is one model's helpers.
type WorkerGroup interface {
	ddp.Helpers
	// FaultNext makes helper rank fail in the next batch, a test hook:
	// terminated as the batch starts (protocol.FaultWorker), or throwing
	// in it (protocol.FaultWorkerThrows).
	FaultNext(rank int, fault string)
	// Reset makes the helpers replicas of another model m (its spec
	// specJSON), keeping the workers: starting one costs a compile of the
	// worker's WebAssembly.
	Reset(m *nn.Sequential, specJSON []byte) error
	// Close stops every helper.
	Close()
}

// parState is data-parallel training's state.
type parState struct {
	choice int         // the workers the page chose; 0: the default
	group  WorkerGroup // the helpers of the model they were started for
	key    parKey
	note   string // what happened to a worker, for the backend event
	fault  string // protocol.FaultWorker…: make a helper fail in the next batch
	coord  ddp.Coordinator
}

// parKey is what a group's helpers were built for: the model and which of
// its layers are frozen (that changes what they send back).
type parKey struct {
	model  *nn.Sequential
	frozen string
}

func keyOf(m *nn.Sequential) parKey {
	k := parKey{model: m}
	for i := range m.Layers() {
		if m.Trainable(i) {
			k.frozen += "t"
		} else {
			k.frozen += "f"
		}
	}
	return k
}

// workerLimits returns Workers' limits, or one worker and no reason when
// the host has none.
func (t *Trainer) workerLimits() (def, max int, why string) {
	if t.env.Workers == nil {
		return 1, 1, ""
	}
	return t.env.Workers.Limits()
}

// workersChosen is the number of training workers the page chose, or the
// default, within the limits. The default is cores − 1 for a model that
// shares well (sharesWell) and one worker for the others.
func (t *Trainer) workersChosen() int {
	def, max, _ := t.workerLimits()
	n := t.par.choice
	if n == 0 {
		n = def
		if !t.sharesWell() {
			n = 1
		}
	}
	return min(n, max)
}

// sharesWell says whether the model's batches are worth sharing among
// workers when the page has not chosen a count: it has a convolution or a
// recurrent layer, which uses each weight at many positions or steps, so
// a batch computes far more than the weights and gradients the workers
// exchange. A model of Dense layers does about six operations per weight
// and example; exchanging its weights and gradients costs more than the
// half of a batch a second worker saves (README, performance). Before a
// model is built there is nothing to judge: true.
func (t *Trainer) sharesWell() bool {
	if t.model == nil {
		return true
	}
	for _, l := range t.spec.Layers {
		switch l.Type {
		case spec.TypeConv2D, spec.TypeSimpleRNN, spec.TypeLSTM, spec.TypeGRU:
			return true
		}
	}
	return false
}

// defaultOneWorker is the backend note when the default trains a model
// that does not share well on one worker of several.
const defaultOneWorker = "one worker by default for a model without convolutional or recurrent layers: sharing its batches costs more than it saves; choose more workers to share them anyway"

// workersFor says how many workers train the next batch and, when fewer
// than chosen (or than the default for other models), why.
func (t *Trainer) workersFor() (n int, why string) {
	n = t.workersChosen()
	def, _, limit := t.workerLimits()
	switch {
	case limit != "" && t.par.choice > 1:
		return 1, limit
	case t.play != nil && (t.par.choice > 1 || t.par.choice == 0 && def > 1):
		// Its batches are a few dozen 2-D points: handing out a share and
		// adding up gradients would cost more than the step.
		return 1, "the playground trains on one worker: its batches are too small to share"
	case n <= 1 && t.par.choice == 0 && def > 1:
		return 1, defaultOneWorker
	case n <= 1:
		return 1, ""
	case t.gpuOn():
		return 1, "WebGPU trains on one worker"
	}
	return n, ""
}

// setWorkers takes the page's choice of worker count.
func (t *Trainer) setWorkers(n int) {
	if n == t.par.choice {
		return
	}
	t.par.choice = n
	t.par.note = ""
	t.closeWorkers()
}

// closeWorkers stops the helpers, if any run.
func (t *Trainer) closeWorkers() {
	if t.par.group != nil {
		t.par.group.Close()
		t.par.group = nil
	}
}

// workerGroup returns helpers for the model as it is now, starting them
// when there are none or the model changed; nil (with a note posted)
// when none could start.
func (t *Trainer) workerGroup(helpers int) WorkerGroup {
	key := keyOf(t.model)
	g := t.par.group
	if g != nil && t.par.key == key {
		return g // after a lost helper, with the others
	}
	s, err := json.Marshal(t.model.Spec())
	switch {
	case err != nil:
	case g != nil && g.Len() == helpers:
		err = g.Reset(t.model, s)
	default:
		t.closeWorkers()
		t.par.group, err = t.env.Workers.Start(t.model, s, helpers)
	}
	if err != nil {
		t.closeWorkers()
		t.par.note = "the training workers could not start (" + err.Error() + "): one worker trains"
		t.announceBackend(announceAlways)
		return nil
	}
	t.par.key = key
	return t.par.group
}

// parallelBatch trains one batch on the chosen workers: the model's own
// share here, the rest on the helpers (engine/ddp). A helper lost during
// the batch is dropped with a note in the backend event, and the batch
// trains again without it from the same weights. correct counts the
// batch's right predictions in its forward pass (−1 when the helpers could
// not start and it trained alone, uncounted).
func (t *Trainer) parallelBatch(x, y *tensor.Dense, workers int, report bool) (loss float64, layers []nn.LayerStats, correct int, err error) {
	g := t.workerGroup(workers - 1)
	if g == nil {
		loss, layers, err = t.singleBatch(x, y, report)
		return loss, layers, -1, err
	}
	if t.par.fault != "" {
		g.FaultNext(1, t.par.fault)
		t.par.fault = ""
	}
	c := &t.par.coord
	c.Model, c.Helpers, c.Clock = t.model, g, t.env.Now
	out, err := c.Step(x, y)
	for _, lost := range out.Lost {
		t.par.note = fmt.Sprintf("%v; training goes on with %d %s from the last weights", lost, g.Len()+1, plural(g.Len()+1, "worker"))
	}
	if len(out.Lost) > 0 {
		t.announceBackend(announceAlways)
	}
	if err != nil || !report {
		return out.Loss, nil, out.Correct, err
	}
	return out.Loss, t.model.LastStats(), out.Correct, nil
}

// stepTimes takes the phases' times of the batches shared since the last
// call (nil when none were).
func (t *Trainer) stepTimes() *protocol.StepTimes {
	tm := t.par.coord.Times
	if tm.Batches == 0 {
		return nil
	}
	t.par.coord.Times = ddp.Times{}
	ms := func(d time.Duration) float64 { return d.Seconds() * 1000 / float64(tm.Batches) }
	return &protocol.StepTimes{Batches: tm.Batches, Send: ms(tm.Send), Compute: ms(tm.Compute), Gather: ms(tm.Gather), Apply: ms(tm.Apply)}
}

// singleBatch trains one batch on this worker alone.
func (t *Trainer) singleBatch(x, y *tensor.Dense, report bool) (loss float64, layers []nn.LayerStats, err error) {
	if report {
		return t.model.TrainBatchWithStats(x, y)
	}
	loss, err = t.model.TrainBatch(x, y)
	return loss, nil, err
}

// workersEvent fills in the backend event's worker fields.
func (t *Trainer) workersEvent(b *protocol.Backend) {
	_, max, _ := t.workerLimits()
	n, why := t.workersFor()
	if g := t.par.group; g != nil && n > 1 {
		n = min(n, g.Len()+1)
	}
	b.Workers, b.WorkersChoice, b.MaxWorkers = n, t.workersChosen(), max
	if t.par.choice > 0 {
		b.WorkersChoice = t.par.choice
	}
	b.WorkersNote = why
	if why == "" {
		b.WorkersNote = t.par.note
	}
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// gpuOn says the next batch trains on the GPU, without releasing anything
// (as useGPU may).
func (t *Trainer) gpuOn() bool {
	use, _ := t.gpuDecision()
	return use
}
