// Package finetune is the Fine-tune place: the lesson "Fine-tune: 0–4 →
// 5–9". A small CNN learns the digits 0–4; its head is replaced by one for
// 5–9 with the convolutions frozen (accuracy at chance); a short
// fine-tuning brings it up; and the same CNN trained from scratch towards
// that accuracy shows the time saved. The worker does the work
// (replace_head, train_goal); the lesson keeps the numbers and checks,
// through snapshots, that the frozen layers' weights did not move.
package finetune

import (
	"fmt"
	"hash/crc32"
	"strconv"
	"strings"

	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/engine/units"
	"github.com/nnplay/nnplay/ui/session"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// The lesson's settings: batches of 64 for each step (about a third of
// an epoch of 0–4, and of 5–9), and the scratch run's limits.
const (
	BaseBatches    = 300
	TuneBatches    = 300
	ScratchBatches = 1500
	CheckEvery     = 25
	headSeed       = 2
	scratchSeed    = 3
)

// Low and High are the digits of the two tasks.
var (
	Low  = []int{0, 1, 2, 3, 4}
	High = []int{5, 6, 7, 8, 9}
)

// Spec is the lesson's CNN: LeNet's convolutions (6 and 16 filters
// of 5×5, max-pooling), a 64-unit Dense layer and a head for 0–4.
func Spec() spec.Model {
	s := spec.LeNet()
	s.Layers = append(s.Layers[:5:5], spec.Dense(64, spec.ActReLU), spec.Dense(len(Low), spec.ActSoftmax))
	s.Classes, s.Epochs = Low, 1
	return s
}

// frozenLayers are the layers the lesson freezes: everything before the
// first Dense layer (the convolutions, pooling and Flatten).
func frozenLayers(m spec.Model) []int {
	var out []int
	for i, l := range m.Layers {
		if l.Type == spec.TypeDense {
			break
		}
		out = append(out, i)
	}
	return out
}

// Lesson is the fine-tuning lesson's state.
type Lesson struct {
	s *session.Session

	// Phase is the step running: "base", "head", "tune", "scratch" or "".
	Phase string
	Base  *protocol.GoalDone     // step 1: trained on 0–4
	Head  *protocol.HeadReplaced // step 2: the new head, before training
	Tune  *protocol.GoalDone     // step 3: fine-tuned on 5–9
	// Scratch is step 4: the same CNN from scratch towards Tune's accuracy.
	Scratch *protocol.GoalDone
	// FrozenBefore and FrozenAfter fingerprint the frozen layers' weights
	// after the head was replaced and after fine-tuning.
	FrozenBefore, FrozenAfter *frozenPrint

	// model is the spec JSON of the worker's model while it is the
	// lesson's: another model in the worker ends the lesson's later steps.
	model string
	// headBuilt says the next built event is the new head's.
	headBuilt bool
	ids       map[int]string // request id → what it is for
}

// frozenPrint is a CRC-32 of the frozen layers' weights (their float32
// bits, in layer order) and how many weights that is.
type frozenPrint struct {
	CRC     uint32
	Weights int
	Layers  []string
}

func newLesson(s *session.Session) *Lesson {
	return &Lesson{s: s, ids: map[int]string{}}
}

// ask is a new request id, for what.
func (l *Lesson) ask(what string) int {
	id := l.s.NewID()
	l.ids[id] = what
	return id
}

// ours says the worker's model is still the one the lesson made.
func (l *Lesson) ours() bool { return l.model != "" && l.model == l.s.BuiltSpec() }

// Blocked says why step (1–4) cannot run now, or "".
func (l *Lesson) Blocked(step int) string {
	switch {
	case !l.s.ModelReady():
		return "Wait for the training worker and MNIST."
	case l.Phase != "":
		return "A step is running."
	case l.s.Running():
		return "Stop the training run first."
	}
	if step == 1 {
		return ""
	}
	if !l.ours() {
		return "Train on 0–4 first (step 1)."
	}
	switch {
	case step == 2 && l.Base == nil:
		return "Train on 0–4 first (step 1)."
	case step == 3 && l.Head == nil:
		return "Replace the head first (step 2)."
	case step == 4 && l.Tune == nil:
		return "Fine-tune first (step 3)."
	}
	return ""
}

// TrainBase is step 1: the lesson's CNN in the model panel, trained on
// the digits 0–4.
func (l *Lesson) TrainBase() {
	if l.Blocked(1) != "" {
		return
	}
	*l = *newLesson(l.s)
	l.s.Model.LoadSpec(Spec())
	l.Phase = "base"
	l.s.BuildThen(protocol.TrainGoal{ID: l.ask("base"), MaxBatches: BaseBatches})
	l.model = l.s.BuiltSpec()
}

// ReplaceHead is step 2: a new head for 5–9, the convolutions frozen.
func (l *Lesson) ReplaceHead() {
	if l.Blocked(2) != "" {
		return
	}
	m, err := l.s.Model.Spec()
	if err != nil {
		return
	}
	l.Phase = "head"
	l.s.Send(protocol.ReplaceHead{ID: l.ask("head"), Classes: High, Freeze: frozenLayers(m), Seed: headSeed})
}

// FineTune is step 3: a short training of the new head on 5–9.
func (l *Lesson) FineTune() {
	if l.Blocked(3) != "" {
		return
	}
	l.Phase = "tune"
	l.s.ClearRun()
	l.s.Send(protocol.TrainGoal{ID: l.ask("tune"), MaxBatches: TuneBatches})
}

// FromScratch is step 4: the same CNN, nothing frozen, fresh weights,
// trained on 5–9 until it is as accurate as the fine-tuned one.
func (l *Lesson) FromScratch() {
	if l.Blocked(4) != "" {
		return
	}
	l.Phase = "scratch"
	l.s.ClearRun()
	l.s.Send(protocol.TrainGoal{ID: l.ask("scratch"), Target: l.Tune.Accuracy, Every: CheckEvery,
		MaxBatches: ScratchBatches, Scratch: true, ScratchSeed: scratchSeed})
}

// apply follows the worker's events.
func (l *Lesson) apply(ev protocol.Event) {
	switch e := ev.(type) {
	case protocol.GoalDone:
		what, ok := l.ids[e.ID]
		if !ok {
			return
		}
		delete(l.ids, e.ID)
		l.Phase = ""
		done := e
		switch what {
		case "base":
			l.Base = &done
		case "tune":
			l.Tune = &done
			l.s.Send(protocol.SnapshotRequest{ID: l.ask("after")})
		case "scratch":
			l.Scratch = &done
		}
	case protocol.Built:
		if l.Phase != "base" && !l.headBuilt {
			l.model = "" // another model: the lesson starts again at step 1
		}
		l.headBuilt = false
	case protocol.HeadReplaced:
		if _, ok := l.ids[e.ID]; !ok {
			return
		}
		delete(l.ids, e.ID)
		l.headBuilt = true
		l.Phase = ""
		head := e
		l.Head = &head
		l.s.Loaded(e.Spec)
		l.model = l.s.BuiltSpec()
		l.s.Send(protocol.SnapshotRequest{ID: l.ask("before")})
	case protocol.Snapshot:
		what, ok := l.ids[e.ID]
		if !ok {
			return
		}
		delete(l.ids, e.ID)
		p := fingerprint(e)
		if what == "before" {
			l.FrozenBefore = p
		} else {
			l.FrozenAfter = p
		}
	case protocol.Error:
		// Only a request's own error (or a fatal one) is its answer: a
		// training error, or another place's, leaves the step running.
		for id, what := range l.ids {
			if _, ours := session.ErrorFor(ev, id); ours {
				delete(l.ids, id)
				if what == l.Phase {
					l.Phase = "" // the worker refused the step; the banner says why
				}
			}
		}
	}
}

// fingerprint is the CRC-32 of the frozen layers' weights in a snapshot.
func fingerprint(s protocol.Snapshot) *frozenPrint {
	p := &frozenPrint{}
	h := crc32.NewIEEE()
	names := layerNames(s.Spec)
	for i, l := range s.Spec.Layers {
		if l.Frozen && i < len(names) {
			p.Layers = append(p.Layers, names[i])
		}
	}
	for _, d := range s.Params {
		if d.Layer < len(s.Spec.Layers) && s.Spec.Layers[d.Layer].Frozen {
			h.Write(d.Data)
			p.Weights += len(d.Data) / 4
		}
	}
	p.CRC = h.Sum32()
	return p
}

// layerNames are a model's layers as Keras and the model panel name them:
// "conv2d (Conv2D)", "max_pooling2d_1 (MaxPool2D)".
func layerNames(m spec.Model) []string {
	types := make([]string, len(m.Layers))
	for i, l := range m.Layers {
		types[i] = l.Type
	}
	names := spec.KerasNames(types)
	for i, t := range types {
		names[i] = fmt.Sprintf("%s (%s)", names[i], t)
	}
	return names
}

// The lesson's lines of results.

func pct(v float64) string { return strconv.FormatFloat(100*v, 'f', 1, 64) + "%" }

func secs(s float64) string { return strconv.FormatFloat(s, 'f', 1, 64) + " s" }

// BaseText is step 1's result.
func (l *Lesson) BaseText() string {
	switch {
	case l.Phase == "base":
		return "Training on 0–4…"
	case l.Base == nil:
		return ""
	case l.Base.Stopped:
		return "Stopped."
	}
	return fmt.Sprintf("%s of the test digits 0–4 right after %s batches (%s).", pct(l.Base.Accuracy), units.Thousands(l.Base.Batches), secs(l.Base.Seconds))
}

// BeforeText is step 2's result: accuracy on 5–9 with the new head.
func (l *Lesson) BeforeText() string {
	switch {
	case l.Phase == "head":
		return "Replacing the head…"
	case l.Head == nil:
		return ""
	}
	frozen := 0
	for _, ly := range l.Head.Spec.Layers {
		if ly.Frozen {
			frozen++
		}
	}
	return fmt.Sprintf("Before fine-tuning: %s of the test digits 5–9 right (chance is 20%%: the head is new). %d layers frozen.", pct(l.Head.Accuracy), frozen)
}

// AfterText is step 3's result.
func (l *Lesson) AfterText() string {
	switch {
	case l.Phase == "tune":
		return "Fine-tuning on 5–9…"
	case l.Tune == nil:
		return ""
	case l.Tune.Stopped:
		return "Stopped."
	}
	return fmt.Sprintf("After fine-tuning: %s of the test digits 5–9 right after %s batches (%s).", pct(l.Tune.Accuracy), units.Thousands(l.Tune.Batches), secs(l.Tune.Seconds))
}

// ScratchText is step 4's result.
func (l *Lesson) ScratchText() string {
	switch {
	case l.Phase == "scratch":
		return "Training the same CNN from scratch on 5–9…"
	case l.Scratch == nil || l.Tune == nil:
		return ""
	case l.Scratch.Stopped:
		return "Stopped."
	case !l.Scratch.Reached:
		return fmt.Sprintf("From scratch: %s after %s batches (%s), still short of the fine-tuned %s.",
			pct(l.Scratch.Accuracy), units.Thousands(l.Scratch.Batches), secs(l.Scratch.Seconds), pct(l.Tune.Accuracy))
	}
	return fmt.Sprintf("From scratch: %s batches (%s) to reach %s (%s).",
		units.Thousands(l.Scratch.Batches), secs(l.Scratch.Seconds), pct(l.Tune.Accuracy), pct(l.Scratch.Accuracy))
}

// SavedText compares the two times.
func (l *Lesson) SavedText() string {
	if l.Scratch == nil || l.Tune == nil || l.Scratch.Stopped || l.Tune.Stopped {
		return ""
	}
	t, s := l.Tune.Seconds, l.Scratch.Seconds
	more := ""
	if !l.Scratch.Reached {
		more = " at least"
	}
	if s > t {
		return fmt.Sprintf("Fine-tuning took %s; training from scratch%s %s: %s saved (%.0f%%), both measured now in this tab.", secs(t), more, secs(s), secs(s-t), 100*(s-t)/s)
	}
	return fmt.Sprintf("Fine-tuning took %s; training from scratch%s %s, both measured now in this tab: no time saved here.", secs(t), more, secs(s))
}

// FrozenText says whether the frozen layers' weights moved.
func (l *Lesson) FrozenText() string {
	b, f := l.FrozenBefore, l.FrozenAfter
	switch {
	case b == nil:
		return ""
	case f == nil:
		return fmt.Sprintf("Frozen: %s (%s weights, CRC-32 %08x).", strings.Join(b.Layers, ", "), units.Thousands(b.Weights), b.CRC)
	case b.CRC == f.CRC && b.Weights == f.Weights:
		return fmt.Sprintf("The frozen layers' %s weights are unchanged: CRC-32 %08x before and after.", units.Thousands(f.Weights), f.CRC)
	}
	return fmt.Sprintf("The frozen layers' weights changed: CRC-32 %08x before, %08x after.", b.CRC, f.CRC)
}

// CRCBefore is the frozen layers' CRC-32 after the head was replaced, in
// hex for a data attribute ("" before).
func (l *Lesson) CRCBefore() string { return l.FrozenBefore.crcText() }

// CRCAfter is the frozen layers' CRC-32 after fine-tuning ("" before).
func (l *Lesson) CRCAfter() string { return l.FrozenAfter.crcText() }

// crcText is the CRC-32 in hex, "" without a print.
func (p *frozenPrint) crcText() string {
	if p == nil {
		return ""
	}
	return fmt.Sprintf("%08x", p.CRC)
}

// BaseWhat says what step 1 trains on.
func BaseWhat() string {
	return fmt.Sprintf("%s batches of 64 images of 0–4", units.Thousands(BaseBatches))
}

// TuneWhat says what step 3 trains on.
func TuneWhat() string {
	return fmt.Sprintf("%s batches of 64 images of 5–9; only the Dense layers learn", units.Thousands(TuneBatches))
}

// accAttr is a step's accuracy for a data attribute, full precision (""
// before the step).
func accAttr(g *protocol.GoalDone) string {
	if g == nil {
		return ""
	}
	return strconv.FormatFloat(g.Accuracy, 'g', -1, 64)
}

// BaseAcc is step 1's accuracy for a data attribute.
func (l *Lesson) BaseAcc() string { return accAttr(l.Base) }

// BeforeAcc is step 2's accuracy for a data attribute.
func (l *Lesson) BeforeAcc() string {
	if l.Head == nil {
		return ""
	}
	return strconv.FormatFloat(l.Head.Accuracy, 'g', -1, 64)
}

// AfterAcc is step 3's accuracy for a data attribute.
func (l *Lesson) AfterAcc() string { return accAttr(l.Tune) }
