//go:build js && wasm

// Package pageloop is the part of a Vugu program's main loop that the page
// (wasm/page) and its annex (wasm/annex) share: applying the worker's
// events to a session, and running the session's Later functions.
package pageloop

import (
	"github.com/vugu/vugu"

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
