// Package learn is the Learn place: the softmax explorer and the backprop
// step-through, two views of one MNIST example going through the model
// the Build & train place trains. Every number they show comes from the
// worker (trace and gradcheck answers) or, for what the model does not
// compute (slider logits, a temperature), from the formula the view
// teaches (Numbers); the panels choose what to ask for and draw it.
package learn

import (
	"github.com/nnplay/nnplay/ui/route"

	"github.com/nnplay/nnplay/ui/session"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// Place is the Learn place: its two panels' state.
type Place struct {
	S        *session.Session
	Softmax  *Softmax
	Backprop *Backprop

	shown bool // the place is on screen
}

// New makes the place (no DOM work) and subscribes it to the worker's
// answers to its requests.
func New(s *session.Session) *Place {
	p := &Place{S: s}
	p.Softmax = &Softmax{s: s, Source: FromTest, T: 1}
	p.Backprop = &Backprop{s: s}
	s.SubscribePlace(route.Learn, p.handle)
	return p
}

// Shown is called when the place comes on screen. The panels ask for
// their traces when their elements come into view (watch).
func (p *Place) Shown() { p.shown = true }

// Hidden is called when the place leaves the screen: the panels stop
// asking, and catch up when shown again.
func (p *Place) Hidden() {
	p.shown = false
	p.Softmax.Hide()
	p.Backprop.Hide()
}

// handle sees every worker event after the session has applied it: it
// routes answers to the panel that asked (each request has its own ID),
// and asks again when the weights have changed. It asks for a render
// only when the place is on screen and something it shows changed.
func (p *Place) handle(ev protocol.Event) (render bool) {
	switch e := ev.(type) {
	case protocol.Trace:
		render = p.Softmax.setTrace(e) || p.Backprop.setTrace(e)
	case protocol.GradCheck:
		render = p.Backprop.setGradCheck(e)
	case protocol.Error:
		// An error answering a panel's request (an index past the test
		// set, a model the worker cannot trace), or a fatal one, must not
		// leave it waiting forever; the banner says why. Another error —
		// a training error, the Inside place's refused trace — is not its
		// answer.
		for _, want := range []*int{&p.Softmax.want, &p.Backprop.want, &p.Backprop.checkWant} {
			if _, ours := session.ErrorFor(ev, *want); ours {
				*want = 0
				render = true
			}
		}
	case protocol.Built:
		p.weightsChanged(newModel)
		render = true
	case protocol.State:
		if e.State != protocol.StateRunning {
			p.weightsChanged(sameModel)
		}
		render = true
	}
	return render && p.shown
}

// weightsChanged asks the panels on screen for fresh answers: the weights
// moved (training settled) or the model is new (then old answers are
// dropped at once, as they describe another model). A trace holds every
// layer's activations and gradients, too much to decode on every batch,
// so nothing is asked while training runs.
func (p *Place) weightsChanged(isNew bool) {
	if isNew {
		p.Softmax.forget()
		p.Backprop.forget()
	}
	// The worker answers in order, so requests sent now see the build or
	// the last batch.
	p.Softmax.refresh()
	p.Backprop.refresh()
}

// wrapIndex maps i onto the test set's images, wrapping around both ends
// (◀ on image 0 goes to the last).
func wrapIndex(s *session.Session, i int) int {
	n := max(1, s.DataTest)
	return ((i % n) + n) % n
}

// weightsChanged's argument: a new model was built, or the one there trained on.
const (
	newModel  = true
	sameModel = false
)
