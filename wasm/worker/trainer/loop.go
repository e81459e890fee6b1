package trainer

import (
	"errors"
	"fmt"
	"time"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/data"
	"github.com/nnplay/nnplay/engine/nn"
	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// position is where training is: epoch (1-based), the samples of this
// epoch's permutation already trained, and batch counts.
type position struct {
	epoch  int
	pos    int   // samples of perm consumed
	batch  int   // batches done in this epoch
	global int   // batches done since the model was built
	perm   []int // this epoch's order; nil until the epoch's first batch
}

// stats smooths what progress reports.
type stats struct {
	loss, acc   ema
	epochLoss   mean
	epochAcc    mean
	rate        float64   // samples/s, smoothed
	windowStart time.Time // start of the current rate window
	windowN     int       // samples trained in the window
	lastPost    time.Time
}

// ema is an exponential moving average with bias correction (as Adam's),
// so the first values are not pulled towards zero.
type ema struct {
	v, weight float64
}

func (e *ema) add(x, alpha float64) {
	e.v = (1-alpha)*e.v + alpha*x
	e.weight = (1-alpha)*e.weight + alpha
}

func (e ema) value() float64 {
	if e.weight == 0 {
		return 0
	}
	return e.v / e.weight
}

type mean struct {
	sum float64
	n   int
}

func (m *mean) add(x float64) { m.sum += x; m.n++ }
func (m mean) value() float64 {
	if m.n == 0 {
		return 0
	}
	return m.sum / float64(m.n)
}

// start's step: train on, or one batch.
const (
	keepTraining = false
	oneBatch     = true
)

// start begins (or, for step, advances by one batch) training.
func (t *Trainer) start(step bool) error {
	if t.model == nil {
		return fmt.Errorf("build a model before training")
	}
	if t.userActive() || spec.IsDescribed(t.spec.Dataset) {
		if err := t.checkUserData("train"); err != nil {
			return err
		}
	} else if t.play == nil && t.train == nil {
		if err := t.loadData(t.dataBase); err != nil {
			return err
		}
	}
	if t.state == protocol.StateDone || t.state == protocol.StateStopped {
		// Another run of Epochs epochs, from the current weights (as a
		// second call to Keras' fit).
		t.pos = position{epoch: 1, global: t.pos.global}
		t.stats.epochLoss, t.stats.epochAcc = mean{}, mean{}
	}
	t.stats.windowStart, t.stats.windowN = t.env.Now(), 0
	t.resetPace()
	if step {
		t.setState(protocol.StatePaused)
		t.trainBatch(reportNow)
		return nil
	}
	t.setState(protocol.StateRunning)
	return nil
}

// trainBatch's report: progress now, or when it is due.
const (
	reportNow     = true
	reportWhenDue = false
)

// trainBatch trains the next batch of the epoch and reports progress when
// it is due (always when report is set). A batch that fails (a NaN loss) leaves the weights as they
// were and pauses training.
//
// The batches that report progress (at most 20 a second) also measure
// the per-layer statistics that stats requests answer with (on the GPU,
// the CPU measures them when asked: gpuMeasure).
func (t *Trainer) trainBatch(report bool) {
	train := t.trainSet()
	n := train.Len()
	if t.pos.perm == nil {
		t.pos.perm = data.Permutation(n, t.spec.Seed, t.pos.epoch-1)
	}
	end := min(t.pos.pos+t.spec.BatchSize, n)
	if nn.Scheduled(t.spec.Optimizer) {
		// Progress in samples rather than batches, so a batch size changed
		// mid-run keeps the schedule's pace.
		t.model.Optimizer().SetLearningRate(nn.ScheduledLearningRate(t.spec.Optimizer, (t.pos.epoch-1)*n+t.pos.pos, n, t.spec.Epochs))
	}
	x, labels := t.batch(train, t.pos.perm[t.pos.pos:end])
	x, y := t.inputs(x), t.targets(labels)
	// An epoch's last batch always reports, so that an epoch shorter than
	// progressEvery (a small table's) still measures its accuracy.
	report = report || t.env.Now().Sub(t.stats.lastPost) >= progressEvery || (end == n && t.play == nil)
	var (
		loss   float64
		layers []nn.LayerStats
		err    error
		gpu    = t.useGPU()
		gpuAcc float64
	)
	if gpu {
		var out gpuOutcome
		loss, gpuAcc, out = t.gpuBatch(x.Float32s(), labels.Float32s(), report) // the device takes class labels
		switch out {
		case gpuDiverged:
			return
		case gpuFellBack:
			gpu = false
		}
	}
	correct := -1 // the forward pass's correct predictions, when known
	if !gpu {
		if workers, _ := t.workersFor(); workers > 1 {
			loss, layers, correct, err = t.parallelBatch(x, y, workers, report)
		} else {
			loss, layers, err = t.singleBatch(x, y, report)
		}
	}
	if err != nil {
		var diverged *nn.DivergedError
		if errors.As(err, &diverged) {
			// The weights are the last good ones, but an optimizer's state
			// (Adam's moments) may hold the bad step: start it afresh.
			if err := t.freshOptimizer(); err != nil {
				panic(err) // the spec's optimizer was built once already
			}
		}
		t.post(protocol.Error{Message: fmt.Sprintf(
			"epoch %d, batch %d: %v. Training is paused with the last good weights: lower the learning rate, then resume.",
			t.pos.epoch, t.pos.batch+1, err)})
		t.setState(protocol.StatePaused)
		t.postProgress()
		return
	}
	t.pos.pos = end
	t.pos.batch++
	t.pos.global++
	if !gpu || report { // the GPU's loss is read back only when it is shown
		t.stats.loss.add(loss, 0.05)
		t.stats.epochLoss.add(loss)
	}
	t.stats.windowN += x.Shape()[0]
	if t.play != nil {
		t.play.paced++
	}
	if report {
		if gpu {
			t.gpu.reported = &reportedBatch{global: t.pos.global, loss: loss, x: x, y: y}
			t.addAccuracy(gpuAcc) // of the batch's forward pass, before the update
		} else {
			t.measured = &measured{global: t.pos.global, loss: loss, layers: layers}
			switch {
			case correct < 0:
				t.sampleAccuracy(x, y)
			case !t.regression():
				// Of the forward pass, before the update (as on WebGPU):
				// not a second pass on this worker while the others wait.
				t.addAccuracy(float64(correct) / float64(x.Shape()[0]))
			}
		}
		t.postProgress()
	}
	if t.pos.pos >= n {
		t.endEpoch()
	}
	t.goalBatch() // a run towards a goal (finetune.go) may end here
}

// freshOptimizer recompiles the model with a new optimizer from the spec.
func (t *Trainer) freshOptimizer() error {
	opt, err := nn.NewOptimizer(t.spec.Optimizer)
	if err != nil {
		return err
	}
	t.model.Compile(opt, t.model.Loss())
	return nil
}

// sampleAccuracy measures the accuracy of the model on the batch it has
// just trained on. It runs only when progress is posted (≤ 20 times a
// second), so it costs a forward pass now and then, not on every batch.
func (t *Trainer) sampleAccuracy(x, y *tensor.Dense) {
	if t.regression() {
		return // a regression has no accuracy; its loss is what progress shows
	}
	probs := t.model.Predict(x)
	p := probs.Data().([]float32)
	k := probs.Shape()[len(probs.Shape())-1]
	labels := y.Data().([]float32)
	right := 0
	n := len(p) / k
	for i := 0; i < n; i++ {
		if argmax(p[i*k:(i+1)*k]) == label(labels, i, k, len(labels) != n) {
			right++
		}
	}
	acc := float64(right) / float64(n)
	t.stats.acc.add(acc, 0.3)
	t.stats.epochAcc.add(acc)
}

// endEpoch evaluates on the test set and moves to the next epoch (or to done).
//
// The playground's epochs are a few batches each and never end training:
// it moves on to the next epoch silently (frames report the losses).
func (t *Trainer) endEpoch() {
	if t.play != nil {
		t.pos = position{epoch: t.pos.epoch + 1, global: t.pos.global}
		return
	}
	if t.goalEpoch() {
		return // a run towards a goal checks its accuracy itself
	}
	t.gpuSync() // evaluate the weights the GPU has trained
	if t.userActive() && t.regression() {
		t.endRegressionEpoch()
		return
	}
	ev, err := t.evaluation(0)
	if err != nil {
		t.setState(protocol.StatePaused)
		t.post(protocol.Error{Message: fmt.Sprintf("evaluating epoch %d: %v", t.pos.epoch, err)})
		return
	}
	valLoss, valAcc := ev.Loss, ev.Accuracy
	if v, ok := t.validation(); ok { // the user's data set has its own validation split
		valLoss, valAcc = v.Loss, v.Accuracy
	}
	t.post(protocol.EpochEnd{
		Epoch: t.pos.epoch, Loss: t.stats.epochLoss.value(), Accuracy: t.stats.epochAcc.value(),
		ValLoss: valLoss, ValAccuracy: valAcc,
	})
	t.epochsDone++
	t.post(ev)
	t.recordEpoch() // a run snapshot, when the page records the run
	t.stats.epochLoss, t.stats.epochAcc = mean{}, mean{}
	t.stats.windowStart, t.stats.windowN = t.env.Now(), 0 // evaluation time is not training time
	if t.pos.epoch >= t.spec.Epochs {
		t.setState(protocol.StateDone)
		t.postProgress()
		return
	}
	t.pos = position{epoch: t.pos.epoch + 1, global: t.pos.global}
	t.postProgress()
}

// postProgress sends where training is now.
func (t *Trainer) postProgress() {
	now := t.env.Now()
	if dt := now.Sub(t.stats.windowStart).Seconds(); dt > 0.02 && t.stats.windowN > 0 {
		r := float64(t.stats.windowN) / dt
		if t.stats.rate == 0 {
			t.stats.rate = r
		} else {
			t.stats.rate = 0.7*t.stats.rate + 0.3*r
		}
		t.stats.windowStart, t.stats.windowN = now, 0
	}
	t.stats.lastPost = now
	n, bs := 0, max(t.spec.BatchSize, 1)
	if train := t.trainSet(); train != nil {
		n = train.Len()
	}
	left := n - t.pos.pos
	eta := 0.0
	epochs := t.spec.Epochs
	if t.play != nil {
		epochs = 0 // the playground trains until paused
	} else if t.stats.rate > 0 {
		eta = float64(left+(t.spec.Epochs-t.pos.epoch)*n) / t.stats.rate
	}
	p := protocol.Progress{
		Epoch: t.pos.epoch, Epochs: epochs,
		Batch: t.pos.batch, Batches: t.pos.batch + (left+bs-1)/bs, GlobalBatch: t.pos.global,
		Loss: t.stats.loss.value(), Accuracy: t.stats.acc.value(),
		SamplesPerSec: t.stats.rate, ETASeconds: max(eta, 0), State: t.state,
	}
	if t.model != nil && nn.Scheduled(t.spec.Optimizer) {
		p.LearningRate = t.model.Optimizer().LearningRate()
	}
	p.Parallel = t.stepTimes()
	t.post(p)
}

// set changes the learning rate or batch size; the next batch uses them.
func (t *Trainer) set(r protocol.Set) error {
	if r.LearningRate > spec.MaxLearningRate {
		return fmt.Errorf("learning rate %v is above the limit of %v", r.LearningRate, float64(spec.MaxLearningRate))
	}
	if r.LearningRate > 0 {
		t.spec.Optimizer.LearningRate = r.LearningRate
		if t.model != nil {
			t.model.Optimizer().SetLearningRate(r.LearningRate)
		}
	}
	if r.BatchSize > 0 {
		t.spec.BatchSize = r.BatchSize
	}
	t.resetPace()
	if t.model != nil {
		t.postProgress()
	}
	return nil
}

// inputs reshapes a batch of flat images to the model's input shape.
func (t *Trainer) inputs(x *tensor.Dense) *tensor.Dense {
	shape := append([]int{x.Shape()[0]}, t.spec.Input...)
	if err := x.Reshape(shape...); err != nil {
		panic(fmt.Sprintf("input shape %v does not fit the data: %v", t.spec.Input, err))
	}
	return x
}

// targets turns class indices into what the loss expects: indices for the
// sparse cross-entropy, one-hot rows for the others.
func (t *Trainer) targets(y *tensor.Dense) *tensor.Dense {
	if t.spec.Loss == spec.LossSparseCategoricalCrossentropy || len(y.Shape()) == 2 {
		return y // class indices, or a regression's (N, 1) targets
	}
	oh, err := nn.OneHot(y, t.classes())
	if err != nil {
		panic(err) // the labels come from a checked data set
	}
	return oh
}

// classes is the number of classes of the data set trained on.
func (t *Trainer) classes() int {
	if t.play != nil {
		return t.play.classes
	}
	if t.userActive() {
		return len(t.user.parts.Data.Classes)
	}
	if len(t.spec.Classes) > 0 {
		return len(t.spec.Classes)
	}
	return protocol.Classes
}

// trainSet and testSet are the data trained and tested on: the toy sets
// in the playground, else MNIST (nil until loaded).
func (t *Trainer) trainSet() *data.Set {
	if t.play != nil {
		return t.play.train
	}
	if t.userActive() {
		return t.user.parts.Train
	}
	if s := t.subset(); s != nil {
		return s.train
	}
	return t.train
}

func (t *Trainer) testSet() *data.Set {
	if t.play != nil {
		return t.play.test
	}
	if t.userActive() {
		return t.user.parts.Test
	}
	if s := t.subset(); s != nil {
		return s.test
	}
	return t.test
}

func argmax(v []float32) int {
	best := 0
	for i, x := range v {
		if x > v[best] {
			best = i
		}
	}
	return best
}

// label is example i's class from targets that are indices or one-hot rows.
func label(y []float32, i, k int, oneHot bool) int {
	if oneHot {
		return argmax(y[i*k : (i+1)*k])
	}
	return int(y[i])
}
