//go:build js && wasm

// Package jswire posts and reads protocol.Wire messages with postMessage,
// on either side (the page's workerlink, the worker's main): a message
// without parts is its JSON string; one with parts is {text, parts}, each
// part a Uint8Array whose buffer is transferred, not copied.
package jswire

import (
	"syscall/js"

	"github.com/nnplay/nnplay/wasm/protocol"
)

// Post posts w with target.postMessage (a Worker, or the worker's self).
func Post(target js.Value, w protocol.Wire) {
	if w.Parts == nil {
		target.Call("postMessage", w.Text)
		return
	}
	parts := make([]any, len(w.Parts))
	transfer := make([]any, len(w.Parts))
	for i, b := range w.Parts {
		arr := js.Global().Get("Uint8Array").New(len(b))
		js.CopyBytesToJS(arr, b)
		parts[i], transfer[i] = arr, arr.Get("buffer")
	}
	target.Call("postMessage", map[string]any{"text": w.Text, "parts": parts}, transfer)
}

// Read reads a message's data as Post posted it; false for anything else
// (a message that is not the protocol's).
func Read(data js.Value) (protocol.Wire, bool) {
	if data.Type() == js.TypeString {
		return protocol.Wire{Text: data.String()}, true
	}
	if data.Type() != js.TypeObject {
		return protocol.Wire{}, false
	}
	text, parts := data.Get("text"), data.Get("parts")
	if text.Type() != js.TypeString || !js.Global().Get("Array").Call("isArray", parts).Bool() {
		return protocol.Wire{}, false
	}
	u8 := js.Global().Get("Uint8Array")
	w := protocol.Wire{Text: text.String(), Parts: make([][]byte, parts.Length())}
	for i := range w.Parts {
		p := parts.Index(i)
		if !p.InstanceOf(u8) {
			return protocol.Wire{}, false
		}
		w.Parts[i] = make([]byte, p.Length())
		js.CopyBytesToGo(w.Parts[i], p)
	}
	return w, true
}
