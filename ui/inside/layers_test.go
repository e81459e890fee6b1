package inside

import (
	"fmt"
	"testing"
	"time"

	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/ui/chart"
	"github.com/nnplay/nnplay/ui/model"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// count is how many requests of r's type were sent.
func count(sent []protocol.Request, typ string) int {
	n := 0
	for _, r := range sent {
		if r.Type() == typ {
			n++
		}
	}
	return n
}

func TestStatsArePolledAtMostTwiceASecond(t *testing.T) {
	ss, p, sent := testPlace()
	in := p.Layers
	now := time.Now()
	in.poll(now)
	in.poll(now.Add(100 * time.Millisecond))
	in.poll(now.Add(300 * time.Millisecond))
	if n := count(*sent, "stats"); n != 1 {
		t.Fatalf("%d stats requests in 300 ms, want 1", n)
	}
	id := (*sent)[0].(protocol.StatsRequest).ID
	ss.Progress.Batches = 10
	ss.Handle(protocol.Stats{ID: id, GlobalBatch: 5, Loss: 1, Layers: []protocol.LayerStats{
		{Layer: 0, Name: "dense", Type: "Dense", Std: 0.5, ReLU: true, Dead: 0.25, Params: []protocol.ParamStats{{Name: "kernel", GradNorm: 0.7}}}}})
	if g := in.GradNorm[0]; len(g) != 1 || g[0] != (chart.Point{X: 0.5, Y: 0.7}) || in.Dead[0][0].Y != 0.25 {
		t.Errorf("grad norm points %v, dead %v; want (0.5 epochs, 0.7) and 0.25", g, in.Dead[0])
	}
	in.poll(now.Add(600 * time.Millisecond))
	if n := count(*sent, "stats"); n != 2 {
		t.Errorf("%d stats requests after 600 ms, want 2", n)
	}
}

// TestTrainingPacesTheRequests: while training runs, progress messages
// bring statistics (on screen or not) and, on screen, the weights every
// two seconds; when training pauses the panel on screen asks for fresh
// weights and the last batch's statistics; off screen it asks for no
// weights.
func TestTrainingPacesTheRequests(t *testing.T) {
	ss, p, sent := testPlace()
	ss.Handle(protocol.State{State: protocol.StateRunning})
	*sent = nil
	ss.Handle(protocol.Progress{State: protocol.StateRunning, GlobalBatch: 1, Batches: 10, Epochs: 1, Epoch: 1, Batch: 1})
	if count(*sent, "stats") != 1 || count(*sent, "snapshot") != 0 {
		t.Fatalf("off screen, a progress message sent %v; want one stats request", *sent)
	}
	p.Layers.Visible = true
	p.Layers.snapAt = time.Now().Add(-3 * time.Second)
	ss.Handle(protocol.Progress{State: protocol.StateRunning, GlobalBatch: 2, Batches: 10, Epochs: 1, Epoch: 1, Batch: 2})
	if count(*sent, "snapshot") != 1 {
		t.Fatalf("on screen, 3 s after the last weights, progress sent %v; want a snapshot request", *sent)
	}
	*sent = nil
	ss.Handle(protocol.State{State: protocol.StatePaused})
	if count(*sent, "stats") != 1 {
		t.Errorf("pausing sent %v; want the last batch's statistics", *sent)
	}
	p.Hidden()
	*sent = nil
	ss.Handle(protocol.State{State: protocol.StateDone})
	if count(*sent, "snapshot") != 0 || count(*sent, "trace") != 0 {
		t.Errorf("off screen, the end of training sent %v; want no weights or maps", *sent)
	}
}

// TestAnswersGoToTheirPanel: each panel takes only the answers to its own
// requests, and a new model drops what described the old one.
func TestAnswersGoToTheirPanel(t *testing.T) {
	ss, p, sent := testPlace()
	ss.Model.LoadPreset(model.PresetLeNet)
	ss.AssumeBuilt()
	in := p.Layers
	in.Visible = true
	in.shown()
	var snapID, traceID int
	for _, r := range *sent {
		switch r := r.(type) {
		case protocol.SnapshotRequest:
			snapID = r.ID
		case protocol.TraceRequest:
			traceID = r.ID
		}
	}
	if snapID == 0 || traceID == 0 || snapID == traceID {
		t.Fatalf("coming on screen with a CNN sent %v; want a snapshot and a trace with their own IDs", *sent)
	}
	ss.Handle(protocol.Snapshot{ID: traceID})
	ss.Handle(protocol.Trace{ID: snapID})
	if in.Snap != nil || in.Maps != nil {
		t.Fatal("the panel took answers to the wrong requests")
	}
	ss.Handle(protocol.Snapshot{ID: snapID, Spec: spec.LeNet(), Params: []protocol.ParamData{
		{Layer: 0, Name: "bias", Shape: []int{6}}, {Layer: 0, Name: "kernel", Shape: []int{5, 5, 1, 6}}, {Layer: 2, Name: "kernel"}}})
	ss.Handle(protocol.Trace{ID: traceID})
	if in.Snap == nil || in.Maps == nil || !in.IsCNN() {
		t.Fatalf("snapshot %v, maps %v: want both", in.Snap != nil, in.Maps != nil)
	}
	if k, typ := in.firstKernel(); k == nil || k.Layer != 0 || len(k.Shape) != 4 || typ != spec.TypeConv2D {
		t.Errorf("the first kernel is %+v of a %q layer; want layer 0's (5, 5, 1, 6) Conv2D kernel", k, typ)
	}
	ss.Handle(protocol.Built{})
	if in.Snap != nil || in.Maps != nil {
		t.Error("the weights of the old model survived a build")
	}
}

func TestLayerLabelsAreTheWorkersNames(t *testing.T) {
	m := spec.LeNet()
	var got []string
	for i := range m.Layers {
		got = append(got, layerLabel(m, i))
	}
	if got[0] != "conv2d (Conv2D)" || got[2] != "conv2d_1 (Conv2D)" {
		t.Errorf("labels %q; want conv2d (Conv2D) then conv2d_1 (Conv2D), as the worker names them", got)
	}
	if l, want := layerLabel(m, len(m.Layers)), fmt.Sprintf("layer %d", len(m.Layers)+1); l != want {
		t.Errorf("a layer past the end: %q, want %q", l, want)
	}
}

// TestAnErrorEndsTheWait: the worker's error about one of the panel's
// requests lets the next one go at once.
func TestAnErrorEndsTheWait(t *testing.T) {
	ss, p, sent := testPlace()
	in := p.Layers
	in.Visible = true
	in.shown()
	if in.snapWant == 0 || in.statsWant == 0 {
		t.Fatalf("coming on screen sent %v; want weights and statistics", *sent)
	}
	ss.Handle(protocol.Error{Message: "predict: build a model first", Request: "predict"}) // not the panel's
	// Another place's refused snapshot (the fine-tuning lesson's, say).
	ss.Handle(protocol.Error{Message: "snapshot: build a model first", Request: "snapshot", ID: in.snapWant + 1000})
	if in.snapWant == 0 || in.statsWant == 0 {
		t.Fatal("another request's error ended the wait")
	}
	ss.Handle(protocol.Snapshot{ID: in.snapWant})
	if in.snapWant != 0 || in.Snap == nil {
		t.Fatalf("the snapshot after another's error: waiting %d, snapshot %v", in.snapWant, in.Snap != nil)
	}
	in.RefreshWeights()
	if in.snapWant == 0 {
		t.Fatal("Refresh the weights asked for no snapshot")
	}
	ss.Handle(protocol.Error{Message: "snapshot: build a model first", Request: "snapshot", ID: in.snapWant})
	ss.Handle(protocol.Error{Message: "stats: build a model first", Request: "stats", ID: in.statsWant})
	if in.snapWant != 0 || in.statsWant != 0 {
		t.Errorf("after the errors: waiting for snapshot %d, stats %d", in.snapWant, in.statsWant)
	}
	*sent = nil
	in.RefreshWeights()
	if count(*sent, "snapshot") != 1 {
		t.Errorf("Refresh the weights after the error sent %v", *sent)
	}
}
