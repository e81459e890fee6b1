package ui

import (
	"strconv"
	"strings"
	"syscall/js"
	"time"

	"github.com/vugu/vugu"

	"github.com/nnplay/nnplay/wasm/protocol"
)

// Teach is the state of the MNIST teaching panels: the softmax explorer,
// the backprop step-through and the views inside the model (weights,
// feature maps, per-layer training statistics). Every number they show
// comes from the worker (trace, gradcheck, snapshot and stats answers);
// the panels only choose what to ask for and draw it.
//
// Their requests carry IDs from teachIDBase up, so answers to other
// panels' requests with the same message types (a Share panel's
// snapshot, the playground's trace) are left alone, and theirs to us.
type Teach struct {
	app    *App
	nextID int

	Softmax  *SoftmaxState
	Backprop *BackpropState
	Inside   *InsideState
	RNN      *RNNState // the "Read a digit row by row" panel (rnn.go)
}

// teachIDBase is the first request ID of the teaching panels.
const teachIDBase = 1 << 24

// Pacing of the requests made during training: statistics at most twice a
// second, the weight images every two seconds (a trace, ~2 MB, only when
// training settles).
const (
	statsGap    = 500 * time.Millisecond
	snapshotGap = 2 * time.Second
	staleAfter  = 5 * time.Second // an answer this late no longer holds the next request back
)

// teach returns the teaching panels' state, made on first use.
func (a *App) teach() *Teach {
	if a.Teach == nil {
		t := &Teach{app: a, nextID: teachIDBase}
		t.Softmax = &SoftmaxState{t: t, Source: SoftmaxFromTest, T: 1}
		t.Backprop = &BackpropState{t: t}
		t.Inside = &InsideState{t: t}
		t.Inside.clearStats()
		a.Teach = t
	}
	return a.Teach
}

// id returns a fresh request ID.
func (t *Teach) id() int {
	t.nextID++
	return t.nextID
}

// modelReady says the worker has a model the panels may ask about.
func (t *Teach) modelReady() bool {
	return t.app.Worker == WorkerReady && t.app.Training != ""
}

// batch is the global batch the weights are at now.
func (t *Teach) batch() int { return t.app.Progress.GlobalBatch }

// seed is the model's seed, for the gradient check's choice of weights.
func (t *Teach) seed() int64 {
	if m, err := t.app.Model.Spec(); err == nil {
		return m.Seed
	}
	return 1
}

// apply sees every worker event after App.apply has: it routes answers
// to the panel that asked, and asks again when the weights have changed.
func (t *Teach) apply(ev protocol.Event) {
	switch e := ev.(type) {
	case protocol.Trace:
		t.Softmax.setTrace(e)
		t.Backprop.setTrace(e)
		t.Inside.setTrace(e)
	case protocol.GradCheck:
		t.Backprop.setGradCheck(e)
	case protocol.Snapshot:
		t.Inside.setSnapshot(e)
	case protocol.Stats:
		t.Inside.setStats(e)
	case protocol.RNNTrace:
		t.rnn().setTrace(e)
	case protocol.Error:
		// An error answering one of our requests (say, an index past the
		// test set) must not leave a panel waiting forever. The worker's
		// messages about them start with the request's type.
		if strings.HasPrefix(e.Message, "trace") || strings.HasPrefix(e.Message, "gradcheck") {
			t.Softmax.want, t.Backprop.want, t.Backprop.checkWant, t.Inside.mapWant = 0, 0, 0, 0
		}
		if strings.HasPrefix(e.Message, "rnn trace") || strings.HasPrefix(e.Message, "recurrent trace") {
			t.rnn().failed(e.Message)
		}
	case protocol.Built:
		t.Inside.clearStats()
		t.weightsChanged(true)
	case protocol.State:
		if e.State == protocol.StateIdle && t.app.Progress.GlobalBatch == 0 {
			t.Inside.clearStats() // a reset
		}
		if e.State != protocol.StateRunning {
			t.weightsChanged(false)
			if t.modelReady() {
				t.Inside.askStats(time.Now()) // the last batch's statistics
			}
		}
	case protocol.Progress:
		if e.State == protocol.StateRunning {
			t.Inside.poll(time.Now())
		}
	case protocol.EpochEnd:
		t.Inside.refreshWeights()
	}
}

// weightsChanged asks the visible panels for fresh answers: the weights
// moved (training settled) or the model is new (then old answers are
// dropped at once, as they describe another model).
func (t *Teach) weightsChanged(newModel bool) {
	if newModel {
		t.Softmax.forget()
		t.Backprop.forget()
		t.Inside.forget()
		t.rnn().forget()
	}
	// The worker answers in order, so requests sent now see the build or
	// the last batch.
	t.Softmax.refresh()
	t.Backprop.refresh()
	t.Inside.refreshWeights()
	t.Inside.refreshMaps()
	t.rnn().refresh()
}

// visibility is shared by the panels: a panel off screen asks for nothing
// (a trace of the seed model is 2 MB to decode), and catches up when it
// scrolls into view.
type visibility struct {
	Visible bool
	watched bool
}

// watch starts observing el (once): when it comes into view, Visible turns
// true and shown runs (to send the requests the panel skipped). The
// observer's callback must not block, so a goroutine takes Vugu's lock.
func (v *visibility) watch(a *App, el js.Value, shown func()) {
	if v.watched {
		return
	}
	v.watched = true
	ctor := js.Global().Get("IntersectionObserver")
	if ctor.IsUndefined() {
		v.Visible = true
		shown()
		return
	}
	cb := js.FuncOf(func(_ js.Value, args []js.Value) any {
		entries := args[0]
		n := entries.Length()
		if n == 0 {
			return nil
		}
		vis := entries.Index(n - 1).Get("isIntersecting").Bool()
		go func() {
			a.Env.Lock()
			if vis == v.Visible {
				a.Env.UnlockOnly()
				return
			}
			v.Visible = vis
			if vis {
				shown()
			}
			a.Env.UnlockRender()
		}()
		return nil
	})
	obs := ctor.New(cb, map[string]any{"rootMargin": "300px"})
	obs.Call("observe", el)
}

// indexInput is a test-image number field that keeps what is being typed:
// Vugu re-sets .value on every render, and a trace arriving mid-typing
// would otherwise put the old number back. The number is applied on
// change (Enter or leaving the field).
type indexInput struct{ typed string }

// Value is the field's text: what is being typed, else the current index.
func (f *indexInput) Value(current int) string {
	if f.typed != "" {
		return f.typed
	}
	return strconv.Itoa(current)
}

// Typed records a keystroke's result.
func (f *indexInput) Typed(ev vugu.DOMEvent) { f.typed = ev.PropString("target", "value") }

// Apply sets the typed number (ignoring text that is not one).
func (f *indexInput) Apply(ev vugu.DOMEvent, set func(int)) {
	f.typed = ""
	if i, err := strconv.Atoi(ev.PropString("target", "value")); err == nil {
		set(i)
	}
}

// Go sets index i (the ◀ ▶ buttons), dropping any half-typed number.
func (f *indexInput) Go(set func(int), i int) {
	f.typed = ""
	set(i)
}
