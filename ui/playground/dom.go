//go:build js && wasm

package playground

import (
	"strconv"
	"syscall/js"

	"github.com/nnplay/nnplay/ui/session"
	"github.com/nnplay/nnplay/wasm/protocol"
	"github.com/nnplay/nnplay/wasm/workerlink"
)

// The playground's browser glue: its own training worker, the animation
// frames, the live texts and the address bar. dom_other.go stands in for
// it outside a browser (the native tests).

// liveTexts writes the per-frame numbers into their elements; the
// template computes the same texts when it renders.
func (p *Place) liveTexts() {
	doc := js.Global().Get("document")
	if !doc.Truthy() || !p.active {
		return
	}
	set := func(id, text string) {
		if el := doc.Call("getElementById", id); el.Truthy() && el.Get("textContent").String() != text {
			el.Set("textContent", text)
		}
	}
	set("pg-epoch", p.EpochText())
	set("pg-train-loss", p.LossText(trainSet))
	set("pg-test-loss", p.LossText(testSet))
	set("pg-train-acc", p.AccText(trainSet))
	set("pg-test-acc", p.AccText(testSet))
	set("pg-fps", p.FPSText())
	if p.view.regions.Truthy() {
		p.view.regions.Call("setAttribute", "data-frames", strconv.Itoa(p.framesDrawn()))
	}
}

// redrawStatic redraws what does not wait for a frame: the points, and
// the last frame in the current view settings.
func (p *Place) redrawStatic() {
	p.view.drawPoints(p)
	p.drawFrame()
}

// drawFrame draws the last frame (nil: blank regions and links): the
// decision regions, the network and the loss curves.
func (p *Place) drawFrame() {
	p.view.drawRegions(p, p.Frame)
	p.view.net.draw(p, p.Frame)
	p.view.drawCurves(p)
}

// nextFrame runs tick at the next animation frame (none outside a
// browser: the tests under Node).
func (p *Place) nextFrame() {
	raf := js.Global().Get("requestAnimationFrame")
	if raf.Type() != js.TypeFunction {
		return
	}
	v := p.view
	if v.tick.IsUndefined() {
		v.tick = js.FuncOf(func(js.Value, []js.Value) any {
			go p.tick() // a JS callback must not wait for Vugu's lock
			return nil
		}).Value
	}
	raf.Invoke(v.tick)
}

// locationHash is the page's location hash ("" outside a browser).
func locationHash() string {
	loc := js.Global().Get("location")
	if !loc.Truthy() {
		return ""
	}
	return loc.Get("hash").String()
}

// writeHash puts the settings in the address bar, replacing the current
// history entry: a change of settings is no step for the back button.
func (p *Place) writeHash() {
	if h := p.Config.Hash(); js.Global().Get("history").Truthy() && locationHash() != h {
		js.Global().Get("history").Call("replaceState", js.Null(), "", h)
	}
}

// startWorker starts the playground's own training worker and returns
// the function that sends it a request (nil if it could not start). Its
// events reach p under Vugu's lock, in order, from a goroutine. Each
// frame's request is answered as the frame arrives (frameLoop.early),
// before it waits in the inbox.
func startWorker(p *Place) func(protocol.Request) {
	in := workerlink.NewInbox()
	go deliver(in, p)
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

// deliver applies the queued events: one render when the templates
// changed, none for frames (drawn straight onto their canvases).
func deliver(in *workerlink.Inbox, p *Place) {
	for range in.Woken() {
		events, died := in.Take()
		env := p.s.Env
		env.Lock()
		render := false
		for _, ev := range events {
			if p.handle(ev) {
				render = true
			}
		}
		if died != "" && p.Worker != session.WorkerDead {
			p.died(died)
			render = true
		}
		if render && p.active {
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
