// Package data is the Data place: the data set the model learns from —
// where it comes from, its size and classes, how it is split — the first
// step of the pipeline nnplay teaches (collect and preprocess, then design,
// train, fine-tune and evaluate).
package data

import (
	"github.com/nnplay/nnplay/engine/units"
	"github.com/nnplay/nnplay/ui/session"
)

// Place is the Data place.
type Place struct {
	S *session.Session
}

// New makes the Data place.
func New(s *session.Session) *Place { return &Place{S: s} }

// Summary describes the active data set in one line, or says it is still
// loading.
func (p *Place) Summary() string {
	if p.S.Worker != session.WorkerReady {
		return "MNIST is loading…"
	}
	return "MNIST: " + units.Thousands(p.S.DataTrain) + " training and " + units.Thousands(p.S.DataTest) +
		" test images of handwritten digits, 28×28 pixels, grey, in 10 classes (0–9)."
}
