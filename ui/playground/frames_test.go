package playground

import (
	"reflect"
	"testing"
	"time"

	"github.com/nnplay/nnplay/wasm/protocol"
)

// The frame loop without a page: one request in flight at a time, a
// frame after each change, back to back while training (the next request
// leaves as a frame arrives), none while the place is away, and stale
// frames dropped. tick stands in for the animation frame.
func TestFrameLoop(t *testing.T) {
	p, rec := newTestPlace()
	p.rebuild()
	rec.take()
	p.tick()
	if got := rec.take(); len(got) != 0 {
		t.Fatalf("before the build: sent %v", got)
	}
	built(p)
	p.tick()
	req, ok := rec.last().(protocol.PlaygroundFrameRequest)
	if got := rec.take(); !reflect.DeepEqual(got, []string{"playground_frame"}) || !ok || req.ID != 1 || req.Grid != grid {
		t.Fatalf("after the build: sent %v (%+v); want frame 1 of the %d² grid", got, req, grid)
	}
	p.tick()
	if got := rec.take(); len(got) != 0 {
		t.Errorf("a second tick with frame 1 in flight sent %v", got)
	}
	msg := `{"type":"playground_frame","id":1}`
	p.loop.early(msg, p.send)
	if got := rec.take(); len(got) != 0 {
		t.Errorf("a frame arriving while paused sent %v at once; want the next only when asked", got)
	}
	p.handle(protocol.PlaygroundFrame{ID: 1, GlobalBatch: 0})
	p.tick()
	if got := rec.take(); len(got) != 0 || p.framesDrawn() != 1 {
		t.Errorf("paused, after the one frame wanted: sent %v, %d frames drawn", got, p.framesDrawn())
	}

	p.TogglePlay()
	p.handle(protocol.State{State: protocol.StateRunning})
	rec.take()
	p.tick()
	if req, ok := rec.last().(protocol.PlaygroundFrameRequest); !ok || req.ID != 2 {
		t.Fatalf("running: sent %v; want frame 2", rec.sent)
	}
	rec.take()
	p.loop.early(`{"type":"progress"}`, p.send)
	wait := frameGap + 5 // ms
	time.Sleep(time.Duration(wait * float64(time.Millisecond)))
	p.loop.early(`{"type":"progress"}`, p.send)
	if got := rec.take(); len(got) != 0 {
		t.Errorf("other messages sent %v", got)
	}
	p.loop.early(`{"type":"playground_frame","id":2}`, p.send)
	if req, ok := rec.last().(protocol.PlaygroundFrameRequest); !ok || req.ID != 3 || len(rec.sent) != 1 {
		t.Fatalf("frame 2 arriving while training sent %v; want frame 3 at once", rec.sent)
	}
	rec.take()
	p.handle(protocol.PlaygroundFrame{ID: 2, GlobalBatch: 10})
	p.loop.early(`{"type":"playground_frame","id":3}`, p.send)
	if got := rec.take(); len(got) != 0 {
		t.Errorf("frame 3 right after frame 2 sent %v; want at most one request per %.1f ms", got, frameGap)
	}
	p.handle(protocol.PlaygroundFrame{ID: 3, GlobalBatch: 20})
	p.tick()
	if req, ok := rec.last().(protocol.PlaygroundFrameRequest); !ok || req.ID != 4 || p.framesDrawn() != 3 || p.Frame.GlobalBatch != 20 {
		t.Fatalf("the next animation frame sent %v; %d frames drawn", rec.sent, p.framesDrawn())
	}
	rec.take()

	p.Hidden()
	rec.take()
	p.handle(protocol.PlaygroundFrame{ID: 4, GlobalBatch: 30})
	p.tick()
	p.loop.early(`{"type":"playground_frame","id":4}`, p.send)
	if got := rec.take(); len(got) != 0 {
		t.Errorf("away: sent %v", got)
	}
	p.show("#/playground")
	p.tick()
	if req, ok := rec.last().(protocol.PlaygroundFrameRequest); !ok || req.ID != 5 {
		t.Errorf("back: sent %v; want a frame", rec.sent)
	}
	p.Reset()
	p.handle(protocol.PlaygroundFrame{ID: 5, GlobalBatch: 40})
	if p.Frame != nil {
		t.Errorf("a frame asked for before Reset was drawn: %+v", p.Frame)
	}
}

func TestWithInt(t *testing.T) {
	if got := withInt(BatchSizes, 10); !reflect.DeepEqual(got, BatchSizes) {
		t.Errorf("a listed value: %v", got)
	}
	if got := withInt(BatchSizes, 7); !reflect.DeepEqual(got, []int{1, 2, 5, 7, 10, 20, 30, 50, 100}) || len(BatchSizes) != 8 {
		t.Errorf("a value a link set: %v (the choices now %v)", got, BatchSizes)
	}
}
