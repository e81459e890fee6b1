//go:build js && wasm

package draw

import (
	"syscall/js"

	"github.com/vugu/vugu"
)

// Watch observes el, a panel's new element: when it comes into view,
// Visible turns true and shown runs (to send the requests the panel
// skipped); when it leaves, Visible turns false. Any earlier element's
// watch ends; el again (a render that kept the element) changes nothing.
// The observer's callback must not block, so a goroutine takes Vugu's
// lock.
func (v *Visibility) Watch(env vugu.EventEnv, el js.Value, shown func()) {
	if old, ok := v.el.(js.Value); ok && old.Equal(el) {
		return
	}
	v.Hide()
	v.el = el
	gen := v.gen
	ctor := js.Global().Get("IntersectionObserver")
	if ctor.IsUndefined() {
		v.Visible = true
		shown()
		return
	}
	cb := js.FuncOf(func(_ js.Value, args []js.Value) any {
		entries := args[0]
		n := entries.Length()
		if n == 0 {
			return nil
		}
		vis := entries.Index(n - 1).Get("isIntersecting").Bool()
		go func() {
			env.Lock()
			if gen != v.gen || vis == v.Visible {
				env.UnlockOnly()
				return
			}
			v.Visible = vis
			if vis {
				shown()
			}
			env.UnlockRender()
		}()
		return nil
	})
	obs := ctor.New(cb, map[string]any{"rootMargin": "300px"})
	obs.Call("observe", el)
	// The callback is not released: the observer may have queued a call
	// before it was disconnected, and a released function panics.
	v.stop = func() { obs.Call("disconnect") }
}
