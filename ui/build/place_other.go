//go:build !(js && wasm)

package build

// attach connects the place to the page; outside a browser (native tests)
// there is none.
func (p *Place) attach() {}
