//go:build js && wasm

// Command worker is nnplay's training worker: a Go program that runs in a
// Web Worker (static/worker.js starts it) and speaks wasm/protocol with the
// page over postMessage. The training logic lives in package trainer; this
// file is the JS glue: receiving, posting, fetching and yielding.
package main

import (
	"syscall/js"
	"time"

	"github.com/nnplay/nnplay/wasm/protocol"
	"github.com/nnplay/nnplay/wasm/webgpu"
	"github.com/nnplay/nnplay/wasm/worker/trainer"
)

func main() {
	self := js.Global()
	queue := trainer.NewQueue()
	post := func(msg string) { self.Call("postMessage", msg) }

	receive := func(v js.Value) {
		if v.Type() != js.TypeString {
			msg, _ := protocol.Encode(protocol.Error{Message: "worker: a message must be a JSON string, got a " + v.Type().String()})
			post(msg)
			return
		}
		req, err := protocol.DecodeRequest(v.String())
		if err != nil {
			msg, _ := protocol.Encode(protocol.Error{Message: "worker: " + err.Error()})
			post(msg)
			return
		}
		queue.Push(req)
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
		Post:  post,
		Fetch: fetch,
		Yield: newYielder(),
		Now:   time.Now,
		GPU:   webgpu.New(),
	}, queue)
	ready, _ := protocol.Encode(protocol.Ready{})
	post(ready)
	t.Run()
}

// newYielder returns a function that returns to the JS event loop once and
// comes back, so that postMessage events queued meanwhile are delivered.
// A MessageChannel message is a task without setTimeout's 4 ms clamp.
func newYielder() func() {
	ch := js.Global().Get("MessageChannel").New()
	wake := make(chan struct{}, 1)
	ch.Get("port1").Set("onmessage", js.FuncOf(func(js.Value, []js.Value) any {
		select {
		case wake <- struct{}{}:
		default:
		}
		return nil
	}))
	port := ch.Get("port2")
	return func() {
		port.Call("postMessage", js.Null())
		<-wake
	}
}
