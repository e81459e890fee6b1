// Package trainer is the training worker's logic, free of syscall/js so it
// builds and tests natively: it takes protocol requests from a Queue, trains
// a model batch by batch and reports protocol events through Env.Post.
//
// The js/wasm glue (wasm/worker) supplies the Env: posting with
// postMessage, fetching with the browser's fetch, and yielding to the JS
// event loop so that requests that arrive during training are received.
package trainer

import (
	"fmt"
	"reflect"
	"runtime"
	"runtime/debug"
	"time"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/data"
	"github.com/nnplay/nnplay/engine/nn"
	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// Timing of the training loop.
const (
	// progressEvery throttles progress messages to at most 20 a second.
	progressEvery = 50 * time.Millisecond
	// yieldEvery is how long the loop trains before it lets requests in.
	yieldEvery = 20 * time.Millisecond
)

// Env is what the trainer needs from its host.
type Env struct {
	// Post sends one encoded event (a protocol.Encode string) to the page.
	Post func(msg string)
	// PostWire sends an event whose payload travels beside its text
	// (protocol.EncodeWire: a model file, a run's snapshot); nil: such
	// events go through Post as Encode's text too.
	PostWire func(w protocol.Wire)
	// Fetch returns the body at url, calling progress as bytes arrive
	// (total 0 when unknown). A 404 is an error wrapping ErrNotFound.
	Fetch func(url string, progress func(loaded, total int64)) ([]byte, error)
	// Yield lets the host deliver pending requests into the Queue
	// (nil: runtime.Gosched).
	Yield func()
	// Now is the clock for throttling and samples/s.
	Now func() time.Time
	// GPU trains Dense and convolutional models on WebGPU (wasm/webgpu); nil where there
	// is none (natively, or a browser without navigator.gpu).
	GPU GPU
	// Mark notes a milestone on the host's timeline (performance.mark in
	// the browser, for measuring a first load); nil: none.
	Mark func(name string)
	// DecodeImage decodes an encoded image (PNG, JPEG, WebP, GIF, BMP) to
	// straight-alpha RGBA bytes, row-major: the browser's createImageBitmap
	// in the worker. nil: images cannot be loaded.
	DecodeImage func(encoded []byte) (rgba []byte, width, height int, err error)
	// Workers starts helper workers for data-parallel training; nil: one
	// worker trains.
	Workers Workers
}

func (t *Trainer) mark(name string) {
	if t.env.Mark != nil {
		t.env.Mark(name)
	}
}

// Trainer owns the model, the data and the training position. Only Run's
// goroutine touches it.
type Trainer struct {
	env   Env
	queue *Queue

	dataBase     string
	train, test  *data.Set
	testX, testY *tensor.Dense

	spec  spec.Model // as built, with later Set changes applied
	model *nn.Sequential
	state string
	pos   position
	stats stats
	// measured holds the per-layer statistics of the last batch that
	// posted progress (nil until one has trained since the build).
	measured *measured
	// play holds the toy data of the 2-D playground; nil while the worker
	// trains MNIST.
	play *playground
	// epochsDone counts whole epochs trained since the model was built
	// (or those a loaded model had); sub is the spec's class subset.
	epochsDone int
	sub        *classSubset
	// goal is the run towards a train_goal being followed (finetune.go).
	goal *goal
	// gpu is the WebGPU backend's state (gpu.go).
	gpu gpuState
	// par is data-parallel training's state (parallel.go).
	par parState
	// ex is the explain and compare views' state (explain.go).
	ex explainState
	// user is the user's own data set (dataset.go), kept beside MNIST;
	// models of a described data set train on it.
	user *userData
}

// New returns a trainer that reads requests from q.
func New(env Env, q *Queue) *Trainer {
	if env.Now == nil {
		env.Now = time.Now
	}
	if env.Yield == nil {
		// Let other goroutines run: under js/wasm nothing preempts a busy one.
		env.Yield = runtime.Gosched
	}
	return &Trainer{env: env, queue: q, state: protocol.StateIdle}
}

// Run handles requests, training between them while running, until the
// queue is closed.
func (t *Trainer) Run() {
	lastYield := t.env.Now()
	for {
		if t.state != protocol.StateRunning {
			r, ok := t.queue.Pop()
			if !ok {
				return
			}
			t.handle(r)
			continue
		}
		if t.queue.isClosed() {
			return
		}
		for t.state == protocol.StateRunning {
			r, ok := t.queue.TryPop()
			if !ok {
				break
			}
			t.handle(r)
		}
		if t.state != protocol.StateRunning {
			continue
		}
		if wait := t.paceWait(); wait > 0 {
			// Ahead of the playground's pace: wait, but take requests.
			if r, ok := t.queue.PopWithin(wait); ok {
				t.handle(r)
			}
			continue
		}
		t.safely("training", func() { t.trainBatch(reportWhenDue) })
		if now := t.env.Now(); now.Sub(lastYield) >= yieldEvery {
			t.env.Yield()
			lastYield = t.env.Now()
		}
	}
}

// handle carries out one request.
func (t *Trainer) handle(r protocol.Request) {
	t.safely(r.Type(), func() {
		t.gpuBefore(r) // sync the GPU's weights into the model, or let go of them
		if err := t.do(r); err != nil {
			t.post(protocol.Error{Message: err.Error(), Request: r.Type(), ID: protocol.RequestID(r)})
		}
		t.gpu.decided = false // the model or the choice may have changed
		t.announceBackend(announceOnChange)
	})
}

// safely runs f, turning a panic (a bug) into a fatal error event so the
// page can say what happened and restart the worker.
func (t *Trainer) safely(what string, f func()) {
	defer func() {
		if p := recover(); p != nil {
			t.model = nil
			t.setState(protocol.StateStopped)
			t.post(protocol.Error{
				Message: fmt.Sprintf("the training worker failed while %s: %v — reload the page", what, p),
				Fatal:   true,
			})
			println(string(debug.Stack()))
		}
	}()
	f()
}

func (t *Trainer) do(r protocol.Request) error {
	// A new model is made and checked before anything changes (replace.go):
	// one that is refused leaves the run as it was.
	if replacesModel(r) {
		next, err := t.newModel(r)
		if err != nil {
			return err
		}
		t.replace(next)
		return nil
	}
	t.goalRequest(r)      // a run towards a goal follows starts and stops
	t.leaveSnapshotFor(r) // training or a new model starts from the live weights
	switch r := r.(type) {
	case protocol.LoadData:
		if t.train != nil && (r.Base == "" || r.Base == t.dataBase) {
			t.post(protocol.DataReady{Train: t.train.Len(), Test: t.test.Len()})
			return nil
		}
		t.dataBase = r.Base
		return t.loadData(r.Base)
	case protocol.Start, protocol.Resume:
		return t.start(keepTraining)
	case protocol.Step:
		return t.start(oneBatch)
	case protocol.Pause:
		if t.state == protocol.StateRunning {
			t.setState(protocol.StatePaused)
			t.postProgress()
		}
		return nil
	case protocol.Stop:
		if t.state == protocol.StateRunning || t.state == protocol.StatePaused {
			t.setState(protocol.StateStopped)
			t.postProgress()
		}
		return nil
	case protocol.Set:
		return t.set(r)
	case protocol.Predict:
		return t.predict(r)
	case protocol.Evaluate:
		return t.evaluate(r.ID)
	case protocol.SnapshotRequest:
		return t.snapshot(r.ID)
	case protocol.TraceRequest:
		return t.trace(r)
	case protocol.RNNTraceRequest:
		return t.rnnTrace(r)
	case protocol.GradCheckRequest:
		return t.gradCheck(r)
	case protocol.StatsRequest:
		return t.postStats(r.ID)
	case protocol.PlaygroundFrameRequest:
		return t.frame(r)
	case protocol.BackendRequest:
		return t.backend(r)
	case protocol.ExportModel:
		return t.exportModel(r)
	case protocol.ExportTFJS:
		return t.exportTFJS(r)
	case protocol.TrainGoal:
		return t.trainGoal(r)
	case protocol.TuneExamples:
		return t.tuneExamples(r)
	case protocol.TestPredict:
		return t.testPredict(r)
	case protocol.LoadDataset:
		return t.loadDataset(r)
	case protocol.AugmentRequest:
		return t.augmentRequest(r)
	case protocol.PredictData:
		return t.predictData(r)
	}
	if ok, err := t.doExplain(r); ok {
		return err
	}
	return fmt.Errorf("the worker does not handle %q requests", r.Type())
}

// build makes the model m describes (a replacement: nothing changes yet).
func (t *Trainer) build(m spec.Model) (*replacement, error) {
	m = m.Defaults()
	switch {
	case spec.IsDescribed(m.Dataset):
		if t.user == nil || t.user.dataset != m.Dataset {
			return nil, fmt.Errorf("build: the spec is for the data set %q; load it first (load_dataset)", m.Dataset)
		}
		if m.Data == nil { // the loaded data set's own description
			m.Data = t.user.parts.Data.Clone()
		}
		if !reflect.DeepEqual(*m.Data, t.user.parts.Data) {
			return nil, fmt.Errorf("build: the spec was made for another reading of %q (its shape, classes or scaling differ from the data set loaded now); take the data description from dataset_ready", m.Dataset)
		}
	case m.Dataset != spec.DatasetMNIST:
		return nil, fmt.Errorf("build: the worker trains on mnist or a loaded data set; the spec asks for %q", m.Dataset)
	}
	model, err := nn.Build(m)
	if err != nil {
		return nil, fmt.Errorf("build: %v", err)
	}
	infos, err := m.Infer()
	if err != nil {
		return nil, fmt.Errorf("build: %v", err)
	}
	return &replacement{spec: m, model: model, infos: infos}, nil
}

// reset makes a fresh copy of the worker's own model: the same spec, the
// weights its seed gives.
func (t *Trainer) reset() (*replacement, error) {
	if t.model == nil {
		return nil, fmt.Errorf("reset: no model has been built yet")
	}
	if t.play != nil {
		return t.resetPlayground()
	}
	m, _ := t.own()
	return t.build(m)
}

// install makes model (built from m) the worker's model, rewinds training
// and announces it: built, then state idle.
func (t *Trainer) install(m spec.Model, model *nn.Sequential, infos []spec.LayerInfo) {
	t.spec, t.model = m, model
	t.pos = position{epoch: 1}
	t.epochsDone = 0
	t.resetStats()
	t.post(summary(m, infos))
	t.state = "" // always announce idle after a build
	t.setState(protocol.StateIdle)
}

// summary is the built message: one row per layer, Keras-style names.
func summary(m spec.Model, infos []spec.LayerInfo) protocol.Built {
	var b protocol.Built
	names := layerNames(m)
	for i, info := range infos {
		b.Rows = append(b.Rows, protocol.SummaryRow{
			Layer:  fmt.Sprintf("%s (%s)", names[i], info.Type),
			Type:   info.Type,
			Output: info.Output,
			Params: info.Params,
		})
		b.TotalParams += info.Params
		if !m.Layers[i].Frozen {
			b.TrainableParams += info.Params
		}
	}
	return b
}

// layerNames are the layers' Keras names (dense, dense_1, re_lu, …), as
// the page's builder and the model summary show them.
func layerNames(m spec.Model) []string {
	types := make([]string, len(m.Layers))
	for i, l := range m.Layers {
		types[i] = l.Type
	}
	return spec.KerasNames(types)
}

func (t *Trainer) setState(s string) {
	if t.state == s {
		return
	}
	t.state = s
	t.post(protocol.State{State: s})
}

// post encodes e and sends it. An event that breaks the protocol's rules
// (a NaN loss, say) is replaced by an error event saying so.
func (t *Trainer) post(e protocol.Event) {
	w, err := protocol.EncodeWire(e)
	switch {
	case err != nil:
		msg, _ := protocol.Encode(protocol.Error{Message: fmt.Sprintf("worker: %v", err)})
		t.env.Post(msg)
	case w.Parts == nil:
		t.env.Post(w.Text)
	case t.env.PostWire != nil:
		t.env.PostWire(w)
	default: // a host that posts only text
		msg, _ := protocol.Encode(e)
		t.env.Post(msg)
	}
}
