//go:build js && wasm

// Command worker is nnplay's training worker: a Go program that runs in a
// Web Worker (static/worker.js starts it) and speaks wasm/protocol with the
// page over postMessage. The training logic lives in package trainer; this
// file is the JS glue: receiving, posting, fetching and yielding.
package main

import (
	"strings"
	"syscall/js"
	"time"

	"github.com/nnplay/nnplay/engine/nn"
	"github.com/nnplay/nnplay/wasm/jsloop"
	"github.com/nnplay/nnplay/wasm/protocol"
	"github.com/nnplay/nnplay/wasm/protocol/jswire"
	"github.com/nnplay/nnplay/wasm/webgpu"
	"github.com/nnplay/nnplay/wasm/worker/replicas"
	"github.com/nnplay/nnplay/wasm/worker/trainer"
)

func main() {
	self := js.Global()
	if strings.Contains(self.Get("location").Get("search").String(), "replica") {
		// A helper of data-parallel training, started by a training worker.
		replicas.Serve()
		return
	}
	self.Get("performance").Call("mark", "worker main")
	queue := trainer.NewQueue()
	post := func(msg string) { self.Call("postMessage", msg) }
	// An event with payloads beside its text (wasm/workerlink reads it).
	postWire := func(w protocol.Wire) { jswire.Post(self, w) }

	receive := func(v js.Value) {
		w, ok := jswire.Read(v)
		if !ok {
			msg, _ := protocol.Encode(protocol.Error{Message: "worker: a message must be a JSON string or {text, parts}, got a " + v.Type().String()})
			post(msg)
			return
		}
		req, err := protocol.DecodeRequestWire(w)
		if err != nil {
			msg, _ := protocol.Encode(protocol.Refusal(w, err))
			post(msg)
			return
		}
		queue.Push(req)
	}
	// The page's MNIST worker (worker.js prefetched the files) loads them
	// now rather than when the page, still starting, asks: the page's
	// LoadData then finds them loaded, and Train works sooner.
	if self.Get("nnplayPrefetch").Truthy() {
		queue.Push(protocol.LoadData{})
	}
	// Handle messages that arrived while the wasm was loading (worker.js
	// keeps them in nnplayPending), then take over onmessage. The handler
	// only decodes and queues: a js.FuncOf callback must never block.
	onMessage := js.FuncOf(func(this js.Value, args []js.Value) any {
		receive(args[0].Get("data"))
		return nil
	})
	if pending := self.Get("nnplayPending"); pending.Truthy() {
		for i := 0; i < pending.Length(); i++ {
			receive(pending.Index(i))
		}
		self.Delete("nnplayPending")
	}
	self.Set("onmessage", onMessage)

	t := trainer.New(trainer.Env{
		Post:     post,
		PostWire: postWire,
		Fetch:    fetch,
		Yield:    jsloop.NewYielder(),
		Now:      time.Now,
		GPU:      webgpu.New(),
		Mark:     func(name string) { self.Get("performance").Call("mark", name) },
		// Uploaded images (load_dataset) decode through the browser.
		DecodeImage: decodeImage,
		Workers:     webWorkers{},
	}, queue)
	ready, _ := protocol.Encode(protocol.Ready{})
	post(ready)
	self.Get("performance").Call("mark", "worker ready")
	t.Run()
}

// webWorkers starts the helpers of data-parallel training as Web Workers
// (wasm/worker/replicas).
type webWorkers struct{}

func (webWorkers) Limits() (def, max int, why string) { return replicas.Limits() }

func (webWorkers) Start(m *nn.Sequential, spec []byte, helpers int) (trainer.WorkerGroup, error) {
	return replicas.Start(m, spec, helpers)
}
