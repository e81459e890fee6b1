//go:build js && wasm

// Package pageloop is the part of a Vugu program's main loop that the page
// (wasm/page) and its annex (wasm/annex) share: mounting and rendering,
// applying the worker's events to a session, running the session's Later
// functions, and refusing a request that could not be sent.
package pageloop

import (
	"log"
	"runtime/debug"
	"syscall/js"

	"github.com/vugu/vugu"
	"github.com/vugu/vugu/domrender"

	"github.com/nnplay/nnplay/ui/session"
	"github.com/nnplay/nnplay/wasm/jsloop"
	"github.com/nnplay/nnplay/wasm/protocol"
	"github.com/nnplay/nnplay/wasm/workerlink"
)

// Deliver applies queued events to s, all those waiting at once, then
// shows them: one Vugu render when the templates changed, else only the
// live progress elements and charts (a render re-sets the whole page).
// It gives the event loop a turn first, so that messages the worker sent
// together (while the page was busy) come in one render, not one each,
// and again before that render, so that applying the events and rendering
// them are two tasks, neither holding up the page for the time of both.
// then, if not nil, sees each batch after s applied it, under the lock.
func Deliver(in *workerlink.Inbox, s *session.Session, then func(events []protocol.Event, died string)) {
	yield := jsloop.NewYielder()
	for range in.Woken() {
		yield()
		events, died := in.Take()
		s.Env.Lock()
		render := died != ""
		for _, ev := range events {
			if s.Handle(ev) {
				render = true
			}
		}
		if died != "" {
			s.WorkerDied(died)
		}
		if then != nil {
			then(events, died)
		}
		if render {
			s.Env.UnlockOnly()
			yield()
			s.Env.Lock()
			s.Env.UnlockRender()
		} else {
			if s.Live != nil {
				s.Live()
			}
			s.Env.UnlockOnly()
		}
	}
}

// Scheduler runs Session.Later's functions one per task, in order, each
// under the event lock.
func Scheduler(env vugu.EventEnv) func(func()) {
	queue := make(chan func(), 64)
	go func() {
		yield := jsloop.NewYielder()
		for f := range queue {
			yield()
			env.Lock()
			f()
			env.UnlockOnly()
		}
	}()
	return func(f func()) {
		select {
		case queue <- f:
		default: // a full queue: run it now rather than block the caller
			f()
		}
	}
}

// A Program is a Vugu program of the page: its renderer and build
// environment, mounted at one element.
type Program struct {
	name     string
	renderer *domrender.JSRenderer
	build    *vugu.BuildEnv
}

// Mount starts program name ("page", "annex") at the element selector
// picks. Its live heap is a few MB; collecting at 5× it rather than 2×
// makes a collection, which runs inside whatever task allocates, rare
// enough not to land in a render while training (README, performance).
func Mount(name, selector string) *Program {
	js.Global().Get("performance").Call("mark", name+" main")
	debug.SetGCPercent(400)
	renderer, err := domrender.New(selector)
	if err != nil {
		log.Fatalf("%s: cannot mount the UI: %v", name, err)
	}
	build, err := vugu.NewBuildEnv(renderer.EventEnv())
	if err != nil {
		log.Fatalf("%s: %v", name, err)
	}
	return &Program{name: name, renderer: renderer, build: build}
}

// Env is the program's Vugu event environment.
func (p *Program) Env() vugu.EventEnv { return p.renderer.EventEnv() }

// Run renders root, then again after each event, until the page goes;
// the first render is marked "<name> first render".
func (p *Program) Run(root vugu.Builder) {
	defer p.renderer.Release()
	for first, ok := true, true; ok; first, ok = false, p.renderer.EventWait() {
		if err := p.renderer.Render(p.build.RunBuild(root)); err != nil {
			log.Fatalf("%s: render: %v", p.name, err)
		}
		if first {
			js.Global().Get("performance").Call("mark", p.name+" first render")
		}
	}
}

// Refuse hands s the refusal of request r, which could not be sent (why),
// as the worker's refusal would be: the banner shows it, and the place
// that sent it stops waiting. It is handled once the sender has let go of
// the event lock.
func Refuse(s *session.Session, r protocol.Request, why string) {
	refusal := protocol.Error{Message: "The page could not send a request: " + why, Request: r.Type(), ID: protocol.RequestID(r)}
	go func() {
		s.Env.Lock()
		s.Handle(refusal)
		s.Env.UnlockRender()
	}()
}
