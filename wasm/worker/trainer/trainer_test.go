package trainer

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/nn"
	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/protocol"
)

func TestLoadDataReportsProgress(t *testing.T) {
	h := newHarness(t, fileFetch(staticDir(t))).run()
	h.send(protocol.LoadData{})
	ready := h.await("data_ready", isType("data_ready")).(protocol.DataReady)
	if ready.Train != 60000 || ready.Test != 10000 {
		t.Errorf("data_ready %+v; want 60000 and 10000", ready)
	}
	final := map[string]protocol.DataProgress{}
	for _, e := range h.seen {
		if p, ok := e.(protocol.DataProgress); ok {
			final[p.Stage+" "+p.File] = p
		}
	}
	// make data puts each file uncompressed beside its .gz; the worker
	// asks for that name (the server sends it gzip-encoded).
	for _, f := range mnistFiles {
		f = strings.TrimSuffix(f, ".gz")
		p, ok := final["download "+f]
		if !ok || p.Loaded != p.Total || p.Total == 0 {
			t.Errorf("download %s: last progress %+v; want loaded = total > 0", f, p)
		}
	}
	for _, f := range []string{"train-images-idx3-ubyte", "t10k-images-idx3-ubyte"} {
		if p := final["parse "+f]; p.Loaded != p.Total || p.Total == 0 {
			t.Errorf("parse %s: last progress %+v; want loaded = total > 0", f, p)
		}
	}
	// A second load_data answers at once from memory.
	h.send(protocol.LoadData{})
	h.await("data_ready again", isType("data_ready"))
}

// A data folder with only the .gz files (as make data wrote them before it
// kept uncompressed copies) still loads: the worker falls back to them.
func TestLoadDataFallsBackToGzipFiles(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "data", "mnist")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range mnistFiles {
		b, err := os.ReadFile(filepath.Join(staticDir(t), "data", "mnist", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	h := newHarness(t, fileFetch(root)).run()
	h.send(protocol.LoadData{})
	ready := h.await("data_ready", isType("data_ready")).(protocol.DataReady)
	if ready.Train != 60000 || ready.Test != 10000 {
		t.Errorf("data_ready %+v; want 60000 and 10000", ready)
	}
	var files []string
	for _, e := range h.seen {
		if p, ok := e.(protocol.DataProgress); ok && p.Stage == protocol.StageDownload && !slices.Contains(files, p.File) {
			files = append(files, p.File)
		}
	}
	if !slices.Equal(files, mnistFiles) {
		t.Errorf("downloaded %v; want the .gz files %v", files, mnistFiles)
	}
}

func TestMissingDataSaysRunMakeData(t *testing.T) {
	h := newHarness(t, fileFetch(t.TempDir())).run()
	h.send(protocol.LoadData{})
	e := h.await("error", isType("error")).(protocol.Error)
	if !strings.Contains(e.Message, "MNIST files not found at /data/mnist — run make data") || e.Fatal {
		t.Errorf("error %+v; want the non-fatal message to say to run make data", e)
	}
	// Training without data tries to load it, and says the same.
	h.send(protocol.Build{Spec: seed1()}, protocol.Start{})
	h.await("the same error from start", isError("run make data"))
}

func TestBuildReportsSummaryAndErrors(t *testing.T) {
	h := newHarness(t, nil).run()
	h.send(protocol.Start{})
	h.await("an error for start before build", isError("build a model before training"))

	bad := seed1()
	bad.Layers[1].Units = 0
	h.send(protocol.Build{Spec: bad})
	h.await("a validation error", isError("layer 2 (Dense): units must be"))

	toy := seed1()
	toy.Dataset = spec.DatasetSpiral
	h.send(protocol.Build{Spec: toy})
	h.await("a data set error", isError("build:"))

	h.send(protocol.Build{Spec: seed1()})
	b := h.await("built", isType("built")).(protocol.Built)
	infos, err := seed1().Infer()
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for i, info := range infos {
		r := b.Rows[i]
		if r.Params != info.Params || !reflect.DeepEqual(r.Output, info.Output) || r.Type != info.Type {
			t.Errorf("row %d = %+v; want %+v", i, r, info)
		}
		total += info.Params
	}
	if b.Rows[0].Layer != "dense (Dense)" || b.Rows[2].Layer != "dense_2 (Dense)" {
		t.Errorf("layer names %q, %q; want Keras' dense (Dense), dense_2 (Dense)", b.Rows[0].Layer, b.Rows[2].Layer)
	}
	if b.TotalParams != total || b.TrainableParams != total {
		t.Errorf("totals %d/%d; want %d", b.TotalParams, b.TrainableParams, total)
	}
	h.await("state idle", isState(protocol.StateIdle))
}

func TestStepPauseResumeStop(t *testing.T) {
	train, test := mnist(t)
	h := newHarness(t, nil).withData(train.Slice(0, 6400), test.Slice(0, 500)).run()
	h.send(protocol.Build{Spec: seed1()}, protocol.Step{})
	p := h.await("progress after a step", isType("progress")).(protocol.Progress)
	if p.GlobalBatch != 1 || p.Batch != 1 || p.Batches != 100 || p.State != protocol.StatePaused {
		t.Errorf("after one step: %+v; want batch 1 of 100, global 1, paused", p)
	}
	h.send(protocol.Step{})
	if p := h.await("progress after a step", isType("progress")).(protocol.Progress); p.GlobalBatch != 2 {
		t.Errorf("after two steps, global batch %d", p.GlobalBatch)
	}

	h.send(protocol.Start{})
	h.await("state running", isState(protocol.StateRunning))
	h.await("progress past batch 5", func(e protocol.Event) bool {
		p, ok := e.(protocol.Progress)
		return ok && p.GlobalBatch > 5
	})
	h.send(protocol.Pause{})
	h.await("state paused", isState(protocol.StatePaused))
	last := h.await("progress at the pause", isType("progress")).(protocol.Progress)
	for _, e := range h.drain(300 * time.Millisecond) {
		t.Errorf("paused at batch %d, then the trainer sent %#v", last.GlobalBatch, e)
	}
	h.send(protocol.Resume{})
	h.await("state running", isState(protocol.StateRunning))
	h.await("progress past the pause", func(e protocol.Event) bool {
		p, ok := e.(protocol.Progress)
		return ok && p.GlobalBatch > last.GlobalBatch
	})
	h.send(protocol.Stop{})
	h.await("state stopped", isState(protocol.StateStopped))
}

func TestSetAppliesBetweenBatches(t *testing.T) {
	train, test := mnist(t)
	h := newHarness(t, nil).withData(train.Slice(0, 2000), test.Slice(0, 200)).run()
	h.send(protocol.Build{Spec: seed1()}, protocol.Set{BatchSize: 100})
	if p := h.await("progress after set", isType("progress")).(protocol.Progress); p.Batches != 20 {
		t.Errorf("batch size 100 of 2000: %d batches; want 20", p.Batches)
	}
	h.send(protocol.Step{}, protocol.Set{BatchSize: 500, LearningRate: 0.01})
	h.await("progress after the step", isType("progress"))
	if p := h.await("progress after set", isType("progress")).(protocol.Progress); p.Batch != 1 || p.Batches != 1+4 {
		t.Errorf("one batch of 100, then size 500: batch %d of %d; want 1 of 5", p.Batch, p.Batches)
	}
	h.send(protocol.SnapshotRequest{ID: 1})
	s := h.await("snapshot", isType("snapshot")).(protocol.Snapshot)
	if s.Spec.Optimizer.LearningRate != 0.01 || s.Spec.BatchSize != 500 {
		t.Errorf("snapshot spec: learning rate %v, batch size %d; want 0.01 and 500", s.Spec.Optimizer.LearningRate, s.Spec.BatchSize)
	}
	if lr := h.tr.model.Optimizer().LearningRate(); lr != 0.01 {
		t.Errorf("the optimizer's learning rate is %v; want 0.01", lr)
	}
	h.send(protocol.Set{LearningRate: 50})
	h.await("a limit error", isError("above the limit"))
}

// TestDivergedBatchPauses feeds a batch with a NaN pixel: the trainer
// reports where, pauses, and keeps the weights from before the batch.
func TestDivergedBatchPauses(t *testing.T) {
	train, test := mnist(t)
	bad := train.Slice(0, 64)
	bad.X = append([]float32(nil), bad.X...)
	bad.X[100] = float32(math.NaN())
	h := newHarness(t, nil).withData(bad, test.Slice(0, 100)).run()
	m := seed1()
	h.send(protocol.Build{Spec: m}, protocol.SnapshotRequest{ID: 1})
	before := h.await("snapshot", isType("snapshot")).(protocol.Snapshot)
	h.send(protocol.Start{})
	e := h.await("a divergence error", isType("error")).(protocol.Error)
	if !strings.Contains(e.Message, "epoch 1, batch 1:") || !strings.Contains(e.Message, "lower the learning rate") || e.Fatal {
		t.Errorf("error %+v; want a non-fatal message naming epoch 1, batch 1", e)
	}
	h.await("state paused", isState(protocol.StatePaused))
	h.send(protocol.SnapshotRequest{ID: 2})
	after := h.await("snapshot", isType("snapshot")).(protocol.Snapshot)
	if !reflect.DeepEqual(before.Params, after.Params) {
		t.Error("the weights changed after a diverged batch")
	}
}

func TestEvaluatePredictSnapshot(t *testing.T) {
	train, test := mnist(t)
	h := newHarness(t, nil).withData(train.Slice(0, 3200), test.Slice(0, 1000)).run()
	h.send(protocol.Build{Spec: seed1()}, protocol.Start{})
	h.await("state done", isState(protocol.StateDone))
	h.send(protocol.Evaluate{ID: 7})
	ev := h.await("evaluation 7", func(e protocol.Event) bool {
		ev, ok := e.(protocol.Evaluation)
		return ok && ev.ID == 7
	}).(protocol.Evaluation)
	total, right, support := 0, 0, 0
	for i, row := range ev.Confusion {
		for j, c := range row {
			total += c
			if i == j {
				right += c
			}
		}
		support += ev.Classes[i].Support
	}
	if total != 1000 || support != 1000 || math.Abs(float64(right)/1000-ev.Accuracy) > 1e-12 {
		t.Errorf("confusion counts %d (support %d, diagonal %d) for 1000 test images, accuracy %v", total, support, right, ev.Accuracy)
	}
	if len(ev.Misclassified) == 0 || len(ev.Misclassified) > protocol.MaxMisclassified {
		t.Errorf("%d misclassified examples; want 1..%d after a short training", len(ev.Misclassified), protocol.MaxMisclassified)
	}
	size := test.Size()
	for _, m := range ev.Misclassified {
		if m.True == m.Predicted || m.True != test.Labels[m.Index] {
			t.Errorf("misclassified %+v does not match test label %d", m, test.Labels[m.Index])
		}
		if got, want := m.Pixels[300], byte(math.Round(float64(test.X[m.Index*size+300])*255)); got != want {
			t.Errorf("misclassified %d: pixel 300 is %d; the test image has %d", m.Index, got, want)
		}
	}

	img := append([]float32(nil), test.X[:size]...)
	h.send(protocol.Predict{ID: 3, Image: img}, protocol.SnapshotRequest{ID: 4})
	p := h.await("prediction", isType("prediction")).(protocol.Prediction)
	sum := 0.0
	for _, v := range p.Probs {
		sum += float64(v)
	}
	if p.ID != 3 || len(p.Probs) != 10 || math.Abs(sum-1) > 1e-5 {
		t.Errorf("prediction %d: %d probs summing to %v", p.ID, len(p.Probs), sum)
	}
	// The snapshot rebuilds the same model: same predictions.
	s := h.await("snapshot", isType("snapshot")).(protocol.Snapshot)
	model, err := nn.Build(s.Spec)
	if err != nil {
		t.Fatal(err)
	}
	i := 0
	for li, l := range model.Layers() {
		for _, par := range l.Params() {
			d := s.Params[i]
			v, err := protocol.BytesToFloats(d.Data)
			if err != nil || d.Layer != li || d.Name != par.Name || !reflect.DeepEqual(d.Shape, []int(par.Value.Shape())) {
				t.Fatalf("snapshot param %d (%+v) does not fit layer %d %s %v (%v)", i, d.Shape, li, par.Name, par.Value.Shape(), err)
			}
			copy(par.Value.Float32s(), v)
			i++
		}
	}
	got := model.Predict(tensor.New(tensor.WithShape(1, size), tensor.WithBacking(img))).Float32s()
	if !reflect.DeepEqual(got, p.Probs) {
		t.Errorf("rebuilt from the snapshot: %v; the worker predicted %v", got, p.Probs)
	}
}

// TestOneEpochOfMNIST trains the seed model on all of MNIST for one epoch:
// the test accuracy reaches 95%, the epoch ends with an evaluation of all
// 10,000 test images, and progress stays within 20 messages a second.
func TestOneEpochOfMNIST(t *testing.T) {
	train, test := mnist(t)
	h := newHarness(t, nil).withData(train, test).run()
	h.send(protocol.Build{Spec: seed1()})
	h.await("built", isType("built"))
	start := time.Now()
	h.send(protocol.Start{})
	end := h.await("epoch_end", isType("epoch_end")).(protocol.EpochEnd)
	elapsed := time.Since(start)
	if end.Epoch != 1 || end.ValAccuracy < 0.95 || end.Accuracy < 0.8 || end.Loss <= 0 {
		t.Errorf("epoch_end %+v; want epoch 1 with test accuracy ≥ 0.95", end)
	}
	ev := h.await("evaluation", isType("evaluation")).(protocol.Evaluation)
	total := 0
	for _, row := range ev.Confusion {
		for _, c := range row {
			total += c
		}
	}
	if ev.ID != 0 || total != 10000 || ev.Accuracy != end.ValAccuracy || ev.Loss != end.ValLoss {
		t.Errorf("evaluation id %d, %d counted, accuracy %v loss %v; want id 0, 10000, and epoch_end's %v %v",
			ev.ID, total, ev.Accuracy, ev.Loss, end.ValAccuracy, end.ValLoss)
	}
	h.await("state done", isState(protocol.StateDone))
	progress := 0
	for _, e := range h.seen {
		if p, ok := e.(protocol.Progress); ok && p.State == protocol.StateRunning {
			progress++
		}
	}
	if limit := int(elapsed/progressEvery) + 2; progress > limit {
		t.Errorf("%d progress messages in %v; the throttle allows %d", progress, elapsed, limit)
	}
	t.Logf("one epoch (%s) in %v, %d progress messages", runtime.GOARCH, elapsed, progress)
}
