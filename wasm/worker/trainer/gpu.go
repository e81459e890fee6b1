package trainer

import (
	"errors"
	"fmt"
	"math"
	"time"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/nn"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// GPU is a device that trains the models PlanGPU accepts: the browser's
// WebGPU (package wasm/webgpu). Env.GPU is nil where there is none.
type GPU interface {
	// Adapter describes the device, probing for it on the first call; an
	// error says why there is none. Later calls give the same answer.
	Adapter() (GPUAdapter, error)
	// Open starts training m on the device as plan says, uploading m's
	// weights and its optimizer's state (nn.SlotsOf).
	Open(plan *GPUPlan, m *nn.Sequential) (GPUSession, error)
}

// GPUAdapter describes a WebGPU adapter.
type GPUAdapter struct {
	Description string // "SwiftShader", "NVIDIA GeForce RTX 4070", …
	// Software is a CPU implementation (SwiftShader): correct, but slower
	// than the SIMD kernels, so Auto does not pick it.
	Software bool
}

// GPUSession is a model being trained on the device. The device holds
// the weights: the Go model sees them only after Sync.
type GPUSession interface {
	// TrainBatch runs one forward pass, backward pass and update on a
	// batch: x holds len(labels) examples of plan.Input values, labels
	// their class indices, masks one dropout mask per plan.Dropouts op
	// (len(labels) × its width); lr is the learning rate for this step.
	// With read it waits for the batch and returns its mean loss and how
	// many examples the forward pass got right; without, it may return
	// before the device has finished, with zeros.
	TrainBatch(x, labels []float32, masks [][]float32, lr float64, read bool) (loss float64, correct int, err error)
	// Sync waits for the device and copies the weights and the
	// optimizer's state into m.
	Sync(m *nn.Sequential) error
	// Close frees the session's device memory (without a Sync).
	Close()
}

// GPUFaulter is a GPU with the test hook of protocol.BackendRequest.Fault.
type GPUFaulter interface {
	Fault(kind string) error
}

// gpuState is what the trainer knows about the GPU: the page's choice,
// the probed adapter, a failure that took it out of use, and the session
// training now.
type gpuState struct {
	choice     string // protocol.Backend*; "" means auto
	probed     bool
	adapter    GPUAdapter
	adapterErr error
	// failed is the user-facing message of a failure (a lost device, a
	// shader error); the GPU stays out of use until the page chooses again.
	failed string

	session  GPUSession
	plan     *GPUPlan       // what session runs
	model    *nn.Sequential // the model session trains
	synced   bool           // m holds what the device has (no batch since the last Sync)
	syncedAt time.Time      // when the model last had the device's weights
	// reported is the last batch the device trained that reported
	// progress, kept until its statistics are measured (gpuMeasure);
	// statsAt is when they last were.
	reported *reportedBatch
	statsAt  time.Time

	decided bool // use and note are up to date
	use     bool
	note    string
	asked   bool   // the page has asked about backends: tell it of changes
	last    string // the last backend event posted, as a key
}

// gpuKeepEvery bounds what a GPU failure loses: while training, the
// weights and optimizer state are read back at least this often (a read
// back is short next to this; README: Performance), so a lost device costs
// at most these seconds of training, not the epoch since the last read
// back.
const gpuKeepEvery = 5 * time.Second

// gpuStatsEvery paces the statistics of GPU training: the device measures
// none, so a stats request reads the weights back and the CPU measures the
// last reported batch (nn.BatchStats), at most this often while training
// (the page asks twice a second) and on every request while paused.
const gpuStatsEvery = time.Second

// reportedBatch is a batch trained on the device, with what it reported.
type reportedBatch struct {
	global int
	loss   float64
	x, y   *tensor.Dense
}

// gpuMeasure gives the stats requests the statistics of the last batch the
// device trained, when they are due: it reads the weights back (a closed
// session left them in the model) and measures the batch on the CPU,
// without training. Between measurements requests get the previous ones
// (the page skips a batch it has).
func (t *Trainer) gpuMeasure() {
	g := &t.gpu
	r := g.reported
	if r == nil || t.state == protocol.StateRunning && t.env.Now().Sub(g.statsAt) < gpuStatsEvery {
		return
	}
	if g.session != nil && t.gpuSync() != gpuTrained {
		return // the failure is reported; the statistics stay as they were
	}
	g.reported, g.statsAt = nil, t.env.Now()
	if _, layers, err := t.model.BatchStats(r.x, r.y); err == nil {
		t.measured = &measured{global: r.global, loss: r.loss, layers: layers}
	}
}

// probe asks the GPU for its adapter once.
func (t *Trainer) probe() (GPUAdapter, error) {
	g := &t.gpu
	if t.env.GPU == nil {
		return GPUAdapter{}, fmt.Errorf("this browser has no WebGPU")
	}
	if !g.probed {
		g.adapter, g.adapterErr = t.env.GPU.Adapter()
		g.probed = true
	}
	return g.adapter, g.adapterErr
}

// gpuDecision says whether the current model trains on the GPU and, when
// the page's choice is not what trains, why (for the user). The answer is
// kept until a request or a failure may have changed it.
func (t *Trainer) gpuDecision() (use bool, note string) {
	g := &t.gpu
	if !g.decided {
		g.use, g.note = t.decideGPU()
		g.decided = true
	}
	return g.use, g.note
}

func (t *Trainer) decideGPU() (use bool, note string) {
	g := &t.gpu
	auto := g.choice == "" || g.choice == protocol.BackendAuto
	if !auto && g.choice != protocol.BackendWebGPU {
		return false, ""
	}
	a, err := t.probe()
	switch {
	case err != nil:
		if auto {
			return false, ""
		}
		return false, "WebGPU is not available: " + err.Error()
	case g.failed != "":
		return false, g.failed
	case auto && a.Software:
		return false, fmt.Sprintf("Auto: the WebGPU adapter (%s) is software, slower than the CPU kernels", a.Description)
	case t.play != nil:
		return false, "the 2-D playground trains on the CPU"
	case t.model == nil:
		return true, ""
	}
	if _, err := PlanGPU(t.model.Spec()); err != nil {
		return false, err.Error()
	}
	return true, ""
}

// useGPU says whether the next batch trains on the GPU; when it does
// not, a session still open is synced and closed first.
func (t *Trainer) useGPU() bool {
	use, _ := t.gpuDecision()
	if !use && t.gpu.session != nil {
		t.gpuRelease()
	}
	return use
}

// gpuOutcome is how a batch on the GPU ended.
type gpuOutcome int

const (
	gpuTrained  gpuOutcome = iota // trained; loss and accuracy are set when read
	gpuFellBack                   // the GPU failed: train this batch on the CPU
	gpuDiverged                   // a NaN loss: reported, training paused
)

// gpuBatch trains one batch on the GPU, opening a session first when
// none is open. The loss and accuracy are read back (a wait for the
// device) only when report is set: on the batches that post progress.
func (t *Trainer) gpuBatch(x, y []float32, report bool) (loss, acc float64, out gpuOutcome) {
	g := &t.gpu
	if g.session == nil {
		plan, err := PlanGPU(t.model.Spec())
		if err != nil {
			panic(err) // gpuDecision accepted this model
		}
		s, err := t.env.GPU.Open(plan, t.model)
		if err != nil {
			t.gpuFail(fmt.Sprintf("WebGPU could not start (%v)", err))
			return 0, 0, gpuFellBack
		}
		g.session, g.plan, g.model, g.synced, g.syncedAt = s, plan, t.model, true, t.env.Now()
	}
	plan, model := g.plan, g.model
	masks := dropoutMasks(plan, model, len(y))
	lossV, correct, err := g.session.TrainBatch(x, y, masks, t.model.Optimizer().LearningRate(), report)
	g.synced = false
	if err != nil {
		t.gpuFail(fmt.Sprintf("WebGPU failed (%v)", err))
		keepMasks(plan, model, masks) // the CPU trains this batch: with its masks
		return 0, 0, gpuFellBack
	}
	if t.env.Now().Sub(g.syncedAt) >= gpuKeepEvery {
		// A failed read back has lost this batch too: the CPU trains it.
		out := t.gpuSync()
		if out == gpuFellBack {
			keepMasks(plan, model, masks)
		}
		if out != gpuTrained {
			return 0, 0, out
		}
	}
	if !report {
		return 0, 0, gpuTrained
	}
	if math.IsNaN(lossV) || math.IsInf(lossV, 0) {
		t.gpuDiverged(fmt.Sprintf("epoch %d, batch %d: loss is %v", t.pos.epoch, t.pos.batch+1, lossV))
		return lossV, 0, gpuDiverged
	}
	return lossV, float64(correct) / float64(len(y)), gpuTrained
}

// dropoutMasks draws a batch of n examples' masks for the plan's Dropout
// ops from m's layers, as their training Forward would on the CPU.
func dropoutMasks(plan *GPUPlan, m *nn.Sequential, n int) [][]float32 {
	var masks [][]float32
	for _, i := range plan.Dropouts() {
		op := plan.Ops[i]
		masks = append(masks, m.Layers()[op.Layer].(*nn.Dropout).DrawMask(n*op.Out))
	}
	return masks
}

// keepMasks gives a batch's masks back to m's Dropout layers, for their
// next training Forward: when the device fails a batch and the CPU trains
// it instead, it drops the units the device was told to, and the layers'
// streams stay where a CPU-only run has them.
func keepMasks(plan *GPUPlan, m *nn.Sequential, masks [][]float32) {
	for k, i := range plan.Dropouts() {
		m.Layers()[plan.Ops[i].Layer].(*nn.Dropout).SetNextMask(masks[k])
	}
}

// ErrGPUDiverged is what GPUSession.Sync returns, having copied nothing,
// when the device's weights are not all finite.
var ErrGPUDiverged = errors.New("the weights on the GPU are NaN or infinite")

// gpuDiverged handles a run that diverged on the device (a NaN loss read
// back, or NaN weights found by a Sync): the device's weights are spoilt,
// so they are dropped for the last ones read back, the optimizer starts
// afresh (as after a divergence on the CPU) and training pauses.
func (t *Trainer) gpuDiverged(what string) {
	t.gpu.close()
	if err := t.freshOptimizer(); err != nil {
		panic(err) // the spec's optimizer was built once already
	}
	t.post(protocol.Error{Message: fmt.Sprintf(
		"%s — the run diverged on WebGPU; try a lower learning rate (now %g). Training is paused with the weights last read back from the GPU: lower the learning rate, then resume.",
		what, t.model.Optimizer().LearningRate())})
	t.setState(protocol.StatePaused)
	t.postProgress()
}

// gpuSync copies the device's weights and optimizer state into the Go
// model, so that everything else (evaluate, predict, snapshots, export)
// sees them. A failure falls back to the CPU (gpuFellBack); NaN weights
// pause the run (gpuDiverged).
func (t *Trainer) gpuSync() gpuOutcome {
	g := &t.gpu
	if g.session == nil || g.synced {
		return gpuTrained
	}
	if err := g.session.Sync(g.model); err != nil {
		if errors.Is(err, ErrGPUDiverged) {
			t.gpuDiverged(fmt.Sprintf("epoch %d: %v", t.pos.epoch, err))
			return gpuDiverged
		}
		t.gpuFail(fmt.Sprintf("WebGPU failed reading the weights back (%v)", err))
		return gpuFellBack
	}
	g.synced, g.syncedAt = true, t.env.Now()
	return gpuTrained
}

// gpuRelease syncs and closes the session.
func (t *Trainer) gpuRelease() {
	t.gpuSync()
	t.gpu.close()
}

// close frees the session's device memory, without reading it back; the
// next batch on the GPU opens a new one.
func (g *gpuState) close() {
	if g.session != nil {
		g.session.Close()
		g.session, g.plan, g.model = nil, nil, nil
	}
}

// gpuFail takes the GPU out of use after a failure: the session is
// dropped unread, so the Go model keeps the weights (and optimizer state)
// last read back, and training goes on from there on the CPU. The page
// hears why at once.
func (t *Trainer) gpuFail(why string) {
	g := &t.gpu
	g.close()
	g.failed = fmt.Sprintf("%s; training continues on %s from the weights last read back", why, cpuName())
	g.decided = false
	t.announceBackend(announceAlways)
}

// gpuBefore keeps the Go model and the device consistent around a
// request: requests that only read the model get it synced; those that
// may change it (a backend switch, new data…) also close the session, so
// the next batch uploads afresh. Training requests leave the session
// alone. A request for a new model gets the weights synced (a new head
// starts from them); the session closes when the new model is accepted
// (replace), so a refused one leaves training on the device.
func (t *Trainer) gpuBefore(r protocol.Request) {
	if t.gpu.session == nil {
		return
	}
	if b, ok := r.(protocol.BackendRequest); ok && b.Name == "" {
		return // a question (or a test's fault): the session stays
	}
	if replacesModel(r) {
		t.gpuSync() // replace closes the session if the new model is accepted
		return
	}
	switch r.(type) {
	case protocol.Start, protocol.Resume, protocol.Step, protocol.Set, protocol.StatsRequest:
	case protocol.Pause, protocol.Stop, protocol.Predict, protocol.Evaluate, protocol.SnapshotRequest,
		protocol.TraceRequest, protocol.ExportModel,
		protocol.ExplainRequest, protocol.NeighboursRequest, protocol.FlipRequest, protocol.CellRequest,
		protocol.EmbeddingRequest, protocol.RecordRun, protocol.LeaderboardRequest: // the explain views read the weights only
		t.gpuSync()
	default:
		t.gpuRelease()
	}
}

// addAccuracy records the accuracy of a batch trained on the GPU (that of
// its forward pass, before the update; sampleAccuracy measures after it).
func (t *Trainer) addAccuracy(acc float64) {
	t.stats.acc.add(acc, 0.3)
	t.stats.epochAcc.add(acc)
}
