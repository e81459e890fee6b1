//go:build js && wasm

package build

// attach connects the place to the page: the live progress updates, and
// the drawings kept from earlier visits.
func (p *Place) attach() {
	p.S.Live = p.live
	readDrawings(p.Hand)
}
