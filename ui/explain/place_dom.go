//go:build js && wasm

package explain

import (
	"syscall/js"

	"github.com/nnplay/nnplay/ui/explain/address"
)

// Shown is called when the place comes on screen, or is asked for again
// at a new address (#/explain&cell=3,8 from the confusion matrix).
func (p *Place) Shown() {
	p.Follow(address.Parse(js.Global().Get("location").Get("hash").String()))
}
