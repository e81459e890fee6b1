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
	from     int // the dragged row's index
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
		if redo {
			a.Model.Redo()
		} else {
			a.Model.Undo()
		}
		a.SettingsChanged()
		a.Env.UnlockRender()
	}()
}

func (a *App) dragStart(ev dom.Event) {
	e := ev.Underlying()
	if e.Get("button").Int() != 0 {
		return
	}
	handle := closest(e.Get("target"), ".drag-handle")
	row := closest(handle, "#layers .layer-row")
	if !row.Truthy() {
		return
	}
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
	rows := layerRows()
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
	rows := layerRows()
	gap := dropGap(rows, ev.Underlying().Get("clientY").Float())
	from := a.drag.from
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
		a.Model.Move(from, to)
		a.Env.UnlockRender()
	}()
}

// dragCancel ends a drag without moving anything.
func (a *App) dragCancel(dom.Event) {
	if !a.drag.active {
		return
	}
	a.drag.active = false
	for _, r := range layerRows() {
		r.Get("classList").Call("remove", "dragging", "drop-before", "drop-after")
	}
}

// layerRows are the builder's rows, top to bottom.
func layerRows() []js.Value {
	list := js.Global().Get("document").Call("querySelectorAll", "#layers .layer-row")
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
