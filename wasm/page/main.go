//go:build js && wasm

// Command page is nnplay's page app (the browser's main thread): it mounts
// the Vugu root component in #app, starts the training worker
// (static/worker.js) and turns the worker's messages into UI state.
//
// The main thread never trains: it only renders, draws charts and posts
// requests. Worker messages arrive in a JS callback, which must not block,
// so the callback only queues them; a goroutine applies each batch under
// Vugu's event lock and asks for one re-render.
package main

import (
	"log"
	"syscall/js"

	"github.com/vugu/vugu"
	"github.com/vugu/vugu/domrender"

	"github.com/nnplay/nnplay/ui"
	"github.com/nnplay/nnplay/wasm/jsloop"
	"github.com/nnplay/nnplay/wasm/protocol"
	"github.com/nnplay/nnplay/wasm/workerlink"
)

func main() {
	js.Global().Get("performance").Call("mark", "page main")
	renderer, err := domrender.New("#app")
	if err != nil {
		log.Fatalf("page: cannot mount the UI: %v", err)
	}
	defer renderer.Release()
	buildEnv, err := vugu.NewBuildEnv(renderer.EventEnv())
	if err != nil {
		log.Fatalf("page: %v", err)
	}

	app := ui.NewApp()
	app.Env = renderer.EventEnv()
	inbox := workerlink.NewInbox()
	startWorker(app, inbox)
	go deliver(inbox, app)

	root := &ui.Root{App: app}
	for first, ok := true, true; ok; first, ok = false, renderer.EventWait() {
		if err := renderer.Render(buildEnv.RunBuild(root)); err != nil {
			log.Fatalf("page: render: %v", err)
		}
		if first {
			js.Global().Get("performance").Call("mark", "page first render")
		}
	}
}

// deliver applies queued events to the app, all those waiting at once,
// then shows them: one Vugu render when the templates changed, else only
// the live progress elements and charts (a render re-sets the whole page).
// It gives the event loop a turn first, so that messages the worker sent
// together (while the page was busy) come in one render, not one each.
func deliver(in *workerlink.Inbox, app *ui.App) {
	yield := jsloop.NewYielder()
	for range in.Woken() {
		yield()
		events, died := in.Take()
		app.Env.Lock()
		render := died != ""
		for _, ev := range events {
			if app.Handle(ev) {
				render = true
			}
		}
		if died != "" {
			app.WorkerDied(died)
		}
		if render {
			app.Env.UnlockRender()
		} else {
			app.LiveUpdate()
			app.Env.UnlockOnly()
		}
	}
}

// startWorker starts the training worker (adopting the one loader.js
// started) and points app.Send at it.
func startWorker(app *ui.App, in *workerlink.Inbox) {
	link := workerlink.Start(in, workerlink.Options{Name: "worker", AdoptEarly: true})
	if link == nil {
		return
	}
	app.Send = func(r protocol.Request) {
		if err := link.Send(r); err != nil {
			app.Handle(protocol.Error{Message: "The page could not send a request: " + err.Error()})
		}
	}
}
