package trainer

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nnplay/nnplay/engine/data"
	"github.com/nnplay/nnplay/engine/nn"
	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// playSpec is TensorFlow Playground's kind of network: two hidden layers
// of 8 units, a softmax over the classes.
func playSpec(classes int) spec.Model {
	return spec.Model{
		Layers:    []spec.Layer{spec.Dense(8, spec.ActReLU), spec.Dense(8, spec.ActReLU), spec.Dense(classes, spec.ActSoftmax)},
		Optimizer: spec.Adam(0.01),
		Loss:      spec.LossSparseCategoricalCrossentropy,
		BatchSize: 10, Epochs: 1, Seed: 1,
	}
}

func spiralBuild() protocol.PlaygroundBuild {
	return protocol.PlaygroundBuild{
		Dataset: "spiral", Points: 600, Noise: 0, Classes: 3, TrainFraction: 0.5,
		Features: []string{"x", "y", "x2", "y2", "xy", "sinx", "siny"}, Seed: 1, Spec: playSpec(3),
	}
}

func frameOf(h *harness, id, grid int) protocol.PlaygroundFrame {
	h.t.Helper()
	h.send(protocol.PlaygroundFrameRequest{ID: id, Grid: grid})
	return h.await("frame", func(e protocol.Event) bool {
		f, ok := e.(protocol.PlaygroundFrame)
		return ok && f.ID == id
	}).(protocol.PlaygroundFrame)
}

// TestPlaygroundTrainsTheSpiral: the playground sends its points, trains
// the 3-class spiral to 90% test accuracy with start, and every frame's
// decision regions are the model's own probabilities on the grid.
func TestPlaygroundTrainsTheSpiral(t *testing.T) {
	h := newHarness(t, nil).run()
	b := spiralBuild()
	h.send(b)
	d := h.await("playground_data", isType("playground_data")).(protocol.PlaygroundData)
	train, test, err := data.Toy("spiral", data.ToyOptions{N: 600, Classes: 3, TrainFraction: 0.5, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(d.Train, train.X) || !slices.Equal(d.TestLabels, test.Labels) || d.Classes != 3 || len(d.Features) != 7 {
		t.Fatalf("playground_data: %d train coordinates, classes %d; want the toy set's points", len(d.Train), d.Classes)
	}
	built := h.await("built", isType("built")).(protocol.Built)
	if built.TotalParams != (7*8+8)+(8*8+8)+(8*3+3) {
		t.Errorf("built: %d params", built.TotalParams)
	}
	h.await("state idle", isState(protocol.StateIdle))

	first := frameOf(h, 1, 24)
	if first.GlobalBatch != 0 || first.State != protocol.StateIdle || len(first.Units) != 16 || len(first.Params) != 6 {
		t.Fatalf("first frame: batch %d state %s, %d unit maps, %d params", first.GlobalBatch, first.State, len(first.Units), len(first.Params))
	}
	h.send(protocol.Start{})
	var last protocol.PlaygroundFrame
	deadline := time.Now().Add(2 * time.Minute)
	for id := 2; ; id++ {
		last = frameOf(h, id, 24)
		if last.TestAccuracy >= 0.9 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %d batches the test accuracy is %v; want 0.9", last.GlobalBatch, last.TestAccuracy)
		}
		time.Sleep(20 * time.Millisecond)
	}
	h.send(protocol.Pause{})
	h.await("paused", isState(protocol.StatePaused))
	t.Logf("spiral: test accuracy %.3f after %d batches (epoch %d)", last.TestAccuracy, last.GlobalBatch, last.Epoch)
	if bytesEqual(first.Probs, last.Probs) {
		t.Error("the decision regions did not change with training")
	}

	// The frame is the model's: rebuild it from the frame's weights and
	// predict the grid; the quantized probabilities match byte for byte.
	f := frameOf(h, 1000, 16)
	m := b.Spec.Defaults()
	m.Input, m.Dataset = []int{7}, "spiral"
	model, err := nn.Build(m)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range model.Params() {
		copy(p.Value.Float32s(), floatsOf(t, f.Params[i].Data))
	}
	grid, err := data.Grid(16, -6, 6, b.Features)
	if err != nil {
		t.Fatal(err)
	}
	gx, _ := grid.Tensors()
	acts, err := model.Activations(gx)
	if err != nil {
		t.Fatal(err)
	}
	if want := quantizeProbs(acts[2].Float32s()); !bytesEqual(f.Probs, want) {
		t.Error("the frame's probabilities are not the model's on the grid")
	}
	for i := 0; i < 16*16; i++ {
		sum := 0
		for _, p := range f.Probs[3*i : 3*i+3] {
			sum += int(p)
		}
		if sum < 253 || sum > 257 {
			t.Fatalf("point %d: quantized probabilities sum to %d; want about 255", i, sum)
		}
	}
	// Unit map 9 is layer 1, unit 1, over its own range.
	u := f.Units[9]
	col := make([]float32, 256)
	for i := range col {
		col[i] = acts[1].Float32s()[i*8+1]
	}
	if u.Layer != 1 || u.Unit != 1 || u.Lo != slices.Min(col) || u.Hi != slices.Max(col) {
		t.Errorf("unit map 9: layer %d unit %d range [%v, %v]; want layer 1 unit 1 [%v, %v]", u.Layer, u.Unit, u.Lo, u.Hi, slices.Min(col), slices.Max(col))
	}
	for i, v := range col {
		if want := byte((v-u.Lo)/(u.Hi-u.Lo)*255 + 0.5); u.Values[i] != want {
			t.Fatalf("unit map 9 point %d: %d; want %d", i, u.Values[i], want)
		}
	}

	// The usual requests work on the playground's data.
	h.send(protocol.Evaluate{ID: 7})
	ev := h.await("evaluation", isType("evaluation")).(protocol.Evaluation)
	if len(ev.Confusion) != 3 || len(ev.Misclassified) != 0 || ev.Accuracy != f.TestAccuracy {
		t.Errorf("evaluation: %d×%d confusion, %d misclassified, accuracy %v (frame: %v)", len(ev.Confusion), len(ev.Confusion), len(ev.Misclassified), ev.Accuracy, f.TestAccuracy)
	}
	h.send(protocol.TraceRequest{ID: 8, Example: protocol.Example{Source: protocol.SourceInput, Input: []float32{1, 2}, Label: intp(2)}})
	tr := h.await("trace", isType("trace")).(protocol.Trace)
	if in := floatsOf(t, tr.Input.Data); !reflect.DeepEqual(in, []float32{1, 2, 1, 4, 2, float32(0.8414709848078965), float32(0.9092974268256817)}) {
		t.Errorf("the point (1, 2) reached the model as %v", in)
	}
	h.send(protocol.Step{})
	h.await("progress", isType("progress"))
	h.send(protocol.StatsRequest{ID: 9})
	if s := h.await("stats", isType("stats")).(protocol.Stats); len(s.Layers) != 3 || s.GlobalBatch != f.GlobalBatch+1 {
		t.Errorf("stats after a step: batch %d (frame was at %d), %d layers", s.GlobalBatch, f.GlobalBatch, len(s.Layers))
	}

	// Reset: the same data, fresh weights, batch 0.
	h.send(protocol.Reset{})
	h.await("idle", isState(protocol.StateIdle))
	if f := frameOf(h, 2000, 24); f.GlobalBatch != 0 || !bytesEqual(f.Probs, first.Probs) {
		t.Errorf("after reset: batch %d, same regions as the first frame: %v", f.GlobalBatch, bytesEqual(f.Probs, first.Probs))
	}
}

func bytesEqual(a, b []byte) bool { return string(a) == string(b) }

// TestPlaygroundPace: with 20 epochs a second of 30 batches, the worker
// trains no more than 600 batches a second.
func TestPlaygroundPace(t *testing.T) {
	h := newHarness(t, nil).run()
	b := protocol.PlaygroundBuild{Dataset: "xor", Points: 600, Classes: 2, TrainFraction: 0.5, Features: []string{"x", "y"}, Seed: 3, Spec: playSpec(2), EpochsPerSecond: 20}
	h.send(b)
	h.await("idle", isState(protocol.StateIdle))
	start := time.Now()
	h.send(protocol.Start{})
	time.Sleep(300 * time.Millisecond)
	f := frameOf(h, 1, 8)
	elapsed := time.Since(start)
	if limit := int(elapsed.Seconds()*20*30) + 1; f.GlobalBatch > limit || f.GlobalBatch == 0 {
		t.Errorf("%d batches in %v; the pace allows 1 to %d", f.GlobalBatch, elapsed, limit)
	}
	// Requests are answered while the worker waits for its pace.
	h.send(protocol.Pause{})
	h.await("paused", isState(protocol.StatePaused))
}

func TestPlaygroundRejects(t *testing.T) {
	h := newHarness(t, nil).run()
	h.send(protocol.PlaygroundFrameRequest{ID: 1, Grid: 8})
	h.await("no playground yet", isError("playground_frame: send playground_build first"))
	bad := spiralBuild()
	bad.Spec = playSpec(2)
	h.send(bad)
	h.await("a class count error", isError("layer 3 (Dense) outputs 2 values but the data set has 3 classes; set its units to 3"))
	bad = spiralBuild()
	bad.Features = []string{"x", "z"}
	h.send(bad)
	h.await("a feature error", isError(`features: 2 ("z") is not a feature`))
	bad = spiralBuild()
	bad.Classes = 7
	h.send(bad)
	h.await("a data error", isError("toy data spiral: classes must be 2..5, got 7"))
	bad = spiralBuild()
	bad.Spec.Layers[0].Units = 0
	h.send(bad)
	h.await("a spec error", isError("layer 1 (Dense): units must be"))

	h.send(spiralBuild())
	h.await("idle", isState(protocol.StateIdle))
	h.send(protocol.Predict{ID: 2, Image: make([]float32, 784)})
	h.await("a predict error", isError("predict takes an MNIST image"))
	h.send(protocol.TraceRequest{ID: 3, Example: protocol.Example{Source: protocol.SourceInput, Input: make([]float32, 784), Label: intp(0)}})
	h.await("an input error", isError("trace: input has 784 values; a playground point has 2, x and y"))
	h.send(protocol.TraceRequest{ID: 4, Example: protocol.Example{Source: protocol.SourceTest, Label: intp(3)}})
	h.await("a label error", isError("trace: label 3 is not a class of this data set (0 to 2)"))
}

// TestPlaygroundThenMNIST: a build with an MNIST spec leaves the
// playground and trains MNIST again.
func TestPlaygroundThenMNIST(t *testing.T) {
	train, test := mnist(t)
	h := newHarness(t, nil).withData(train.Slice(0, 640), test.Slice(0, 100)).run()
	h.send(spiralBuild(), protocol.Step{})
	if p := h.await("progress", isType("progress")).(protocol.Progress); p.Epochs != 0 || p.Batches != 30 {
		t.Errorf("playground progress: epochs %d, batches %d; want 0 (unbounded) and 30", p.Epochs, p.Batches)
	}
	h.send(protocol.Build{Spec: seed1()}, protocol.Step{})
	if p := h.await("progress", isType("progress")).(protocol.Progress); p.Epochs != 1 || p.Batches != 10 {
		t.Errorf("mnist progress after the playground: epochs %d, batches %d; want 1 and 10", p.Epochs, p.Batches)
	}
	h.send(protocol.PlaygroundFrameRequest{ID: 1, Grid: 8})
	if e := h.await("error", isType("error")).(protocol.Error); !strings.Contains(e.Message, "send playground_build first") {
		t.Errorf("frame after leaving the playground: %q", e.Message)
	}
}
