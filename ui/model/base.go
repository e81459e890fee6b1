package model

import "github.com/nnplay/nnplay/engine/spec"

// For an editor whose owner sets part of the model (the 2-D playground:
// its input follows the chosen features, its data set and loss are
// fixed, its output layer is Tail).

// Reset replaces every field with m's and forgets the undo history: the
// editor holds another model now (a link was opened), not an edit of
// the old one.
func (e *Editor) Reset(m spec.Model) {
	e.hist = history{}
	e.loadSpec(m)
}

// SetBase sets what the editor neither shows nor edits (the input shape,
// the data set, the loss: m's; m's layers and training settings are not
// taken) and revalidates. The rows, the settings and the undo history
// stay: it is not an edit.
func (e *Editor) SetBase(m spec.Model) {
	e.base = m
	e.Input = joinInts(m.Input, ",")
	e.update()
}
