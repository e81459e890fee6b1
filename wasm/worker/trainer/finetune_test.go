package trainer

import (
	"bytes"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// lessonSpec is the fine-tuning lesson's CNN: LeNet's convolutions, a
// 64-unit Dense layer and a head for the digits 0–4.
func lessonSpec() spec.Model {
	s := spec.LeNet()
	s.Layers = append(s.Layers[:5:5], spec.Dense(64, spec.ActReLU), spec.Dense(5, spec.ActSoftmax))
	s.Classes, s.Epochs = []int{0, 1, 2, 3, 4}, 1
	return s
}

func (h *harness) weights(id int) protocol.Snapshot {
	h.t.Helper()
	h.send(protocol.SnapshotRequest{ID: id})
	return h.await("snapshot", func(e protocol.Event) bool {
		s, ok := e.(protocol.Snapshot)
		return ok && s.ID == id
	}).(protocol.Snapshot)
}

func (h *harness) runGoal(r protocol.TrainGoal) protocol.GoalDone {
	h.t.Helper()
	h.send(r)
	return h.await("goal_done", func(e protocol.Event) bool {
		d, ok := e.(protocol.GoalDone)
		return ok && d.ID == r.ID
	}).(protocol.GoalDone)
}

// layerUnchanged says whether layer's params are bit for bit alike in a and b.
func layerUnchanged(a, b protocol.Snapshot, layer int) bool {
	var x, y [][]byte
	for _, p := range a.Params {
		if p.Layer == layer {
			x = append(x, p.Data)
		}
	}
	for _, p := range b.Params {
		if p.Layer == layer {
			y = append(y, p.Data)
		}
	}
	if len(x) != len(y) {
		return false
	}
	for i := range x {
		if !bytes.Equal(x[i], y[i]) {
			return false
		}
	}
	return true
}

// TestFineTuneLesson is the lesson's worker side: a CNN trained towards a
// batch count on 0–4, a new head for 5–9 with the convolutions frozen
// (accuracy at chance), fine-tuning raises it while the frozen layers stay
// bit for bit; a scratch run towards the fine-tuned accuracy puts the
// fine-tuned model back afterwards; a stop ends a goal as stopped.
func TestFineTuneLesson(t *testing.T) {
	if testing.Short() {
		t.Skip("a long cross-check or training run: make test runs it (make check is -short)")
	}
	train, test := mnist(t)
	nTrain, base, tune := 12000, 60, 60
	if runtime.GOARCH == "wasm" {
		nTrain, base, tune = 6000, 30, 40
	}
	h := newHarness(t, nil).withData(train.Slice(0, nTrain), test.Slice(0, 2000)).run()
	h.send(protocol.Build{Spec: lessonSpec()})
	h.await("idle", isState(protocol.StateIdle))
	first := h.runGoal(protocol.TrainGoal{ID: 1, MaxBatches: base})
	if !first.Reached || first.Batches != base || first.Accuracy < 0.8 || first.Seconds <= 0 {
		t.Fatalf("training on 0–4: %+v; want %d batches, reached, accuracy ≥ 0.8 and time", first, base)
	}
	trained := h.weights(2)

	h.send(protocol.ReplaceHead{ID: 3, Classes: []int{5, 6, 7, 8, 9}, Freeze: []int{0, 1, 2, 3, 4}, Seed: 2})
	replaced := h.await("head_replaced", isType("head_replaced")).(protocol.HeadReplaced)
	built := h.await("built", isType("built")).(protocol.Built)
	if replaced.Accuracy > 0.45 || !replaced.Spec.Layers[0].Frozen || !replaced.Spec.Layers[2].Frozen || replaced.Spec.Layers[5].Frozen ||
		len(replaced.Spec.Classes) != 5 || replaced.Spec.Classes[0] != 5 || replaced.Spec.Layers[6].Units != 5 {
		t.Fatalf("new head: accuracy %.3f (want chance), spec %+v", replaced.Accuracy, replaced.Spec)
	}
	if frozen := 156 + 2416; built.TotalParams-built.TrainableParams != frozen {
		t.Errorf("built: %d of %d params trainable; want the %d of the convolutions frozen", built.TrainableParams, built.TotalParams, frozen)
	}
	after := h.runGoal(protocol.TrainGoal{ID: 4, MaxBatches: tune})
	if after.Accuracy < replaced.Accuracy+0.3 {
		t.Errorf("fine-tuning %d batches: accuracy on 5–9 %.3f → %.3f; want it well up", tune, replaced.Accuracy, after.Accuracy)
	}
	tuned := h.weights(5)
	for layer := range 7 {
		same := layerUnchanged(trained, tuned, layer)
		switch {
		case layer <= 4 && !same:
			t.Errorf("frozen layer %d changed during fine-tuning", layer)
		case (layer == 5 || layer == 6) && same:
			t.Errorf("layer %d did not change during fine-tuning", layer)
		}
	}
	t.Logf("0–4: %.3f after %d batches; 5–9: %.3f with the new head, %.3f after %d batches (%.2f s)",
		first.Accuracy, base, replaced.Accuracy, after.Accuracy, tune, after.Seconds)

	// From scratch towards the fine-tuned accuracy: then the fine-tuned
	// model is back, untouched.
	scratch := h.runGoal(protocol.TrainGoal{ID: 6, Target: after.Accuracy, Every: 10, MaxBatches: 3 * tune, Scratch: true, ScratchSeed: 7})
	t.Logf("from scratch: %+v", scratch)
	if scratch.Batches < 10 || scratch.Batches > 3*tune || scratch.Reached != (scratch.Accuracy >= after.Accuracy) {
		t.Errorf("scratch run: %+v", scratch)
	}
	back := h.weights(7)
	if !back.Spec.Layers[0].Frozen || back.Spec.Seed != 2 {
		t.Errorf("after the scratch run the spec is %+v; want the fine-tuned one", back.Spec)
	}
	for layer := range 7 {
		if !layerUnchanged(tuned, back, layer) {
			t.Errorf("layer %d differs after the scratch run; the fine-tuned model must come back as it was", layer)
		}
	}

	// A stop ends a goal: goal_done says stopped.
	from := len(h.seen)
	h.send(protocol.TrainGoal{ID: 8, MaxBatches: 100000}, protocol.Stop{})
	stopped := h.await("goal_done", isType("goal_done")).(protocol.GoalDone)
	if !stopped.Stopped || stopped.Reached || stopped.ID != 8 {
		t.Errorf("stopped goal: %+v", stopped)
	}
	if !slices.ContainsFunc(h.seen[from:], isState(protocol.StateStopped)) {
		t.Errorf("a stopped goal did not leave the worker stopped")
	}
}

func TestReplaceHeadRefusals(t *testing.T) {
	train, test := mnist(t)
	h := newHarness(t, nil).withData(train.Slice(0, 640), test.Slice(0, 200)).run()
	h.send(protocol.ReplaceHead{ID: 1, Classes: []int{5, 6}, Seed: 1})
	h.await("no model", isError("replace the head: build a model first"))
	h.send(protocol.Build{Spec: seed1()})
	h.await("idle", isState(protocol.StateIdle))
	h.send(protocol.ReplaceHead{ID: 2, Classes: []int{5, 6}, Freeze: []int{2}, Seed: 1})
	h.await("freeze the head", isError("layer 2 cannot be frozen; the new model's layers before its head are 0 to 1"))
	h.send(protocol.TrainGoal{ID: 3, MaxBatches: 100000}, protocol.TrainGoal{ID: 4, MaxBatches: 5})
	h.await("second goal", isError("a run is in progress; stop it before starting another"))
	// A new model abandons the goal: goal_done says stopped.
	h.send(protocol.Build{Spec: seed1()})
	if d := h.await("goal_done", isType("goal_done")).(protocol.GoalDone); !d.Stopped || d.ID != 3 {
		t.Errorf("goal after a build: %+v; want stopped", d)
	}
	h.await("idle", isState(protocol.StateIdle))
}

// TestTuneExamplesLearnsTheDrawings: eight test images relabelled as the
// next digit ("your drawings") are learnt in a few epochs mixed with
// MNIST, and the predictions on them become their labels.
func TestTuneExamplesLearnsTheDrawings(t *testing.T) {
	train, test := mnist(t)
	h := newHarness(t, nil).withData(train.Slice(0, 3200), test.Slice(0, 500)).run().seedTrained(30)
	r := protocol.TuneExamples{ID: 1, Epochs: 15, Mix: 64, Seed: 3}
	for i := range 8 {
		for _, v := range test.X[i*784 : (i+1)*784] {
			r.Pixels = append(r.Pixels, byte(v*255+0.5))
		}
		r.Labels = append(r.Labels, (test.Labels[i]+1)%10)
	}
	h.send(protocol.Stop{}, r)
	got := h.await("examples_tuned", isType("examples_tuned")).(protocol.ExamplesTuned)
	t.Logf("%+v", got)
	// Each epoch: the 8 drawings 3 times (a quarter of it) and 64 MNIST images.
	perEpoch := (88 + seed1().BatchSize - 1) / seed1().BatchSize
	if got.Before > 0.25 || got.After != 1 || got.Batches != 15*perEpoch || got.TestAccuracy < 0.3 {
		t.Errorf("tuned: %+v; want the drawings wrong before (relabelled), all right after, %d batches", got, 15*perEpoch)
	}
	for i := range 8 {
		img := make([]float32, 784)
		for j := range img {
			img[j] = float32(r.Pixels[i*784+j]) / 255
		}
		if p := h.predictOn(10+i, img); argmax(p) != r.Labels[i] {
			t.Errorf("drawing %d is predicted %d; want its label %d", i, argmax(p), r.Labels[i])
		}
	}
	// A subset model refuses digits it does not have.
	s := seed1()
	s.Classes, s.Layers[2].Units = []int{0, 1}, 2
	h.send(protocol.Build{Spec: s})
	h.await("idle", isState(protocol.StateIdle))
	h.send(protocol.TuneExamples{ID: 2, Pixels: r.Pixels[:784], Labels: []int{7}, Epochs: 1})
	h.await("refusal", isError("drawing 1 is a 7, but this model tells apart only the digits [0 1]"))
}

// TestTFJSExportImportInTheWorker: the worker's TF.js export opens again
// as the same model (identical predictions and test checks); a model.json
// with a layer nnplay lacks is refused by name and the model stays.
func TestTFJSExportImportInTheWorker(t *testing.T) {
	train, test := mnist(t)
	h := newHarness(t, nil).withData(train.Slice(0, 1280), test.Slice(0, 300)).run().seedTrained(5)
	img := test.X[3*784 : 4*784]
	before := h.predictOn(1, img)
	h.send(protocol.TestPredict{ID: 2, Count: 100})
	check := h.await("test_predictions", isType("test_predictions")).(protocol.TestPredictions)
	if len(check.Predicted) != 100 || check.Labels[0] != test.Labels[0] || check.Right < 30 {
		t.Fatalf("test predictions: %+v", check)
	}
	h.send(protocol.ExportTFJS{ID: 3})
	exp := h.await("tfjs_export", isType("tfjs_export")).(protocol.TFJSExport)
	if !strings.Contains(string(exp.ModelJSON), `"format": "layers-model"`) || len(exp.Weights) != 4*(784*128+128+128*64+64+64*10+10) {
		t.Fatalf("export: %d bytes of weights named %s, model.json %.80s", len(exp.Weights), exp.WeightsName, exp.ModelJSON)
	}
	h.send(protocol.Reset{})
	h.await("idle", isState(protocol.StateIdle))
	h.send(protocol.ImportTFJS{ID: 4, ModelJSON: exp.ModelJSON, Files: map[string][]byte{exp.WeightsName: exp.Weights}})
	if l := h.await("model_loaded", isType("model_loaded")).(protocol.ModelLoaded); l.ID != 4 || l.Steps != 5 {
		t.Errorf("model_loaded %+v; want id 4, 5 steps", l)
	}
	h.await("idle", isState(protocol.StateIdle))
	if got := h.predictOn(5, img); !sameFloats(got, before) {
		t.Errorf("imported model predicts %v; the exported one %v", got, before)
	}
	h.send(protocol.TestPredict{ID: 6, Count: 100})
	again := h.await("test_predictions", isType("test_predictions")).(protocol.TestPredictions)
	if again.ProbsCRC != check.ProbsCRC || again.Right != check.Right {
		t.Errorf("after the round trip the check gives %d right, crc %08x; before %d, %08x", again.Right, again.ProbsCRC, check.Right, check.ProbsCRC)
	}
	bad := bytes.Replace(exp.ModelJSON, []byte(`"class_name": "Dense"`), []byte(`"class_name": "MultiHeadAttention"`), 1)
	h.send(protocol.ImportTFJS{ID: 7, ModelJSON: bad, Files: map[string][]byte{exp.WeightsName: exp.Weights}})
	h.await("refusal", isError("nnplay has no MultiHeadAttention layer"))
	if got := h.predictOn(8, img); !sameFloats(got, before) {
		t.Errorf("after a refused import the model predicts %v; want %v (unchanged)", got, before)
	}
}

func sameFloats(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
