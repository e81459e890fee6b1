//go:build js && wasm

package build

import (
	"syscall/js"

	"github.com/nnplay/nnplay/engine/data/drawing"
	"github.com/nnplay/nnplay/ui/store"
)

// pageExamples keeps the drawings in IndexedDB.
type pageExamples struct{}

var _ examples = pageExamples{}

func (pageExamples) put(d Example)   { store.Put(store.Drawings, float64(d.ID), drawingRecord(d)) }
func (pageExamples) remove(id int64) { store.Delete(store.Drawings, float64(id)) }

// drawingRecord is a handwriting example as IndexedDB keeps it.
func drawingRecord(d Example) map[string]any {
	return map[string]any{"id": float64(d.ID), "label": d.Label, "pixels": store.JSBytes(d.Pixels)}
}

// readDrawings reads the handwriting examples kept from earlier visits.
func readDrawings(h *Handwriting) {
	h.store = pageExamples{}
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

// URL is a PNG data URL of the drawing, dark ink on light as on the pad.
func (d *Example) URL() string {
	if d.url != "" {
		return d.url
	}
	doc := js.Global().Get("document")
	if !doc.Truthy() {
		return ""
	}
	cv := doc.Call("createElement", "canvas")
	cv.Set("width", drawing.Side)
	cv.Set("height", drawing.Side)
	ctx := cv.Call("getContext", "2d")
	img := ctx.Call("createImageData", drawing.Side, drawing.Side)
	rgba := make([]byte, 4*drawingPixels)
	for i, v := range d.Pixels {
		g := 250 - byte(int(v)*221/255)
		rgba[4*i], rgba[4*i+1], rgba[4*i+2], rgba[4*i+3] = g, g, g, 255
	}
	js.CopyBytesToJS(img.Get("data"), rgba)
	ctx.Call("putImageData", img, 0, 0)
	d.url = cv.Call("toDataURL", "image/png").String()
	return d.url
}
