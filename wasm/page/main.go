//go:build js && wasm

// Command page is nnplay's page app (the browser's main thread): it mounts
// the Vugu root component (ui/shell) in #app, starts the training worker
// (static/worker.js), turns the worker's messages into UI state, and
// follows the address bar from place to place (ui/route); the places it
// leaves out are the annex's (annex.go), loaded when first shown.
//
// The main thread never trains: it only renders, draws charts and posts
// requests. Worker messages arrive in a JS callback, which must not block,
// so the callback only queues them; a goroutine applies each batch under
// Vugu's event lock and asks for one re-render.
package main

import (
	"log"
	"runtime/debug"
	"syscall/js"

	"github.com/vugu/vugu"
	"github.com/vugu/vugu/domrender"

	"github.com/nnplay/nnplay/ui/route"
	"github.com/nnplay/nnplay/ui/session"
	"github.com/nnplay/nnplay/ui/shell"
	"github.com/nnplay/nnplay/wasm/pageloop"
	"github.com/nnplay/nnplay/wasm/protocol"
	"github.com/nnplay/nnplay/wasm/workerlink"
)

func main() {
	js.Global().Get("performance").Call("mark", "page main")
	// The page's live heap is a few MB; collecting at 5× it rather than 2×
	// makes a collection, which runs inside whatever task allocates, rare
	// enough not to land in a render while training (README, performance).
	debug.SetGCPercent(400)
	renderer, err := domrender.New("#app")
	if err != nil {
		log.Fatalf("page: cannot mount the UI: %v", err)
	}
	defer renderer.Release()
	buildEnv, err := vugu.NewBuildEnv(renderer.EventEnv())
	if err != nil {
		log.Fatalf("page: %v", err)
	}

	var link *workerlink.Link
	var s *session.Session
	inbox := workerlink.NewInbox()
	s = session.New(func(r protocol.Request) {
		if link == nil {
			return
		}
		if err := link.Send(r); err != nil {
			// The request's refusal, as the worker's would be: the banner
			// shows it, and the place that sent it stops waiting. It is
			// handled once the sender has let go of the event lock.
			refusal := protocol.Error{Message: "The page could not send a request: " + err.Error(), Request: r.Type(), ID: protocol.RequestID(r)}
			go func() {
				s.Env.Lock()
				s.Handle(refusal)
				s.Env.UnlockRender()
			}()
		}
	})
	s.Env = renderer.EventEnv()
	s.SetScheduler(pageloop.Scheduler(s.Env))
	p := newPlaces(s)
	root := shell.NewRoot(s, p.make)
	start := route.Parse(locationHash())
	s.DeferData = start.Place == route.Playground
	p.keep.Start(start.Link)
	root.Follow(start)
	followHash(root)
	link = workerlink.Start(inbox, workerlink.Options{Name: "worker", AdoptEarly: true})
	go pageloop.Deliver(inbox, s, p.annex.forward)

	for first, ok := true, true; ok; first, ok = false, renderer.EventWait() {
		if err := renderer.Render(buildEnv.RunBuild(root)); err != nil {
			log.Fatalf("page: render: %v", err)
		}
		if first {
			js.Global().Get("performance").Call("mark", "page first render")
		}
	}
}

// followHash moves between places as the address changes: the nav's
// links, back and forward, an address typed or pasted.
func followHash(root *shell.Root) {
	js.Global().Call("addEventListener", "hashchange", js.FuncOf(func(js.Value, []js.Value) any {
		go func() { // a JS callback must not block on Vugu's lock
			root.S.Env.Lock()
			root.Follow(route.Parse(locationHash()))
			root.S.Env.UnlockRender()
		}()
		return nil
	}))
}

// locationHash is the address's hash ("#/learn"), "" without one.
func locationHash() string { return js.Global().Get("location").Get("hash").String() }
