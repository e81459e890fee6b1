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
	"sync"
	"syscall/js"

	"github.com/vugu/vugu"
	"github.com/vugu/vugu/domrender"

	"github.com/nnplay/nnplay/ui"
	"github.com/nnplay/nnplay/wasm/jsloop"
	"github.com/nnplay/nnplay/wasm/protocol"
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
	inbox := newInbox()
	startWorker(app, inbox)
	go inbox.deliver(app)

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

// inbox queues what the worker sends until the delivery goroutine takes it.
type inbox struct {
	mu     sync.Mutex
	events []protocol.Event
	died   string // the Worker failed (onerror); "" while it runs
	wake   chan struct{}
}

func newInbox() *inbox { return &inbox{wake: make(chan struct{}, 1)} }

// push queues an event; it never blocks (it runs in a JS callback).
func (b *inbox) push(ev protocol.Event, died string) {
	b.mu.Lock()
	if ev != nil {
		b.events = append(b.events, ev)
	}
	if died != "" && b.died == "" {
		b.died = died
	}
	b.mu.Unlock()
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

// deliver applies queued events to the app, all those waiting at once,
// then shows them: one Vugu render when the templates changed, else only
// the live progress elements and charts (a render re-sets the whole page).
// It gives the event loop a turn first, so that messages the worker sent
// together (while the page was busy) come in one render, not one each.
func (b *inbox) deliver(app *ui.App) {
	yield := jsloop.NewYielder()
	for range b.wake {
		yield()
		b.mu.Lock()
		events, died := b.events, b.died
		b.events = nil
		b.mu.Unlock()
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

// startWorker creates the Web Worker and wires its messages to the inbox
// and app.Send to its postMessage.
func startWorker(app *ui.App, in *inbox) {
	ctor := js.Global().Get("Worker")
	if ctor.IsUndefined() {
		in.push(nil, "this browser has no Web Workers")
		return
	}
	// loader.js started the worker already (see earlyWorker); a page
	// loaded some other way starts its own.
	worker, early := earlyWorker(in)
	if worker.IsUndefined() && early.IsUndefined() {
		func() {
			defer func() {
				if r := recover(); r != nil {
					in.push(nil, "it could not be created ("+jsErrorText(r)+")")
				}
			}()
			worker = ctor.New("worker.js")
		}()
	}
	if worker.IsUndefined() {
		return
	}
	onMessage := js.FuncOf(func(_ js.Value, args []js.Value) any {
		data := args[0].Get("data")
		if data.Type() != js.TypeString {
			log.Printf("page: ignoring a non-string message from the worker")
			return nil
		}
		ev, err := protocol.DecodeEvent(data.String())
		if err != nil {
			log.Printf("page: %v", err)
			in.push(protocol.Error{Message: "The page could not read a message from the worker: " + err.Error()}, "")
			return nil
		}
		in.push(ev, "")
		return nil
	})
	onError := js.FuncOf(func(_ js.Value, args []js.Value) any {
		// An exception inside the worker comes as an ErrorEvent with a
		// message; a worker script that cannot be loaded, as a bare Event.
		reason := "worker.js could not be loaded (run make build)"
		if len(args) > 0 {
			if m := args[0].Get("message"); m.Type() == js.TypeString && m.String() != "" {
				reason = m.String()
			}
			args[0].Call("preventDefault")
		}
		in.push(nil, reason)
		return nil
	})
	worker.Set("onmessage", onMessage)
	worker.Set("onerror", onError)
	if !early.IsUndefined() {
		// Replay what arrived before the page was ready, in order; no
		// event can come in between, as this runs without yielding.
		replay := func(list string, handler js.Func) {
			events := early.Get(list)
			for i := 0; i < events.Length(); i++ {
				handler.Invoke(events.Index(i))
			}
		}
		replay("messages", onMessage)
		replay("errors", onError)
	}
	worker.Set("onmessageerror", js.FuncOf(func(_ js.Value, _ []js.Value) any {
		in.push(protocol.Error{Message: "A message from the worker could not be received."}, "")
		return nil
	}))
	app.Send = func(r protocol.Request) {
		s, err := protocol.Encode(r)
		if err != nil {
			app.Handle(protocol.Error{Message: "The page could not send a request: " + err.Error()})
			return
		}
		worker.Call("postMessage", s)
	}
}

// earlyWorker takes over the worker loader.js started, if it did: the
// worker (undefined when none) and loader.js's record of it (undefined for
// a page that did not come through loader.js). A Worker constructor that
// threw there is reported here.
func earlyWorker(in *inbox) (worker, early js.Value) {
	early = js.Global().Get("nnplayEarlyWorker")
	if !early.Truthy() {
		return js.Undefined(), js.Undefined()
	}
	js.Global().Delete("nnplayEarlyWorker")
	if err := early.Get("failed"); err.Truthy() {
		in.push(nil, "it could not be created ("+js.Global().Get("String").Invoke(err).String()+")")
		return js.Undefined(), early
	}
	if w := early.Get("worker"); w.Truthy() {
		return w, early
	}
	return js.Undefined(), js.Undefined()
}

func jsErrorText(r any) string {
	if e, ok := r.(js.Error); ok {
		return e.Error()
	}
	if e, ok := r.(error); ok {
		return e.Error()
	}
	return "unknown error"
}
