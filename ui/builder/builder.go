//go:build js && wasm

package builder

import (
	"fmt"
	"strconv"
	sjs "syscall/js"

	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/ui/model"
	"github.com/vugu/vugu"
	"github.com/vugu/vugu/js"
)

// Builder is the layer builder: the input shape, a palette of layer
// types, and the Keras-style summary table whose rows are edited in
// place, reordered (drag the handle, or ↑ ↓) and removed; undo and redo.
//
// It edits Editor; Prefix goes before every element id ("" for the main
// model, "pg-" for the playground's), so that two builders never share an
// id. Changed, if set, runs after an undo or redo (the owner follows the
// edit: a run in progress takes the new learning rate, the playground
// rebuilds). Env is Vugu's event environment, for the document-level
// listeners (shortcuts, dragging rows) that change the model.
type Builder struct {
	Editor  *model.Editor
	Prefix  string
	Changed func()
	Env     vugu.EventEnv
}

func (c *Builder) m() *model.Editor { return c.Editor }

// id is an element id with the builder's prefix.
func (c *Builder) id(name string) string { return c.Prefix + name }

// changed tells the owner about an undo or redo.
func (c *Builder) changed() {
	if c.Changed != nil {
		c.Changed()
	}
}

// tailIndex is the summary index of the fixed tail's layer k.
func (c *Builder) tailIndex(k int) int { return len(c.m().Rows) + k }

// mount attaches the builder's document-level listeners (keyboard
// shortcuts, dragging rows) once.
func (c *Builder) mount(js.Value) { attach(c) }

// rendered runs after every render: a moved row's button takes the focus
// back, so keyboard users can keep moving it.
func (c *Builder) rendered() {
	if sel := c.m().TakeFocus(); sel != "" {
		// Not now: focus fires focusin, whose Vugu handler would wait for
		// this render to end, a deadlock (so would a goroutine, which may
		// run before the render returns). A timer runs after it.
		if el := sjs.Global().Get("document").Call("querySelector", sel); el.Truthy() {
			sjs.Global().Call("setTimeout", el.Get("focus").Call("bind", el), 0)
		}
	}
}

func (c *Builder) inputOptions() [][2]string {
	for _, o := range model.InputShapes {
		if o[0] == c.m().Input {
			return model.InputShapes
		}
	}
	return append(append([][2]string(nil), model.InputShapes...), [2]string{c.m().Input, c.m().Input})
}

func (c *Builder) setInput(ev vugu.DOMEvent) { c.m().SetInput(ev.PropString("target", "value")) }

func (c *Builder) undo() {
	c.m().Undo()
	c.changed()
}

func (c *Builder) redo() {
	c.m().Redo()
	c.changed()
}

func (c *Builder) paletteLabel() string {
	m := c.m()
	if m.Selected >= 0 && m.Selected < len(m.Rows) {
		return "Add after " + m.LayerName(m.Selected) + ":"
	}
	return "Add a layer at the end:"
}

func (c *Builder) addTitle(t string) string { return "Add a " + t + " layer" }

func (c *Builder) add(t string) { c.m().Add(t) }

func (c *Builder) selectRow(i int) { c.m().Select(i) }

func (c *Builder) rowClass(i int) string {
	cls := "layer-row"
	if i == c.m().Selected {
		cls += " selected"
	}
	if c.m().RowError(i) != "" {
		cls += " invalid"
	}
	if i < len(c.m().Rows) && c.m().Rows[i].Frozen {
		cls += " frozen"
	}
	return cls
}

func (c *Builder) text(i int, name string) string {
	if i < len(c.m().Rows) {
		if p := c.m().Rows[i].Text(name); p != nil {
			return *p
		}
	}
	return ""
}

func (c *Builder) setField(i int, name string, ev vugu.DOMEvent) {
	c.m().SetField(i, name, ev.PropString("target", "value"))
}

// setCheck handles a checkbox field's click (bias), as setTrainable does
// the Train box's: its text becomes "true" or "false".
func (c *Builder) setCheck(i int, name string, ev vugu.DOMEvent) {
	ev.StopPropagation()
	c.m().SetField(i, name, strconv.FormatBool(ev.PropBool("target", "checked")))
}

// setTrainable handles the checkbox's click (the mouse's and the space
// bar's), when checked already holds the new state. Not change: the row's
// click handler would re-render first and set the box back.
func (c *Builder) setTrainable(i int, ev vugu.DOMEvent) {
	ev.StopPropagation()
	c.m().SetTrainable(i, ev.PropBool("target", "checked"))
}

// move moves row i to j; the focus follows the row to the same button
// (or the other one at either end).
func (c *Builder) move(i, j int, ev vugu.DOMEvent) {
	ev.StopPropagation()
	c.m().Move(i, j)
	btn := "up"
	if j > i {
		btn = "down"
	}
	if (btn == "up" && j == 0) || (btn == "down" && j == len(c.m().Rows)-1) {
		btn = map[string]string{"up": "down", "down": "up"}[btn]
	}
	c.m().FocusAfterRender(fmt.Sprintf(`#%s .layer-row[data-index="%d"] .%s`, c.id("layers"), j, btn))
}

func (c *Builder) remove(i int, ev vugu.DOMEvent) {
	ev.StopPropagation()
	c.m().Remove(i)
}

func (c *Builder) invalid(i int) string {
	if c.m().RowError(i) != "" {
		return "true"
	}
	return "false"
}

// fieldID is a field's element id: units-1 is layer 1's units.
func (c *Builder) fieldID(i int, name string) string {
	return fmt.Sprintf("%s%s-%d", c.Prefix, name, i+1)
}

func (c *Builder) inputClass(f model.Field) string {
	if f.Wide {
		return "lf-input wide"
	}
	return "lf-input"
}

func (c *Builder) placeholder(f model.Field) string {
	if f.Name == "strides" || f.Name == "alpha" {
		return "default" // empty means the spec's default
	}
	return ""
}

func (c *Builder) label(what string, i int) string {
	return fmt.Sprintf("%s %d (%s)", what, i+1, c.m().LayerName(i))
}

func (c *Builder) total(s string) string {
	if s == "" {
		return "?"
	}
	return s
}

// tailText describes a fixed layer's settings: "10 units, softmax".
func (c *Builder) tailText(l spec.Layer) string {
	if l.Type == spec.TypeDense {
		return fmt.Sprintf("%d units, %s (one per class)", l.Units, l.Activation)
	}
	return ""
}

// hasWeights says a layer type has weights (its row gets a Train box).
func (c *Builder) hasWeights(typ string) bool { return model.HasWeights(typ) }
