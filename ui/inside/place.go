// Package inside is the "Inside the model" place: what a trained MNIST
// model has learned and how its layers fare while training (the first
// layer's weights as images, a CNN's feature maps, per-layer health
// charts), and "Read a digit row by row", a recurrent model's reading one
// step at a time. Every number comes from the worker (snapshot, trace,
// stats and rnn_trace answers); the panels choose what to ask for and
// when, and draw it.
package inside

import (
	"github.com/nnplay/nnplay/ui/route"

	"time"

	"github.com/nnplay/nnplay/ui/session"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// Place is the Inside the model place: its two panels' state.
type Place struct {
	S      *session.Session
	Layers *Layers
	RNN    *RNN

	shown bool // the place is on screen
}

// New makes the place (no DOM work) and subscribes it to the worker's
// events: answers to its requests, and the training events that pace
// them. From then on it polls the per-layer statistics while training,
// on screen or not, so the health charts have the run's history.
func New(s *session.Session) *Place {
	p := &Place{S: s}
	p.Layers = &Layers{s: s}
	p.Layers.clearStats()
	p.RNN = &RNN{s: s}
	s.SubscribePlace(route.Inside, p.handle)
	return p
}

// Shown is called when the place comes on screen. The panels ask for what
// they show when their elements come into view (watch).
func (p *Place) Shown() { p.shown = true }

// Hidden is called when the place leaves the screen: the panels stop
// asking (the statistics go on being polled while training) and the
// reading stops playing.
func (p *Place) Hidden() {
	p.shown = false
	p.Layers.Hide()
	p.Layers.drawStats = nil
	p.RNN.Hide()
	p.RNN.pause()
}

// handle sees every worker event after the session has applied it: it
// routes answers to the panel that asked (each request has its own ID),
// and asks again when the weights have changed. It asks for a render
// only when the place is on screen and something it shows changed;
// statistics are drawn straight from Go.
func (p *Place) handle(ev protocol.Event) (render bool) {
	now := time.Now()
	switch e := ev.(type) {
	case protocol.Trace:
		render = p.Layers.setTrace(e)
	case protocol.Snapshot:
		render = p.Layers.setSnapshot(e)
	case protocol.Stats:
		p.Layers.setStats(e)
	case protocol.RNNTrace:
		render = p.RNN.setTrace(e)
	case protocol.Error:
		// An error answering a panel's request, or a fatal one, must not
		// leave it waiting forever. Another error — a training error, the
		// Learn place's refused trace — is not its answer.
		if _, ours := session.ErrorFor(ev, p.Layers.mapWant); ours {
			p.Layers.mapWant = 0
			render = true
		}
		if _, ours := session.ErrorFor(ev, p.Layers.snapWant); ours {
			p.Layers.snapWant = 0
		}
		if _, ours := session.ErrorFor(ev, p.Layers.statsWant); ours {
			p.Layers.statsWant = 0
		}
		if _, ours := session.ErrorFor(ev, p.RNN.want); ours {
			render = p.RNN.failed(e.Message) || render
		}
	case protocol.Built:
		p.Layers.clearStats()
		p.weightsChanged(newModel)
		render = true
	case protocol.State:
		if e.State == protocol.StateIdle && p.S.Progress.GlobalBatch == 0 {
			p.Layers.clearStats() // a reset
		}
		if e.State != protocol.StateRunning {
			p.weightsChanged(sameModel)
			if p.S.ModelReady() {
				p.Layers.askStats(now) // the last batch's statistics
			}
		}
		render = true
	case protocol.Progress:
		if e.State == protocol.StateRunning {
			p.Layers.poll(now)
		}
	case protocol.EpochEnd:
		p.Layers.refreshWeights()
	}
	return render && p.shown
}

// weightsChanged asks the panels on screen for fresh answers: the weights
// moved (training settled) or the model is new (then old answers are
// dropped at once, as they describe another model).
func (p *Place) weightsChanged(isNew bool) {
	if isNew {
		p.Layers.forget()
		p.RNN.forget()
	}
	// The worker answers in order, so requests sent now see the build or
	// the last batch.
	p.Layers.refreshWeights()
	p.Layers.refreshMaps()
	p.RNN.refresh()
}

// weightsChanged's argument: a new model was built, or the one there trained on.
const (
	newModel  = true
	sameModel = false
)
