//go:build js && wasm

package keep

import (
	"encoding/json"
	"fmt"
	"syscall/js"

	"github.com/nnplay/nnplay/engine/units"
	"github.com/nnplay/nnplay/ui/chart"
	"github.com/nnplay/nnplay/ui/store"
)

// The place's browser side: the page's URL, the link box, downloads, the
// clipboard, file uploads, and IndexedDB (the autosave and My models).

// pageBrowser is the browser the page runs in.
func pageBrowser() browser { return domBrowser{} }

// domBrowser is the page's browser.
type domBrowser struct{}

var _ browser = domBrowser{}

func (domBrowser) pageURL() string {
	loc := js.Global().Get("location")
	if !loc.Truthy() {
		return ""
	}
	return loc.Get("origin").String() + loc.Get("pathname").String()
}

func (domBrowser) showLink(url string) {
	doc := js.Global().Get("document")
	if !doc.Truthy() {
		return // no page (the tests under Node)
	}
	if el := doc.Call("getElementById", "share-link"); el.Truthy() {
		el.Set("value", url)
	}
}

func (domBrowser) download(name string, b []byte, mime string) { store.Download(name, b, mime) }

func (domBrowser) saveAutosave(m savedModel) {
	charts, _ := json.Marshal(m.Charts)
	store.Put(store.Models, store.CurrentKey, map[string]any{
		"file": store.JSBytes(m.File), "charts": string(charts), "saved_at": store.Millis(m.SavedAt)})
}

func (domBrowser) readAutosave(f func(savedModel)) {
	store.With(func(db js.Value) {
		get := db.Call("transaction", store.Models, "readonly").Call("objectStore", store.Models).Call("get", store.CurrentKey)
		var done js.Func
		done = js.FuncOf(func(js.Value, []js.Value) any {
			done.Release()
			rec := get.Get("result")
			if !rec.Truthy() {
				return nil
			}
			m := savedModel{File: store.GoBytes(rec.Get("file")), SavedAt: store.FromMillis(rec.Get("saved_at"))}
			if len(m.File) == 0 {
				return nil
			}
			var c chart.Run
			if v := rec.Get("charts"); v.Type() == js.TypeString && json.Unmarshal([]byte(v.String()), &c) == nil {
				m.Charts = &c
			}
			go f(m) // f locks; a JS callback must not block
			return nil
		})
		get.Set("onsuccess", done)
	})
}

func (domBrowser) putModel(e SavedModel) {
	store.Put(store.Library, e.Key, map[string]any{
		"key": e.Key, "name": e.Name, "arch": e.Arch, "accuracy": e.Accuracy, "evaluated": e.Evaluated,
		"saved_at": store.Millis(e.SavedAt), "file": store.JSBytes(e.File),
	})
}

func (domBrowser) deleteModel(key string) { store.Delete(store.Library, key) }

func (domBrowser) readModels(f func([]SavedModel)) {
	store.ReadAll(store.Library, func(recs []js.Value) {
		var list []SavedModel
		for _, r := range recs {
			if e, ok := savedFromRecord(r); ok {
				list = append(list, e)
			}
		}
		f(list)
	})
}

// savedFromRecord reads a My models record back; false if it is not one.
func savedFromRecord(r js.Value) (SavedModel, bool) {
	if !r.Truthy() || r.Get("key").Type() != js.TypeString || r.Get("name").Type() != js.TypeString {
		return SavedModel{}, false
	}
	e := SavedModel{Key: r.Get("key").String(), Name: r.Get("name").String(),
		SavedAt: store.FromMillis(r.Get("saved_at")), File: store.GoBytes(r.Get("file"))}
	if a := r.Get("arch"); a.Type() == js.TypeString {
		e.Arch = a.String()
	}
	if a := r.Get("accuracy"); a.Type() == js.TypeNumber {
		e.Accuracy = a.Float()
	}
	e.Evaluated = r.Get("evaluated").Truthy()
	return e, len(e.File) > 0
}

// copyLink copies the link; without clipboard access it selects the text
// so that Ctrl+C copies it.
func (s *Share) copyLink() {
	text := s.URL()
	selectIt := func() {
		if el := js.Global().Get("document").Call("getElementById", "share-link"); el.Truthy() {
			el.Call("focus")
			el.Call("select")
		}
	}
	clip := js.Global().Get("navigator").Get("clipboard")
	if !clip.Truthy() {
		selectIt()
		s.CopyNote = "Selected: press Ctrl+C to copy."
		return
	}
	var ok, fail js.Func
	release := func() { ok.Release(); fail.Release() }
	ok = js.FuncOf(func(js.Value, []js.Value) any {
		release()
		go s.note("Copied.")
		return nil
	})
	fail = js.FuncOf(func(js.Value, []js.Value) any {
		release()
		selectIt()
		go s.note("Selected: press Ctrl+C to copy.")
		return nil
	})
	clip.Call("writeText", text).Call("then", ok, fail)
}

// note sets the copy note from a goroutine and re-renders.
func (s *Share) note(msg string) {
	s.p.S.Env.Lock()
	s.CopyNote = msg
	s.p.S.Env.UnlockRender()
}

// readUpload reads the chosen file of an <input type=file> and loads it.
func (s *Share) readUpload(input js.Value) {
	files := input.Get("files")
	if !files.Truthy() || files.Get("length").Int() == 0 {
		return
	}
	f := files.Index(0)
	name := f.Get("name").String()
	if size := f.Get("size").Int(); size > 64<<20 {
		s.p.S.AddError(fmt.Sprintf("%s is %s; nnplay model files are far smaller. Nothing was changed.", name, units.Bytes(int64(size))))
		input.Set("value", "")
		return
	}
	go func() {
		b := readFile(f)
		s.p.S.Env.Lock()
		input.Set("value", "")
		s.Upload(name, b)
		s.p.S.Env.UnlockRender()
	}()
}

// focusSoon focuses (and selects) the element sel matches as soon as a
// render has drawn it: not during the render (focus fires focusin, whose
// Vugu handler would wait for the render to end, a deadlock), so from a
// timer, which looks again every 20 ms for up to a second.
func focusSoon(sel string) {
	tries := 0
	var f js.Func
	f = js.FuncOf(func(js.Value, []js.Value) any {
		doc := js.Global().Get("document")
		if !doc.Truthy() {
			f.Release()
			return nil
		}
		if el := doc.Call("querySelector", sel); el.Truthy() {
			f.Release()
			el.Call("focus")
			el.Call("select")
			return nil
		}
		if tries++; tries > 50 {
			f.Release()
			return nil
		}
		js.Global().Call("setTimeout", f, 20)
		return nil
	})
	js.Global().Call("setTimeout", f, 0)
}
