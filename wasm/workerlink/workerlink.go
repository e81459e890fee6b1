//go:build js && wasm

// Package workerlink is the page's end of the line to a training worker
// (static/worker.js): it creates the Web Worker, or adopts the one
// loader.js started before the page's Go ran, decodes what the worker
// posts into protocol events and encodes the page's requests. The trainer
// page (wasm/page) and the 2-D playground (ui) each hold one.
//
// The worker's messages arrive in JS callbacks, which must never block,
// so the callbacks only queue them in an Inbox; a goroutine of the
// caller's takes them in batches and applies them under Vugu's lock.
package workerlink

import (
	"sync"
	"syscall/js"

	"github.com/nnplay/nnplay/wasm/jsloop"
	"github.com/nnplay/nnplay/wasm/protocol"
	"github.com/nnplay/nnplay/wasm/protocol/jswire"
)

// Inbox queues a worker's events, and the reason it died, until the
// delivering goroutine takes them.
type Inbox struct {
	mu     sync.Mutex
	events []protocol.Event
	died   string // why the Worker failed; "" while it runs
	wake   chan struct{}
}

// NewInbox returns an empty inbox.
func NewInbox() *Inbox { return &Inbox{wake: make(chan struct{}, 1)} }

// Push queues an event. It never blocks (it runs in a JS callback).
func (b *Inbox) Push(ev protocol.Event) { b.put(ev, "") }

// Died records why the worker failed; the first reason stays.
func (b *Inbox) Died(reason string) { b.put(nil, reason) }

func (b *Inbox) put(ev protocol.Event, died string) {
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

// Woken receives once after one or more pushes: range over it in the
// delivering goroutine and Take what is waiting.
func (b *Inbox) Woken() <-chan struct{} { return b.wake }

// Take returns the queued events, oldest first, and the reason the worker
// died ("" while it runs; once set it is returned every time).
func (b *Inbox) Take() (events []protocol.Event, died string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	events, b.events = b.events, nil
	return events, b.died
}

// Link is a started worker: Send posts it a request.
type Link struct{ worker js.Value }

// Options name the worker in messages and let the caller see raw messages.
type Options struct {
	// Name is the worker in messages to the user: "worker" or
	// "playground's worker".
	Name string
	// AdoptEarly takes over the worker loader.js started (window.
	// nnplayEarlyWorker), replaying what it posted before the page was
	// ready. Only one caller may adopt it.
	AdoptEarly bool
	// Peek, if set, sees each message's text before it is decoded, in
	// the JS callback (it must not block).
	Peek func(msg string)
}

// Start creates the worker (or adopts loader.js's) and wires its messages
// into in. It returns nil, having told in why, when no worker could be
// created.
func Start(in *Inbox, opt Options) *Link {
	ctor := js.Global().Get("Worker")
	if ctor.IsUndefined() {
		in.Died("this browser has no Web Workers")
		return nil
	}
	worker, early := js.Undefined(), js.Undefined()
	if opt.AdoptEarly {
		worker, early = adoptEarly(in)
	}
	if worker.IsUndefined() && early.IsUndefined() {
		func() {
			defer func() {
				if r := recover(); r != nil {
					in.Died("it could not be created (" + recoveredText(r) + ")")
				}
			}()
			worker = ctor.New("worker.js")
		}()
	}
	if worker.IsUndefined() {
		return nil
	}
	onMessage := js.FuncOf(func(_ js.Value, args []js.Value) any {
		w, ok := jswire.Read(args[0].Get("data"))
		if !ok {
			return nil // not ours: the protocol is JSON text, or text and bytes
		}
		if opt.Peek != nil {
			opt.Peek(w.Text)
		}
		ev, err := protocol.DecodeEventWire(w)
		if err != nil {
			ev = protocol.Error{Message: "The page could not read a message from the " + opt.Name + ": " + err.Error()}
		}
		in.Push(ev)
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
		in.Died(reason)
		return nil
	})
	worker.Set("onmessage", onMessage)
	worker.Set("onerror", onError)
	worker.Set("onmessageerror", js.FuncOf(func(js.Value, []js.Value) any {
		in.Push(protocol.Error{Message: "A message from the " + opt.Name + " could not be received."})
		return nil
	}))
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
	return &Link{worker: worker}
}

// Worker is the Web Worker itself, for another program in the page (the
// annex) to post to.
func (l *Link) Worker() js.Value { return l.worker }

// Send posts r to the worker, the files it carries beside its text
// (protocol.Wire).
func (l *Link) Send(r protocol.Request) error {
	w, err := protocol.EncodeWire(r)
	if err != nil {
		return err
	}
	jswire.Post(l.worker, w)
	return nil
}

// adoptEarly takes over the worker loader.js started, if it did: the
// worker (undefined when none) and loader.js's record of it (undefined for
// a page that did not come through loader.js). A Worker constructor that
// threw there is reported here.
func adoptEarly(in *Inbox) (worker, early js.Value) {
	early = js.Global().Get("nnplayEarlyWorker")
	if !early.Truthy() {
		return js.Undefined(), js.Undefined()
	}
	js.Global().Delete("nnplayEarlyWorker")
	if err := early.Get("failed"); err.Truthy() {
		in.Died("it could not be created (" + jsloop.ErrorText(err) + ")")
		return js.Undefined(), early
	}
	if w := early.Get("worker"); w.Truthy() {
		return w, early
	}
	return js.Undefined(), js.Undefined()
}

// recoveredText is the text of a panic from a JS call (a js.Error).
func recoveredText(r any) string {
	if e, ok := r.(js.Error); ok {
		return jsloop.ErrorText(e.Value)
	}
	if e, ok := r.(error); ok {
		return e.Error()
	}
	return "unknown error"
}
