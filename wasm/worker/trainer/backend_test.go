package trainer

import (
	"bytes"
	"strings"
	"testing"

	"github.com/nnplay/nnplay/engine/kernels"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// TestBackendSwitch asks which kernels run, forces plain Go, and checks
// that five batches give the same weights, bit for bit, on the platform's
// backend and on plain Go switched on mid-run; then auto switches back and
// an unknown or missing backend is an error naming the ones there are.
func TestBackendSwitch(t *testing.T) {
	t.Cleanup(func() { _ = kernels.SetBackend(protocol.BackendAuto) })
	train, test := mnist(t)
	platform := kernels.Backends()[0]

	snapshotAfter := func(switchToGo bool) protocol.Snapshot {
		h := newHarness(t, nil).withData(train.Slice(0, 640), test.Slice(0, 100)).run()
		h.send(protocol.BackendRequest{Name: protocol.BackendAuto})
		if b := h.await("backend", isType("backend")).(protocol.Backend); b.Name != platform {
			t.Fatalf("after auto the backend is %q; want %q", b.Name, platform)
		}
		h.send(protocol.Build{Spec: seed1()}, protocol.Step{}, protocol.Step{})
		h.await("state paused", isState(protocol.StatePaused))
		if switchToGo {
			h.send(protocol.BackendRequest{Name: protocol.BackendGo})
			b := h.await("backend", isType("backend")).(protocol.Backend)
			if b.Name != protocol.BackendGo || b.Available[len(b.Available)-1] != protocol.BackendGo {
				t.Fatalf("after go: %+v; want go in use and listed last", b)
			}
		}
		h.send(protocol.Step{}, protocol.Step{}, protocol.Step{}, protocol.SnapshotRequest{ID: 1})
		return h.await("snapshot", isType("snapshot")).(protocol.Snapshot)
	}
	want := snapshotAfter(false)
	got := snapshotAfter(true)
	if kernels.Backend() != protocol.BackendGo {
		t.Fatalf("kernels.Backend() = %q after the worker chose go", kernels.Backend())
	}
	for i := range want.Params {
		if !bytes.Equal(got.Params[i].Data, want.Params[i].Data) {
			t.Errorf("layer %d %s: weights after switching to go differ from %s's", want.Params[i].Layer, want.Params[i].Name, platform)
		}
	}

	h := newHarness(t, nil).run()
	h.send(protocol.BackendRequest{})
	if b := h.await("backend", isType("backend")).(protocol.Backend); b.Name != protocol.BackendGo {
		t.Errorf("a query changed the backend to %q; want go still", b.Name)
	}
	h.send(protocol.BackendRequest{Name: protocol.BackendAuto})
	if b := h.await("backend", isType("backend")).(protocol.Backend); b.Name != platform {
		t.Errorf("after auto: %q; want %q", b.Name, platform)
	}
	if platform != protocol.BackendSIMD {
		h.send(protocol.BackendRequest{Name: protocol.BackendSIMD})
		e := h.await("an error", isType("error")).(protocol.Error)
		if !strings.Contains(e.Message, `backend "simd" is not available here (have `+strings.Join(kernels.Backends(), ", ")) || e.Fatal {
			t.Errorf("simd where there is none: %+v; want a non-fatal error naming what there is", e)
		}
	}
}
