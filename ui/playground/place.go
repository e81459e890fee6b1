// Package playground is the 2-D playground place: a small network learns
// to tell coloured points of the plane apart, as in TensorFlow
// Playground, with its decision regions, its network and its loss curves
// drawn live from Go.
//
// The settings (Config) and their address (hash.go), the hidden layers
// (net.go) and the state machine of the place (place.go, settings.go,
// frames.go, texts.go) are plain Go, tested natively; the files that
// touch the page (dom.go, draw*.go, hover.go, panel.go and the
// components) are built for js/wasm only.
package playground

import (
	"fmt"

	"github.com/nnplay/nnplay/ui/chart"
	"github.com/nnplay/nnplay/ui/model"
	"github.com/nnplay/nnplay/ui/session"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// Place is the 2-D playground: the settings (Config, mirrored in the
// address bar), what its own training worker said last, and the loss
// curves. The playground has a worker of its own, started when the place
// is first shown, so that MNIST training and the playground never
// disturb each other; training pauses while the place is not shown.
//
// Like the session, it is touched only under Vugu's event lock. Frames
// are drawn straight onto canvases (frames.go, draw.go), never through a
// render.
type Place struct {
	s *session.Session

	Config   Config
	Net      *model.Editor // the layer builder's state: the hidden layers
	Problems []string      // what was wrong with the address the playground was opened at

	Worker string // session.WorkerStarting, WorkerReady or WorkerDead
	State  string // the worker's protocol.State*; "" while a build is on its way
	Fatal  string // the worker stopped
	Error  string // the latest non-fatal error from the worker

	Data  *protocol.PlaygroundData  // the points of the current build
	Built *protocol.Built           // the model's summary
	Frame *protocol.PlaygroundFrame // the last frame drawn

	// Loss curves over epochs, from the frames.
	TrainLoss, TestLoss []chart.Point
	CurveVersion        int
	lastBatch           int
	epochs              float64

	send    func(protocol.Request) // to the worker; nil before it starts
	started bool                   // the worker exists
	active  bool                   // the place is on screen
	loop    frameLoop
	view    *view  // the canvases, mounted by the panel (draw.go)
	refused string // why the worker refused the last build ("": it did not)
}

// New makes the playground; its worker starts when it is first shown.
func New(s *session.Session) *Place {
	p := &Place{s: s, Config: DefaultConfig(), Worker: session.WorkerStarting, Net: &model.Editor{}, view: &view{}}
	p.loadNet()
	return p
}

// Shown is called by the router when the place comes on screen, and
// again when it is asked for at a new address: it follows the address's
// settings, then starts the playground (its worker and first build) or
// wakes it.
func (p *Place) Shown() { p.show(locationHash()) }

// show is Shown for the address hash.
func (p *Place) show(hash string) {
	p.active = true
	p.follow(hash)
	p.writeHash()
	if !p.started {
		p.started = true
		p.send = startWorker(p)
		p.rebuild()
		return
	}
	p.loop.ask()
	p.pump()
}

// follow takes the settings of an address that holds any (#/playground
// alone keeps the current ones): a link pasted or followed opens that
// run, and says what it could not use.
func (p *Place) follow(hash string) {
	if Settings(hash) == "" || hash == p.Config.Hash() {
		return
	}
	c, problems := ParseHash(hash)
	p.Problems = problems
	if c.Hash() == p.Config.Hash() {
		return // the same run (an older form of its address)
	}
	p.Config = c
	p.loadNet()
	if p.started {
		p.changed(rebuild)
	}
}

// Hidden pauses training (no point burning the CPU out of sight) and
// stops the frames.
func (p *Place) Hidden() {
	if !p.active {
		return
	}
	p.active = false
	if p.State == protocol.StateRunning {
		p.request(protocol.Pause{})
	}
	p.pump() // stops the frames
}

func (p *Place) request(r protocol.Request) {
	if p.send != nil {
		p.send(r)
	}
}

// changed records a settings change: the address follows it, and a
// change to the data or the model rebuilds both (fresh points and
// weights, paused, as TensorFlow Playground does).
func (p *Place) changed(build bool) {
	p.fixNet()
	if p.active {
		p.writeHash()
	}
	if build {
		p.rebuild()
	}
	p.redrawStatic()
}

// rebuild sends the config to the worker. With fewer than two features
// nothing is built: the page says why and waits for another choice.
func (p *Place) rebuild() {
	if !p.started || p.Worker == session.WorkerDead {
		return
	}
	p.clearRun()
	p.Data, p.Built, p.Frame = nil, nil, nil
	p.Error, p.refused = "", ""
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

func (p *Place) clearRun() {
	p.TrainLoss, p.TestLoss = nil, nil
	p.lastBatch, p.epochs = 0, 0
	p.CurveVersion++
}

// Blocked says why training cannot start, or "".
func (p *Place) Blocked() string {
	switch {
	case p.Worker == session.WorkerDead:
		return "The playground's worker stopped; reload the page."
	case p.Config.FeaturesProblem() != "":
		return p.Config.FeaturesProblem()
	case p.NetProblem() != "":
		return p.NetProblem()
	case p.State == "" && p.refused != "":
		return "The worker could not build this network (" + p.refused + "); change a setting to try again."
	case p.State == "":
		return "Building the model…"
	}
	return ""
}

// PlayLabel is the play button's text.
func (p *Place) PlayLabel() string {
	if p.State == protocol.StateRunning {
		return "Pause"
	}
	return "Play"
}

// TogglePlay starts or resumes training, or pauses it.
func (p *Place) TogglePlay() {
	switch {
	case p.Blocked() != "":
	case p.State == protocol.StateRunning:
		p.request(protocol.Pause{})
	default:
		p.request(protocol.Start{})
	}
}

// Step trains one batch.
func (p *Place) Step() {
	if p.Blocked() == "" && p.State != protocol.StateRunning {
		p.request(protocol.Step{})
		// The worker trains the batch before it answers the next request,
		// so this frame shows it (a step from paused changes no state).
		p.loop.ask()
		p.pump()
	}
}

// Reset starts over: fresh weights from the seed, the same points.
func (p *Place) Reset() {
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
func (p *Place) handle(ev protocol.Event) bool {
	switch e := ev.(type) {
	case protocol.Ready:
		p.Worker = session.WorkerReady
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
			if e.Request == (protocol.PlaygroundBuild{}).Type() && p.State == "" {
				p.refused = e.Message // no build is coming: say so rather than "Building…"
			}
		}
		// A refused frame request must not stall the frame loop.
		if p.loop.failed(ev) {
			p.pump()
		}
	default:
		return false
	}
	return true
}

// setState records the worker's state; any change asks for a frame. A
// run that starts while the place is away (Play pressed just before
// leaving) is paused: training runs only on screen.
func (p *Place) setState(s string) bool {
	if s == p.State || p.State == "" && s != protocol.StateIdle {
		return false // "" waits for the build's idle
	}
	if s == protocol.StateRunning && !p.active {
		p.request(protocol.Pause{})
	}
	p.State = s
	p.loop.ask()
	p.pump()
	return true
}

func (p *Place) died(reason string) {
	if p.Worker != session.WorkerDead {
		p.Worker = session.WorkerDead
		p.Fatal = fmt.Sprintf("The playground's worker stopped: %s. Reload the page to start again.", reason)
	}
}

// addCurves appends the frame's losses, at the epochs trained so far.
func (p *Place) addCurves(f protocol.PlaygroundFrame) {
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
	p.TrainLoss = appendCurve(p.TrainLoss, chart.Point{X: p.epochs, Y: f.TrainLoss})
	p.TestLoss = appendCurve(p.TestLoss, chart.Point{X: p.epochs, Y: f.TestLoss})
	p.CurveVersion++
}

// maxCurve bounds a playground curve (a frame adds a point, up to 60 a
// second, and the chart is redrawn with every frame): beyond it every
// other point is dropped, which keeps the curve's shape.
const maxCurve = 1000

// appendCurve appends pt to s, halving s when it is full; a point before
// the last one (a late frame from before a reset) is dropped.
func appendCurve(s []chart.Point, pt chart.Point) []chart.Point {
	if n := len(s); n > 0 && pt.X < s[n-1].X {
		return s
	}
	if len(s) >= maxCurve {
		half := s[:0]
		for i := 0; i < len(s); i += 2 {
			half = append(half, s[i])
		}
		s = half
	}
	return append(s, pt)
}

// changed's argument: the change needs fresh points and weights, or only
// a redraw and the address.
const (
	rebuild = true
	keepRun = false
)
