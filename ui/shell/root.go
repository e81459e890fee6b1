// Package shell is the page's frame: the nav between the places, the
// status line and error banner, and the router that shows one place at a
// time. A place is made the first time it is shown; only the place on
// screen is in the Vugu tree, so an event in one place re-renders that
// place (and the frame) alone, and the others keep their state in Go.
package shell

import (
	"github.com/vugu/vugu"

	"github.com/nnplay/nnplay/ui/route"
	"github.com/nnplay/nnplay/ui/session"
)

// A Place is a place's Vugu component. It may also implement Shown and
// Hidden, which the router calls when it comes on screen (or is asked for
// again at a new address) and when it leaves it.
type Place = vugu.Builder

// An Elsewhere place is drawn by other code than the page's own (the
// annex, a wasm module loaded when one of its places is first shown) in
// the element #annex, which the page leaves empty; the page shows only
// the place's Note (loading, or why it cannot be shown) in its stead.
type Elsewhere interface {
	Place
	Note() string      // "" once the place is on screen
	NoteClass() string // the note's CSS class
}

type shower interface{ Shown() }
type hider interface{ Hidden() }

// Places makes each place the first time it is shown and tells the
// place that leaves and the one that comes. The page's Root and the
// annex's (ui/annex) each hold one.
type Places struct {
	Current route.Place // the place on screen ("": none)

	make func(route.Place) Place
	made map[route.Place]Place
}

// NewPlaces returns no places yet; make builds a place's component the
// first time it is shown.
func NewPlaces(make func(route.Place) Place) *Places {
	return &Places{make: make, made: map[route.Place]Place{}}
}

// Show puts place p on screen (making it the first time). A place asked
// for again (at a new address: the playground's settings) hears Shown
// again.
func (ps *Places) Show(p route.Place) {
	if p != ps.Current {
		ps.Hide()
	}
	ps.Current = p
	if ps.made[p] == nil {
		ps.made[p] = ps.make(p)
	}
	if now, ok := ps.made[p].(shower); ok {
		now.Shown()
	}
}

// Hide takes the current place off screen.
func (ps *Places) Hide() {
	if old, ok := ps.made[ps.Current].(hider); ok {
		old.Hidden()
	}
	ps.Current = ""
}

// Made is the place's component if it has been made, else nil.
func (ps *Places) Made(p route.Place) Place { return ps.made[p] }

// Root is the page: frame, nav and the current place.
type Root struct {
	S       *session.Session
	Current route.Place // the place on screen
	Note    string      // what the router has to say (an unknown address)

	places   *Places
	menuOpen bool
}

// NewRoot returns the page's root; make builds a place's component the
// first time it is shown.
func NewRoot(s *session.Session, make func(route.Place) Place) *Root {
	return &Root{S: s, Current: route.Build, places: NewPlaces(make)}
}

// Show puts place p on screen (making it the first time), and tells the
// place that leaves and the one that comes.
func (r *Root) Show(p route.Place) {
	if p.Label() == "" {
		p = route.Build
	}
	r.menuOpen = false
	r.Current = p
	r.S.Showing = p
	if p != route.Playground {
		r.S.LoadData() // MNIST, if the page opened on the playground
	}
	r.places.Show(p)
}

// Made is the place's component if it has been made, else nil.
func (r *Root) Made(p route.Place) Place { return r.places.Made(p) }

// Follow shows what an address asks for; it is how the nav's links, the
// back and forward buttons and pasted addresses move between places.
func (r *Root) Follow(rt route.Route) {
	r.Note = ""
	if rt.Unknown != "" {
		r.Note = "There is no place called “" + rt.Unknown + "” here; this is " + route.Build.Label() + "."
	}
	r.Show(rt.Place)
}

// place is the current place's component, for the template's vg-comp.
func (r *Root) place() Place {
	if r.places.Made(r.Current) == nil || r.places.Current != r.Current {
		r.Show(r.Current)
	}
	return r.places.Made(r.Current)
}

// elsewhere is the current place when it is drawn elsewhere, else nil.
func (r *Root) elsewhere() Elsewhere {
	e, _ := r.place().(Elsewhere)
	return e
}

// hidden is the value of a hidden attribute: nil (no attribute) unless
// hide.
func (r *Root) hidden(hide bool) any {
	if hide {
		return "hidden"
	}
	return nil
}

// ToggleMenu opens or closes the nav on narrow screens.
func (r *Root) ToggleMenu() { r.menuOpen = !r.menuOpen }

func (r *Root) menuExpanded() string {
	if r.menuOpen {
		return "true"
	}
	return "false"
}

func (r *Root) menuLabel() string {
	if r.menuOpen {
		return "Close menu"
	}
	return "Menu: " + r.Current.Label()
}

func (r *Root) menuClass() string {
	if r.menuOpen {
		return "nav-list open"
	}
	return "nav-list"
}

func (r *Root) navClass(p route.Place) string {
	if p == r.Current {
		return "nav-link current"
	}
	return "nav-link"
}

// ariaCurrent marks the current place's link (nil leaves the attribute
// out).
func (r *Root) ariaCurrent(p route.Place) any {
	if p == r.Current {
		return "page"
	}
	return nil
}
