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
	"syscall/js"

	"github.com/nnplay/nnplay/ui/route"
	"github.com/nnplay/nnplay/ui/session"
	"github.com/nnplay/nnplay/ui/shell"
	"github.com/nnplay/nnplay/wasm/pageloop"
	"github.com/nnplay/nnplay/wasm/protocol"
	"github.com/nnplay/nnplay/wasm/workerlink"
)

func main() {
	prog := pageloop.Mount("page", "#app")
	var link *workerlink.Link
	var s *session.Session
	inbox := workerlink.NewInbox()
	s = session.New(func(r protocol.Request) {
		if link == nil {
			return
		}
		if err := link.Send(r); err != nil {
			pageloop.Refuse(s, r, err.Error())
		}
	})
	s.Env = prog.Env()
	s.SetScheduler(pageloop.Scheduler(s.Env))
	p := newPlaces(s)
	root := shell.NewRoot(s, p.make)
	start := route.Parse(locationHash())
	s.DeferData = start.Place == route.Playground
	p.keep.Start(start.Link)
	root.Follow(start)
	followHash(root)
	link = workerlink.Start(inbox, workerlink.Options{Name: "worker", AdoptEarly: true})
	p.annex.link = link
	go pageloop.Deliver(inbox, s, p.annex.forward)
	prog.Run(root)
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
