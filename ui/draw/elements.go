//go:build js && wasm

package draw

import (
	"syscall/js"

	"github.com/nnplay/nnplay/engine/data/drawing"
	"honnef.co/go/js/dom/v2"
)

// New makes a tag element and wraps it for package dom. dom's
// own Document.CreateElement asks the browser for the new element's
// constructor and compares it with some 70 others, a few dozen calls into
// JS per element (the README's performance section says what it cost a
// first visit). Only the element types this package uses get
// their own wrapper; everything else is a plain HTML element.
func New(tag string) dom.Element {
	v := js.Global().Get("document").Call("createElement", tag)
	el := &dom.BasicHTMLElement{BasicElement: &dom.BasicElement{BasicNode: &dom.BasicNode{Value: v}}}
	switch tag {
	case "button":
		return &dom.HTMLButtonElement{BasicHTMLElement: el}
	case "input":
		return &dom.HTMLInputElement{BasicHTMLElement: el}
	case "canvas":
		return &dom.HTMLCanvasElement{BasicHTMLElement: el}
	}
	return el
}

// Canvas is New("canvas"), typed.
func Canvas() *dom.HTMLCanvasElement {
	return New("canvas").(*dom.HTMLCanvasElement)
}

// Context2D is cv's 2-D context, kept in main memory
// (willReadFrequently): a small chart drawn a few times a second gains
// nothing from the GPU, and a GPU canvas's first drawImage waits on the
// GPU process during a first visit (README, performance).
func Context2D(cv *dom.HTMLCanvasElement) *dom.CanvasRenderingContext2D {
	return &dom.CanvasRenderingContext2D{Value: cv.Call("getContext", "2d", map[string]any{"willReadFrequently": true})}
}

// PutPixels copies RGBA bytes into the canvas. ImageData.SetNRGBA in
// dom/v2 panics (a typo in the library), and copying at once is faster.
func PutPixels(ctx *dom.CanvasRenderingContext2D, rgba []byte, w, h int) {
	img := ctx.CreateImageData(w, h)
	js.CopyBytesToJS(img.Data(), rgba)
	ctx.PutImageData(img, 0, 0)
}

// Digit paints a 28×28 image (values in [0,1], nil for blank) on ctx,
// dark ink on a light background like the pad.
func Digit(ctx *dom.CanvasRenderingContext2D, v []float32) {
	if ctx == nil {
		return
	}
	n := drawing.Side * drawing.Side
	rgba := make([]byte, 4*n)
	for i := 0; i < n; i++ {
		ink := float32(0)
		if i < len(v) {
			ink = v[i]
		}
		g := byte(250 - 221*min(1, max(0, ink))) // #fafafa → #1d1d1d
		rgba[4*i], rgba[4*i+1], rgba[4*i+2], rgba[4*i+3] = g, g, g, 255
	}
	PutPixels(ctx, rgba, drawing.Side, drawing.Side)
}
