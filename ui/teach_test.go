package ui

import (
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/nnplay/nnplay/wasm/protocol"
)

// naiveSoftmax is softmax written the textbook way, without the shift.
func naiveSoftmax(z []float64) []float64 {
	s := 0.0
	for _, v := range z {
		s += math.Exp(v)
	}
	p := make([]float64, len(z))
	for i, v := range z {
		p[i] = math.Exp(v) / s
	}
	return p
}

func TestExplainSoftmaxIsTheFormula(t *testing.T) {
	z := []float64{1.5, -2, 0.25, 3, -0.5}
	const y = 2
	v := explainSoftmax(z, 1, 0, y)
	p := naiveSoftmax(z)
	sum := 0.0
	for i := range z {
		sum += v.P[i]
		if math.Abs(v.P[i]-p[i]) > 1e-15 {
			t.Errorf("p_%d = %v, want e^z_i/Σe^z_j = %v", i, v.P[i], p[i])
		}
		if want := math.Exp(z[i] - 3); math.Abs(v.Exp[i]-want) > 1e-15 {
			t.Errorf("exp_%d = %v, want e^(z_i − max z) = %v", i, v.Exp[i], want)
		}
		g := p[i]
		if i == y {
			g--
		}
		if math.Abs(v.Grad[i]-g) > 1e-15 {
			t.Errorf("grad_%d = %v, want p − onehot(y) = %v", i, v.Grad[i], g)
		}
	}
	if math.Abs(sum-1) > 1e-15 || v.Max != 3 {
		t.Errorf("Σp = %v, max = %v; want 1 and 3", sum, v.Max)
	}
	if want := -math.Log(p[y]); math.Abs(v.Loss-want) > 1e-14 {
		t.Errorf("loss = %v, want −log p_y = %v", v.Loss, want)
	}

	// + c changes only z; T divides z.
	shifted := explainSoftmax(z, 1, 7.5, y)
	for i := range z {
		if math.Abs(shifted.P[i]-v.P[i]) > 1e-15 || shifted.Z[i] != z[i]+7.5 {
			t.Errorf("c = 7.5, class %d: p %v (was %v), z %v", i, shifted.P[i], v.P[i], shifted.Z[i])
		}
	}
	hot := explainSoftmax(z, 2, 0, y)
	half := make([]float64, len(z))
	for i := range z {
		half[i] = z[i] / 2
	}
	for i, want := range naiveSoftmax(half) {
		if math.Abs(hot.P[i]-want) > 1e-15 {
			t.Errorf("T = 2, class %d: p = %v, want softmax(z/2) = %v", i, hot.P[i], want)
		}
	}
	if math.Abs(hot.P[3]-v.P[3]) < 0.05 {
		t.Errorf("T = 2 left the top probability at %v (T = 1: %v)", hot.P[3], v.P[3])
	}
}

// teachApp is an app whose worker is ready with a built model, recording
// the requests sent.
func teachApp() (*App, *[]protocol.Request) {
	a := NewApp()
	var sent []protocol.Request
	a.Send = func(r protocol.Request) { sent = append(sent, r) }
	a.Worker, a.Training, a.DataTest = WorkerReady, protocol.StateIdle, 10000
	return a, &sent
}

func TestSoftmaxShowsTheWorkersNumbersAtT1(t *testing.T) {
	a, sent := teachApp()
	s := a.teach().Softmax
	s.Visible = true
	s.SetIndex(-1) // wraps to the last test image
	if len(*sent) != 1 {
		t.Fatalf("sent %d requests, want one trace", len(*sent))
	}
	req := (*sent)[0].(protocol.TraceRequest)
	if req.Index != 9999 || req.ID <= teachIDBase || req.Label != nil {
		t.Fatalf("trace request %+v; want test image 9999, its own label, an ID above %d", req, teachIDBase)
	}
	// Deliberately not the formula's numbers: the explorer must show the
	// worker's as they are, not recompute them.
	sm := &protocol.SoftmaxTrace{Logits: []float32{1, 2}, Shift: 2, Exp: []float64{0.25, 1}, Sum: 1.25,
		Probs: []float32{0.125, 0.875}, CrossEntropy: 0.5, Grad: []float32{0.125, -0.125}, Fused: true}
	a.Handle(protocol.Trace{ID: req.ID + 100, Label: 1, Softmax: sm}) // someone else's
	if _, ok := s.View(); ok {
		t.Fatalf("the explorer took an answer to another request")
	}
	a.Handle(protocol.Trace{ID: req.ID, Label: 1, Softmax: sm})
	v, ok := s.View()
	if !ok || !v.Worker || v.P[1] != 0.875 || v.Loss != 0.5 || v.Grad[0] != 0.125 || s.Label != 1 {
		t.Fatalf("view %+v (label %d); want the worker's numbers and label 1", v, s.Label)
	}
	s.T = 2
	if v, _ := s.View(); v.Worker || math.Abs(v.P[1]-naiveSoftmax([]float64{0.5, 1})[1]) > 1e-12 {
		t.Errorf("T = 2: view %+v; want softmax(z/2) computed from the logits", v)
	}
	s.T = 1
	s.SetLabel(0)
	if last := (*sent)[len(*sent)-1].(protocol.TraceRequest); last.Label == nil || *last.Label != 0 {
		t.Errorf("picking label 0 sent %+v; want a trace for label 0", last)
	}
}

// fakeTrace has three layers: Dense (trainable), ReLU (no params), Dense.
func fakeTrace() *protocol.Trace {
	kernel := make([]float32, 12)
	kernel[3], kernel[7], kernel[8], kernel[11] = 1, -0.8, 0.5, 0.2 // the rest below a tenth of 1
	kernel[0] = 0.05
	dense := func(name string) protocol.TraceLayer {
		return protocol.TraceLayer{Name: name, Type: "Dense", Params: []protocol.TraceParam{
			{Name: "kernel", Shape: []int{3, 4}, Trainable: true, Grad: protocol.FloatsToBytes(kernel)},
			{Name: "bias", Shape: []int{4}, Trainable: true, Grad: protocol.FloatsToBytes([]float32{0, 0.3, 0, 0})},
		}}
	}
	return &protocol.Trace{Optimizer: "adam", Layers: []protocol.TraceLayer{
		dense("dense_1"), {Name: "re_lu_1", Type: "ReLU"}, dense("dense_2")}}
}

func TestBackpropWalksForwardLossBackwardUpdate(t *testing.T) {
	a, _ := teachApp()
	b := a.teach().Backprop
	b.Trace = fakeTrace()
	var labels []string
	for i := range b.Steps() {
		b.Go(i)
		labels = append(labels, b.StepLabel())
	}
	want := []string{
		"Forward · layer 1 of 3 (dense_1)", "Forward · layer 2 of 3 (re_lu_1)", "Forward · layer 3 of 3 (dense_2)",
		"Loss",
		"Backward · layer 3 of 3 (dense_2)", "Backward · layer 2 of 3 (re_lu_1)", "Backward · layer 1 of 3 (dense_1)",
		"Update · layer 1 of 3 (dense_1) · adam", "Update · layer 3 of 3 (dense_2) · adam",
	}
	if !slices.Equal(labels, want) {
		t.Errorf("walk:\n%q\nwant\n%q", labels, want)
	}
	if b.CanMove(1) || !b.CanMove(-1) {
		t.Errorf("at the last step: CanMove(1) = %v, CanMove(-1) = %v", b.CanMove(1), b.CanMove(-1))
	}
	b.Go(5) // backward through the ReLU: no weights to check
	if b.CheckBlocked() == "" {
		t.Errorf("the gradient check is enabled on a ReLU layer")
	}
}

func TestGradPicksAreSeededAndMeaningful(t *testing.T) {
	l := fakeTrace().Layers[0]
	clear := map[string]bool{"kernel 3": true, "kernel 7": true, "kernel 8": true, "kernel 11": true, "bias 1": true}
	p1 := gradPicks(l, 0, 1, 1)
	if len(p1) != 5 {
		t.Fatalf("%d picks, want 5 (all the weights with a clear gradient)", len(p1))
	}
	for _, p := range p1 {
		if !clear[fmt.Sprint(p.Name, " ", p.Index)] || p.Layer != 0 {
			t.Errorf("pick %+v is not one of the weights with a clear gradient", p)
		}
	}
	if !slices.Equal(p1, gradPicks(l, 0, 1, 1)) {
		t.Errorf("the same seed and round picked differently")
	}
	// With more candidates than picks, another round picks another set.
	big := make([]float32, 400)
	for i := range big {
		big[i] = 1
	}
	l.Params[0].Grad, l.Params[0].Shape = protocol.FloatsToBytes(big), []int{20, 20}
	if slices.Equal(gradPicks(l, 0, 1, 1), gradPicks(l, 0, 1, 2)) {
		t.Errorf("rounds 1 and 2 picked the same 5 of 401 weights")
	}
	if got := coords(27, []int{20, 20}); got != "[1, 7]" {
		t.Errorf("coords(27, (20, 20)) = %s, want [1, 7]", got)
	}
}

func TestStatsArePolledAtMostTwiceASecond(t *testing.T) {
	a, sent := teachApp()
	in := a.teach().Inside
	now := time.Now()
	in.poll(now)
	in.poll(now.Add(100 * time.Millisecond))
	in.poll(now.Add(300 * time.Millisecond))
	count := func() int {
		n := 0
		for _, r := range *sent {
			if _, ok := r.(protocol.StatsRequest); ok {
				n++
			}
		}
		return n
	}
	if count() != 1 {
		t.Fatalf("%d stats requests in 300 ms, want 1", count())
	}
	id := (*sent)[0].(protocol.StatsRequest).ID
	a.Progress.Batches = 10
	a.Handle(protocol.Stats{ID: id, GlobalBatch: 5, Loss: 1, Layers: []protocol.LayerStats{
		{Layer: 0, Name: "dense_1", Type: "Dense", Std: 0.5, ReLU: true, Dead: 0.25, Params: []protocol.ParamStats{{Name: "kernel", GradNorm: 0.7}}}}})
	if g := in.GradNorm[0]; len(g) != 1 || g[0] != (Point{0.5, 0.7}) || in.Dead[0][0].Y != 0.25 {
		t.Errorf("grad norm points %v, dead %v; want (0.5 epochs, 0.7) and 0.25", g, in.Dead[0])
	}
	in.poll(now.Add(600 * time.Millisecond))
	if count() != 2 {
		t.Errorf("%d stats requests after 600 ms, want 2", count())
	}
}
