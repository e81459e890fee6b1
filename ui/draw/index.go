//go:build js && wasm

package draw

import (
	"strconv"

	"github.com/vugu/vugu"
)

// IndexInput is a test-image number field that keeps what is being typed:
// Vugu re-sets .value on every render, and a trace arriving mid-typing
// would otherwise put the old number back. The number is applied on
// change (Enter or leaving the field).
type IndexInput struct{ typed string }

// Value is the field's text: what is being typed, else the current index.
func (f *IndexInput) Value(current int) string {
	if f.typed != "" {
		return f.typed
	}
	return strconv.Itoa(current)
}

// Typed records a keystroke's result.
func (f *IndexInput) Typed(ev vugu.DOMEvent) { f.typed = ev.PropString("target", "value") }

// Apply sets the typed number (ignoring text that is not one).
func (f *IndexInput) Apply(ev vugu.DOMEvent, set func(int)) {
	f.typed = ""
	if i, err := strconv.Atoi(ev.PropString("target", "value")); err == nil {
		set(i)
	}
}

// Go sets index i (the ◀ ▶ buttons), dropping any half-typed number.
func (f *IndexInput) Go(set func(int), i int) {
	f.typed = ""
	set(i)
}
