package trainer

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/nnplay/nnplay/engine/ddp"
	"github.com/nnplay/nnplay/engine/nn"
	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// localWorkers are helper goroutines (engine/ddp.Local), the browser's
// Web Workers' stand-in.
type localWorkers struct {
	def, max int
	why      string
	starts   *int // counts Start calls, when set
}

func (w localWorkers) Limits() (def, max int, why string) { return w.def, w.max, w.why }

func (w localWorkers) Start(m *nn.Sequential, specJSON []byte, helpers int) (WorkerGroup, error) {
	if w.starts != nil {
		*w.starts++
	}
	var s spec.Model
	if err := json.Unmarshal(specJSON, &s); err != nil {
		return nil, err
	}
	var replicas []*nn.Sequential
	for range helpers {
		r, err := nn.Build(s)
		if err != nil {
			return nil, err
		}
		replicas = append(replicas, r)
	}
	return localGroup{ddp.NewLocal(replicas...)}, nil
}

type localGroup struct{ *ddp.Local }

func (g localGroup) FaultNext(rank int, fault string) {
	if fault == protocol.FaultWorkerThrows {
		g.Throw(rank)
		return
	}
	g.Kill(rank, 0)
}

func (g localGroup) Reset(m *nn.Sequential, specJSON []byte) error {
	var s spec.Model
	if err := json.Unmarshal(specJSON, &s); err != nil {
		return err
	}
	replicas := make([]*nn.Sequential, g.Len())
	for i := range replicas {
		r, err := nn.Build(s)
		if err != nil {
			return err
		}
		replicas[i] = r
	}
	return g.Replace(replicas...)
}

// parallelHarness is a harness whose trainer has helper goroutines.
func parallelHarness(t *testing.T, w localWorkers) *harness {
	h := newHarness(t, nil)
	h.tr.env.Workers = w
	train, test := mnist(t)
	return h.withData(train.Slice(0, 3200), test.Slice(0, 500)).run()
}

// weightsAfter trains steps batches of s on workers workers and returns
// the snapshot's weights.
func weightsAfter(t *testing.T, s spec.Model, workers, steps int) []protocol.ParamData {
	h := parallelHarness(t, localWorkers{def: 1, max: 4})
	h.send(protocol.BackendRequest{Workers: workers})
	if b := h.await("backend", isType("backend")).(protocol.Backend); b.Workers != workers || b.WorkersChoice != workers || b.MaxWorkers != 4 {
		t.Fatalf("after choosing %d workers: %+v", workers, b)
	}
	h.send(protocol.Build{Spec: s})
	for range steps {
		h.send(protocol.Step{})
	}
	h.send(protocol.SnapshotRequest{ID: 1})
	return h.await("snapshot", isType("snapshot")).(protocol.Snapshot).Params
}

// TestParallelWorkers: the same worker count gives the same bits; 1 and 3
// workers agree within summation order (a model with Dropout and
// BatchNormalization, under a cosine schedule and clipping).
func TestParallelWorkers(t *testing.T) {
	s := seed1()
	s.Layers = []spec.Layer{
		spec.Dense(64, spec.ActReLU), {Type: spec.TypeDropout, Rate: 0.3},
		{Type: spec.TypeBatchNormalization, Momentum: 0.9, Epsilon: 1e-3},
		spec.Dense(10, spec.ActSoftmax),
	}
	s.Optimizer.Schedule = spec.ScheduleCosine
	s.Optimizer.GlobalClipNorm = 1
	steps := 20
	one := weightsAfter(t, s, 1, steps)
	a, b := weightsAfter(t, s, 3, steps), weightsAfter(t, s, 3, steps)
	var diff, norm float64
	for i := range one {
		if !bytes.Equal(a[i].Data, b[i].Data) {
			t.Errorf("layer %d %s: two runs on 3 workers differ", a[i].Layer, a[i].Name)
		}
		w1, w3 := floatsOf(t, one[i].Data), floatsOf(t, a[i].Data)
		for j := range w1 {
			diff += (float64(w1[j]) - float64(w3[j])) * (float64(w1[j]) - float64(w3[j]))
			norm += float64(w1[j]) * float64(w1[j])
		}
	}
	if d := math.Sqrt(diff / norm); !(d <= 1e-5) || d == 0 {
		t.Errorf("1 vs 3 workers: weights %.3g apart (relative); want within summation order (≤ 1e-5, not 0)", d)
	}
}

// TestLostWorkerTrainingGoesOn: a worker terminated mid-batch is dropped
// with a note; training goes on with the others and keeps what it trained.
func TestLostWorkerTrainingGoesOn(t *testing.T) {
	h := parallelHarness(t, localWorkers{def: 3, max: 3})
	h.send(protocol.BackendRequest{Workers: 3})
	if b := h.await("backend", isType("backend")).(protocol.Backend); b.Workers != 3 || b.WorkersNote != "" {
		t.Fatalf("3 workers chosen: %+v", b)
	}
	h.send(protocol.Build{Spec: seed1()}, protocol.Step{}, protocol.Step{}, protocol.SnapshotRequest{ID: 1})
	before := h.await("snapshot", isType("snapshot")).(protocol.Snapshot)
	h.send(protocol.BackendRequest{Fault: protocol.FaultWorker}, protocol.Start{})
	b := h.await("the note", func(e protocol.Event) bool {
		b, ok := e.(protocol.Backend)
		return ok && b.WorkersNote != ""
	}).(protocol.Backend)
	want := "training worker 2 stopped: it was terminated; training goes on with 2 workers from the last weights"
	if b.Workers != 2 || b.WorkersNote != want {
		t.Errorf("after the fault: %d workers, note %q; want 2 and %q", b.Workers, b.WorkersNote, want)
	}
	p := h.await("progress past batch 10", func(e protocol.Event) bool {
		p, ok := e.(protocol.Progress)
		return ok && p.GlobalBatch > 10
	}).(protocol.Progress)
	if !(p.Loss > 0 && p.Loss < 3) {
		t.Errorf("progress after the loss: %+v", p)
	}
	h.send(protocol.Pause{}, protocol.SnapshotRequest{ID: 2})
	after := h.await("snapshot", isType("snapshot")).(protocol.Snapshot)
	if bytes.Equal(after.Params[0].Data, before.Params[0].Data) {
		t.Error("the weights did not move after the lost worker")
	}
	// One that throws goes the same way, with its reason.
	h.send(protocol.BackendRequest{Fault: protocol.FaultWorkerThrows}, protocol.Step{})
	b = h.await("the second note", func(e protocol.Event) bool {
		b, ok := e.(protocol.Backend)
		return ok && b.Workers == 1
	}).(protocol.Backend)
	if want := "training worker 2 stopped: it failed: a fault a test injected; training goes on with 1 worker from the last weights"; b.WorkersNote != want {
		t.Errorf("after the helper threw: note %q; want %q", b.WorkersNote, want)
	}
	h.await("the step's progress", isType("progress"))
}

// TestWorkersFallBack: without shared memory, and in the playground, one
// worker trains and the backend event says why.
func TestWorkersFallBack(t *testing.T) {
	why := "the page is not cross-origin isolated"
	h := parallelHarness(t, localWorkers{def: 1, max: 1, why: why})
	h.send(protocol.BackendRequest{Workers: 2})
	if b := h.await("backend", isType("backend")).(protocol.Backend); b.Workers != 1 || b.WorkersChoice != 2 || b.WorkersNote != why {
		t.Errorf("2 workers without shared memory: %+v", b)
	}
	h.send(protocol.Build{Spec: seed1()}, protocol.Step{})
	h.await("progress", isType("progress"))

	p := parallelHarness(t, localWorkers{def: 2, max: 2})
	p.send(spiralBuild())
	p.await("built", isType("built"))
	p.send(protocol.BackendRequest{})
	b := p.await("backend", isType("backend")).(protocol.Backend)
	if b.Workers != 1 || !strings.Contains(b.WorkersNote, "the playground trains on one worker") {
		t.Errorf("the playground: %+v", b)
	}
	p.send(protocol.BackendRequest{Fault: protocol.FaultWorker})
	if e := p.await("an error", isType("error")).(protocol.Error); !strings.Contains(e.Message, "only one training worker runs") {
		t.Errorf("fault with one worker: %q", e.Message)
	}
}

// TestWorkersOutliveAModel: a new model keeps the helper workers (they
// build its spec), and trains on them.
func TestWorkersOutliveAModel(t *testing.T) {
	starts := 0
	h := parallelHarness(t, localWorkers{def: 2, max: 2, starts: &starts})
	h.send(protocol.BackendRequest{Workers: 2})
	h.await("backend", isType("backend"))
	other := seed1()
	other.Layers = []spec.Layer{spec.Dense(32, spec.ActReLU), {Type: spec.TypeBatchNormalization, Momentum: 0.9, Epsilon: 1e-3}, spec.Dense(10, spec.ActSoftmax)}
	h.send(protocol.Build{Spec: seed1()}, protocol.Step{}, protocol.Build{Spec: other}, protocol.Step{}, protocol.Step{}, protocol.BackendRequest{})
	b := h.await("backend", isType("backend")).(protocol.Backend)
	if starts != 1 || b.Workers != 2 || b.WorkersNote != "" {
		t.Errorf("after two models: %d starts, %+v; want one start and 2 workers", starts, b)
	}
	for _, e := range h.seen {
		if p, ok := e.(protocol.Progress); ok && !(p.Loss > 0) {
			t.Errorf("progress %+v", p)
		}
	}
}

// TestWorkersDefaultByModel: without a choice from the page, a model of
// Dense layers trains on one worker of three (with a note saying why and
// how to share anyway), a convolutional or recurrent one on all three, and
// the page's choice wins over both.
func TestWorkersDefaultByModel(t *testing.T) {
	h := parallelHarness(t, localWorkers{def: 3, max: 3})
	backend := func(what string) protocol.Backend {
		t.Helper()
		h.send(protocol.BackendRequest{})
		return h.await(what, isType("backend")).(protocol.Backend)
	}
	h.send(protocol.Build{Spec: seed1()}, protocol.Step{})
	h.await("the MLP's step", isType("progress"))
	if b := backend("the MLP's backend"); b.Workers != 1 || b.WorkersChoice != 1 || b.WorkersNote != defaultOneWorker {
		t.Errorf("the seed MLP by default: %+v; want 1 worker, chosen 1, note %q", b, defaultOneWorker)
	}
	for _, m := range []struct {
		name  string
		model spec.Model
	}{{"LeNet", spec.LeNet()}, {"the row-by-row LSTM", spec.RowByRowRNN()}} {
		m.model.BatchSize = 16
		h.send(protocol.Build{Spec: m.model}, protocol.Step{})
		h.await(m.name+"'s step", isType("progress"))
		if b := backend(m.name + "'s backend"); b.Workers != 3 || b.WorkersChoice != 3 || b.WorkersNote != "" {
			t.Errorf("%s by default: %+v; want 3 workers and no note", m.name, b)
		}
	}
	h.send(protocol.BackendRequest{Workers: 2}, protocol.Build{Spec: seed1()}, protocol.Step{})
	h.await("the MLP's step on 2", isType("progress"))
	if b := backend("the chosen count's backend"); b.Workers != 2 || b.WorkersChoice != 2 || b.WorkersNote != "" {
		t.Errorf("the seed MLP on 2 workers chosen: %+v; want 2 workers and no note", b)
	}
}
