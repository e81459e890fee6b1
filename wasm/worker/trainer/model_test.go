package trainer

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// predictOn asks for one test image's probabilities.
func (h *harness) predictOn(id int, img []float32) []float32 {
	h.t.Helper()
	h.send(protocol.Predict{ID: id, Image: img})
	return h.await("prediction", func(e protocol.Event) bool {
		p, ok := e.(protocol.Prediction)
		return ok && p.ID == id
	}).(protocol.Prediction).Probs
}

func (h *harness) export(r protocol.ExportModel) protocol.ModelExport {
	h.t.Helper()
	h.send(r)
	return h.await("model_export", func(e protocol.Event) bool {
		m, ok := e.(protocol.ModelExport)
		return ok && m.ID == r.ID
	}).(protocol.ModelExport)
}

func TestShareLinkAndFileRebuildTheSameModel(t *testing.T) {
	train, test := mnist(t)
	h := newHarness(t, nil).withData(train.Slice(0, 3200), test.Slice(0, 500)).run().seedTrained(5)
	img := test.X[7*784 : 8*784]
	before := h.predictOn(1, img)

	link := h.export(protocol.ExportModel{ID: 2, Format: protocol.FormatLink, Precision: "float32", Evaluate: true})
	if !link.Evaluated || link.Accuracy != link.DecodedAccuracy || link.Steps != 5 || link.Epochs != 0 {
		t.Errorf("float32 link: evaluated %v, accuracy %v vs decoded %v, steps %d, epochs %d; want equal accuracies, 5 steps, 0 epochs",
			link.Evaluated, link.Accuracy, link.DecodedAccuracy, link.Steps, link.Epochs)
	}
	file := h.export(protocol.ExportModel{ID: 3, Format: protocol.FormatFile, Precision: "float32"})
	if !strings.HasPrefix(string(file.File), "nnplay model\n") {
		t.Fatalf("file export starts %q; want the model file magic", file.File[:min(16, len(file.File))])
	}
	int4 := h.export(protocol.ExportModel{ID: 4, Format: protocol.FormatLink, Precision: "int4", Evaluate: true})
	if len(int4.Link) >= len(link.Link)/4 {
		t.Errorf("int4 link is %d characters, float32 %d; want int4 under a quarter", len(int4.Link), len(link.Link))
	}
	if math.Abs(int4.DecodedAccuracy-int4.Accuracy) > 0.2 {
		t.Errorf("int4 decoded accuracy %v vs %v", int4.DecodedAccuracy, int4.Accuracy)
	}

	for i, load := range []protocol.LoadModel{{ID: 5, Link: link.Link}, {ID: 6, File: file.File}} {
		h.send(protocol.Reset{}) // fresh weights: the prediction changes
		h.await("idle", isState(protocol.StateIdle))
		if slices.Equal(h.predictOn(10+i, img), before) {
			t.Fatal("reset left the prediction as it was; the test cannot tell a load from no load")
		}
		h.send(load)
		loaded := h.await("model_loaded", isType("model_loaded")).(protocol.ModelLoaded)
		if loaded.ID != load.ID || loaded.Steps != 5 || !loaded.Weights || loaded.Precision != "float32" {
			t.Errorf("model_loaded %+v; want id %d, 5 steps, float32 weights", loaded, load.ID)
		}
		h.await("built", isType("built"))
		h.await("idle", isState(protocol.StateIdle))
		if got := h.predictOn(20+i, img); !slices.Equal(got, before) {
			t.Errorf("load %d: prediction %v; want the shared model's %v exactly", i, got, before)
		}
	}
	// Training goes on from the loaded step count.
	h.send(protocol.Step{})
	if p := h.await("progress", isType("progress")).(protocol.Progress); p.GlobalBatch != 6 {
		t.Errorf("after a loaded model's step, global batch %d; want 6", p.GlobalBatch)
	}
}

func TestBadSharedModelLeavesTheModel(t *testing.T) {
	train, test := mnist(t)
	h := newHarness(t, nil).withData(train.Slice(0, 640), test.Slice(0, 100)).run()
	h.send(protocol.Build{Spec: seed1()}, protocol.Step{})
	h.await("progress", isType("progress"))
	img := test.X[:784]
	before := h.predictOn(1, img)
	link := h.export(protocol.ExportModel{ID: 2, Format: protocol.FormatLink, Precision: "float16"}).Link
	file := h.export(protocol.ExportModel{ID: 3, Format: protocol.FormatFile, Precision: "int8"}).File
	damaged := slices.Clone(file)
	damaged[len(damaged)-3] ^= 0x40
	cases := []struct {
		load protocol.LoadModel
		want string
	}{
		{protocol.LoadModel{ID: 4, Link: "garbage!"}, "the link is damaged: character 8 ('!') cannot appear in a model link"},
		{protocol.LoadModel{ID: 5, Link: link[:len(link)/2]}, "the link is damaged"},
		{protocol.LoadModel{ID: 6, Link: "bm5w" + "Ag" + link[6:]}, "made by a newer nnplay"},
		{protocol.LoadModel{ID: 7, File: file[:len(file)-10]}, "the file is cut short"},
		{protocol.LoadModel{ID: 8, File: damaged}, "its checksum does not match"},
		{protocol.LoadModel{ID: 9, File: []byte("\x89PNG\r\n\x1a\n....")}, "this is not an nnplay model file"},
	}
	for _, c := range cases {
		h.send(c.load)
		er := h.await("error", isType("error")).(protocol.Error)
		if !strings.Contains(er.Message, c.want) || er.Fatal {
			t.Errorf("load %d: error %q (fatal %v); want a non-fatal one containing %q", c.load.ID, er.Message, er.Fatal, c.want)
		}
	}
	if got := h.predictOn(10, img); !slices.Equal(got, before) {
		t.Errorf("after refused loads the prediction is %v; want the model's own %v", got, before)
	}
}

func TestClassesTrainAndEvaluateOnTheSubset(t *testing.T) {
	train, test := mnist(t)
	h := newHarness(t, nil).withData(train.Slice(0, 2000), test.Slice(0, 400)).run()
	m := seed1()
	m.Classes = []int{3, 8}
	m.Layers[len(m.Layers)-1] = spec.Dense(2, spec.ActSoftmax)
	h.send(protocol.Build{Spec: m}, protocol.Step{})
	h.await("progress", isType("progress"))
	h.send(protocol.Evaluate{ID: 1})
	ev := h.await("evaluation", isType("evaluation")).(protocol.Evaluation)
	want := 0
	for _, l := range test.Slice(0, 400).Labels {
		if l == 3 || l == 8 {
			want++
		}
	}
	got := 0
	for _, row := range ev.Confusion {
		for _, n := range row {
			got += n
		}
	}
	if len(ev.Confusion) != 2 || got != want {
		t.Errorf("evaluation of a [3 8] model: %d×? confusion counting %d images; want 2 classes and the %d test images of 3s and 8s", len(ev.Confusion), got, want)
	}
}
