//go:build js && wasm

package build

import (
	"syscall/js"

	"github.com/nnplay/nnplay/ui/store"
)

// drawingRecord is a handwriting example as IndexedDB keeps it.
func drawingRecord(d Example) map[string]any {
	return map[string]any{"id": float64(d.ID), "label": d.Label, "pixels": store.JSBytes(d.Pixels)}
}

// readDrawings reads the handwriting examples kept from earlier visits.
func readDrawings(h *Handwriting) {
	store.ReadAll(store.Drawings, func(recs []js.Value) {
		var list []Example
		for _, r := range recs {
			d := Example{Pixels: store.GoBytes(r.Get("pixels"))}
			if r.Get("id").Type() != js.TypeNumber || r.Get("label").Type() != js.TypeNumber || len(d.Pixels) != drawingPixels {
				continue
			}
			d.ID, d.Label = int64(r.Get("id").Float()), r.Get("label").Int()
			if d.Label < 0 || d.Label > 9 {
				continue
			}
			list = append(list, d)
		}
		h.s.Env.Lock()
		h.setDrawings(list)
		h.s.Env.UnlockRender()
	})
}
