//go:build js && wasm

package builder

import (
	"strconv"
	"strings"
	"syscall/js"

	"github.com/nnplay/nnplay/ui/draw"
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

// mounted are the builders on the page, by the id of their rows' tbody.
var mounted = map[string]*Builder{}

// drag is the row drag in progress (one pointer drags one row at a time).
var drag rowDrag

// attach registers c and adds the document-level listeners once.
func attach(c *Builder) {
	mounted[c.id("layers")] = c
	if drag.attached {
		return
	}
	drag.attached = true
	doc := dom.GetWindow().Document()
	doc.AddEventListener("keydown", draw.Bubble, builderKey)
	doc.AddEventListener("pointerdown", draw.Bubble, dragStart)
	doc.AddEventListener("pointermove", draw.Bubble, dragMove)
	doc.AddEventListener("pointerup", draw.Bubble, dragEnd)
	doc.AddEventListener("pointercancel", draw.Bubble, dragCancel)
}

// shown is the builder whose rows are on the page now (one place is shown
// at a time, so at most one builder is), or nil.
func shown() *Builder {
	doc := js.Global().Get("document")
	for id, c := range mounted {
		if doc.Call("getElementById", id).Truthy() {
			return c
		}
	}
	return nil
}

// builderKey handles Ctrl+Z (undo), Ctrl+Shift+Z and Ctrl+Y (redo), with
// Cmd for Ctrl on a Mac. They replace the browser's own undo inside a text
// field: the builder's history holds the text too.
func builderKey(ev dom.Event) {
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
	c := shown()
	if c == nil {
		return
	}
	go func() {
		c.Env.Lock()
		if redo {
			c.redo()
		} else {
			c.undo()
		}
		c.Env.UnlockRender()
	}()
}

func dragStart(ev dom.Event) {
	e := ev.Underlying()
	if e.Get("button").Int() != 0 {
		return
	}
	handle := closest(e.Get("target"), ".drag-handle")
	row := closest(handle, ".layer-rows .layer-row")
	if !row.Truthy() {
		return
	}
	drag.body = closest(row, ".layer-rows")
	from, err := strconv.Atoi(row.Get("dataset").Get("index").String())
	if err != nil {
		return
	}
	ev.PreventDefault() // no text selection while dragging
	handle.Call("setPointerCapture", e.Get("pointerId"))
	drag.active, drag.from = true, from
	row.Get("classList").Call("add", "dragging")
}

func dragMove(ev dom.Event) {
	if !drag.active {
		return
	}
	rows := layerRows(drag.body)
	gap := dropGap(rows, ev.Underlying().Get("clientY").Float())
	for _, r := range rows {
		r.Get("classList").Call("remove", "drop-before", "drop-after")
	}
	if gap == drag.from || gap == drag.from+1 || len(rows) == 0 {
		return // dropping here moves nothing
	}
	if gap < len(rows) {
		rows[gap].Get("classList").Call("add", "drop-before")
	} else {
		rows[len(rows)-1].Get("classList").Call("add", "drop-after")
	}
}

func dragEnd(ev dom.Event) {
	if !drag.active {
		return
	}
	rows := layerRows(drag.body)
	gap := dropGap(rows, ev.Underlying().Get("clientY").Float())
	from := drag.from
	c := mounted[drag.body.Get("id").String()]
	dragCancel(ev)
	to := gap
	if gap > from {
		to = gap - 1 // the row leaves its old place first
	}
	if to == from || c == nil {
		return
	}
	go func() {
		c.Env.Lock()
		c.Editor.Move(from, to)
		c.Env.UnlockRender()
	}()
}

// dragCancel ends a drag without moving anything.
func dragCancel(dom.Event) {
	if !drag.active {
		return
	}
	drag.active = false
	for _, r := range layerRows(drag.body) {
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
