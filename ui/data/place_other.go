//go:build !(js && wasm)

package data

// attach does nothing outside the browser: the native tests drive the
// place's state directly.
func (p *Place) attach() {}
