package learn

import (
	"fmt"
	"slices"
	"testing"

	"github.com/nnplay/nnplay/wasm/protocol"
)

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
	_, p, _ := testPlace()
	b := p.Backprop
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

// TestGradientCheckAsksForTheCurrentLayer: the check compares weights of
// the layer at hand (the last layer at the loss), on the traced image,
// with the step h chosen (auto: the engine's, 1e-4 for a convolution), and
// takes only its own answer.
func TestGradientCheckAsksForTheCurrentLayer(t *testing.T) {
	s, p, sent := testPlace()
	b := p.Backprop
	b.Trace, b.TraceIndex = fakeTrace(), 42
	b.Go(3) // the loss: the check picks the last layer's weights
	if b.CheckBlocked() != "" || b.CheckLabel() != "Check the gradient (5 weights of dense_2)" {
		t.Fatalf("at the loss: blocked %q, label %q", b.CheckBlocked(), b.CheckLabel())
	}
	b.RunCheck()
	req, ok := (*sent)[len(*sent)-1].(protocol.GradCheckRequest)
	if !ok || req.Index != 42 || req.H != 0 || len(req.Picks) != 5 || req.Picks[0].Layer != 2 {
		t.Fatalf("sent %+v; want a check of 5 weights of layer 2 on image 42 with the engine's h", (*sent)[len(*sent)-1])
	}
	if b.CheckState() != "checking" || b.CheckBlocked() != "Checking…" {
		t.Errorf("while checking: state %q, blocked %q", b.CheckState(), b.CheckBlocked())
	}
	s.Handle(protocol.GradCheck{ID: req.ID + 1})
	if b.Check != nil {
		t.Fatal("the step-through took another request's check")
	}
	s.Handle(protocol.GradCheck{ID: req.ID, H: 0.01, Results: []protocol.GradCheckResult{{ParamPick: protocol.ParamPick{Layer: 2, Name: "kernel", Index: 7}, RelError: 3e-4}}})
	if b.CheckState() != "done" || b.PickName(b.Check.Results[0]) != "dense_2.kernel[1, 3]" || CheckVerdict(b.Check.Results[0]) != "agree" {
		t.Errorf("state %q, pick %q, verdict %q", b.CheckState(), b.PickName(b.Check.Results[0]), CheckVerdict(b.Check.Results[0]))
	}

	b.SetH("1e-3")
	if !b.HSelected("1e-3") || b.HSelected("auto") || b.checkH(0) != 1e-3 {
		t.Errorf("h 1e-3: selected %v, auto %v, h %v", b.HSelected("1e-3"), b.HSelected("auto"), b.checkH(0))
	}
	b.SetH("auto")
	b.Trace.Layers[0].Type = "Conv2D"
	if b.checkH(0) != 1e-4 || b.checkH(2) != 0 {
		t.Errorf("auto: h %v for a convolution, %v for Dense; want 1e-4 and the engine's (0)", b.checkH(0), b.checkH(2))
	}
}

func TestCrumbsAndNotes(t *testing.T) {
	_, p, _ := testPlace()
	b := p.Backprop
	if b.StepLabel() != "No trace yet." || b.StepNote() != "" || b.CanMove(1) {
		t.Errorf("without a trace: %q %q, can move %v", b.StepLabel(), b.StepNote(), b.CanMove(1))
	}
	b.Trace = fakeTrace()
	var crumbs []string
	for _, st := range b.Steps() {
		crumbs = append(crumbs, Crumb(st))
	}
	if want := []string{"F1", "F2", "F3", "L", "B3", "B2", "B1", "U1", "U3"}; !slices.Equal(crumbs, want) {
		t.Errorf("crumbs %q, want %q", crumbs, want)
	}
	b.Move(100)
	if b.At != 8 || b.StepNote() != "step 9 of 9" {
		t.Errorf("moving past the end: at %d, %q", b.At, b.StepNote())
	}
	b.Move(-100)
	if b.At != 0 || b.StepNote() != "step 1 of 9" {
		t.Errorf("moving before the start: at %d, %q", b.At, b.StepNote())
	}
}

func TestMostMovedWeights(t *testing.T) {
	upd := []float32{0.1, -0.5, 0.5, 0, -0.01, 0.3}
	if got := mostMoved(upd, 3); !slices.Equal(got, []int{1, 2, 5}) {
		t.Errorf("mostMoved(%v, 3) = %v, want [1 2 5] (|Δw| 0.5, 0.5, 0.3; ties by index)", upd, got)
	}
	if got := mostMoved(upd[:2], 5); !slices.Equal(got, []int{1, 0}) {
		t.Errorf("fewer weights than rows: %v", got)
	}
}
