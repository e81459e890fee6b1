//go:build js && wasm

package main

import (
	"fmt"
	"syscall/js"

	"github.com/nnplay/nnplay/engine/data/resize"
	"github.com/nnplay/nnplay/wasm/jsloop"
)

// decodeImage decodes an encoded image (PNG, JPEG, WebP, GIF, BMP: what
// the browser reads) to straight-alpha RGBA bytes: createImageBitmap on a
// Blob of the bytes, drawn on an OffscreenCanvas of its size and read
// back with getImageData. Both exist inside a Web Worker.
func decodeImage(b []byte) (rgba []byte, w, h int, err error) {
	g := js.Global()
	arr := g.Get("Uint8Array").New(len(b))
	js.CopyBytesToJS(arr, b)
	blob := g.Get("Blob").New([]any{arr})
	bmp, err := jsloop.Await(g.Call("createImageBitmap", blob))
	if err != nil {
		return nil, 0, 0, fmt.Errorf("the browser cannot decode it: %v", err)
	}
	defer bmp.Call("close")
	w, h = bmp.Get("width").Int(), bmp.Get("height").Int()
	if w < 1 || h < 1 || w*h > resize.MaxInput {
		return nil, 0, 0, fmt.Errorf("an image of %d×%d pixels; images may have up to %d pixels", w, h, resize.MaxInput)
	}
	canvas := g.Get("OffscreenCanvas").New(w, h)
	ctx := canvas.Call("getContext", "2d")
	ctx.Call("drawImage", bmp, 0, 0)
	pixels := ctx.Call("getImageData", 0, 0, w, h).Get("data") // a Uint8ClampedArray
	rgba = make([]byte, 4*w*h)
	js.CopyBytesToGo(rgba, g.Get("Uint8Array").New(pixels.Get("buffer"), pixels.Get("byteOffset"), pixels.Get("length")))
	return rgba, w, h, nil
}
