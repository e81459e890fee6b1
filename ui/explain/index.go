//go:build js && wasm

package explain

import (
	"strconv"

	"github.com/vugu/vugu"
)

// indexInput is the test-example number field: it keeps what is being
// typed (Vugu re-sets .value on every render) and applies it on change.
type indexInput struct{ typed string }

func (f *indexInput) Value(current int) string {
	if f.typed != "" {
		return f.typed
	}
	return strconv.Itoa(current)
}

func (f *indexInput) Typed(ev vugu.DOMEvent) { f.typed = ev.PropString("target", "value") }

func (f *indexInput) Apply(ev vugu.DOMEvent, set func(int)) {
	f.typed = ""
	if i, err := strconv.Atoi(ev.PropString("target", "value")); err == nil {
		set(i)
	}
}

func (f *indexInput) Go(set func(int), i int) {
	f.typed = ""
	set(i)
}

// digits are the flip search's classes.
var digits = []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
