//go:build js && wasm

package data

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	sjs "syscall/js"
	"time"

	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/ui/store"
	"github.com/nnplay/nnplay/wasm/protocol"
	"github.com/vugu/vugu"
)

// My data: each kept data set is one record of store.Datasets, keyed by
// the time it was kept: {key, name, kind, size, text, parts}, its
// request's wire form (saved.go); an earlier version's record has data
// (its savedRecord's JSON) instead of text and parts.

// MyDataPanel lists the data sets kept in the browser.
type MyDataPanel struct {
	P *Place
}

// listSaved reads My data's list (names and sizes, not the bytes).
func (p *Place) listSaved() {
	store.ReadAll(store.Datasets, func(recs []sjs.Value) {
		var saved []SavedSet
		for _, r := range recs {
			if r.Get("key").Type() != sjs.TypeString {
				continue
			}
			saved = append(saved, SavedSet{Key: r.Get("key").String(), Name: r.Get("name").String(), Kind: r.Get("kind").String(), Size: r.Get("size").Int()})
		}
		sort.Slice(saved, func(i, j int) bool { return saved[i].Key < saved[j].Key })
		p.S.Env.Lock()
		p.Saved = saved
		p.S.Env.UnlockRender()
	})
}

// save keeps the data set in use; a full quota says so and loses nothing.
func (c *MyDataPanel) save() {
	p := c.P
	if p.last == nil {
		return
	}
	kind := spec.KindImage
	if p.S.Dataset != nil {
		kind = p.S.Dataset.Data.Kind
	} else if p.last.Source == protocol.SourceTable {
		kind = spec.KindTable
	}
	name := p.S.DataName()
	w, err := keptWire(name, *p.last)
	if err != nil {
		p.Note = err.Error()
		return
	}
	key := fmt.Sprintf("%013d", time.Now().UnixMilli())
	size := wireSize(w)
	parts := make([]any, len(w.Parts))
	for i, b := range w.Parts {
		parts[i] = store.JSBytes(b)
	}
	rec := map[string]any{"key": key, "name": name, "kind": kind, "size": size, "text": w.Text, "parts": parts}
	p.Note = "Keeping " + name + "…"
	putReporting(key, rec, func(failure string) {
		p.S.Env.Lock()
		defer p.S.Env.UnlockRender()
		if failure != "" {
			p.Note = QuotaText(name, size, failure)
			return
		}
		p.Note = fmt.Sprintf("Kept %s (%s) in My data.", name, SavedSet{Size: size}.SizeText())
		p.Saved = append(p.Saved, SavedSet{Key: key, Name: name, Kind: kind, Size: size})
	})
}

// putReporting stores rec under key and calls done ("" or the browser's
// reason) in a goroutine once the transaction ends.
func putReporting(key string, rec map[string]any, done func(failure string)) {
	store.Write(store.Datasets, func(objects sjs.Value) { objects.Call("put", sjs.ValueOf(rec), key) }, done)
}

// getSaved reads one kept record (null when there is none).
func getSaved(key string, f func(rec sjs.Value)) {
	store.With(func(db sjs.Value) {
		req := db.Call("transaction", store.Datasets, "readonly").Call("objectStore", store.Datasets).Call("get", key)
		var done sjs.Func
		done = sjs.FuncOf(func(sjs.Value, []sjs.Value) any {
			done.Release()
			r := req.Get("result")
			if !r.Truthy() {
				r = sjs.Null()
			}
			go f(r)
			return nil
		})
		req.Set("onsuccess", done)
	})
}

// keptRequest reads the request a kept record holds, in either form.
func keptRequest(s SavedSet, rec sjs.Value) (protocol.LoadDataset, error) {
	switch {
	case rec.IsNull():
		return protocol.LoadDataset{}, fmt.Errorf("saved data set %q is gone (deleted in another tab?)", s.Name)
	case rec.Get("text").Type() == sjs.TypeString:
		w := protocol.Wire{Text: rec.Get("text").String()}
		if parts := rec.Get("parts"); parts.Truthy() {
			for i := 0; i < parts.Length(); i++ {
				w.Parts = append(w.Parts, store.GoBytes(parts.Index(i)))
			}
		}
		return readKept(s.Name, s.Kind, w)
	}
	_, r, err := decodeSaved(store.GoBytes(rec.Get("data")))
	return r, err
}

// use loads a kept data set.
func (c *MyDataPanel) use(i int) {
	p := c.P
	if i < 0 || i >= len(p.Saved) {
		return
	}
	s := p.Saved[i]
	getSaved(s.Key, func(rec sjs.Value) {
		p.S.Env.Lock()
		defer p.S.Env.UnlockRender()
		r, err := keptRequest(s, rec)
		if err != nil {
			p.Err = err.Error()
			return
		}
		r.Name = s.Name
		p.Resend(r, s.Kind)
	})
}

// rename renames a kept data set: its record's name, which use gives the
// data set it loads.
func (c *MyDataPanel) rename(i int, ev vugu.DOMEvent) {
	p := c.P
	name := ev.PropString("target", "value")
	if i < 0 || i >= len(p.Saved) || name == "" {
		return
	}
	s := &p.Saved[i]
	s.Name = name
	key := s.Key
	getSaved(key, func(rec sjs.Value) {
		if rec.IsNull() {
			return
		}
		rec.Set("name", name)
		store.Write(store.Datasets, func(objects sjs.Value) { objects.Call("put", rec, key) }, func(failure string) {
			p.S.Env.Lock()
			defer p.S.Env.UnlockRender()
			if failure != "" {
				p.Note = name + " could not be renamed: " + failure + "."
				return
			}
			p.Note = "Renamed to " + name + "."
		})
	})
}

// remove deletes a kept data set.
func (c *MyDataPanel) remove(i int) {
	p := c.P
	if i < 0 || i >= len(p.Saved) {
		return
	}
	s := p.Saved[i]
	p.Note = "Deleting " + s.Name + "…"
	// The row goes once the browser has deleted the record: a reload
	// right after cannot bring it back.
	store.Write(store.Datasets, func(objects sjs.Value) { objects.Call("delete", s.Key) }, func(failure string) {
		p.S.Env.Lock()
		defer p.S.Env.UnlockRender()
		if failure != "" {
			p.Note = s.Name + " could not be deleted: " + failure + "."
			return
		}
		p.Saved = slices.DeleteFunc(p.Saved, func(k SavedSet) bool { return k.Key == s.Key })
		p.Note = "Deleted " + s.Name + " (" + strconv.Itoa(s.Size) + " bytes freed)."
	})
}
