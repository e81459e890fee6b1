package ui

import (
	"fmt"
	"log"
	"strconv"
	"sync"
	"syscall/js"

	"github.com/nnplay/nnplay/wasm/protocol"
)

// The playground's browser glue: its own training worker, the live texts
// and the address bar. The frame loop is in playground_frames.go.

// liveTexts writes the per-frame numbers into their elements; the
// template computes the same texts when it renders.
func (p *Playground) liveTexts() {
	doc := js.Global().Get("document")
	if !doc.Truthy() {
		return
	}
	set := func(id, text string) {
		if el := doc.Call("getElementById", id); el.Truthy() && el.Get("textContent").String() != text {
			el.Set("textContent", text)
		}
	}
	set("pg-epoch", p.EpochText())
	set("pg-train-loss", p.LossText(true))
	set("pg-test-loss", p.LossText(false))
	set("pg-train-acc", p.AccText(true))
	set("pg-test-acc", p.AccText(false))
	set("pg-fps", p.FPSText())
	if p.view != nil && p.view.regions.Truthy() {
		p.view.regions.Call("setAttribute", "data-frames", strconv.Itoa(p.framesDrawn()))
	}
}

// redrawStatic redraws what does not wait for a frame: the points, and
// the last frame in the current view settings.
func (p *Playground) redrawStatic() {
	if p.view == nil {
		return
	}
	p.view.drawPoints(p)
	p.view.drawRegions(p, p.Frame)
	p.view.net.draw(p, p.Frame)
	p.view.drawCurves(p)
}

// locationHash is the page's location hash ("" outside a browser).
func locationHash() string {
	loc := js.Global().Get("location")
	if !loc.Truthy() {
		return ""
	}
	return loc.Get("hash").String()
}

// writeHash puts the settings in the address bar (no history entry).
func (p *Playground) writeHash() {
	if h := p.Config.Hash(); js.Global().Get("history").Truthy() && locationHash() != h {
		js.Global().Get("history").Call("replaceState", js.Null(), "", h)
	}
}

// clearPlayHash takes the playground's settings out of the address bar.
func clearPlayHash() {
	if loc := js.Global().Get("location"); loc.Truthy() && IsPlaygroundHash(locationHash()) {
		js.Global().Get("history").Call("replaceState", js.Null(), "", loc.Get("pathname").String()+loc.Get("search").String())
	}
}

// initTabs opens the playground when the page's hash asks for it.
func (a *App) initTabs() {
	a.Tab = TabMNIST
	a.Play = newPlayground(a)
	a.Play.listenHash() // a playground link pasted later opens it
	if h := locationHash(); IsPlaygroundHash(h) {
		a.Tab = TabPlayground
		a.Play.Config, a.Play.Problems = ParsePlayHash(h)
		a.Play.loadNet()
	}
}

// listenHash follows hashes typed or pasted into the address bar:
// a playground hash opens it with those settings, another hash (a shared
// model, #m=...) goes back to MNIST. Idempotent.
func (p *Playground) listenHash() {
	if p.listening || !js.Global().Get("addEventListener").Truthy() { // not in a browser (tests under Node)
		return
	}
	p.listening = true
	js.Global().Call("addEventListener", "hashchange", js.FuncOf(func(js.Value, []js.Value) any {
		go func() {
			a := p.app
			a.Env.Lock()
			defer a.Env.UnlockRender()
			h := locationHash()
			switch {
			case IsPlaygroundHash(h) && (a.Tab != TabPlayground || h != p.Config.Hash()):
				started := p.started
				p.Config, p.Problems = ParsePlayHash(h)
				p.loadNet()
				a.ShowTab(TabPlayground)
				if started {
					p.changed(true)
				} else {
					p.writeHash()
				}
			case !IsPlaygroundHash(h) && h != "" && a.Tab == TabPlayground:
				a.ShowTab(TabMNIST)
			}
		}()
		return nil
	}))
}

// startPlayWorker starts the playground's own training worker and returns
// the function that sends it a request. Its events reach p under Vugu's
// lock, in order, from a goroutine.
func startPlayWorker(p *Playground) func(protocol.Request) {
	in := &playInbox{wake: make(chan struct{}, 1)}
	go in.deliver(p)
	ctor := js.Global().Get("Worker")
	if ctor.IsUndefined() {
		in.push(nil, "this browser has no Web Workers")
		return nil
	}
	var worker js.Value
	func() {
		defer func() {
			if r := recover(); r != nil {
				in.push(nil, fmt.Sprintf("it could not be created (%v)", r))
			}
		}()
		worker = ctor.New("worker.js")
	}()
	if worker.IsUndefined() {
		return nil
	}
	worker.Set("onmessage", js.FuncOf(func(_ js.Value, args []js.Value) any {
		data := args[0].Get("data")
		if data.Type() != js.TypeString {
			return nil
		}
		msg := data.String()
		p.loop.early(msg, p.send)
		ev, err := protocol.DecodeEvent(msg)
		if err != nil {
			log.Printf("playground: %v", err)
			ev = protocol.Error{Message: "The page could not read a message from the playground's worker: " + err.Error()}
		}
		in.push(ev, "")
		return nil
	}))
	worker.Set("onerror", js.FuncOf(func(_ js.Value, args []js.Value) any {
		reason := "worker.js could not be loaded (run make build)"
		if len(args) > 0 {
			if m := args[0].Get("message"); m.Type() == js.TypeString && m.String() != "" {
				reason = m.String()
			}
			args[0].Call("preventDefault")
		}
		in.push(nil, reason)
		return nil
	}))
	return func(r protocol.Request) {
		s, err := protocol.Encode(r)
		if err != nil {
			p.Error = "The page could not send a request: " + err.Error()
			return
		}
		worker.Call("postMessage", s)
	}
}

// playInbox queues the worker's events until the delivery goroutine
// takes them (a JS callback must never block).
type playInbox struct {
	mu     sync.Mutex
	events []protocol.Event
	died   string
	wake   chan struct{}
}

func (b *playInbox) push(ev protocol.Event, died string) {
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

// deliver applies the queued events: one render when the templates
// changed, none for frames (drawn straight onto their canvases).
func (b *playInbox) deliver(p *Playground) {
	for range b.wake {
		b.mu.Lock()
		events, died := b.events, b.died
		b.events = nil
		b.mu.Unlock()
		env := p.app.Env
		env.Lock()
		render := false
		for _, ev := range events {
			if p.handle(ev) {
				render = true
			}
		}
		if died != "" && p.Worker != WorkerDead {
			p.died(died)
			render = true
		}
		if render {
			env.UnlockRender()
		} else {
			env.UnlockOnly()
		}
	}
}

// nowMS is the page's clock in milliseconds (performance.now).
func nowMS() float64 {
	if perf := js.Global().Get("performance"); perf.Truthy() {
		return perf.Call("now").Float()
	}
	return 0
}
