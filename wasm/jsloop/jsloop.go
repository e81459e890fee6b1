//go:build js && wasm

// Package jsloop lets a Go goroutine in the browser wait on the JavaScript
// event loop: give it a turn (NewYielder) or wait for a promise (Await).
// Go's js/wasm runtime runs goroutines until all of them block; only then
// do queued events (postMessage, timers, clicks, settled promises) reach
// their handlers.
package jsloop

import (
	"errors"
	"syscall/js"
)

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

// Await waits for a JS promise and returns what it resolved to, or its
// rejection as an error (ErrorText). The then-handlers only send on a
// buffered channel (a js.FuncOf callback must never block); the waiting
// goroutine blocks, which lets the JS event loop run and settle the
// promise. Call it from a goroutine, never from a js.FuncOf callback.
func Await(promise js.Value) (js.Value, error) {
	type result struct {
		v   js.Value
		err error
	}
	ch := make(chan result, 1)
	resolve := js.FuncOf(func(_ js.Value, args []js.Value) any {
		v := js.Undefined()
		if len(args) > 0 {
			v = args[0]
		}
		ch <- result{v: v}
		return nil
	})
	reject := js.FuncOf(func(_ js.Value, args []js.Value) any {
		msg := "rejected"
		if len(args) > 0 {
			msg = ErrorText(args[0])
		}
		ch <- result{err: errors.New(msg)}
		return nil
	})
	promise.Call("then", resolve, reject)
	r := <-ch
	resolve.Release()
	reject.Release()
	return r.v, r.err
}

// ErrorText is a JS error's "Name: message" ("message" for a plain
// Error), or the value as a string.
func ErrorText(v js.Value) string {
	if v.Type() == js.TypeObject {
		if msg := v.Get("message"); msg.Type() == js.TypeString {
			if name := v.Get("name"); name.Type() == js.TypeString && name.String() != "" && name.String() != "Error" {
				return name.String() + ": " + msg.String()
			}
			return msg.String()
		}
	}
	return js.Global().Call("String", v).String()
}

// ArrayBuffer waits for a promise of an ArrayBuffer (a File's or a
// Response's arrayBuffer()) and copies its bytes into Go. Call it from a
// goroutine, as Await.
func ArrayBuffer(promise js.Value) ([]byte, error) {
	buf, err := Await(promise)
	if err != nil {
		return nil, err
	}
	arr := js.Global().Get("Uint8Array").New(buf)
	b := make([]byte, arr.Get("length").Int())
	js.CopyBytesToGo(b, arr)
	return b, nil
}
