// Package annex is the root of the annex: the places that the page
// (ui/shell) does not compile in, built into a wasm module of their own
// (wasm/annex) that is loaded the first time one of them is shown. The
// page keeps the frame, the nav and the address; the annex draws its
// current place into the page's #annex element, told by the page which
// one (Show) and when none (Hide).
package annex

import (
	"github.com/nnplay/nnplay/ui/route"
	"github.com/nnplay/nnplay/ui/session"
	"github.com/nnplay/nnplay/ui/shell"
)

// Root is the annex's current place, or nothing.
type Root struct {
	S      *session.Session
	places *shell.Places
}

// NewRoot returns the annex's root, no place on screen; make builds a
// place's component the first time it is shown.
func NewRoot(s *session.Session, make func(route.Place) shell.Place) *Root {
	return &Root{S: s, places: shell.NewPlaces(make)}
}

// Show puts place p on screen.
func (r *Root) Show(p route.Place) {
	r.S.Showing = p
	r.places.Show(p)
}

// Hide takes the annex's place off screen (the page shows one of its own).
func (r *Root) Hide() {
	r.S.Showing = ""
	r.places.Hide()
}

// Current is the place on screen, "" for none.
func (r *Root) Current() route.Place { return r.places.Current }

func (r *Root) place() shell.Place { return r.places.Made(r.places.Current) }
