package trainer

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/nnplay/nnplay/engine/data"
	"github.com/nnplay/nnplay/engine/kernels"
	"github.com/nnplay/nnplay/engine/nn"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// clockedGPU starts a trainer on a fake GPU with the first 640 MNIST
// training images, whose clock moves only when the test calls advance.
func clockedGPU(t *testing.T) (h *harness, g *fakeGPU, train *data.Set, advance func(time.Duration)) {
	var offset atomic.Int64
	start := time.Now()
	g = &fakeGPU{adapter: GPUAdapter{Description: "FakeGPU"}}
	h = newHarness(t, nil)
	h.tr.env.GPU = g
	h.tr.env.Now = func() time.Time { return start.Add(time.Duration(offset.Load())) }
	all, test := mnist(t)
	train = all.Slice(0, 640)
	h = h.withData(train, test.Slice(0, 100)).run()
	return h, g, train, func(d time.Duration) { offset.Add(int64(d)) }
}

// TestGPUReadsBackWhileTraining: a run on the GPU reads the weights back
// every gpuKeepEvery, so a device lost later loses only the batches since
// then, not everything since the session opened.
func TestGPUReadsBackWhileTraining(t *testing.T) {
	h, g, _, advance := clockedGPU(t)

	h.send(protocol.BackendRequest{Name: protocol.BackendWebGPU}, protocol.Build{Spec: seed1()}, protocol.Step{}, protocol.Step{})
	for n := 0; n < 2; {
		if _, ok := h.await("progress", isType("progress")).(protocol.Progress); ok {
			n++
		}
	}
	if g.syncs != 0 {
		t.Fatalf("%d read backs after 2 quick batches; want none (the device keeps the weights)", g.syncs)
	}
	advance(gpuKeepEvery + time.Second)
	h.send(protocol.Step{})
	h.await("progress", isType("progress"))
	if g.syncs != 1 {
		t.Errorf("%d read backs after a batch %v after the session opened; want 1", g.syncs, gpuKeepEvery+time.Second)
	}
	// The device is lost: the weights read back after batch 3 survive.
	h.send(protocol.BackendRequest{Fault: protocol.FaultDevice}, protocol.Step{}, protocol.SnapshotRequest{ID: 1})
	h.await("backend falling back", isBackend(kernels.Backend()))
	sameParams(t, "3 batches on the GPU, then the device lost, then 1 on the CPU", h.await("snapshot", isType("snapshot")).(protocol.Snapshot), cpuSnapshot(t, 4))
}

// TestGPUStatsMeasuredOnTheCPU trains on the fake GPU and asks for the
// Inside panel's statistics. The device measures none: the trainer reads
// the weights back and measures the last reported batch on the CPU, which
// must give what nn.BatchStats gives on that batch after that batch's
// step, computed here independently. While running it measures at most
// every gpuStatsEvery (the page asks twice a second); paused, whenever a
// batch is new. (TestGPUTrainsLikeCPU asks for statistics between its
// batches: measuring leaves the training bit-identical.)
func TestGPUStatsMeasuredOnTheCPU(t *testing.T) {
	h, g, train, advance := clockedGPU(t)
	stats := func(id int) protocol.Stats {
		t.Helper()
		h.send(protocol.StatsRequest{ID: id})
		return h.await("stats", func(e protocol.Event) bool { s, ok := e.(protocol.Stats); return ok && s.ID == id }).(protocol.Stats)
	}

	h.send(protocol.BackendRequest{Name: protocol.BackendWebGPU}, protocol.Build{Spec: seed1()}, protocol.Step{})
	h.await("progress", isType("progress"))
	got := stats(1)
	if g.syncs != 1 || got.GlobalBatch != 1 {
		t.Fatalf("after a Step on the GPU: stats of batch %d with %d read backs; want batch 1, 1 read back", got.GlobalBatch, g.syncs)
	}

	// The same numbers independently: batch 1 of epoch 1, one Adam step,
	// then measured at the new weights.
	s := seed1()
	m, err := nn.Build(s)
	if err != nil {
		t.Fatal(err)
	}
	x, y := train.Batch(data.Permutation(train.Len(), s.Seed, 0)[:s.BatchSize])
	if err := x.Reshape(append([]int{s.BatchSize}, s.Input...)...); err != nil {
		t.Fatal(err)
	}
	loss, err := m.TrainBatch(x, y)
	if err != nil {
		t.Fatal(err)
	}
	_, want, err := m.BatchStats(x, y)
	if err != nil {
		t.Fatal(err)
	}
	if got.Loss != loss || len(got.Layers) != len(want) {
		t.Fatalf("loss %v and %d layers; want the batch's loss %v and %d layers", got.Loss, len(got.Layers), loss, len(want))
	}
	for i, l := range got.Layers {
		w := want[i]
		if l.Mean != w.Mean || l.Std != w.Std || l.Dead != w.Dead || l.ReLU != w.ReLU || len(l.Params) != len(w.Params) {
			t.Fatalf("layer %d: %+v; want %+v", i, l, w)
		}
		for j, p := range l.Params {
			if p.GradNorm != w.Params[j].GradNorm || p.WeightNorm != w.Params[j].WeightNorm || p.GradNorm == 0 {
				t.Errorf("layer %d %s: grad norm %v weight norm %v; want %v %v", i, p.Name, p.GradNorm, p.WeightNorm, w.Params[j].GradNorm, w.Params[j].WeightNorm)
			}
		}
	}

	// Paused, no new batch: nothing to measure, nothing read back.
	if again := stats(2); again.GlobalBatch != 1 || g.syncs != 1 {
		t.Errorf("asked again with no new batch: batch %d, %d read backs; want batch 1, 1", again.GlobalBatch, g.syncs)
	}
	// Running, less than gpuStatsEvery after the last measurement: the
	// previous statistics, and no read back for them (the pause syncs).
	h.send(protocol.Step{})
	h.await("progress", isType("progress"))
	h.send(protocol.Resume{}, protocol.StatsRequest{ID: 3}, protocol.Pause{})
	if early := h.await("stats", isType("stats")).(protocol.Stats); early.ID != 3 || early.GlobalBatch != 1 {
		t.Errorf("running, just after a measurement: stats %d of batch %d; want 3 of batch 1", early.ID, early.GlobalBatch)
	}
	h.await("paused", isState(protocol.StatePaused))
	// Running, past gpuStatsEvery: measured again, of a later batch.
	h.send(protocol.Step{})
	h.await("progress", isType("progress"))
	advance(2 * gpuStatsEvery)
	syncs := g.syncs
	h.send(protocol.Resume{}, protocol.StatsRequest{ID: 4}, protocol.Pause{})
	if due := h.await("stats", isType("stats")).(protocol.Stats); due.ID != 4 || due.GlobalBatch <= 2 || len(due.Layers) != 3 || g.syncs <= syncs {
		t.Errorf("running, %v after a measurement: stats %d of batch %d (%d layers), read backs %d → %d; want a batch after 2, measured",
			2*gpuStatsEvery, due.ID, due.GlobalBatch, len(due.Layers), syncs, g.syncs)
	}
	h.await("paused", isState(protocol.StatePaused))
}
