//go:build js && wasm

package draw

import "syscall/js"

// OpenCamera asks the browser for the camera's video (no audio) with the
// given constraints (true: any size) and calls opened with the stream, or
// failed with a message a person can act on: no camera API (it needs https
// or localhost), or the browser's reason (permission refused, no device).
// Either may be called from a JS callback: they must not block.
func OpenCamera(video any, opened func(stream js.Value), failed func(msg string)) {
	md := js.Global().Get("navigator").Get("mediaDevices")
	if !md.Truthy() || !md.Get("getUserMedia").Truthy() {
		failed("This browser gives the page no camera (getUserMedia is missing; it needs https or localhost).")
		return
	}
	var ok, fail js.Func
	release := func() { ok.Release(); fail.Release() }
	ok = js.FuncOf(func(_ js.Value, args []js.Value) any {
		release()
		opened(args[0])
		return nil
	})
	fail = js.FuncOf(func(_ js.Value, args []js.Value) any {
		release()
		failed("The camera could not start: " + args[0].Call("toString").String())
		return nil
	})
	md.Call("getUserMedia", map[string]any{"video": video, "audio": false}).Call("then", ok, fail)
}
