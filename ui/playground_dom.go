package ui

import (
	"strconv"
	"syscall/js"

	"github.com/nnplay/nnplay/wasm/protocol"
	"github.com/nnplay/nnplay/wasm/workerlink"
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
// lock, in order, from a goroutine. Each frame's request is answered as
// the frame arrives (frameLoop.early), before it waits in the inbox.
func startPlayWorker(p *Playground) func(protocol.Request) {
	in := workerlink.NewInbox()
	go deliverPlay(in, p)
	link := workerlink.Start(in, workerlink.Options{
		Name: "playground's worker",
		Peek: func(msg string) { p.loop.early(msg, p.send) },
	})
	if link == nil {
		return nil
	}
	return func(r protocol.Request) {
		if err := link.Send(r); err != nil {
			p.Error = "The page could not send a request: " + err.Error()
		}
	}
}

// deliverPlay applies the queued events: one render when the templates
// changed, none for frames (drawn straight onto their canvases).
func deliverPlay(in *workerlink.Inbox, p *Playground) {
	for range in.Woken() {
		events, died := in.Take()
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
