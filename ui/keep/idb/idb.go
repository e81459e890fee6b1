//go:build js && wasm

package idb

import (
	"syscall/js"
	"time"
)

// open opens the database (creating the stores it lacks) and calls f with
// it — not at all when the browser has no IndexedDB or refuses it.
func open(f func(db js.Value)) {
	idb := js.Global().Get("indexedDB")
	if !idb.Truthy() {
		return
	}
	req := idb.Call("open", Name, Version)
	var upgrade, success js.Func
	upgrade = js.FuncOf(func(js.Value, []js.Value) any {
		db := req.Get("result")
		names := db.Get("objectStoreNames")
		for _, s := range stores {
			if !names.Call("contains", s).Bool() {
				db.Call("createObjectStore", s)
			}
		}
		return nil
	})
	success = js.FuncOf(func(js.Value, []js.Value) any {
		upgrade.Release()
		success.Release()
		f(req.Get("result"))
		return nil
	})
	req.Set("onupgradeneeded", upgrade)
	req.Set("onsuccess", success)
}

// Put stores value under key in store.
func Put(store string, key any, value map[string]any) {
	open(func(db js.Value) {
		db.Call("transaction", store, "readwrite").Call("objectStore", store).Call("put", js.ValueOf(value), key)
	})
}

// Delete removes key from store.
func Delete(store string, key any) {
	open(func(db js.Value) {
		db.Call("transaction", store, "readwrite").Call("objectStore", store).Call("delete", key)
	})
}

// Get calls f (in a goroutine, as event handlers may lock) with the
// record under key in store; not at all when there is none.
func Get(store string, key any, f func(record js.Value)) {
	open(func(db js.Value) {
		req := db.Call("transaction", store, "readonly").Call("objectStore", store).Call("get", key)
		var done js.Func
		done = js.FuncOf(func(js.Value, []js.Value) any {
			done.Release()
			if rec := req.Get("result"); rec.Truthy() {
				go f(rec)
			}
			return nil
		})
		req.Set("onsuccess", done)
	})
}

// ReadAll calls f (in a goroutine, as event handlers may lock) with every
// record of store, in key order.
func ReadAll(store string, f func(records []js.Value)) {
	open(func(db js.Value) {
		req := db.Call("transaction", store, "readonly").Call("objectStore", store).Call("getAll")
		var done js.Func
		done = js.FuncOf(func(js.Value, []js.Value) any {
			done.Release()
			all := req.Get("result")
			var recs []js.Value
			for i := 0; i < all.Length(); i++ {
				recs = append(recs, all.Index(i))
			}
			go f(recs)
			return nil
		})
		req.Set("onsuccess", done)
	})
}

// Bytes copies b into a new Uint8Array, for a record.
func Bytes(b []byte) js.Value {
	arr := js.Global().Get("Uint8Array").New(len(b))
	js.CopyBytesToJS(arr, b)
	return arr
}

// GoBytes copies a record's Uint8Array out (nil for anything else).
func GoBytes(v js.Value) []byte {
	if !v.Truthy() || !v.InstanceOf(js.Global().Get("Uint8Array")) {
		return nil
	}
	b := make([]byte, v.Get("length").Int())
	js.CopyBytesToGo(b, v)
	return b
}

// Millis is t as JavaScript's milliseconds since 1970, for a record;
// Time reads it back (the zero time for anything but a number).
func Millis(t time.Time) float64 { return float64(t.UnixMilli()) }

// Time reads a record's Millis.
func Time(v js.Value) time.Time {
	if v.Type() != js.TypeNumber {
		return time.Time{}
	}
	return time.UnixMilli(int64(v.Float()))
}
