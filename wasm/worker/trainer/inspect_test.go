package trainer

import (
	"math"
	"reflect"
	"testing"

	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/protocol"
)

func intp(v int) *int { return &v }

func floatsOf(t *testing.T, b []byte) []float32 {
	t.Helper()
	v, err := protocol.BytesToFloats(b)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestTraceOfATestImage: a trace's probabilities are the prediction's,
// bit for bit; its parts fit together; and it changes no weight.
func TestTraceOfATestImage(t *testing.T) {
	train, test := mnist(t)
	h := newHarness(t, nil).withData(train.Slice(0, 640), test.Slice(0, 100)).run()
	h.send(protocol.Build{Spec: seed1()}, protocol.Step{}, protocol.Step{}, protocol.SnapshotRequest{ID: 1})
	before := h.await("snapshot", isType("snapshot")).(protocol.Snapshot)

	size := test.Size()
	img := append([]float32(nil), test.X[5*size:6*size]...)
	h.send(protocol.Predict{ID: 2, Image: img}, protocol.TraceRequest{ID: 3, Example: protocol.Example{Source: protocol.SourceTest, Index: 5}})
	pred := h.await("prediction", isType("prediction")).(protocol.Prediction)
	tr := h.await("trace", isType("trace")).(protocol.Trace)
	if tr.ID != 3 || tr.Label != test.Labels[5] || tr.Optimizer != "adam" || tr.LearningRate != 0.001 {
		t.Errorf("trace id %d label %d (test label %d), optimizer %q lr %v", tr.ID, tr.Label, test.Labels[5], tr.Optimizer, tr.LearningRate)
	}
	if !reflect.DeepEqual(floatsOf(t, tr.Input.Data), img) || !reflect.DeepEqual(tr.Input.Shape, []int{784}) {
		t.Error("the trace's input is not the test image")
	}
	s := tr.Softmax
	if s == nil || !s.Fused || !reflect.DeepEqual(s.Probs, pred.Probs) {
		t.Fatalf("softmax %+v; the prediction is %v", s, pred.Probs)
	}
	if got := floatsOf(t, tr.Layers[2].Output.Data); !reflect.DeepEqual(got, pred.Probs) {
		t.Errorf("last layer output %v; prediction %v", got, pred.Probs)
	}
	if math.Abs(tr.Loss+math.Log(float64(s.Probs[tr.Label]))) > 1e-5 || tr.Loss != s.CrossEntropy {
		t.Errorf("loss %v, cross-entropy %v, −log p_y %v", tr.Loss, s.CrossEntropy, -math.Log(float64(s.Probs[tr.Label])))
	}
	names := []string{"dense", "dense_1", "dense_2"}
	outs := [][]int{{128}, {64}, {10}}
	for i, l := range tr.Layers {
		if l.Name != names[i] || l.Type != spec.TypeDense || !reflect.DeepEqual(l.Output.Shape, outs[i]) || len(l.Params) != 2 {
			t.Errorf("layer %d: %s %s output %v, %d params", i, l.Name, l.Type, l.Output.Shape, len(l.Params))
		}
		for _, p := range l.Params {
			b, a, u := floatsOf(t, p.Before), floatsOf(t, p.After), floatsOf(t, p.Update)
			for j := range b {
				if u[j] != a[j]-b[j] {
					t.Fatalf("layer %d %s[%d]: update %v is not after − before", i, p.Name, j, u[j])
				}
			}
			if !p.Trainable {
				t.Errorf("layer %d %s not trainable", i, p.Name)
			}
		}
	}
	// The last layer's dL/dz is p − onehot(y).
	dz := floatsOf(t, tr.Layers[2].DOutput.Data)
	for k, p := range s.Probs {
		want := p
		if k == tr.Label {
			want = p - 1
		}
		if dz[k] != want || s.Grad[k] != want {
			t.Errorf("dL/dz[%d] = %v, grad %v; want p − onehot = %v", k, dz[k], s.Grad[k], want)
		}
	}
	// Another label changes only what depends on it.
	other := (tr.Label + 1) % 10
	h.send(protocol.TraceRequest{ID: 4, Example: protocol.Example{Source: protocol.SourceTest, Index: 5, Label: intp(other)}})
	tr2 := h.await("trace", isType("trace")).(protocol.Trace)
	if tr2.Label != other || !reflect.DeepEqual(tr2.Softmax.Probs, s.Probs) || tr2.Softmax.Grad[other] >= 0 {
		t.Errorf("label %d: got label %d, grad %v", other, tr2.Label, tr2.Softmax.Grad)
	}
	// A drawn image with a label traces too.
	h.send(protocol.TraceRequest{ID: 5, Example: protocol.Example{Source: protocol.SourceInput, Input: img, Label: intp(tr.Label)}})
	tr3 := h.await("trace", isType("trace")).(protocol.Trace)
	if !reflect.DeepEqual(tr3.Softmax.Probs, s.Probs) || tr3.Loss != tr.Loss {
		t.Error("tracing the same image as input differs from tracing it by index")
	}

	h.send(protocol.SnapshotRequest{ID: 6})
	after := h.await("snapshot", isType("snapshot")).(protocol.Snapshot)
	if !reflect.DeepEqual(before.Params, after.Params) {
		t.Error("tracing changed the weights")
	}
	h.send(protocol.TraceRequest{ID: 7, Example: protocol.Example{Source: protocol.SourceTest, Index: 100}})
	h.await("an index error", isError("trace: test example 100 does not exist; the test set has 100 (0 to 99)"))
	h.send(protocol.TraceRequest{ID: 8, Example: protocol.Example{Source: protocol.SourceInput, Input: []float32{1, 2}, Label: intp(1)}})
	h.await("an input size error", isError("trace: input has 2 values; an MNIST image has 784 pixels"))
}

func TestGradCheckAndStats(t *testing.T) {
	train, test := mnist(t)
	h := newHarness(t, nil).withData(train.Slice(0, 640), test.Slice(0, 100)).run()
	h.send(protocol.Build{Spec: seed1()}, protocol.StatsRequest{ID: 1})
	if s := h.await("stats", isType("stats")).(protocol.Stats); s.GlobalBatch != 0 || len(s.Layers) != 0 {
		t.Errorf("stats before training: %+v; want none", s)
	}
	h.send(protocol.Step{}, protocol.StatsRequest{ID: 2})
	s := h.await("stats", isType("stats")).(protocol.Stats)
	if s.ID != 2 || s.GlobalBatch != 1 || len(s.Layers) != 3 || s.Loss <= 0 {
		t.Fatalf("stats after a step: %+v", s)
	}
	for i, l := range s.Layers {
		if l.ReLU != (i < 2) || len(l.Params) != 2 || l.Params[0].GradNorm <= 0 || l.Params[0].WeightNorm <= 0 || l.Std <= 0 {
			t.Errorf("layer %d stats %+v", i, l)
		}
	}

	// Find weights with a clear gradient from a trace, then check them.
	h.send(protocol.TraceRequest{ID: 3, Example: protocol.Example{Source: protocol.SourceTest, Index: 1}})
	tr := h.await("trace", isType("trace")).(protocol.Trace)
	var picks []protocol.ParamPick
	for li, l := range tr.Layers {
		for _, p := range l.Params {
			for j, g := range floatsOf(t, p.Grad) {
				if math.Abs(float64(g)) > 1e-3 {
					picks = append(picks, protocol.ParamPick{Layer: li, Name: p.Name, Index: j})
					break
				}
			}
		}
	}
	if len(picks) != 6 {
		t.Fatalf("found %d params with a gradient above 1e-3; want all 6", len(picks))
	}
	h.send(protocol.GradCheckRequest{ID: 4, Example: protocol.Example{Source: protocol.SourceTest, Index: 1}, Picks: picks})
	gc := h.await("gradcheck", isType("gradcheck")).(protocol.GradCheck)
	if gc.ID != 4 || gc.H != 0.01 || len(gc.Results) != len(picks) {
		t.Fatalf("gradcheck %+v", gc)
	}
	for i, r := range gc.Results {
		g := floatsOf(t, tr.Layers[r.Layer].Params[map[string]int{"kernel": 0, "bias": 1}[r.Name]].Grad)[r.Index]
		if r.ParamPick != picks[i] || r.RelError > 1e-2 || r.Analytic != float64(g) {
			t.Errorf("%+v: analytic %v (trace says %v), relative error %v", r.ParamPick, r.Analytic, g, r.RelError)
		}
	}
	h.send(protocol.GradCheckRequest{ID: 5, Example: protocol.Example{Source: protocol.SourceTest}, Picks: []protocol.ParamPick{{Layer: 5, Name: "kernel"}}})
	h.await("a pick error", isError("gradient check: pick 1: layer 5 is out of range: the model has layers 0 to 2"))
}

// TestErrorNamesTheRequest: a request the worker cannot carry out is
// answered by an error naming the request's type and id, which the place
// that asked matches (a trace past the test set, a stats request without
// a model).
func TestErrorNamesTheRequest(t *testing.T) {
	train, test := mnist(t)
	h := newHarness(t, nil).withData(train.Slice(0, 64), test.Slice(0, 10)).run()
	h.send(protocol.StatsRequest{ID: 4})
	e := h.await("error", isType("error")).(protocol.Error)
	if e.Request != "stats" || e.ID != 4 || e.Fatal {
		t.Errorf("stats without a model: error %+v; want request stats, id 4, not fatal", e)
	}
	h.send(protocol.Build{Spec: seed1()}, protocol.TraceRequest{ID: 9, Example: protocol.Example{Source: protocol.SourceTest, Index: 10}})
	e = h.await("error", isType("error")).(protocol.Error)
	if e.Request != "trace" || e.ID != 9 {
		t.Errorf("a trace past the test set: error %+v; want request trace, id 9", e)
	}
}
