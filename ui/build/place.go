package build

import (
	"github.com/nnplay/nnplay/ui/route"

	"github.com/nnplay/nnplay/ui/session"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// Place is the Build & train place: its panels' shared state.
type Place struct {
	S    *session.Session
	Pad  *Pad
	Hand *Handwriting
	// Try is Try it for a model of a table or of images (tryit_table.go).
	Try *Try

	// ModelNote says where the model on screen came from when it was not
	// built here ("Opened a shared model: …"); set by the page from the
	// Share & keep place, where links and files are opened. May be nil.
	ModelNote func() string

	drawCharts func() // the Train panel's chart redraw, for live updates
}

// Note is ModelNote's text, "" without one.
func (p *Place) Note() string {
	if p.ModelNote == nil {
		return ""
	}
	return p.ModelNote()
}

// New makes the place and hands the session its pad (the softmax
// explorer explains the model's answer to the drawing).
func New(s *session.Session) *Place {
	p := &Place{S: s, Pad: &Pad{s: s}}
	p.Hand = newHandwriting(s, p.Pad)
	p.Try = newTry(s)
	s.Drawings = p.Hand.Frames
	s.Pad = p.Pad
	s.SubscribePlace(route.Build, p.handle)
	p.attach()
	return p
}

// handle follows the worker's events: predictions for the pad, a model
// change that the pad should answer again for, the handwriting
// fine-tuning's result.
func (p *Place) handle(ev protocol.Event) (render bool) {
	switch e := ev.(type) {
	case protocol.Prediction:
		p.Pad.SetPrediction(e)
		render = true
	case protocol.ExamplesTuned:
		render = true
	case protocol.Built, protocol.State, protocol.Progress:
		p.Pad.Kick()
	}
	p.Hand.apply(ev)
	return render
}
