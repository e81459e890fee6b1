package model

import (
	"fmt"

	"github.com/nnplay/nnplay/engine/spec"
)

// Every change to the model panel goes through one of these methods: each
// records the state before it for Undo, then revalidates.

// maxHistory bounds the undo steps kept.
const maxHistory = 200

// editorState is everything the user edits: a snapshot for undo. Rows
// hold only strings and bools, so copying the slice copies the state.
type editorState struct {
	Preset, Input                          string
	Rows                                   []LayerRow
	Optimizer, LR, BatchSize, Epochs, Seed string
	Schedule, DecayRate, ClipNorm          string
}

// history is the undo and redo stacks of snapshots.
type history struct {
	undo, redo []editorState
	// typing names the text field of the last edit: keystrokes that go on
	// typing in it join that edit's undo step, as in a text editor.
	typing string
}

func (e *Editor) state() editorState {
	return editorState{
		Preset: e.Preset, Input: e.Input, Rows: append([]LayerRow(nil), e.Rows...),
		Optimizer: e.Optimizer, LR: e.LR, BatchSize: e.BatchSize, Epochs: e.Epochs, Seed: e.Seed,
		Schedule: e.Schedule, DecayRate: e.DecayRate, ClipNorm: e.ClipNorm,
	}
}

func (e *Editor) restore(s editorState) {
	e.Preset, e.Input, e.Rows = s.Preset, s.Input, append([]LayerRow(nil), s.Rows...)
	e.Optimizer, e.LR, e.BatchSize, e.Epochs, e.Seed = s.Optimizer, s.LR, s.BatchSize, s.Epochs, s.Seed
	e.Schedule, e.DecayRate, e.ClipNorm = s.Schedule, s.DecayRate, s.ClipNorm
	if e.Selected >= len(e.Rows) {
		e.Selected = len(e.Rows) - 1
	}
	e.update()
}

// edit records the state before a change. typing names the text field
// being typed into ("" for a change that is a step of its own); keystroke
// says the change adds or deletes one character there, so it continues
// a run of typing in the same field rather than starting a step (typing
// over a selection starts one).
// newStep is edit's keystroke for a change that is a step of its own.
const newStep = false

func (e *Editor) edit(typing string, keystroke bool) {
	h := &e.hist
	if typing == "" || typing != h.typing || !keystroke {
		h.undo = append(h.undo, e.state())
		if len(h.undo) > maxHistory {
			h.undo = h.undo[len(h.undo)-maxHistory:]
		}
	}
	h.typing = typing
	h.redo = nil
}

// keystroke says b is a with one character added or deleted.
func keystroke(a, b string) bool {
	ra, rb := []rune(a), []rune(b)
	if len(ra) < len(rb) {
		ra, rb = rb, ra
	}
	if len(ra) != len(rb)+1 {
		return false
	}
	i := 0
	for i < len(rb) && ra[i] == rb[i] {
		i++
	}
	return string(ra[i+1:]) == string(rb[i:])
}

// CanUndo and CanRedo say whether Undo and Redo have a step to take.
func (e *Editor) CanUndo() bool { return len(e.hist.undo) > 0 }
func (e *Editor) CanRedo() bool { return len(e.hist.redo) > 0 }

// Undo returns the editor to exactly the state before the last edit.
func (e *Editor) Undo() bool {
	h := &e.hist
	if len(h.undo) == 0 {
		return false
	}
	h.redo = append(h.redo, e.state())
	e.restore(h.undo[len(h.undo)-1])
	h.undo = h.undo[:len(h.undo)-1]
	h.typing = ""
	e.notify()
	return true
}

// Redo takes back the last Undo.
func (e *Editor) Redo() bool {
	h := &e.hist
	if len(h.redo) == 0 {
		return false
	}
	h.undo = append(h.undo, e.state())
	e.restore(h.redo[len(h.redo)-1])
	h.redo = h.redo[:len(h.redo)-1]
	h.typing = ""
	e.notify()
	return true
}

// layersChanged marks the model as no longer a preset and revalidates.
func (e *Editor) layersChanged() {
	e.Preset = PresetCustom
	e.update()
	e.notify()
}

// notify tells the owner of the editor that the user changed it.
func (e *Editor) notify() {
	if e.OnChange != nil {
		e.OnChange()
	}
}

// MaxRowCount is how many rows the palette may add up to.
func (e *Editor) MaxRowCount() int {
	if e.Limit > 0 {
		return e.Limit
	}
	return MaxRows
}

// PaletteTypes are the layer types the palette offers.
func (e *Editor) PaletteTypes() []string {
	if e.Palette != nil {
		return e.Palette
	}
	return LayerTypes
}

// Add inserts a layer of type typ (with NewLayer's settings) after the
// selected row, or at the end, and selects it.
func (e *Editor) Add(typ string) {
	if len(e.Rows) >= e.MaxRowCount() {
		return
	}
	at := len(e.Rows)
	if e.Selected >= 0 && e.Selected < len(e.Rows) {
		at = e.Selected + 1
	}
	newLayer := NewLayer
	if e.NewRow != nil {
		newLayer = e.NewRow
	}
	e.edit("", newStep)
	e.Rows = append(e.Rows[:at], append([]LayerRow{RowOf(newLayer(typ))}, e.Rows[at:]...)...)
	e.Selected = at
	e.layersChanged()
}

// Remove deletes row i (0-based).
func (e *Editor) Remove(i int) {
	if i < 0 || i >= len(e.Rows) {
		return
	}
	e.edit("", newStep)
	e.Rows = append(e.Rows[:i], e.Rows[i+1:]...)
	switch {
	case e.Selected == i:
		e.Selected = min(i, len(e.Rows)-1)
	case e.Selected > i:
		e.Selected--
	}
	e.layersChanged()
}

// Move moves row from to index to (both 0-based); the selection follows it.
func (e *Editor) Move(from, to int) {
	n := len(e.Rows)
	if from < 0 || from >= n || to < 0 || to >= n || from == to {
		return
	}
	e.edit("", newStep)
	r := e.Rows[from]
	e.Rows = append(e.Rows[:from], e.Rows[from+1:]...)
	e.Rows = append(e.Rows[:to], append([]LayerRow{r}, e.Rows[to:]...)...)
	e.Selected = to
	e.layersChanged()
}

// SetField sets a layer setting by its data-field name. Typing into a text
// field is one undo step however many keys it takes; a choice in a select
// is one step each.
func (e *Editor) SetField(i int, name, value string) {
	if i < 0 || i >= len(e.Rows) {
		return
	}
	p := e.Rows[i].Text(name)
	if p == nil || *p == value {
		return
	}
	typing := fmt.Sprintf("row %d %s", i, name)
	if name == "activation" || name == "padding" || name == "bias" { // a choice, not typing
		typing = ""
	}
	e.edit(typing, keystroke(*p, value)) // copies the rows: p still points at the live one
	*p = value
	e.layersChanged()
}

// SetTrainable sets whether row i's weights train (Keras' trainable).
func (e *Editor) SetTrainable(i int, trainable bool) {
	if i < 0 || i >= len(e.Rows) || e.Rows[i].Frozen == !trainable {
		return
	}
	e.edit("", newStep)
	e.Rows[i].Frozen = !trainable
	e.layersChanged()
}

// SetInput sets the input shape (an InputShapes value).
func (e *Editor) SetInput(v string) {
	if v == e.Input {
		return
	}
	e.edit("", newStep)
	e.Input = v
	e.layersChanged()
}

// SetSetting sets a training setting: "optimizer", "lr", "batch",
// "epochs", "seed", "schedule", "decay" or "clip".
func (e *Editor) SetSetting(key, value string) {
	p := map[string]*string{"optimizer": &e.Optimizer, "lr": &e.LR, "batch": &e.BatchSize, "epochs": &e.Epochs, "seed": &e.Seed,
		"schedule": &e.Schedule, "decay": &e.DecayRate, "clip": &e.ClipNorm}[key]
	if p == nil || *p == value {
		return
	}
	typing := key
	if key == "optimizer" || key == "schedule" {
		typing = ""
	}
	e.edit(typing, keystroke(*p, value))
	*p = value
	e.update()
	e.notify()
}

// Select makes row i the one the palette inserts after (-1: none).
func (e *Editor) Select(i int) {
	if i >= -1 && i < len(e.Rows) {
		e.Selected = i
	}
}

// TakeFocus returns, once, the selector of the element to focus after
// the next render ("" for none).
func (e *Editor) TakeFocus() string {
	f := e.focus
	e.focus = ""
	return f
}

// FocusAfterRender asks the builder to focus sel after the next render.
func (e *Editor) FocusAfterRender(sel string) { e.focus = sel }

// HasWeights says whether a layer type holds weights (so trainable
// matters); frozen layers of other types still pass their gradient back.
func HasWeights(typ string) bool {
	return typ == spec.TypeDense || typ == spec.TypeConv2D || typ == spec.TypeBatchNormalization || spec.IsRecurrent(typ)
}
