//go:build js && wasm

package explain

import "syscall/js"

// Shown is called when the place comes on screen, or is asked for again
// at a new address (#/explain&cell=3,8 from the confusion matrix).
func (p *Place) Shown() {
	p.Follow(ParseHash(js.Global().Get("location").Get("hash").String()))
}
