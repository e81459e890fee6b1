package shell

import (
	"testing"

	"github.com/vugu/vugu"

	"github.com/nnplay/nnplay/ui/route"
	"github.com/nnplay/nnplay/ui/session"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// fakePlace counts what the router tells it.
type fakePlace struct {
	name          route.Place
	shown, hidden int
}

func (p *fakePlace) Build(*vugu.BuildIn) *vugu.BuildOut { return &vugu.BuildOut{} }
func (p *fakePlace) Shown()                             { p.shown++ }
func (p *fakePlace) Hidden()                            { p.hidden++ }

func newTestRoot() (*Root, map[route.Place]*fakePlace, *[]string) {
	var sent []string
	s := session.New(func(r protocol.Request) { sent = append(sent, r.Type()) })
	made := map[route.Place]*fakePlace{}
	root := NewRoot(s, func(p route.Place) Place {
		made[p] = &fakePlace{name: p}
		return made[p]
	})
	return root, made, &sent
}

// A place is made the first time it is shown, once; the one that leaves
// hears Hidden, the one that comes Shown.
func TestPlacesAreMadeWhenFirstShown(t *testing.T) {
	root, made, _ := newTestRoot()
	root.Follow(route.Parse(""))
	if len(made) != 1 || made[route.Build] == nil || made[route.Build].shown != 1 {
		t.Fatalf("after opening: made %v", made)
	}
	root.Follow(route.Parse("#/learn"))
	root.Follow(route.Parse("#/build"))
	root.Follow(route.Parse("#/learn"))
	if len(made) != 2 {
		t.Errorf("made %d places, want 2 (build, learn)", len(made))
	}
	if b, l := made[route.Build], made[route.Learn]; b.hidden != 2 || b.shown != 2 || l.shown != 2 || l.hidden != 1 {
		t.Errorf("build shown %d hidden %d, learn shown %d hidden %d; want 2 2 2 1", b.shown, b.hidden, l.shown, l.hidden)
	}
	if root.Current != route.Learn || root.ariaCurrent(route.Learn) != "page" || root.ariaCurrent(route.Build) != nil {
		t.Errorf("current %q; aria-current learn %v build %v", root.Current, root.ariaCurrent(route.Learn), root.ariaCurrent(route.Build))
	}
}

// The same place at a new address (the playground's settings) hears
// Shown again; an unknown address opens the landing place with a note.
func TestFollowAgainAndUnknown(t *testing.T) {
	root, made, _ := newTestRoot()
	root.Follow(route.Parse("#/playground&dataset=xor"))
	root.Follow(route.Parse("#/playground&dataset=spiral"))
	if made[route.Playground].shown != 2 {
		t.Errorf("playground shown %d times, want 2", made[route.Playground].shown)
	}
	root.Follow(route.Parse("#/nowhere"))
	if root.Current != route.Build || root.Note == "" {
		t.Errorf("unknown place: current %q note %q", root.Current, root.Note)
	}
	root.Follow(route.Parse("#/data"))
	if root.Note != "" {
		t.Errorf("the note stayed: %q", root.Note)
	}
}

// A page opened on the playground loads MNIST only when another place is
// shown.
func TestDeferredDataLoadsWhenLeavingThePlayground(t *testing.T) {
	root, _, sent := newTestRoot()
	root.S.DeferData = true
	root.Follow(route.Parse("#playground"))
	root.S.Handle(protocol.Ready{})
	for _, r := range *sent {
		if r == "load_data" {
			t.Fatalf("MNIST loaded while on the playground: %v", *sent)
		}
	}
	root.Follow(route.Parse("#/build"))
	found := false
	for _, r := range *sent {
		found = found || r == "load_data"
	}
	if !found {
		t.Errorf("leaving the playground sent %v, want load_data", *sent)
	}
}

func TestMenu(t *testing.T) {
	root, _, _ := newTestRoot()
	root.Follow(route.Parse("#/inside"))
	if root.menuExpanded() != "false" || root.menuClass() != "nav-list" {
		t.Errorf("menu open at start")
	}
	root.ToggleMenu()
	if root.menuExpanded() != "true" || root.menuClass() != "nav-list open" {
		t.Errorf("menu closed after toggle")
	}
	root.Follow(route.Parse("#/learn"))
	if root.menuExpanded() != "false" {
		t.Errorf("the menu stays open after choosing a place")
	}
}
