package trainer

import (
	"testing"

	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// onBackend builds m on a backend (choice) and sends rs, then a snapshot
// request: the weights those requests end on. g is the GPU (nil: none).
func onBackend(t *testing.T, g GPU, choice string, m spec.Model, rs ...protocol.Request) protocol.Snapshot {
	h := gpuHarness(t, g)
	h.send(protocol.BackendRequest{Name: choice}, protocol.Build{Spec: m})
	h.send(rs...)
	h.send(protocol.SnapshotRequest{ID: 9})
	return h.await("snapshot", isType("snapshot")).(protocol.Snapshot)
}

// onFakeGPU is onBackend on a new fake GPU (chosen as WebGPU), which it
// also returns.
func onFakeGPU(t *testing.T, m spec.Model, rs ...protocol.Request) (protocol.Snapshot, *fakeGPU) {
	g := &fakeGPU{adapter: GPUAdapter{Description: "FakeGPU"}}
	return onBackend(t, g, protocol.BackendWebGPU, m, rs...), g
}

// TestGPUDropoutKeepsTheCPUStream trains a model with dropout (on the
// input and between Dense layers) on the fake GPU, whose device applies
// the masks the trainer hands it, and wants the CPU's weights to the bit:
// the trainer draws each batch's masks from the layers' own rngs in the
// order and sizes the CPU's Forward would, so a seed drops the same
// units on either backend. A pause (a read back) and more batches follow,
// and a stats request, which must draw no mask. A device lost mid-run
// hands the failed batch's masks to the CPU, which keeps the bits too.
func TestGPUDropoutKeepsTheCPUStream(t *testing.T) {
	m := seed1()
	m.Layers = []spec.Layer{
		{Type: spec.TypeDropout, Rate: 0.1},
		spec.Dense(64, spec.ActReLU),
		{Type: spec.TypeDropout, Rate: 0.5},
		spec.Dense(32, spec.ActTanh),
		{Type: spec.TypeDropout, Rate: 0.25},
		spec.Dense(10, spec.ActSoftmax),
	}
	steps := []protocol.Request{protocol.Step{}, protocol.Step{}, protocol.StatsRequest{ID: 1}, protocol.Pause{},
		protocol.Step{}, protocol.Step{}, protocol.Step{}}
	want := onBackend(t, nil, protocol.BackendGo, m, steps...)
	got, g := onFakeGPU(t, m, steps...)
	if g.batches != 5 {
		t.Fatalf("the fake GPU trained %d batches; want 5", g.batches)
	}
	sameParams(t, "5 batches with dropout on the fake GPU", got, want)

	// The device is lost on batch 4, after the Pause read batch 3's
	// weights back: the CPU trains batch 4 with the masks the device was
	// given (keepMasks), then batch 5, ending on a CPU-only run's bits.
	lost, g := onFakeGPU(t, m, protocol.Step{}, protocol.Step{}, protocol.Step{}, protocol.Pause{},
		protocol.BackendRequest{Fault: protocol.FaultDevice}, protocol.Step{}, protocol.Step{})
	if g.batches != 3 {
		t.Fatalf("the fake GPU trained %d batches before it was lost; want 3", g.batches)
	}
	sameParams(t, "3 batches with dropout on the fake GPU, the device lost, 2 on the CPU", lost, want)
}

// TestGPUCategoricalLossTakesLabels trains a model with the categorical
// cross-entropy (one-hot targets on the CPU) on the fake GPU: the device
// gets the class labels, as for the sparse loss, and the run ends on the
// CPU's bits.
func TestGPUCategoricalLossTakesLabels(t *testing.T) {
	m := seed1()
	m.Loss = spec.LossCategoricalCrossentropy
	steps := []protocol.Request{protocol.Step{}, protocol.Step{}, protocol.Step{}}
	want := onBackend(t, nil, protocol.BackendGo, m, steps...)
	got, g := onFakeGPU(t, m, steps...)
	if g.batches != 3 {
		t.Fatalf("the fake GPU trained %d batches; want 3", g.batches)
	}
	sameParams(t, "3 batches with the categorical cross-entropy on the fake GPU", got, want)
}
