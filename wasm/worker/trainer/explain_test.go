package trainer

import (
	"math"
	"slices"
	"testing"

	"github.com/nnplay/nnplay/engine/explain"
	"github.com/nnplay/nnplay/engine/nn"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// direct drives a Trainer from the test's goroutine, one request at a
// time, collecting what it posts (Step trains synchronously).
type direct struct {
	t      *testing.T
	tr     *Trainer
	events []protocol.Event
}

func newDirect(t *testing.T) *direct {
	d := &direct{t: t}
	d.tr = New(Env{Post: func(msg string) {
		e, err := protocol.DecodeEvent(msg)
		if err != nil {
			t.Fatalf("the trainer posted a message that breaks the protocol: %v\n%.300s", err, msg)
		}
		d.events = append(d.events, e)
	}}, NewQueue())
	train, test := mnist(t)
	d.tr.setData(train.Slice(0, 1280), test.Slice(0, 500))
	return d
}

// do handles r and returns the events it posted; an error event fails the
// test.
func (d *direct) do(r protocol.Request) []protocol.Event {
	d.t.Helper()
	d.events = nil
	d.tr.handle(r)
	for _, e := range d.events {
		if er, ok := e.(protocol.Error); ok {
			d.t.Fatalf("%s: error %q", r.Type(), er.Message)
		}
	}
	return d.events
}

// doErr handles r and returns the error message it posted ("" if none).
func (d *direct) doErr(r protocol.Request) string {
	d.events = nil
	d.tr.handle(r)
	for _, e := range d.events {
		if er, ok := e.(protocol.Error); ok {
			return er.Message
		}
	}
	return ""
}

func find[T protocol.Event](t *testing.T, events []protocol.Event) T {
	t.Helper()
	for _, e := range events {
		if v, ok := e.(T); ok {
			return v
		}
	}
	var zero T
	t.Fatalf("no %T among %d events", zero, len(events))
	return zero
}

// weights are the model's weights, copied.
func weights(m *nn.Sequential) [][]float32 {
	var w [][]float32
	for _, p := range m.Params() {
		w = append(w, slices.Clone(p.Value.Float32s()))
	}
	return w
}

func sameWeights(a, b [][]float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		for j := range a[i] {
			if math.Float32bits(a[i][j]) != math.Float32bits(b[i][j]) {
				return false
			}
		}
	}
	return true
}

// trainEpoch steps through one epoch of the 1,280 training images.
func (d *direct) trainEpoch() []protocol.Event {
	var all []protocol.Event
	for range 20 {
		all = append(all, d.do(protocol.Step{})...)
	}
	return all
}

// TestExplainMessages: every explain view's request is answered with the
// engine's numbers for the worker's model.
func TestExplainMessages(t *testing.T) {
	d := newDirect(t)
	d.do(protocol.Build{Spec: seed1()})
	d.trainEpoch()
	m := d.tr.model
	test := d.tr.testSet()
	x0 := test.AppendExample(nil, 0)

	// Gradient × input, of the predicted class's logit by default.
	ex := find[protocol.Explanation](t, d.do(protocol.ExplainRequest{ID: 1, Subject: protocol.Subject{Source: protocol.SourceTest}, Method: protocol.MethodGradientInput}))
	want, err := explain.GradientTimesInput(m, x0, explain.Target{Class: ex.Predicted})
	if err != nil {
		t.Fatal(err)
	}
	if ex.ID != 1 || ex.Class != ex.Predicted || ex.Score != protocol.ScoreLogit || *ex.Label != test.Labels[0] ||
		!slices.Equal(ex.Image, []int{28, 28}) || len(ex.Values) != 784 || ex.Output != want.Score {
		t.Errorf("explanation id %d class %d (predicted %d) score %s label %v image %v, %d values, output %v (want %v)",
			ex.ID, ex.Class, ex.Predicted, ex.Score, ex.Label, ex.Image, len(ex.Values), ex.Output, want.Score)
	}
	for i, v := range want.Values {
		if ex.Values[i] != float32(v) {
			t.Fatalf("value %d: %v, engine %v", i, ex.Values[i], v)
		}
	}
	// Integrated gradients of class 3's probability for a drawn input: complete.
	three := 3
	ig := find[protocol.Explanation](t, d.do(protocol.ExplainRequest{ID: 2, Subject: protocol.Subject{Source: protocol.SourceInput, Input: x0},
		Method: protocol.MethodIntegratedGradients, Class: &three, Score: protocol.ScoreProbability}))
	var sum float64
	for _, v := range ig.Values {
		sum += float64(v)
	}
	if gap := ig.Output - ig.Baseline; ig.Class != 3 || ig.Label != nil || math.Abs(sum-gap) > 0.01*math.Abs(gap) {
		t.Errorf("integrated gradients: class %d, label %v, Σ %v vs f(x) − f(0) = %v", ig.Class, ig.Label, sum, gap)
	}
	// Occlusion defaults to the probability.
	oc := find[protocol.Explanation](t, d.do(protocol.ExplainRequest{ID: 3, Subject: protocol.Subject{Source: protocol.SourceTest}, Method: protocol.MethodOcclusion}))
	if oc.Score != protocol.ScoreProbability || math.Abs(oc.Output-float64(oc.Probs[oc.Class])) > 1e-6 {
		t.Errorf("occlusion: score %s, output %v, probs %v", oc.Score, oc.Output, oc.Probs)
	}

	// Neighbours equal the engine's over the worker's training set.
	nb := find[protocol.Neighbours](t, d.do(protocol.NeighboursRequest{ID: 4, Subject: protocol.Subject{Source: protocol.SourceTest, Index: 7}}))
	ix, err := explain.NewIndex(m, d.tr.trainSet())
	if err != nil {
		t.Fatal(err)
	}
	near, err := ix.NearestTo(m, test.AppendExample(nil, 7), 6)
	if err != nil {
		t.Fatal(err)
	}
	if nb.Layer != 1 || nb.Name != "dense_1" || nb.Dim != 64 || len(nb.Items) != 6 {
		t.Fatalf("neighbours: layer %d %q dim %d, %d items", nb.Layer, nb.Name, nb.Dim, len(nb.Items))
	}
	for i, n := range nb.Items {
		if n.Index != near[i].Index || n.Distance != near[i].Distance || !slices.Equal(n.Input, d.tr.trainSet().AppendExample(nil, n.Index)) {
			t.Errorf("neighbour %d: #%d at %v, engine #%d at %v", i, n.Index, n.Distance, near[i].Index, near[i].Distance)
		}
	}

	// Flip a test digit to a 3 within [0, 1].
	fl := find[protocol.Flip](t, d.do(protocol.FlipRequest{ID: 5, Subject: protocol.Subject{Source: protocol.SourceTest}, Target: 3}))
	if !fl.Flipped || argmax(fl.Probs) != 3 || fl.Changed == 0 || !slices.Equal(fl.Original, x0) {
		t.Errorf("flip: flipped %v from %d, probs %v, %d changed", fl.Flipped, fl.From, fl.Probs, fl.Changed)
	}
	for _, v := range fl.Input {
		if v < 0 || v > 1 {
			t.Fatalf("flip: a pixel of %v", v)
		}
	}
	t.Logf("flip %d → 3 in %d steps, %d pixels changed", fl.From, fl.Steps, fl.Changed)

	// Every confusion cell lists exactly the evaluation's count.
	ev := find[protocol.Evaluation](t, d.do(protocol.Evaluate{ID: 6}))
	for i, row := range ev.Confusion {
		for j, count := range row {
			c := find[protocol.CellExamples](t, d.do(protocol.CellRequest{ID: 7, True: i, Predicted: j, Max: protocol.MaxCellExamples}))
			if c.Count != count || len(c.Examples) != count {
				t.Errorf("cell (%d, %d): count %d with %d examples; the evaluation counts %d", i, j, c.Count, len(c.Examples), count)
			}
		}
	}
	page := find[protocol.CellExamples](t, d.do(protocol.CellRequest{ID: 8, True: 1, Predicted: 1, Offset: 3, Max: 2}))
	if page.Offset != 3 || len(page.Examples) != 2 || page.Examples[0].Prob < page.Examples[1].Prob {
		t.Errorf("a page of cell (1, 1): offset %d, %d examples", page.Offset, len(page.Examples))
	}

	// PCA of the 500 test examples; a short t-SNE reports its progress.
	pca := find[protocol.Embedding](t, d.do(protocol.EmbeddingRequest{ID: 9, Method: protocol.EmbedPCA}))
	if len(pca.Points) != 1000 || len(pca.Explained) != 2 || pca.Dim != 64 || pca.Labels[0] != test.Labels[0] {
		t.Errorf("pca: %d coordinates, explained %v, dim %d", len(pca.Points), pca.Explained, pca.Dim)
	}
	evs := d.do(protocol.EmbeddingRequest{ID: 10, Method: protocol.EmbedTSNE, N: 100, Iterations: 50})
	progress := 0
	for _, e := range evs {
		if p, ok := e.(protocol.EmbeddingProgress); ok && p.ID == 10 && p.Total == 50 {
			progress++
		}
	}
	if ts := find[protocol.Embedding](t, evs); progress != 5 || len(ts.Points) != 200 || ts.Method != protocol.EmbedTSNE {
		t.Errorf("t-sne: %d progress events, %d coordinates", progress, len(ts.Points))
	}

	if msg := d.doErr(protocol.ExplainRequest{Subject: protocol.Subject{Source: protocol.SourceTest, Index: 500}, Method: protocol.MethodOcclusion}); msg == "" {
		t.Error("test example 500 of 500 was explained")
	}
	if msg := d.doErr(protocol.ExplainRequest{Subject: protocol.Subject{Source: protocol.SourceInput, Input: []float32{1, 2}}, Method: protocol.MethodOcclusion}); msg == "" {
		t.Error("a 2-value input to an MNIST model was explained")
	}
}

// TestRunSnapshotsAndTimeline: recording sends a snapshot now and after
// each epoch; viewing one puts exactly its weights in the model (what
// every view reads), going back restores the live weights, and a step
// trains from the live weights.
func TestRunSnapshotsAndTimeline(t *testing.T) {
	d := newDirect(t)
	d.do(protocol.Build{Spec: seed1()})
	initial := weights(d.tr.model)
	s0 := find[protocol.RunSnapshot](t, d.do(protocol.RecordRun{Precision: "float32"}))
	s1 := find[protocol.RunSnapshot](t, d.trainEpoch())
	live := weights(d.tr.model)
	if s0.Epoch != 0 || s1.Epoch != 1 || s1.Steps != 20 || s1.Bytes != len(s1.Data) || s1.Precision != "float32" {
		t.Fatalf("snapshots at epochs %d and %d (steps %d), %d bytes", s0.Epoch, s1.Epoch, s1.Steps, s1.Bytes)
	}
	v := find[protocol.SnapshotViewed](t, d.do(protocol.ViewSnapshot{ID: 1, Data: s0.Data}))
	if v.Epoch != 0 || v.Live || !sameWeights(weights(d.tr.model), initial) {
		t.Fatalf("viewing epoch 0: %+v; the weights are the initial ones: %v", v, sameWeights(weights(d.tr.model), initial))
	}
	// Views read the viewed weights: the predictions are epoch 0's.
	ev0 := find[protocol.Evaluation](t, d.do(protocol.Evaluate{ID: 2}))
	v = find[protocol.SnapshotViewed](t, d.do(protocol.ViewSnapshot{ID: 3}))
	if !v.Live || v.Epoch != 1 || !sameWeights(weights(d.tr.model), live) {
		t.Fatalf("back to live: %+v; weights restored: %v", v, sameWeights(weights(d.tr.model), live))
	}
	ev1 := find[protocol.Evaluation](t, d.do(protocol.Evaluate{ID: 4}))
	if ev0.Accuracy >= ev1.Accuracy {
		t.Errorf("test accuracy at epoch 0 %.3f, at epoch 1 %.3f", ev0.Accuracy, ev1.Accuracy)
	}
	// A step while viewing trains from the live weights: as a twin that
	// never viewed.
	d.do(protocol.ViewSnapshot{ID: 5, Data: s0.Data})
	d.do(protocol.Step{})
	twin := newDirect(t)
	twin.do(protocol.Build{Spec: seed1()})
	twin.trainEpoch()
	twin.do(protocol.Step{})
	if !sameWeights(weights(d.tr.model), weights(twin.tr.model)) {
		t.Error("a step after viewing epoch 0 did not train from the live weights")
	}
	// A snapshot of another model is refused and changes nothing.
	other := seed1()
	other.Layers[0].Units = 32
	twin.do(protocol.Build{Spec: other})
	foreign := find[protocol.RunSnapshot](t, twin.do(protocol.RecordRun{Precision: "int8"}))
	before := weights(d.tr.model)
	if msg := d.doErr(protocol.ViewSnapshot{ID: 6, Data: foreign.Data}); msg == "" || !sameWeights(weights(d.tr.model), before) {
		t.Errorf("another model's snapshot: error %q, weights unchanged %v", msg, sameWeights(weights(d.tr.model), before))
	}
	t.Logf("seed MLP snapshot: %d bytes at float32, %d at int8 (a 32-unit twin)", s1.Bytes, foreign.Bytes)
}

// TestExplainOnTheGPU: the explain views read the weights the GPU has
// trained (read back first) and leave its session open: the explanation
// equals a CPU run's, and training goes on in the same session.
func TestExplainOnTheGPU(t *testing.T) {
	explainAfter2 := func(g *fakeGPU) protocol.Explanation {
		var gpu GPU // none for the CPU run (not a nil *fakeGPU)
		if g != nil {
			gpu = g
		}
		h := gpuHarness(t, gpu)
		if g != nil {
			h.send(protocol.BackendRequest{Name: protocol.BackendWebGPU})
		}
		h.send(protocol.Build{Spec: seed1()}, protocol.Step{}, protocol.Step{},
			protocol.ExplainRequest{ID: 1, Subject: protocol.Subject{Source: protocol.SourceTest, Index: 3}, Method: protocol.MethodGradientInput},
			protocol.Step{})
		ex := h.await("explanation", isType("explanation")).(protocol.Explanation)
		for p := (protocol.Progress{}); p.GlobalBatch != 3; {
			p = h.await("progress", isType("progress")).(protocol.Progress)
		}
		return ex
	}
	want := explainAfter2(nil)
	g := &fakeGPU{adapter: GPUAdapter{Description: "FakeGPU"}}
	got := explainAfter2(g)
	if !slices.Equal(got.Values, want.Values) || got.Output != want.Output {
		t.Error("the explanation on the fake GPU differs from the CPU's after the same 2 batches")
	}
	if g.opens != 1 || g.batches != 3 || g.syncs < 1 {
		t.Errorf("the fake GPU opened %d sessions, trained %d batches, read the weights back %d times; want 1, 3, at least 1", g.opens, g.batches, g.syncs)
	}
}
