//go:build js && wasm

package replicas

import (
	"syscall/js"
	"unsafe"
)

// Commands.
const (
	cmdStep   = 1 // compute the share of the batch in the buffer
	cmdDetach = 2 // leave this buffer (a new one, or none, follows)
)

// shared is a SharedArrayBuffer seen as control words and bytes.
type shared struct {
	sab     js.Value
	ctrl    js.Value // Int32Array over the header
	bytes   js.Value // Uint8Array over all of it
	atomics js.Value
}

func newShared(sab js.Value) *shared {
	g := js.Global()
	return &shared{
		sab:     sab,
		ctrl:    g.Get("Int32Array").New(sab, 0, headerBytes/4),
		bytes:   g.Get("Uint8Array").New(sab),
		atomics: g.Get("Atomics"),
	}
}

func (s *shared) load(i int) int32     { return int32(s.atomics.Call("load", s.ctrl, i).Int()) }
func (s *shared) store(i int, v int32) { s.atomics.Call("store", s.ctrl, i, v) }
func (s *shared) notify(i int)         { s.atomics.Call("notify", s.ctrl, i) }

// wait blocks while word i holds v, at most ms milliseconds (ms < 0:
// without limit); false when the time ran out.
func (s *shared) wait(i int, v int32, ms float64) bool {
	var r js.Value
	if ms < 0 {
		r = s.atomics.Call("wait", s.ctrl, i, v)
	} else {
		r = s.atomics.Call("wait", s.ctrl, i, v, ms)
	}
	return r.String() != "timed-out"
}

// Copies between Go memory and the buffer at byte offset at.
func (s *shared) put(at int, b []byte) {
	if len(b) > 0 {
		js.CopyBytesToJS(s.bytes.Call("subarray", at, at+len(b)), b)
	}
}

func (s *shared) get(at int, b []byte) {
	if len(b) > 0 {
		js.CopyBytesToGo(b, s.bytes.Call("subarray", at, at+len(b)))
	}
}

func f32bytes(f []float32) []byte {
	if len(f) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&f[0])), 4*len(f))
}

func f64bytes(f []float64) []byte {
	if len(f) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&f[0])), 8*len(f))
}
