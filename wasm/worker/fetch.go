//go:build js && wasm

package main

import (
	"fmt"
	"slices"
	"strconv"
	"syscall/js"

	"github.com/nnplay/nnplay/wasm/jsloop"
	"github.com/nnplay/nnplay/wasm/worker/trainer"
)

// fetch GETs url with the browser's fetch and reads the body through its
// stream reader, reporting bytes as they arrive, or takes what worker.js
// prefetched. Gzip data comes back decompressed (see gunzipNative). A 404
// wraps trainer.ErrNotFound.
func fetch(url string, progress func(loaded, total int64)) ([]byte, error) {
	if b, status, ok := prefetched(url); ok {
		switch {
		case status == 404:
			return nil, fmt.Errorf("fetch %s: %w", url, trainer.ErrNotFound)
		case status == 200: // as the browser decoded it (see worker.js)
			progress(int64(len(b)), int64(len(b)))
			return b, nil
		}
		// Another status: ask again, and report that answer.
	}
	resp, err := jsloop.Await(js.Global().Call("fetch", url))
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %v", url, err)
	}
	if status := resp.Get("status").Int(); status == 404 {
		return nil, fmt.Errorf("fetch %s: %w", url, trainer.ErrNotFound)
	} else if !resp.Get("ok").Bool() {
		return nil, fmt.Errorf("fetch %s: HTTP %d %s", url, status, resp.Get("statusText").String())
	}
	var total int64
	if h := resp.Get("headers").Call("get", "Content-Length"); h.Type() == js.TypeString {
		total, _ = strconv.ParseInt(h.String(), 10, 64)
	}
	body := resp.Get("body")
	if !body.Truthy() { // no streams: read it whole
		buf, err := jsloop.Await(resp.Call("arrayBuffer"))
		if err != nil {
			return nil, fmt.Errorf("fetch %s: %v", url, err)
		}
		return gunzipNative(copyBytes(js.Global().Get("Uint8Array").New(buf))), nil
	}
	out := make([]byte, 0, max(total, 0))
	reader := body.Call("getReader")
	for {
		r, err := jsloop.Await(reader.Call("read"))
		if err != nil {
			return nil, fmt.Errorf("fetch %s: reading the body: %v", url, err)
		}
		if r.Get("done").Bool() {
			break
		}
		chunk := r.Get("value")
		n := chunk.Get("length").Int()
		out = slices.Grow(out, n)[:len(out)+n]
		js.CopyBytesToGo(out[len(out)-n:], chunk)
		// With a Content-Encoding the header counts compressed bytes;
		// never report more loaded than total.
		progress(int64(len(out)), max(total, int64(len(out))))
	}
	return gunzipNative(out), nil
}

// gunzipNative returns gzip data decompressed by the browser's
// DecompressionStream, which runs in native code: Go's compress/gzip
// under WebAssembly took seconds of the first load for MNIST (README:
// Performance). Data
// that is not gzip, a browser without DecompressionStream, or a stream it
// cannot decompress come back unchanged, so Go's reader reads them and
// reports a damaged file in its own words.
func gunzipNative(b []byte) []byte {
	ds := js.Global().Get("DecompressionStream")
	if len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b || !ds.Truthy() {
		return b
	}
	u8 := js.Global().Get("Uint8Array").New(len(b))
	js.CopyBytesToJS(u8, b)
	blob := js.Global().Get("Blob").New([]any{u8})
	stream := blob.Call("stream").Call("pipeThrough", ds.New("gzip"))
	buf, err := jsloop.Await(js.Global().Get("Response").New(stream).Call("arrayBuffer"))
	if err != nil {
		return b
	}
	return copyBytes(js.Global().Get("Uint8Array").New(buf))
}

// prefetched takes what worker.js fetched for url ahead of time (see its
// nnplayPrefetch): the bytes, as the browser decoded them, and
// the HTTP status. ok is false when it did not prefetch url or that fetch
// failed (then fetch asks again).
func prefetched(url string) (b []byte, status int, ok bool) {
	pre := js.Global().Get("nnplayPrefetch")
	if !pre.Truthy() {
		return nil, 0, false
	}
	p := pre.Call("get", url)
	if !p.Truthy() {
		return nil, 0, false
	}
	pre.Call("delete", url) // a second load of the file fetches it again
	r, err := jsloop.Await(p)
	if err != nil {
		return nil, 0, false
	}
	return copyBytes(r.Get("bytes")), r.Get("status").Int(), true
}

func copyBytes(u8 js.Value) []byte {
	b := make([]byte, u8.Get("length").Int())
	js.CopyBytesToGo(b, u8)
	return b
}
