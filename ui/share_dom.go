package ui

import (
	"encoding/json"
	"fmt"
	"syscall/js"
	"time"
)

// The Share panel's browser side: the page's URL, downloads, the
// clipboard, file uploads and the IndexedDB autosave.

// pageURL is the page's address without its hash.
func pageURL() string {
	loc := js.Global().Get("location")
	if !loc.Truthy() {
		return ""
	}
	return loc.Get("origin").String() + loc.Get("pathname").String()
}

// initShare opens the link the page was opened with, or else the autosave.
func (a *App) initShare() {
	a.share()
	readLibrary(a) // My models and the handwriting examples, on every tab
	readDrawings(a)
	if a.Tab != TabMNIST {
		return
	}
	a.openLink(locationHash())
	if len(a.Share.loading) == 0 {
		readSaved(a)
	}
}

// downloadBytes saves b as a file named name (Blob + a download link).
func downloadBytes(name string, b []byte) {
	arr := js.Global().Get("Uint8Array").New(len(b))
	js.CopyBytesToJS(arr, b)
	blob := js.Global().Get("Blob").New([]any{arr}, map[string]any{"type": "application/octet-stream"})
	url := js.Global().Get("URL").Call("createObjectURL", blob)
	doc := js.Global().Get("document")
	link := doc.Call("createElement", "a")
	link.Set("href", url)
	link.Set("download", name)
	link.Set("className", "share-download")
	doc.Get("body").Call("appendChild", link)
	link.Call("click")
	link.Call("remove")
	js.Global().Call("setTimeout", js.FuncOf(func(js.Value, []js.Value) any {
		js.Global().Get("URL").Call("revokeObjectURL", url)
		return nil
	}), 60000)
}

// copyLink copies the link; without clipboard access it selects the text
// so that Ctrl+C copies it.
func (s *ShareState) copyLink() {
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
	ok = js.FuncOf(func(js.Value, []js.Value) any {
		go s.note("Copied.")
		return nil
	})
	fail = js.FuncOf(func(js.Value, []js.Value) any {
		selectIt()
		go s.note("Selected: press Ctrl+C to copy.")
		return nil
	})
	clip.Call("writeText", text).Call("then", ok, fail)
}

// note sets the copy note from a goroutine and re-renders.
func (s *ShareState) note(msg string) {
	s.app.Env.Lock()
	s.CopyNote = msg
	s.app.Env.UnlockRender()
}

// readUpload reads the chosen file of an <input type=file> and loads it.
func (s *ShareState) readUpload(input js.Value) {
	files := input.Get("files")
	if !files.Truthy() || files.Get("length").Int() == 0 {
		return
	}
	f := files.Index(0)
	name := f.Get("name").String()
	if size := f.Get("size").Int(); size > 64<<20 {
		s.app.addError(fmt.Sprintf("%s is %s; nnplay model files are far smaller. Nothing was changed.", name, bytesText(int64(size))))
		return
	}
	var done js.Func
	done = js.FuncOf(func(_ js.Value, args []js.Value) any {
		arr := js.Global().Get("Uint8Array").New(args[0])
		b := make([]byte, arr.Get("length").Int())
		js.CopyBytesToGo(b, arr)
		input.Set("value", "")
		go func() {
			s.app.Env.Lock()
			if len(b) == 0 {
				s.app.addError(name + " is empty; it is not an nnplay model file. Nothing was changed.")
			} else {
				s.Upload(name, b)
			}
			s.app.Env.UnlockRender()
		}()
		done.Release()
		return nil
	})
	f.Call("arrayBuffer").Call("then", done)
}

// saveModel writes the autosave.
func saveModel(m savedModel) {
	charts, _ := json.Marshal(m.Charts)
	arr := js.Global().Get("Uint8Array").New(len(m.File))
	js.CopyBytesToJS(arr, m.File)
	rec := map[string]any{"file": arr, "charts": string(charts), "saved_at": float64(m.SavedAt.UnixMilli())}
	withDB(func(db js.Value) {
		tx := db.Call("transaction", dbStore, "readwrite")
		tx.Call("objectStore", dbStore).Call("put", js.ValueOf(rec), dbKey)
	})
}

// readSaved reads the autosave and, if there is one, restores it.
func readSaved(a *App) {
	withDB(func(db js.Value) {
		get := db.Call("transaction", dbStore, "readonly").Call("objectStore", dbStore).Call("get", dbKey)
		get.Set("onsuccess", js.FuncOf(func(js.Value, []js.Value) any {
			rec := get.Get("result")
			if !rec.Truthy() || !rec.Get("file").Truthy() {
				return nil
			}
			arr := rec.Get("file")
			var m savedModel
			m.File = make([]byte, arr.Get("length").Int())
			js.CopyBytesToGo(m.File, arr)
			m.SavedAt = time.UnixMilli(int64(rec.Get("saved_at").Float()))
			var c Charts
			if json.Unmarshal([]byte(rec.Get("charts").String()), &c) == nil {
				m.Charts = &c
			}
			go func() {
				a.Env.Lock()
				a.restore(m)
				a.Env.UnlockRender()
			}()
			return nil
		}))
	})
}

// showLink writes the link into its text box directly: a float32 link is
// hundreds of kilobytes, more than a Vugu render instruction may carry.
func showLink(url string) {
	doc := js.Global().Get("document")
	if !doc.Truthy() {
		return // no page (the UI's tests under Node)
	}
	if el := doc.Call("getElementById", "share-link"); el.Truthy() {
		el.Set("value", url)
	}
}
