//go:build js && wasm

package build

import (
	"strconv"
	"strings"
	"syscall/js"

	"github.com/nnplay/nnplay/ui/explain/address"
)

// ConfusionTable is the confusion matrix with per-class recall and
// precision, a table it builds in Go inside its host element. Vugu would
// re-sync its hundred linked cells on every render of the place; here the
// table is made once per set of classes and each evaluation rewrites only
// the texts, classes and titles that changed.
type ConfusionTable struct {
	host    js.Value
	classes string // the class names the table was made for
	shown   int    // the EvalVersion shown

	caption js.Value
	cells   [][]confusionCell // [true][predicted]
	recall  []js.Value
	prec    []js.Value
}

// confusionCell is one count: its td (class, title) and link (text).
type confusionCell struct {
	td, link js.Value
	class    string
	title    string
	text     string
}

// Mount remembers the host element (idempotent: vg-js-create may run again).
func (c *ConfusionTable) Mount(host js.Value) {
	if !c.host.IsUndefined() && c.host.Equal(host) {
		return
	}
	c.host = host
	c.classes = ""
	c.shown = -1
}

// Draw shows r, remaking the table when the classes changed.
func (c *ConfusionTable) Draw(r Results, version int) {
	if c.host.IsUndefined() || r.Eval == nil {
		return
	}
	idx := r.Indices()
	names := make([]string, len(idx))
	for i, k := range idx {
		names[i] = r.Name(k)
	}
	if key := r.What() + "\x00" + strings.Join(names, "\x00"); key != c.classes {
		c.make(r, idx)
		c.classes = key
		c.shown = -1
	}
	if version == c.shown {
		return
	}
	c.shown = version
	c.caption.Set("textContent", "Confusion matrix: rows are the true "+r.What()+", columns the predicted "+r.What())
	for i, t := range idx {
		for j, p := range idx {
			cell := &c.cells[i][j]
			if v := r.CellClass(t, p); v != cell.class {
				cell.class = v
				cell.td.Set("className", v)
			}
			if v := r.CellLabel(t, p); v != cell.title {
				cell.title = v
				cell.td.Set("title", v)
			}
			if v := strconv.Itoa(r.Count(t, p)); v != cell.text {
				cell.text = v
				cell.link.Set("textContent", v)
			}
		}
		c.recall[i].Set("textContent", r.ClassText(t, true))
		c.prec[i].Set("textContent", r.ClassText(t, false))
	}
}

// make builds the empty table for the classes idx.
func (c *ConfusionTable) make(r Results, idx []int) {
	doc := js.Global().Get("document")
	el := func(tag string, attrs ...string) js.Value {
		e := doc.Call("createElement", tag)
		for i := 0; i+1 < len(attrs); i += 2 {
			e.Call("setAttribute", attrs[i], attrs[i+1])
		}
		return e
	}
	text := func(tag, s string, attrs ...string) js.Value {
		e := el(tag, attrs...)
		e.Set("textContent", s)
		return e
	}

	table := el("table", "id", "confusion", "class", "confusion")
	c.caption = el("caption")
	table.Call("append", c.caption)

	head := el("tr")
	corner := el("th", "scope", "col")
	corner.Call("append", text("span", `true \ predicted`, "class", "sr-only"))
	head.Call("append", corner)
	for _, p := range idx {
		head.Call("append", text("th", r.Name(p), "scope", "col"))
	}
	head.Call("append", text("th", "recall", "scope", "col"))
	thead := el("thead")
	thead.Call("append", head)

	tbody := el("tbody")
	c.cells = make([][]confusionCell, len(idx))
	c.recall = make([]js.Value, len(idx))
	for i, t := range idx {
		tr := el("tr")
		tr.Call("append", text("th", r.Name(t), "scope", "row"))
		c.cells[i] = make([]confusionCell, len(idx))
		for j, p := range idx {
			td := el("td")
			a := el("a", "class", "cell-link", "id", "cell-"+strconv.Itoa(t)+"-"+strconv.Itoa(p), "href", address.Cell(t, p))
			td.Call("append", a)
			tr.Call("append", td)
			c.cells[i][j] = confusionCell{td: td, link: a}
		}
		c.recall[i] = el("td", "class", "stat recall")
		tr.Call("append", c.recall[i])
		tbody.Call("append", tr)
	}

	foot := el("tr")
	foot.Call("append", text("th", "precision", "scope", "row"))
	c.prec = make([]js.Value, len(idx))
	for i := range idx {
		c.prec[i] = el("td", "class", "stat precision")
		foot.Call("append", c.prec[i])
	}
	foot.Call("append", el("td"))
	tfoot := el("tfoot")
	tfoot.Call("append", foot)

	table.Call("append", thead, tbody, tfoot)
	c.host.Call("replaceChildren", table)
}
