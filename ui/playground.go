package ui

import (
	"fmt"

	"github.com/nnplay/nnplay/wasm/protocol"
)

// The page's sections, chosen with the tabs at the top.
const (
	TabMNIST      = "mnist"
	TabPlayground = "playground"
)

// Playground is the 2-D playground's state: the settings (PlayConfig,
// mirrored in the URL hash), what its own training worker said last, and
// the loss curves. The playground has a worker of its own, started when
// the tab is first shown, so that MNIST training and the playground never
// disturb each other.
//
// Like App, it is touched only under Vugu's event lock. Frames are drawn
// straight onto canvases (playground_frames.go), never through a render.
type Playground struct {
	app *App

	Config   PlayConfig
	Net      *ModelEditor // the layer builder's state: the hidden layers
	Problems []string     // what was wrong with the hash the page opened with

	Worker string // WorkerStarting, WorkerReady or WorkerDead
	State  string // the worker's protocol.State*; "" while a build is on its way
	Fatal  string // the worker stopped
	Error  string // the latest non-fatal error from the worker

	Data  *protocol.PlaygroundData  // the points of the current build
	Built *protocol.Built           // the model's summary
	Frame *protocol.PlaygroundFrame // the last frame drawn

	// Loss curves over epochs, from the frames.
	TrainLoss, TestLoss []Point
	CurveVersion        int
	lastBatch           int
	epochs              float64

	send      func(protocol.Request)
	started   bool // the worker exists
	active    bool // the tab is shown
	opened    bool // the tab has been shown: its panel is built
	listening bool // to hashchange
	loop      frameLoop
	view      *playView
}

func newPlayground(a *App) *Playground {
	p := &Playground{app: a, Config: DefaultPlayConfig(), Worker: WorkerStarting, Net: newNetEditor()}
	p.loadNet()
	return p
}

// ShowTab switches the page to a section.
func (a *App) ShowTab(tab string) {
	if tab != TabPlayground {
		tab = TabMNIST
	}
	if tab == a.Tab {
		return
	}
	a.Tab = tab
	if tab == TabPlayground {
		a.Play.show()
		return
	}
	a.Play.hide()
	if a.mnistDeferred {
		a.mnistDeferred = false
		a.send(protocol.LoadData{})
	}
}

// Opened says the playground's tab is or has been open: its panel is
// built then, and kept (with its canvases) when the tab closes.
func (p *Playground) Opened() bool { return p.opened || p.app.Tab == TabPlayground }

// TabClass is a tab button's class.
func (a *App) TabClass(tab string) string {
	if a.Tab == tab {
		return "tab current"
	}
	return "tab"
}

// show starts the playground (its worker and first build) or wakes it.
func (p *Playground) show() {
	p.active = true
	p.opened = true
	p.writeHash()
	if !p.started {
		p.started = true
		p.send = startPlayWorker(p)
		p.rebuild()
		return
	}
	p.loop.ask()
	p.pump()
}

// hide pauses training (no point burning the CPU out of sight) and takes
// the playground's settings out of the address bar.
func (p *Playground) hide() {
	p.active = false
	if p.State == protocol.StateRunning {
		p.request(protocol.Pause{})
	}
	p.pump() // stops the frames
	clearPlayHash()
}

func (p *Playground) request(r protocol.Request) {
	if p.send != nil {
		p.send(r)
	}
}

// changed records a settings change: the hash follows it, and a change to
// the data or the model rebuilds both (fresh points and weights, paused,
// as TensorFlow Playground does).
func (p *Playground) changed(rebuild bool) {
	p.fixNet()
	if p.active {
		p.writeHash()
	}
	if rebuild {
		p.rebuild()
	}
	p.redrawStatic()
}

// rebuild sends the config to the worker. With fewer than two features
// nothing is built: the page says why and waits for another choice.
func (p *Playground) rebuild() {
	if !p.started || p.Worker == WorkerDead {
		return
	}
	p.clearRun()
	p.Data, p.Built, p.Frame = nil, nil, nil
	p.Error = ""
	if p.State == protocol.StateRunning {
		p.request(protocol.Pause{}) // the old model, until the new one is built
	}
	p.State = ""
	p.loop.drop()
	p.pump() // no frames until the build is done
	if p.Config.FeaturesProblem() == "" {
		p.request(p.Config.Build())
	}
}

func (p *Playground) clearRun() {
	p.TrainLoss, p.TestLoss = nil, nil
	p.lastBatch, p.epochs = 0, 0
	p.CurveVersion++
}

// Blocked says why training cannot start, or "".
func (p *Playground) Blocked() string {
	switch {
	case p.Worker == WorkerDead:
		return "The playground's worker stopped; reload the page."
	case p.Config.FeaturesProblem() != "":
		return p.Config.FeaturesProblem()
	case p.NetProblem() != "":
		return p.NetProblem()
	case p.State == "":
		return "Building the model…"
	}
	return ""
}

// PlayLabel is the play button's text.
func (p *Playground) PlayLabel() string {
	if p.State == protocol.StateRunning {
		return "Pause"
	}
	return "Play"
}

// TogglePlay starts or resumes training, or pauses it.
func (p *Playground) TogglePlay() {
	switch {
	case p.Blocked() != "":
	case p.State == protocol.StateRunning:
		p.request(protocol.Pause{})
	default:
		p.request(protocol.Start{})
	}
}

// Step trains one batch.
func (p *Playground) Step() {
	if p.Blocked() == "" && p.State != protocol.StateRunning {
		p.request(protocol.Step{})
		// The worker trains the batch before it answers the next request,
		// so this frame shows it (a step from paused changes no state).
		p.loop.ask()
		p.pump()
	}
}

// Reset starts over: fresh weights from the seed, the same points.
func (p *Playground) Reset() {
	if p.Blocked() != "" {
		p.rebuild()
		return
	}
	p.clearRun()
	p.Frame = nil
	p.loop.drop()
	p.request(protocol.Reset{})
}

// handle applies one event from the playground's worker and says whether
// the templates need a render.
func (p *Playground) handle(ev protocol.Event) bool {
	switch e := ev.(type) {
	case protocol.Ready:
		p.Worker = WorkerReady
	case protocol.PlaygroundData:
		p.Data = &e
		p.redrawStatic()
	case protocol.Built:
		p.Built = &e
	case protocol.State:
		p.setState(e.State)
	case protocol.Progress:
		return p.setState(e.State)
	case protocol.PlaygroundFrame:
		p.onFrame(e)
		return false
	case protocol.Error:
		if e.Fatal {
			p.died(e.Message)
		} else {
			p.Error = e.Message
		}
		// A failed frame request must not stall the frame loop.
		p.loop.failed()
		p.pump()
	default:
		return false
	}
	return true
}

// setState records the worker's state; any change asks for a frame.
func (p *Playground) setState(s string) bool {
	if s == p.State || p.State == "" && s != protocol.StateIdle {
		return false // "" waits for the build's idle
	}
	p.State = s
	p.loop.ask()
	p.pump()
	return true
}

func (p *Playground) died(reason string) {
	if p.Worker != WorkerDead {
		p.Worker = WorkerDead
		p.Fatal = fmt.Sprintf("The playground's worker stopped: %s. Reload the page to start again.", reason)
	}
}

// addCurves appends the frame's losses, at the epochs trained so far.
func (p *Playground) addCurves(f protocol.PlaygroundFrame) {
	if f.GlobalBatch < p.lastBatch || p.Data == nil {
		return
	}
	if n := len(p.Data.TrainLabels); n > 0 {
		p.epochs += float64(f.GlobalBatch-p.lastBatch) * float64(min(p.Config.Batch, n)) / float64(n)
	}
	if f.GlobalBatch == p.lastBatch && len(p.TrainLoss) > 0 {
		return
	}
	p.lastBatch = f.GlobalBatch
	p.TrainLoss = appendCurve(p.TrainLoss, Point{p.epochs, f.TrainLoss})
	p.TestLoss = appendCurve(p.TestLoss, Point{p.epochs, f.TestLoss})
	p.CurveVersion++
}

// maxCurve bounds a playground curve (a frame adds a point, up to 60 a
// second, and the chart is redrawn with every frame): beyond it every
// other point is dropped, which keeps the curve's shape.
const maxCurve = 1000

func appendCurve(s []Point, pt Point) []Point {
	if len(s) >= maxCurve {
		half := s[:0]
		for i := 0; i < len(s); i += 2 {
			half = append(half, s[i])
		}
		s = half
	}
	return appendPoint(s, pt)
}
