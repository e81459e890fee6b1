package ui

import (
	"fmt"
	"path"
	"strings"
	"syscall/js"

	"github.com/nnplay/nnplay/wasm/protocol"
)

// TensorFlow.js files: the worker converts (engine/tfjs); the page
// downloads model.json and its weights file, and reads the files a person
// picks to import.

// maxTFJSBytes bounds what an import reads: model.json and the weights of
// the largest model nnplay trains, with room to spare.
const maxTFJSBytes = 256 << 20

// ExportTFJS asks the worker for the model as TF.js Layers files; the
// answer downloads model.json and the .bin it names.
func (l *Library) ExportTFJS() {
	if l.SaveBlocked() != "" || l.tfjsID != 0 {
		return
	}
	l.tfjsID = l.id()
	l.Note = "Exporting for TensorFlow.js…"
	l.app.send(protocol.ExportTFJS{ID: l.tfjsID})
}

// importTFJS opens the chosen files: one model.json and its weight files.
func (l *Library) importTFJS(input js.Value) {
	files := input.Get("files")
	n := 0
	if files.Truthy() {
		n = files.Get("length").Int()
	}
	if n == 0 {
		return
	}
	type picked struct {
		name string
		file js.Value
	}
	var all []picked
	total := 0
	for i := range n {
		f := files.Index(i)
		all = append(all, picked{f.Get("name").String(), f})
		total += f.Get("size").Int()
	}
	input.Set("value", "")
	if total > maxTFJSBytes {
		l.app.addError(fmt.Sprintf("The chosen files hold %s; a TensorFlow.js model nnplay can train is far smaller. Nothing was changed.", bytesText(int64(total))))
		return
	}
	names := make([]string, len(all))
	for i, p := range all {
		names[i] = p.name
	}
	modelAt := modelJSONIndex(names)
	if modelAt < 0 {
		l.app.addError("Choose the model's model.json together with its .bin weight files (" + strings.Join(names, ", ") + " has no .json file). Nothing was changed.")
		return
	}
	// Read every file, then send them together.
	go func() {
		contents := make([][]byte, len(all))
		for i, p := range all {
			contents[i] = readFile(p.file)
		}
		a := l.app
		a.Env.Lock()
		defer a.Env.UnlockRender()
		r := protocol.ImportTFJS{ModelJSON: contents[modelAt], Files: map[string][]byte{}}
		for i, p := range all {
			if i != modelAt {
				r.Files[p.name] = contents[i]
			}
		}
		if len(r.ModelJSON) == 0 {
			a.addError(names[modelAt] + " is empty; it is not a TensorFlow.js model. Nothing was changed.")
			return
		}
		l.Note = ""
		a.share().loadTFJS(r, "Opened the TensorFlow.js model "+names[modelAt])
	}()
}

// modelJSONIndex picks model.json among the chosen files: the one of that
// name, else the only .json file; -1 when there is none.
func modelJSONIndex(names []string) int {
	found := -1
	for i, n := range names {
		if strings.EqualFold(n, "model.json") {
			return i
		}
		if strings.EqualFold(path.Ext(n), ".json") && found < 0 {
			found = i
		}
	}
	return found
}

// readFile waits for a File's bytes (call it outside JS callbacks).
func readFile(f js.Value) []byte {
	ch := make(chan []byte, 1)
	var done, fail js.Func
	done = js.FuncOf(func(_ js.Value, args []js.Value) any {
		arr := js.Global().Get("Uint8Array").New(args[0])
		b := make([]byte, arr.Get("length").Int())
		js.CopyBytesToGo(b, arr)
		ch <- b
		return nil
	})
	fail = js.FuncOf(func(js.Value, []js.Value) any {
		ch <- nil
		return nil
	})
	f.Call("arrayBuffer").Call("then", done, fail)
	b := <-ch
	done.Release()
	fail.Release()
	return b
}

// loadTFJS sends an import_tfjs request, answered like load_model.
func (s *ShareState) loadTFJS(r protocol.ImportTFJS, note string) {
	r.ID = s.id()
	s.loading[r.ID] = note
	s.app.send(r)
}

// downloadFile saves b as a file named name of the given MIME type.
func downloadFile(name string, b []byte, mime string) {
	blob := js.Global().Get("Blob").New([]any{jsBytes(b)}, map[string]any{"type": mime})
	url := js.Global().Get("URL").Call("createObjectURL", blob)
	doc := js.Global().Get("document")
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

// focusLater focuses the element sel matches after the next render
// (focusing during a render deadlocks Vugu).
func focusLater(sel string) {
	var f js.Func
	f = js.FuncOf(func(js.Value, []js.Value) any {
		f.Release()
		doc := js.Global().Get("document")
		if !doc.Truthy() {
			return nil
		}
		if el := doc.Call("querySelector", sel); el.Truthy() {
			el.Call("focus")
			el.Call("select")
		}
		return nil
	})
	js.Global().Call("setTimeout", f, 50)
}
