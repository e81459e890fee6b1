package annex

import (
	"testing"

	"github.com/vugu/vugu"

	"github.com/nnplay/nnplay/ui/route"
	"github.com/nnplay/nnplay/ui/session"
	"github.com/nnplay/nnplay/ui/shell"
	"github.com/nnplay/nnplay/wasm/protocol"
)

type fakePlace struct{ shown, hidden int }

func (p *fakePlace) Build(*vugu.BuildIn) *vugu.BuildOut { return &vugu.BuildOut{} }
func (p *fakePlace) Shown()                             { p.shown++ }
func (p *fakePlace) Hidden()                            { p.hidden++ }

// The annex shows the place the page asks for, making it once, and
// nothing after Hide; its session's subscribers render only for the place
// on screen.
func TestRootShowsWhatThePageAsks(t *testing.T) {
	s := session.New(func(protocol.Request) {})
	made := map[route.Place]*fakePlace{}
	r := NewRoot(s, func(p route.Place) shell.Place {
		made[p] = &fakePlace{}
		return made[p]
	})
	r.Show(route.Learn)
	r.Hide()
	r.Show(route.Learn)
	r.Show(route.Explain)
	if len(made) != 2 || made[route.Learn].shown != 2 || made[route.Learn].hidden != 2 || made[route.Explain].shown != 1 {
		t.Fatalf("learn shown %d hidden %d, made %d; want 2 2 2", made[route.Learn].shown, made[route.Learn].hidden, len(made))
	}
	if r.Current() != route.Explain || s.Showing != route.Explain || r.place() != made[route.Explain] {
		t.Errorf("current %q, showing %q", r.Current(), s.Showing)
	}
	r.Hide()
	if r.Current() != "" || s.Showing != "" || r.place() != nil {
		t.Errorf("after Hide: current %q, showing %q, place %v", r.Current(), s.Showing, r.place())
	}
}
