package ui

import (
	"strconv"
	"strings"
	"syscall/js"

	"honnef.co/go/js/dom/v2"
)

// The builder's document-level listeners, attached once with dom/v2: the
// undo and redo shortcuts, and dragging rows by their handle with pointer
// events (mouse, touch and pen alike). Pointer moves only touch classes on
// the rows; a Vugu render happens once, on the drop.

// rowDrag is a drag of a layer row in progress.
type rowDrag struct {
	attached bool
	active   bool
	from     int      // the dragged row's index
	body     js.Value // the rows' tbody (each builder has its own)
}

// editorOf is the editor whose rows are in the tbody with that id, and
// what to run after a change (nil: nothing more).
func (a *App) editorOf(bodyID string) (*ModelEditor, func()) {
	if bodyID == "pg-layers" && a.Play != nil && a.Play.Net != nil {
		return a.Play.Net, nil
	}
	return a.Model, a.SettingsChanged
}

// attachBuilderListeners adds the listeners to the document. Idempotent.
func (a *App) attachBuilderListeners() {
	if a.drag.attached {
		return
	}
	a.drag.attached = true
	doc := dom.GetWindow().Document()
	doc.AddEventListener("keydown", false, a.builderKey)
	doc.AddEventListener("pointerdown", false, a.dragStart)
	doc.AddEventListener("pointermove", false, a.dragMove)
	doc.AddEventListener("pointerup", false, a.dragEnd)
	doc.AddEventListener("pointercancel", false, a.dragCancel)
}

// builderKey handles Ctrl+Z (undo), Ctrl+Shift+Z and Ctrl+Y (redo), with
// Cmd for Ctrl on a Mac. They replace the browser's own undo inside a text
// field: the builder's history holds the text too.
func (a *App) builderKey(ev dom.Event) {
	e := ev.Underlying()
	if !e.Get("ctrlKey").Bool() && !e.Get("metaKey").Bool() || e.Get("altKey").Bool() || e.Get("isComposing").Bool() {
		return
	}
	key := strings.ToLower(e.Get("key").String())
	redo := key == "y" || (key == "z" && e.Get("shiftKey").Bool())
	if key != "z" && key != "y" {
		return
	}
	ev.PreventDefault()
	// A JS callback must not block: take Vugu's lock in a goroutine.
	go func() {
		a.Env.Lock()
		body := "layers"
		if a.Tab == TabPlayground {
			body = "pg-layers"
		}
		m, after := a.editorOf(body)
		if redo {
			m.Redo()
		} else {
			m.Undo()
		}
		if after != nil {
			after()
		}
		a.Env.UnlockRender()
	}()
}

func (a *App) dragStart(ev dom.Event) {
	e := ev.Underlying()
	if e.Get("button").Int() != 0 {
		return
	}
	handle := closest(e.Get("target"), ".drag-handle")
	row := closest(handle, ".layer-rows .layer-row")
	if !row.Truthy() {
		return
	}
	a.drag.body = closest(row, ".layer-rows")
	from, err := strconv.Atoi(row.Get("dataset").Get("index").String())
	if err != nil {
		return
	}
	ev.PreventDefault() // no text selection while dragging
	handle.Call("setPointerCapture", e.Get("pointerId"))
	a.drag.active, a.drag.from = true, from
	row.Get("classList").Call("add", "dragging")
}

func (a *App) dragMove(ev dom.Event) {
	if !a.drag.active {
		return
	}
	rows := layerRows(a.drag.body)
	gap := dropGap(rows, ev.Underlying().Get("clientY").Float())
	for _, r := range rows {
		r.Get("classList").Call("remove", "drop-before", "drop-after")
	}
	if gap == a.drag.from || gap == a.drag.from+1 || len(rows) == 0 {
		return // dropping here moves nothing
	}
	if gap < len(rows) {
		rows[gap].Get("classList").Call("add", "drop-before")
	} else {
		rows[len(rows)-1].Get("classList").Call("add", "drop-after")
	}
}

func (a *App) dragEnd(ev dom.Event) {
	if !a.drag.active {
		return
	}
	rows := layerRows(a.drag.body)
	gap := dropGap(rows, ev.Underlying().Get("clientY").Float())
	from := a.drag.from
	m, _ := a.editorOf(a.drag.body.Get("id").String())
	a.dragCancel(ev)
	to := gap
	if gap > from {
		to = gap - 1 // the row leaves its old place first
	}
	if to == from {
		return
	}
	go func() {
		a.Env.Lock()
		m.Move(from, to)
		a.Env.UnlockRender()
	}()
}

// dragCancel ends a drag without moving anything.
func (a *App) dragCancel(dom.Event) {
	if !a.drag.active {
		return
	}
	a.drag.active = false
	for _, r := range layerRows(a.drag.body) {
		r.Get("classList").Call("remove", "dragging", "drop-before", "drop-after")
	}
}

// layerRows are a builder's rows (in tbody body), top to bottom.
func layerRows(body js.Value) []js.Value {
	if !body.Truthy() {
		return nil
	}
	list := body.Call("querySelectorAll", ".layer-row")
	rows := make([]js.Value, list.Length())
	for i := range rows {
		rows[i] = list.Index(i)
	}
	return rows
}

// dropGap is where a row dropped at height y lands: the number of rows
// whose middle is above y (0: before the first row; len: after the last).
func dropGap(rows []js.Value, y float64) int {
	gap := 0
	for _, r := range rows {
		b := r.Call("getBoundingClientRect")
		if (b.Get("top").Float()+b.Get("bottom").Float())/2 < y {
			gap++
		}
	}
	return gap
}

// closest is el.closest(sel), or undefined when el is not an element.
func closest(el js.Value, sel string) js.Value {
	if !el.Truthy() || el.Get("closest").Type() != js.TypeFunction {
		return js.Undefined()
	}
	return el.Call("closest", sel)
}
