//go:build js && wasm

// Package store keeps what the page remembers between visits in the
// browser's IndexedDB: one database, a store per kind of thing (the
// autosaved model, "My models", the handwriting examples). Without
// IndexedDB (or when the browser refuses it) the page works and forgets.
package store

import (
	"fmt"
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

// The database, once open, and the calls waiting for it to open.
var (
	opened  js.Value
	opening []func(db js.Value)
)

// With calls f with the database, opening it the first time (creating the
// stores it lacks) — not at all when the browser has no IndexedDB or
// refuses it: the page works without, it only forgets. Once open, f runs
// at once, so a write starts its transaction in the event that asked for
// it (a reload right after a delete still deletes).
func With(f func(db js.Value)) {
	if opened.Truthy() {
		if runOn(opened, f) {
			return
		}
		opened = js.Value{} // closed under us (storage cleared): open again
	}
	opening = append(opening, f)
	if len(opening) > 1 {
		return // already opening
	}
	idb := js.Global().Get("indexedDB")
	if !idb.Truthy() {
		opening = nil
		return
	}
	req := idb.Call("open", dbName, dbVersion)
	var upgrade, success, failure js.Func
	release := func() {
		upgrade.Release()
		success.Release()
		failure.Release()
	}
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
		release()
		db := req.Get("result")
		// Another tab upgrading the database, or the browser clearing site
		// data, closes this handle; the next call opens it again. (Both
		// events may come, so the function is kept, not released.)
		closing := js.FuncOf(func(js.Value, []js.Value) any {
			db.Call("close")
			if opened.Equal(db) {
				opened = js.Value{}
			}
			return nil
		})
		db.Set("onversionchange", closing)
		db.Set("onclose", closing)
		opened = db
		waiting := opening
		opening = nil
		for _, g := range waiting {
			runOn(db, g)
		}
		return nil
	})
	failure = js.FuncOf(func(js.Value, []js.Value) any {
		release()
		opening = nil
		return nil
	})
	req.Set("onupgradeneeded", upgrade)
	req.Set("onsuccess", success)
	req.Set("onerror", failure)
}

// runOn calls f with db and reports whether it could: false when db was
// closed under the page (the browser closes it when site data is cleared,
// and the closing event may come after the next call), which makes
// db.transaction throw InvalidStateError before f did anything.
func runOn(db js.Value, f func(db js.Value)) (ok bool) {
	defer func() {
		if r := recover(); r != nil {
			if e, isJS := r.(js.Error); isJS && e.Get("name").String() == "InvalidStateError" {
				return
			}
			panic(r)
		}
	}()
	f(db)
	return true
}

// Put stores value under key in store.
func Put(store string, key any, value map[string]any) {
	With(func(db js.Value) {
		db.Call("transaction", store, "readwrite").Call("objectStore", store).Call("put", js.ValueOf(value), key)
	})
}

// Write runs op on store in a readwrite transaction and calls done, in a
// goroutine, once the transaction has ended: with "" when it committed,
// else with the browser's reason (a full quota, no IndexedDB). A change
// shown only once done says so is one a reload cannot undo.
func Write(store string, op func(objectStore js.Value), done func(failure string)) {
	called := false
	report := func(msg string) {
		if !called {
			called = true
			go done(msg)
		}
	}
	if !js.Global().Get("indexedDB").Truthy() {
		report("this browser keeps no data (IndexedDB is off)")
		return
	}
	With(func(db js.Value) {
		var tx js.Value
		func() {
			defer func() {
				if r := recover(); r != nil {
					report(fmt.Sprint(r))
				}
			}()
			tx = db.Call("transaction", store, "readwrite")
			op(tx.Call("objectStore", store))
		}()
		if tx.IsUndefined() {
			return
		}
		var ok, fail js.Func
		ok = js.FuncOf(func(js.Value, []js.Value) any {
			ok.Release()
			fail.Release()
			report("")
			return nil
		})
		fail = js.FuncOf(func(js.Value, []js.Value) any {
			msg := "the browser refused"
			if e := tx.Get("error"); e.Truthy() {
				msg = e.Get("name").String() + ": " + e.Get("message").String()
			}
			ok.Release()
			fail.Release()
			report(msg)
			return nil
		})
		tx.Set("oncomplete", ok)
		tx.Set("onerror", fail)
		tx.Set("onabort", fail)
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
