package ui

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// BackpropState is the backprop step-through: one test example's trace
// (the worker's forward values, loss, backward values and the update it
// would make), walked one step at a time.
type BackpropState struct {
	visibility
	t *Teach

	Index      int // the test image to trace
	Trace      *protocol.Trace
	TraceIndex int
	TraceBatch int
	Step       int // into Steps()
	want       int
	askedBatch int
	askedIndex int

	Check      *protocol.GradCheck // the last gradient check's answer
	CheckLayer int
	checkWant  int
	checks     int    // gradient checks asked so far (varies the seeded choice)
	HChoice    string // the finite-difference step: "auto" or one of HChoices
	Version    int
}

// bpStep is one step of the walk: a layer's forward pass, the loss, a
// layer's backward pass, or a layer's update.
type bpStep struct {
	Phase string // "forward", "loss", "backward" or "update"
	Layer int    // 0-based; −1 for the loss
}

// Steps lists the walk for the current trace: every layer forward, the
// loss, every layer backward (last to first), then the update of every
// layer that has trainable weights.
func (b *BackpropState) Steps() []bpStep {
	if b.Trace == nil {
		return nil
	}
	n := len(b.Trace.Layers)
	var s []bpStep
	for i := 0; i < n; i++ {
		s = append(s, bpStep{"forward", i})
	}
	s = append(s, bpStep{"loss", -1})
	for i := n - 1; i >= 0; i-- {
		s = append(s, bpStep{"backward", i})
	}
	for i, l := range b.Trace.Layers {
		if trainable(l) {
			s = append(s, bpStep{"update", i})
		}
	}
	return s
}

// trainable says the layer has weights the optimizer updates.
func trainable(l protocol.TraceLayer) bool {
	for _, p := range l.Params {
		if p.Trainable {
			return true
		}
	}
	return false
}

// Current is the step shown; ok is false before a trace arrives.
func (b *BackpropState) Current() (bpStep, bool) {
	s := b.Steps()
	if len(s) == 0 {
		return bpStep{}, false
	}
	return s[min(max(b.Step, 0), len(s)-1)], true
}

// StepLabel is "Forward · layer 2 of 3 (dense_2)", "Loss · cross-entropy",
// "Backward · layer 3 of 3 (dense_3)" or "Update · layer 1 of 3 (dense_1) · adam".
func (b *BackpropState) StepLabel() string {
	st, ok := b.Current()
	if !ok {
		if b.want != 0 {
			return "Tracing the example…"
		}
		return "No trace yet."
	}
	return b.stepText(st)
}

func (b *BackpropState) stepText(st bpStep) string {
	n := len(b.Trace.Layers)
	name := func(i int) string { return fmt.Sprintf("layer %d of %d (%s)", i+1, n, b.Trace.Layers[i].Name) }
	switch st.Phase {
	case "forward":
		return "Forward · " + name(st.Layer)
	case "backward":
		return "Backward · " + name(st.Layer)
	case "update":
		return "Update · " + name(st.Layer) + " · " + b.Trace.Optimizer
	}
	if b.Trace.Softmax != nil {
		return "Loss · cross-entropy"
	}
	return "Loss"
}

// StepNote is "step 4 of 10".
func (b *BackpropState) StepNote() string {
	s := b.Steps()
	if len(s) == 0 {
		return ""
	}
	return fmt.Sprintf("step %d of %d", min(b.Step, len(s)-1)+1, len(s))
}

// Move goes delta steps forward or back, staying inside the walk.
func (b *BackpropState) Move(delta int) {
	n := len(b.Steps())
	if n == 0 {
		return
	}
	b.Step = min(max(b.Step+delta, 0), n-1)
	b.Version++
}

// Go jumps to step i.
func (b *BackpropState) Go(i int) { b.Step = 0; b.Move(i) }

// CanMove says whether Step ◀ (delta −1) or ▶ (+1) has somewhere to go.
func (b *BackpropState) CanMove(delta int) bool {
	n := len(b.Steps())
	return n > 0 && b.Step+delta >= 0 && b.Step+delta < n
}

// SetIndex traces test image i (wrapping around the test set); the walk
// keeps its place.
func (b *BackpropState) SetIndex(i int) {
	n := max(1, b.t.app.DataTest)
	b.Index = ((i % n) + n) % n
	b.refresh()
}

// refresh asks for the example's trace when the panel is on screen.
func (b *BackpropState) refresh() {
	if !b.Visible || !b.t.modelReady() || b.want != 0 && b.askedIndex == b.Index {
		return // (an answer on its way already sees the latest weights)
	}
	b.want = b.t.id()
	b.askedBatch, b.askedIndex = b.t.batch(), b.Index
	b.t.app.send(protocol.TraceRequest{ID: b.want, Example: protocol.Example{Source: protocol.SourceTest, Index: b.Index}})
	b.Version++
}

func (b *BackpropState) setTrace(e protocol.Trace) {
	if e.ID != b.want || b.want == 0 {
		return
	}
	b.want = 0
	tr := e
	b.Trace, b.TraceIndex, b.TraceBatch = &tr, b.askedIndex, b.askedBatch
	b.Step = min(b.Step, len(b.Steps())-1)
	b.Check = nil
	b.Version++
}

func (b *BackpropState) forget() {
	b.Trace, b.Check, b.want, b.checkWant, b.Step = nil, nil, 0, 0, 0
	b.Version++
}

// Loading says a trace is on its way.
func (b *BackpropState) Loading() bool { return b.want != 0 }

// checkLayer is the layer whose weights the gradient check picks: the
// current step's (the last layer at the loss), if it has trainable ones.
func (b *BackpropState) checkLayer() (int, bool) {
	st, ok := b.Current()
	if !ok {
		return 0, false
	}
	i := st.Layer
	if i < 0 {
		i = len(b.Trace.Layers) - 1
	}
	return i, trainable(b.Trace.Layers[i])
}

// CheckBlocked says why the gradient check cannot run now, or "".
func (b *BackpropState) CheckBlocked() string {
	i, ok := b.checkLayer()
	switch {
	case b.Trace == nil:
		return "Trace an example first."
	case !ok:
		return fmt.Sprintf("Layer %d (%s) has no trainable weights: step to a layer that has some.", i+1, b.Trace.Layers[i].Name)
	case b.checkWant != 0:
		return "Checking…"
	}
	return ""
}

// CheckLabel is the button's text: which weights it will check.
func (b *BackpropState) CheckLabel() string {
	if i, ok := b.checkLayer(); ok {
		return fmt.Sprintf("Check the gradient (%d weights of %s)", gradCheckPicks, b.Trace.Layers[i].Name)
	}
	return "Check the gradient"
}

// gradCheckPicks is how many weights one check compares.
const gradCheckPicks = 5

// RunCheck asks the worker to compare backprop's gradient of a few of the
// current layer's weights with finite differences, on the traced example.
func (b *BackpropState) RunCheck() {
	if b.CheckBlocked() != "" {
		return
	}
	i, _ := b.checkLayer()
	b.checks++
	picks := gradPicks(b.Trace.Layers[i], i, b.t.seed(), b.checks)
	b.CheckLayer = i
	b.checkWant = b.t.id()
	b.Check = nil
	b.t.app.send(protocol.GradCheckRequest{ID: b.checkWant, Picks: picks, H: b.checkH(i),
		Example: protocol.Example{Source: protocol.SourceTest, Index: b.TraceIndex}})
}

func (b *BackpropState) setGradCheck(e protocol.GradCheck) {
	if e.ID != b.checkWant || b.checkWant == 0 {
		return
	}
	b.checkWant = 0
	c := e
	b.Check = &c
}

// HChoices are the finite-difference steps the student can pick.
var HChoices = []string{"auto", "1e-2", "1e-3", "1e-4"}

// checkH is the step h for checking layer i's weights. Auto is the
// engine's 1e-2, which suits float32 forward passes, except for Conv2D:
// one kernel weight touches every position of the image, so ±1e-2 flips
// many ReLU and max-pool decisions (kinks the derivative does not see);
// 1e-4 keeps them, and conv gradients are large enough for float32.
func (b *BackpropState) checkH(i int) float64 {
	switch b.HChoice {
	case "1e-2":
		return 1e-2
	case "1e-3":
		return 1e-3
	case "1e-4":
		return 1e-4
	}
	if b.Trace != nil && b.Trace.Layers[i].Type == spec.TypeConv2D {
		return 1e-4
	}
	return 0 // the engine's default
}

// gradPicks chooses up to gradCheckPicks of a layer's trainable weights,
// seeded by (seed, layer, round) so a check can be repeated. It picks
// among the weights whose gradient is at least a tenth of the layer's
// largest: where the gradient is nearly 0, the finite difference is mostly
// float32 rounding and says nothing about backprop.
func gradPicks(l protocol.TraceLayer, layer int, seed int64, round int) []protocol.ParamPick {
	type cand struct {
		name  string
		index int
	}
	var cands []cand
	largest := 0.0
	grads := make([][]float32, len(l.Params))
	for j, p := range l.Params {
		if p.Trainable {
			grads[j] = traceFloats(p.Grad)
			largest = math.Max(largest, maxAbs32(grads[j]))
		}
	}
	for j, p := range l.Params {
		for k, g := range grads[j] {
			if math.Abs(float64(g)) >= largest/10 {
				cands = append(cands, cand{p.Name, k})
			}
		}
	}
	rng := rand.New(rand.NewPCG(uint64(seed), uint64(layer)<<32|uint64(round)))
	rng.Shuffle(len(cands), func(i, j int) { cands[i], cands[j] = cands[j], cands[i] })
	var picks []protocol.ParamPick
	for _, c := range cands[:min(gradCheckPicks, len(cands))] {
		picks = append(picks, protocol.ParamPick{Layer: layer, Name: c.name, Index: c.index})
	}
	return picks
}

// PickName is "dense_1.kernel[12, 5]": the weight a pick names, with its
// row-major index turned into coordinates of its param's shape.
func (b *BackpropState) PickName(r protocol.GradCheckResult) string {
	if b.Trace == nil || r.Layer >= len(b.Trace.Layers) {
		return fmt.Sprintf("%s[%d]", r.Name, r.Index)
	}
	l := b.Trace.Layers[r.Layer]
	for _, p := range l.Params {
		if p.Name == r.Name {
			return fmt.Sprintf("%s.%s%s", l.Name, p.Name, coords(r.Index, p.Shape))
		}
	}
	return fmt.Sprintf("%s.%s[%d]", l.Name, r.Name, r.Index)
}

// coords turns a row-major index into "[i, j, …]" for shape.
func coords(index int, shape []int) string {
	c := make([]int, len(shape))
	for d := len(shape) - 1; d >= 0; d-- {
		if shape[d] > 0 {
			c[d] = index % shape[d]
			index /= shape[d]
		}
	}
	return "[" + joinCoords(c) + "]"
}

func joinCoords(c []int) string {
	s := ""
	for i, v := range c {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprint(v)
	}
	return s
}

// CheckVerdict says whether one result agrees (relative error < 1e-2).
func CheckVerdict(r protocol.GradCheckResult) string {
	if r.RelError < 1e-2 {
		return "agree"
	}
	return "differ"
}
