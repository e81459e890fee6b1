//go:build js && wasm

// Package store keeps what the page remembers between visits in the
// browser's IndexedDB: one database, a store per kind of thing (the
// autosaved model, "My models", the handwriting examples). Without
// IndexedDB (or when the browser refuses it) the page works and forgets.
package store

import (
	"syscall/js"
	"time"
)

// The page's IndexedDB database: one database, a store per kind of thing
// kept between visits.
const (
	dbName    = "nnplay"
	dbVersion = 4

	Models     = "models"   // the autosave, under CurrentKey
	CurrentKey = "current"  // the autosave's key in Models
	Library    = "library"  // "My models"
	Drawings   = "drawings" // the handwriting examples
	Runs       = "runs"     // the recorded training runs (ui/runs), by run ID
	Datasets   = "datasets" // "My data": the user's data sets (ui/data)
)

// With opens the database (creating the stores it lacks) and calls f
// with it — not at all when the browser has no IndexedDB or refuses it:
// the page works without, it only forgets.
func With(f func(db js.Value)) {
	idb := js.Global().Get("indexedDB")
	if !idb.Truthy() {
		return
	}
	req := idb.Call("open", dbName, dbVersion)
	var upgrade, success js.Func
	upgrade = js.FuncOf(func(js.Value, []js.Value) any {
		db := req.Get("result")
		names := db.Get("objectStoreNames")
		for _, s := range []string{Models, Library, Drawings, Runs, Datasets} {
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
	With(func(db js.Value) {
		db.Call("transaction", store, "readwrite").Call("objectStore", store).Call("put", js.ValueOf(value), key)
	})
}

// Delete removes key from store.
func Delete(store string, key any) {
	With(func(db js.Value) {
		db.Call("transaction", store, "readwrite").Call("objectStore", store).Call("delete", key)
	})
}

// ReadAll calls f (in a goroutine, as event handlers may lock) with
// every record of store, in key order.
func ReadAll(store string, f func(records []js.Value)) {
	With(func(db js.Value) {
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

// JSBytes copies b into a new Uint8Array.
func JSBytes(b []byte) js.Value {
	arr := js.Global().Get("Uint8Array").New(len(b))
	js.CopyBytesToJS(arr, b)
	return arr
}

// GoBytes copies a Uint8Array out (nil for anything else).
func GoBytes(v js.Value) []byte {
	if !v.Truthy() || !v.InstanceOf(js.Global().Get("Uint8Array")) {
		return nil
	}
	b := make([]byte, v.Get("length").Int())
	js.CopyBytesToGo(b, v)
	return b
}

// Millis is t as JavaScript's milliseconds since 1970; FromMillis reverses it.
func Millis(t time.Time) float64 { return float64(t.UnixMilli()) }

func FromMillis(v js.Value) time.Time {
	if v.Type() != js.TypeNumber {
		return time.Time{}
	}
	return time.UnixMilli(int64(v.Float()))
}

// Download saves b as a file named name of the given MIME type, as a click
// on a download link does (the object URL is revoked a minute later).
func Download(name string, b []byte, mime string) {
	doc := js.Global().Get("document")
	if !doc.Truthy() {
		return
	}
	blob := js.Global().Get("Blob").New([]any{JSBytes(b)}, map[string]any{"type": mime})
	url := js.Global().Get("URL").Call("createObjectURL", blob)
	link := doc.Call("createElement", "a")
	link.Set("href", url)
	link.Set("download", name)
	doc.Get("body").Call("appendChild", link)
	link.Call("click")
	link.Call("remove")
	var revoke js.Func
	revoke = js.FuncOf(func(js.Value, []js.Value) any {
		js.Global().Get("URL").Call("revokeObjectURL", url)
		revoke.Release()
		return nil
	})
	js.Global().Call("setTimeout", revoke, 60000)
}
