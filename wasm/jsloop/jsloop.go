//go:build js && wasm

// Package jsloop lets a Go goroutine in the browser give the JavaScript
// event loop a turn. Go's js/wasm runtime runs goroutines until all of them
// block; only then do queued events (postMessage, timers, clicks) reach
// their handlers.
package jsloop

import "syscall/js"

// NewYielder returns a function that returns to the JS event loop once and
// comes back, so that events queued meanwhile are delivered first. A
// MessageChannel message is a task without setTimeout's 4 ms clamp. Call
// it from a goroutine, never from a js.FuncOf callback (it blocks).
func NewYielder() func() {
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
