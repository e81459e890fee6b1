package ui

import (
	"syscall/js"
	"time"
)

// The page's IndexedDB database: one database, a store per kind of thing
// kept between visits.
//
//	models    the autosave of the current model, under dbKey (share_dom.go)
//	library   "My models": one record per saved model, keyed by its key
//	drawings  the user's handwriting examples, keyed by their id
const (
	dbName     = "nnplay"
	dbVersion  = 2
	dbStore    = "models"
	dbKey      = "current"
	dbLibrary  = "library"
	dbDrawings = "drawings"
)

// withDB opens the database (creating the stores it lacks) and calls f
// with it — not at all when the browser has no IndexedDB or refuses it:
// the page works without, it only forgets.
func withDB(f func(db js.Value)) {
	idb := js.Global().Get("indexedDB")
	if !idb.Truthy() {
		return
	}
	req := idb.Call("open", dbName, dbVersion)
	var upgrade, success js.Func
	upgrade = js.FuncOf(func(js.Value, []js.Value) any {
		db := req.Get("result")
		names := db.Get("objectStoreNames")
		for _, s := range []string{dbStore, dbLibrary, dbDrawings} {
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

// dbPut stores value under key in store.
func dbPut(store string, key any, value map[string]any) {
	withDB(func(db js.Value) {
		db.Call("transaction", store, "readwrite").Call("objectStore", store).Call("put", js.ValueOf(value), key)
	})
}

// dbDelete removes key from store.
func dbDelete(store string, key any) {
	withDB(func(db js.Value) {
		db.Call("transaction", store, "readwrite").Call("objectStore", store).Call("delete", key)
	})
}

// dbReadAll calls f (in a goroutine, as event handlers may lock) with
// every record of store, in key order.
func dbReadAll(store string, f func(records []js.Value)) {
	withDB(func(db js.Value) {
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

// jsBytes copies b into a new Uint8Array.
func jsBytes(b []byte) js.Value {
	arr := js.Global().Get("Uint8Array").New(len(b))
	js.CopyBytesToJS(arr, b)
	return arr
}

// goBytes copies a Uint8Array out (nil for anything else).
func goBytes(v js.Value) []byte {
	if !v.Truthy() || !v.InstanceOf(js.Global().Get("Uint8Array")) {
		return nil
	}
	b := make([]byte, v.Get("length").Int())
	js.CopyBytesToGo(b, v)
	return b
}

// millis is t as JavaScript's milliseconds since 1970; fromMillis reverses it.
func millis(t time.Time) float64 { return float64(t.UnixMilli()) }

func fromMillis(v js.Value) time.Time {
	if v.Type() != js.TypeNumber {
		return time.Time{}
	}
	return time.UnixMilli(int64(v.Float()))
}

// libraryRecord is a saved model as IndexedDB keeps it.
func libraryRecord(e SavedModel) map[string]any {
	return map[string]any{
		"key": e.Key, "name": e.Name, "arch": e.Arch, "accuracy": e.Accuracy, "evaluated": e.Evaluated,
		"saved_at": millis(e.SavedAt), "file": jsBytes(e.File),
	}
}

// savedFromRecord reads a library record back; false if it is not one.
func savedFromRecord(key string, r js.Value) (SavedModel, bool) {
	if !r.Truthy() || r.Get("name").Type() != js.TypeString {
		return SavedModel{}, false
	}
	e := SavedModel{Key: key, Name: r.Get("name").String(), SavedAt: fromMillis(r.Get("saved_at")), File: goBytes(r.Get("file"))}
	if a := r.Get("arch"); a.Type() == js.TypeString {
		e.Arch = a.String()
	}
	if a := r.Get("accuracy"); a.Type() == js.TypeNumber {
		e.Accuracy = a.Float()
	}
	e.Evaluated = r.Get("evaluated").Truthy()
	return e, len(e.File) > 0
}

// readLibrary reads "My models" and hands them to the app.
func readLibrary(a *App) {
	dbReadAll(dbLibrary, func(recs []js.Value) {
		var list []SavedModel
		for _, r := range recs {
			key := r.Get("key")
			if key.Type() != js.TypeString {
				continue
			}
			if e, ok := savedFromRecord(key.String(), r); ok {
				list = append(list, e)
			}
		}
		a.Env.Lock()
		a.library().setSaved(list)
		a.Env.UnlockRender()
	})
}

// drawingRecord is a handwriting example as IndexedDB keeps it.
func drawingRecord(d Drawing) map[string]any {
	return map[string]any{"id": float64(d.ID), "label": d.Label, "pixels": jsBytes(d.Pixels)}
}

// readDrawings reads the handwriting examples and hands them to the app.
func readDrawings(a *App) {
	dbReadAll(dbDrawings, func(recs []js.Value) {
		var list []Drawing
		for _, r := range recs {
			d := Drawing{Pixels: goBytes(r.Get("pixels"))}
			if r.Get("id").Type() != js.TypeNumber || r.Get("label").Type() != js.TypeNumber || len(d.Pixels) != drawingPixels {
				continue
			}
			d.ID, d.Label = int64(r.Get("id").Float()), r.Get("label").Int()
			if d.Label < 0 || d.Label > 9 {
				continue
			}
			list = append(list, d)
		}
		a.Env.Lock()
		a.hand().setDrawings(list)
		a.Env.UnlockRender()
	})
}
