package playground

import (
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/vugu/vugu"

	"github.com/nnplay/nnplay/ui/chart"
	"github.com/nnplay/nnplay/ui/session"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// The playground's state without a browser: which requests each control
// sends its worker, what the place makes of the worker's events and of
// the addresses it is shown at. (Nothing is drawn, and no animation
// frame comes.)

type recorder struct{ sent []protocol.Request }

// newSession is a session whose worker is nobody; its event environment
// is a lock of its own (the page's is Vugu's).
func newSession() *session.Session {
	s := session.New(func(protocol.Request) {})
	s.Env = vugu.NewEventEnvImpl(&sync.RWMutex{}, make(chan bool, 1))
	return s
}

func newTestPlace() (*Place, *recorder) {
	p := New(newSession())
	rec := &recorder{}
	p.started, p.active = true, true // as if shown, with a worker
	p.send = func(r protocol.Request) { rec.sent = append(rec.sent, r) }
	return p, rec
}

// take returns the types of the requests sent since the last take.
func (r *recorder) take() []string {
	var out []string
	for _, s := range r.sent {
		out = append(out, s.Type())
	}
	r.sent = nil
	return out
}

func (r *recorder) last() protocol.Request { return r.sent[len(r.sent)-1] }

// built plays the worker's answer to a build.
func built(p *Place) {
	p.handle(protocol.Built{TotalParams: 1})
	p.handle(protocol.State{State: protocol.StateIdle})
}

func TestControlsRebuildOnlyForDataAndModel(t *testing.T) {
	p, rec := newTestPlace()
	p.rebuild()
	if got := rec.take(); !reflect.DeepEqual(got, []string{"playground_build"}) {
		t.Fatalf("start: sent %v", got)
	}
	if p.Blocked() == "" {
		t.Errorf("Play is enabled before the worker built the model")
	}
	built(p)
	if msg := p.Blocked(); msg != "" {
		t.Fatalf("blocked after the build: %q", msg)
	}

	p.SetDataset("spiral")
	p.SetClasses("4")
	b := rec.last().(protocol.PlaygroundBuild)
	if got := rec.take(); !reflect.DeepEqual(got, []string{"playground_build", "playground_build"}) || b.Dataset != "spiral" || b.Classes != 4 {
		t.Errorf("data set and classes: sent %v, last %s with %d classes", got, b.Dataset, b.Classes)
	}
	built(p)
	p.SetLR("0.1")
	p.SetBatch("30")
	set := rec.last().(protocol.Set)
	if got := rec.take(); !reflect.DeepEqual(got, []string{"set", "set"}) || set.LearningRate != 0.1 || set.BatchSize != 30 {
		t.Errorf("learning rate and batch size: sent %v, last %+v; want set, not a rebuild", got, set)
	}
	p.SetShowTest(true)
	p.SetDiscretize(true)
	p.SetLR("fast")   // ignored: not a number
	p.SetBatch("500") // ignored: over the limit
	p.SetClasses("9")
	if got := rec.take(); len(got) != 0 {
		t.Errorf("view settings and bad values sent %v", got)
	}
	if p.Config.LR != 0.1 || p.Config.Batch != 30 || p.Config.Classes != 4 || !p.Config.ShowTest || !p.Config.Discretize {
		t.Errorf("config %+v", p.Config)
	}

	for _, change := range []func(){
		func() { p.Net.Select(-1); p.Net.Add("Dropout") }, func() { p.Net.SetField(0, "units", "5") },
		func() { p.Net.SetField(1, "activation", "sigmoid") }, func() { p.Net.Remove(2) },
		func() { p.Net.Add("Dense") }, func() { p.Net.Undo() }, func() { p.SetOptimizer("adam") }, func() { p.SetNoise("20") },
		func() { p.SetRatio("70") }, func() { p.SetPoints("200") }, func() { p.NewSeed() },
	} {
		change()
		if got := rec.take(); !reflect.DeepEqual(got, []string{"playground_build"}) {
			t.Errorf("a model or data change sent %v; want one rebuild", got)
		}
		built(p)
	}
	want := "#/playground&dataset=spiral&classes=4&points=200&noise=20&ratio=70&test=1&features=x,y&layers=5:tanh,2:sigmoid" +
		"&optimizer=adam&lr=0.1&batch=30&seed=2&discretize=1"
	if got := p.Config.Hash(); got != want {
		t.Errorf("hash after the changes\n%s\nwant\n%s", got, want)
	}
}

// A layer the builder cannot use blocks training and sends nothing; the
// builder's input and output follow the features and classes.
func TestBuilderBlocksBadLayers(t *testing.T) {
	p, rec := newTestPlace()
	p.rebuild()
	built(p)
	rec.take()
	p.Net.SetField(0, "units", "9")
	if got := rec.take(); len(got) != 0 {
		t.Errorf("9 units sent %v", got)
	}
	if msg := p.Blocked(); !strings.Contains(msg, "units must be 1 to 8 in the playground") {
		t.Errorf("blocked: %q", msg)
	}
	if msg := p.Net.RowError(0); !strings.Contains(msg, "units must be 1 to 8") {
		t.Errorf("row message: %q", msg)
	}
	p.Net.Add("Conv2D") // not in the palette's types: the row says so
	if msg := p.Net.RowError(p.Net.Selected); !strings.Contains(msg, "no Conv2D layers") {
		t.Errorf("Conv2D row: %q", msg)
	}
	p.Net.Undo()
	p.Net.Undo()
	if got := rec.take(); len(got) != 0 || p.Blocked() != "" {
		t.Errorf("undo back to the built model sent %v, blocked %q", got, p.Blocked())
	}
	p.SetFeature("x2", true)
	p.SetClasses("2")
	if p.Net.InputShape() != "(None, 3)" || p.Net.OutputShape(len(p.Net.Rows)) != "(None, 2)" || p.Net.Params(len(p.Net.Rows)) != "6" {
		t.Errorf("input %s, output %s with %s params", p.Net.InputShape(), p.Net.OutputShape(len(p.Net.Rows)), p.Net.Params(len(p.Net.Rows)))
	}
}

func TestNeedsTwoFeatures(t *testing.T) {
	p, rec := newTestPlace()
	p.rebuild()
	built(p)
	rec.take()
	p.SetFeature("y", false)
	if got := rec.take(); len(got) != 0 {
		t.Errorf("one feature sent %v; nothing can be built", got)
	}
	if msg := p.Blocked(); msg != "Choose at least 2 input features (you have 1)." {
		t.Errorf("Blocked() = %q", msg)
	}
	p.TogglePlay()
	p.Step()
	if got := rec.take(); len(got) != 0 {
		t.Errorf("Play and Step with one feature sent %v", got)
	}
	p.SetFeature("sinx", true)
	p.SetFeature("x2", true)
	b := rec.last().(protocol.PlaygroundBuild)
	if !reflect.DeepEqual(b.Features, []string{"x", "x2", "sinx"}) || b.Spec.Input[0] != 3 {
		t.Errorf("features %v, input %v; want them in the playground's order", b.Features, b.Spec.Input)
	}
}

func TestPlayPauseStepReset(t *testing.T) {
	p, rec := newTestPlace()
	p.rebuild()
	built(p)
	rec.take()
	p.TogglePlay()
	p.handle(protocol.State{State: protocol.StateRunning})
	if p.PlayLabel() != "Pause" {
		t.Errorf("label while running: %q", p.PlayLabel())
	}
	p.Step() // not while running
	p.TogglePlay()
	p.handle(protocol.State{State: protocol.StatePaused})
	p.Step()
	if got := rec.take(); !reflect.DeepEqual(got, []string{"start", "pause", "step"}) {
		t.Errorf("play, step while running, pause, step: sent %v", got)
	}
	p.handle(protocol.PlaygroundData{Classes: 2, TrainLabels: make([]int, 100)})
	p.loop.id = 1 // as if the page had asked for frame 1
	p.handle(protocol.PlaygroundFrame{ID: 1, GlobalBatch: 20, TrainLoss: 0.5, TestLoss: 0.6, TrainAccuracy: 0.75})
	if p.Frame == nil || len(p.TrainLoss) != 1 || p.TrainLoss[0] != (chart.Point{X: 2, Y: 0.5}) || p.TestLoss[0] != (chart.Point{X: 2, Y: 0.6}) {
		t.Fatalf("after a frame: %v %v; want one point at epoch 2 (20 batches of 10 of 100 points)", p.TrainLoss, p.TestLoss)
	}
	if p.AccText(true) != "75.0%" || p.LossText(false) != "0.600" || !strings.HasPrefix(p.EpochText(), "2 (batch 20)") {
		t.Errorf("texts %q %q %q", p.AccText(true), p.LossText(false), p.EpochText())
	}
	p.Reset()
	if got := rec.take(); !reflect.DeepEqual(got, []string{"reset"}) || p.Frame != nil || len(p.TrainLoss) != 0 {
		t.Errorf("reset: sent %v, frame %v, curve %v", got, p.Frame, p.TrainLoss)
	}
	// A frame asked for before the reset is stale: not drawn, not charted.
	p.handle(protocol.PlaygroundFrame{ID: 1, GlobalBatch: 25})
	if p.Frame != nil || len(p.TrainLoss) != 0 {
		t.Errorf("a stale frame was taken: %+v", p.Frame)
	}
}

func TestWorkerErrors(t *testing.T) {
	p, _ := newTestPlace()
	p.rebuild()
	built(p)
	p.handle(protocol.Error{Message: "epoch 3, batch 4: the loss is NaN"})
	if p.ErrorText() != "epoch 3, batch 4: the loss is NaN" || p.Blocked() != "" {
		t.Errorf("non-fatal error: %q, blocked %q", p.ErrorText(), p.Blocked())
	}
	p.handle(protocol.Error{Message: "out of memory", Fatal: true})
	if !strings.Contains(p.ErrorText(), "out of memory") || p.Blocked() == "" || p.Worker != session.WorkerDead {
		t.Errorf("fatal error: %q, blocked %q", p.ErrorText(), p.Blocked())
	}
}

func TestCurvesStayBounded(t *testing.T) {
	var s []chart.Point
	for i := 0; i < 5000; i++ {
		s = appendCurve(s, chart.Point{X: float64(i), Y: 1 / float64(i+1)})
	}
	if len(s) > maxCurve || len(s) < maxCurve/2 || s[0].X != 0 || s[len(s)-1].X != 4999 {
		t.Fatalf("%d points from %v to %v; want at most %d, spanning the run", len(s), s[0], s[len(s)-1], maxCurve)
	}
	for i := 1; i < len(s); i++ {
		if s[i].X <= s[i-1].X {
			t.Fatalf("point %d at x=%v after x=%v", i, s[i].X, s[i-1].X)
		}
	}
}

// The router shows the place at an address: settings in it (any form)
// open that run, the bare address keeps the current one, and leaving
// pauses training.
func TestShownFollowsTheAddress(t *testing.T) {
	p := New(newSession())
	p.show("#dataset=xor&noise=25&layers=3") // an old link, the page's first address
	if !p.started || !p.active || p.Config.Dataset != "xor" || p.Config.Noise != 25 || len(p.Net.Rows) != 1 || p.Net.Rows[0].Units != "3" || p.Net.CanUndo() {
		t.Fatalf("first shown at an old link: started %v, active %v, config %+v, rows %+v", p.started, p.active, p.Config, p.Net.Rows)
	}

	p, rec := newTestPlace()
	p.show("#/playground") // the nav's link: nothing to follow
	if got := rec.take(); !reflect.DeepEqual(got, []string(nil)) || !reflect.DeepEqual(p.Config, DefaultConfig()) {
		t.Errorf("the bare address sent %v, config %+v", got, p.Config)
	}
	built(p)
	p.SetNoise("10")
	rec.take()
	built(p)
	cur := p.Config.Hash()
	for _, same := range []string{cur, "#/playground", "#playground&" + Settings(cur), "#" + Settings(cur)} {
		p.show(same)
		if got := rec.take(); len(got) != 0 || p.Config.Noise != 10 || len(p.Problems) != 0 {
			t.Errorf("%s: the same run sent %v, noise %d, problems %q", same, got, p.Config.Noise, p.Problems)
		}
	}

	p.Net.SetField(0, "units", "5") // an edit the next link replaces, history and all
	rec.take()
	built(p)
	p.show("#/playground&dataset=spiral&classes=3&layers=8,8&activation=relu")
	b, ok := rec.last().(protocol.PlaygroundBuild)
	if got := rec.take(); !reflect.DeepEqual(got, []string{"playground_build"}) || !ok || b.Dataset != "spiral" || b.Classes != 3 || len(b.Spec.Layers) != 3 {
		t.Fatalf("a new link sent %v (%+v); want one build of its run", got, b)
	}
	if len(p.Net.Rows) != 2 || p.Net.Rows[1].Units != "8" || p.Net.CanUndo() || p.Net.InputShape() != "(None, 2)" {
		t.Errorf("the builder after a link: rows %+v, can undo %v, input %s", p.Net.Rows, p.Net.CanUndo(), p.Net.InputShape())
	}
	p.show("#/playground&dataset=moons&seed=4")
	if len(p.Problems) != 1 || !strings.Contains(p.Problems[0], "dataset=moons") || p.Config.Dataset != "circle" || p.Config.Seed != 4 {
		t.Errorf("a bad link: problems %q, config %+v", p.Problems, p.Config)
	}
	rec.take()

	built(p)
	p.TogglePlay()
	p.handle(protocol.State{State: protocol.StateRunning})
	rec.take()
	p.Hidden()
	if got := rec.take(); !reflect.DeepEqual(got, []string{"pause"}) || p.active {
		t.Errorf("leaving while training sent %v (active %v); want a pause", got, p.active)
	}
	p.Hidden()
	p.handle(protocol.State{State: protocol.StatePaused})
	p.show("#/playground")
	p.TogglePlay() // Play, then away before the run starts
	p.Hidden()
	p.handle(protocol.State{State: protocol.StateRunning})
	if got := rec.take(); !reflect.DeepEqual(got, []string{"start", "pause"}) {
		t.Errorf("a run that started out of sight: sent %v; want it paused", got)
	}
	p.handle(protocol.State{State: protocol.StatePaused})
	p.show("#/playground")
	if got := rec.take(); len(got) != 0 || !p.active {
		t.Errorf("coming back sent %v (active %v); training stays paused", got, p.active)
	}
}

// TestFrameWaitsThroughOtherErrors: a frame request in flight is
// forgotten (so the loop asks again) only on its own refusal; a training
// error leaves it in flight, and its frame is then taken.
func TestFrameWaitsThroughOtherErrors(t *testing.T) {
	p, _ := newTestPlace()
	p.rebuild()
	built(p)
	p.handle(protocol.PlaygroundData{Classes: 2, TrainLabels: make([]int, 100)})
	p.loop.id, p.loop.inflight = 3, true // as if the page had asked for frame 3
	p.handle(protocol.Error{Message: "epoch 3, batch 4: the loss is NaN"})
	if !p.loop.inflight {
		t.Errorf("a training error forgot the frame request in flight")
	}
	p.handle(protocol.PlaygroundFrame{ID: 3, GlobalBatch: 20, TrainLoss: 0.5, TestLoss: 0.6, TrainAccuracy: 0.75})
	if p.Frame == nil || p.Frame.ID != 3 || p.loop.inflight {
		t.Errorf("the frame after a training error: %+v, in flight %v", p.Frame, p.loop.inflight)
	}
	p.loop.id, p.loop.inflight = 4, true
	p.handle(protocol.Error{Message: "playground_frame: no model", Request: "playground_frame", ID: 4})
	if p.loop.inflight || p.ErrorText() != "playground_frame: no model" {
		t.Errorf("after its own refusal: in flight %v, error %q", p.loop.inflight, p.ErrorText())
	}
}

// A build the worker refuses: Play says why and what to do, not
// "Building the model…" for ever, and the next change builds again.
func TestRefusedBuildSaysWhy(t *testing.T) {
	p, rec := newTestPlace()
	p.rebuild()
	rec.take()
	const why = "the network is too large"
	p.handle(protocol.Error{Message: why, Request: (protocol.PlaygroundBuild{}).Type()})
	if got := p.Blocked(); !strings.Contains(got, why) || !strings.Contains(got, "change a setting") {
		t.Errorf("after the refusal Play is blocked by %q; want the reason and what to do", got)
	}
	p.SetDataset("xor")
	if got := rec.take(); !reflect.DeepEqual(got, []string{"playground_build"}) || p.Blocked() != "Building the model…" {
		t.Errorf("a change after the refusal sent %v, Play blocked by %q", got, p.Blocked())
	}
	built(p)
	if got := p.Blocked(); got != "" {
		t.Errorf("blocked after the new build: %q", got)
	}
}
