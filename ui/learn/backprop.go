package learn

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/ui/draw"
	"github.com/nnplay/nnplay/ui/session"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// Backprop is the backprop step-through: one test example's trace (the
// worker's forward values, loss, backward values and the update it would
// make), walked one step at a time.
type Backprop struct {
	draw.Visibility
	s *session.Session

	Index      int // the test image to trace
	Trace      *protocol.Trace
	TraceIndex int // the test image Trace is of
	TraceBatch int // the global batch the weights were at
	At         int // the step shown: an index into Steps()
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

// A Phase is what a step of the walk shows.
type Phase string

// The phases, in the order of a training step.
const (
	Forward  Phase = "forward"  // a layer's forward pass
	Loss     Phase = "loss"     // the loss of the output
	Backward Phase = "backward" // a layer's backward pass (the chain rule)
	Update   Phase = "update"   // the optimizer's update of a layer's weights
)

// A Step is one step of the walk: a layer's forward pass, the loss, a
// layer's backward pass, or a layer's update.
type Step struct {
	Phase Phase
	Layer int // 0-based; −1 for the loss
}

// Steps lists the walk for the current trace: every layer forward, the
// loss, every layer backward (last to first), then the update of every
// layer that has trainable weights.
func (b *Backprop) Steps() []Step {
	if b.Trace == nil {
		return nil
	}
	return walk(b.Trace.Layers)
}

// walk is the steps of a training step through layers.
func walk(layers []protocol.TraceLayer) []Step {
	n := len(layers)
	var s []Step
	for i := 0; i < n; i++ {
		s = append(s, Step{Forward, i})
	}
	s = append(s, Step{Loss, -1})
	for i := n - 1; i >= 0; i-- {
		s = append(s, Step{Backward, i})
	}
	for i, l := range layers {
		if trainable(l) {
			s = append(s, Step{Update, i})
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
func (b *Backprop) Current() (Step, bool) {
	s := b.Steps()
	if len(s) == 0 {
		return Step{}, false
	}
	return s[min(max(b.At, 0), len(s)-1)], true
}

// StepLabel is "Forward · layer 2 of 3 (dense_2)", "Loss · cross-entropy",
// "Backward · layer 3 of 3 (dense_3)" or "Update · layer 1 of 3 (dense_1) · adam".
func (b *Backprop) StepLabel() string {
	st, ok := b.Current()
	if !ok {
		if b.want != 0 {
			return "Tracing the example…"
		}
		return "No trace yet."
	}
	return b.StepText(st)
}

// StepText names step st of the current trace (the step label, and the
// title of its crumb in the track of steps).
func (b *Backprop) StepText(st Step) string {
	n := len(b.Trace.Layers)
	name := func(i int) string { return fmt.Sprintf("layer %d of %d (%s)", i+1, n, b.Trace.Layers[i].Name) }
	switch st.Phase {
	case Forward:
		return "Forward · " + name(st.Layer)
	case Backward:
		return "Backward · " + name(st.Layer)
	case Update:
		return "Update · " + name(st.Layer) + " · " + b.Trace.Optimizer
	}
	if b.Trace.Softmax != nil {
		return "Loss · cross-entropy"
	}
	return "Loss"
}

// StepNote is "step 4 of 10".
func (b *Backprop) StepNote() string {
	s := b.Steps()
	if len(s) == 0 {
		return ""
	}
	return fmt.Sprintf("step %d of %d", min(b.At, len(s)-1)+1, len(s))
}

// Crumb is step st's short name in the track of steps: F1, L, B3, U1.
func Crumb(st Step) string {
	switch st.Phase {
	case Forward:
		return "F" + strconv.Itoa(st.Layer+1)
	case Backward:
		return "B" + strconv.Itoa(st.Layer+1)
	case Update:
		return "U" + strconv.Itoa(st.Layer+1)
	}
	return "L"
}

// Move goes delta steps forward or back, staying inside the walk.
func (b *Backprop) Move(delta int) {
	n := len(b.Steps())
	if n == 0 {
		return
	}
	b.At = min(max(b.At+delta, 0), n-1)
	b.Version++
}

// Go jumps to step i.
func (b *Backprop) Go(i int) { b.At = 0; b.Move(i) }

// CanMove says whether Step ◀ (delta −1) or ▶ (+1) has somewhere to go.
func (b *Backprop) CanMove(delta int) bool {
	n := len(b.Steps())
	return n > 0 && b.At+delta >= 0 && b.At+delta < n
}

// SetIndex traces test image i (wrapping around the test set); the walk
// keeps its place.
func (b *Backprop) SetIndex(i int) {
	b.Index = wrapIndex(b.s, i)
	b.refresh()
}

// refresh asks for the example's trace when the panel is on screen.
func (b *Backprop) refresh() {
	if !b.Visible || !b.s.ModelReady() || b.want != 0 && b.askedIndex == b.Index {
		return // (an answer on its way already sees the latest weights)
	}
	b.want = b.s.NewID()
	b.askedBatch, b.askedIndex = b.s.Progress.GlobalBatch, b.Index
	b.s.Send(protocol.TraceRequest{ID: b.want, Example: protocol.Example{Source: protocol.SourceTest, Index: b.Index}})
	b.Version++
}

// setTrace takes the answer to the step-through's trace request, and
// says whether it was that.
func (b *Backprop) setTrace(e protocol.Trace) bool {
	if e.ID != b.want || b.want == 0 {
		return false
	}
	b.want = 0
	tr := e
	b.Trace, b.TraceIndex, b.TraceBatch = &tr, b.askedIndex, b.askedBatch
	b.At = max(0, min(b.At, len(b.Steps())-1))
	b.Check = nil
	b.Version++
	return true
}

func (b *Backprop) forget() {
	b.Trace, b.Check, b.want, b.checkWant, b.At = nil, nil, 0, 0, 0
	b.Version++
}

// Loading says a trace is on its way.
func (b *Backprop) Loading() bool { return b.want != 0 }

// State is #bp-panel's data-state: loading, ready or empty.
func (b *Backprop) State() string {
	switch {
	case b.Loading():
		return "loading"
	case b.Trace != nil:
		return "ready"
	}
	return "empty"
}

// CheckState is the gradient check's data-state: checking, done or none.
func (b *Backprop) CheckState() string {
	switch {
	case b.checkWant != 0:
		return "checking"
	case b.Check != nil:
		return "done"
	}
	return "none"
}

// checkLayer is the layer whose weights the gradient check picks: the
// current step's (the last layer at the loss), if it has trainable ones.
func (b *Backprop) checkLayer() (int, bool) {
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
func (b *Backprop) CheckBlocked() string {
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
func (b *Backprop) CheckLabel() string {
	if i, ok := b.checkLayer(); ok {
		return fmt.Sprintf("Check the gradient (%d weights of %s)", gradCheckPicks, b.Trace.Layers[i].Name)
	}
	return "Check the gradient"
}

// gradCheckPicks is how many weights one check compares.
const gradCheckPicks = 5

// RunCheck asks the worker to compare backprop's gradient of a few of the
// current layer's weights with finite differences, on the traced example.
func (b *Backprop) RunCheck() {
	if b.CheckBlocked() != "" {
		return
	}
	i, _ := b.checkLayer()
	b.checks++
	picks := gradPicks(b.Trace.Layers[i], i, b.seed(), b.checks)
	b.CheckLayer = i
	b.checkWant = b.s.NewID()
	b.Check = nil
	b.s.Send(protocol.GradCheckRequest{ID: b.checkWant, Picks: picks, H: b.checkH(i),
		Example: protocol.Example{Source: protocol.SourceTest, Index: b.TraceIndex}})
}

// seed is the model's seed, for the gradient check's choice of weights.
func (b *Backprop) seed() int64 {
	if m, err := b.s.Model.Spec(); err == nil {
		return m.Seed
	}
	return 1
}

// Optimizer is the traced model's optimizer settings: the edited model's
// when it names the same optimizer (for SGD's momentum), else the name
// alone.
func (b *Backprop) Optimizer() spec.Optimizer {
	if b.Trace == nil {
		return spec.Optimizer{}
	}
	if m, err := b.s.Model.Spec(); err == nil && m.Optimizer.Name == b.Trace.Optimizer {
		return m.Optimizer
	}
	return spec.Optimizer{Name: b.Trace.Optimizer}
}

// setGradCheck takes the answer to the gradient check, and says whether
// it was that.
func (b *Backprop) setGradCheck(e protocol.GradCheck) bool {
	if e.ID != b.checkWant || b.checkWant == 0 {
		return false
	}
	b.checkWant = 0
	c := e
	b.Check = &c
	return true
}

// HChoices are the finite-difference steps the student can pick.
var HChoices = []string{"auto", "1e-2", "1e-3", "1e-4"}

// checkH is the step h for checking layer i's weights. Auto is the
// engine's 1e-2, which suits float32 forward passes, except for Conv2D:
// one kernel weight touches every position of the image, so ±1e-2 flips
// many ReLU and max-pool decisions (kinks the derivative does not see);
// 1e-4 keeps them, and conv gradients are large enough for float32.
func (b *Backprop) checkH(i int) float64 {
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
			grads[j], _ = protocol.BytesToFloats(p.Grad) // sizes checked by protocol.Decode
			for _, g := range grads[j] {
				largest = math.Max(largest, math.Abs(float64(g)))
			}
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
func (b *Backprop) PickName(r protocol.GradCheckResult) string {
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
	c := make([]string, len(shape))
	for d := len(shape) - 1; d >= 0; d-- {
		if shape[d] > 0 {
			c[d] = strconv.Itoa(index % shape[d])
			index /= shape[d]
		} else {
			c[d] = "0"
		}
	}
	return "[" + strings.Join(c, ", ") + "]"
}

// CheckVerdict says whether one result agrees (relative error < 1e-2).
func CheckVerdict(r protocol.GradCheckResult) string {
	if r.RelError < 1e-2 {
		return "agree"
	}
	return "differ"
}

// SetH picks the finite-difference step (one of HChoices).
func (b *Backprop) SetH(h string) { b.HChoice = h }

// HSelected says h is the chosen step (auto when none was chosen).
func (b *Backprop) HSelected(h string) bool { return h == cmp.Or(b.HChoice, "auto") }

// mostMoved is the indices of the n weights the update moves most (by
// |Δw|, the first index first among equals), for the update's table.
func mostMoved(update []float32, n int) []int {
	idx := make([]int, len(update))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(i, j int) int {
		return cmp.Compare(math.Abs(float64(update[j])), math.Abs(float64(update[i])))
	})
	return idx[:min(n, len(idx))]
}
