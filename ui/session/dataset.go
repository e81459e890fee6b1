package session

import (
	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// The active data set (issue 14). MNIST is always loaded; the Data place
// may load one more (a built-in table or image set, an upload, the
// webcam), and every place follows it: when the worker answers
// dataset_ready, the edited model takes the data's input shape and output
// size (its default preset) and is built, so that training, evaluation and
// Try it use it. Choosing MNIST again (UseMNIST) brings the digit models back.

// DataIsMNIST says whether the active data set is MNIST.
func (s *Session) DataIsMNIST() bool { return s.Dataset == nil }

// DataName is the active data set's name as the user knows it.
func (s *Session) DataName() string {
	if s.Dataset == nil {
		return "MNIST"
	}
	return s.Dataset.Data.Name
}

// UseMNIST makes MNIST the active data set again: the model editor offers
// the digit presets and the seed model is built.
func (s *Session) UseMNIST() {
	if s.Dataset == nil {
		return
	}
	s.Dataset = nil
	s.Regression = nil
	s.Model.UseData(spec.DatasetMNIST, nil)
	s.buildIfChanged()
}

// applyData applies the data set events: a data set the worker loaded
// becomes the active one (the model follows it), and a regression's
// evaluation is kept for the Evaluate panel. It says whether the page
// needs a render.
func (s *Session) applyData(ev protocol.Event) bool {
	switch e := ev.(type) {
	case protocol.DatasetReady:
		d := e
		s.Dataset = &d
		s.Regression = nil
		s.Eval = nil
		s.EvalVersion++
		s.Model.UseData(e.Dataset, &d.Data)
		s.buildIfChanged()
		return true
	case protocol.RegressionEvaluation:
		if e.ID == 0 || e.ID == s.evalID {
			r := e
			s.Regression = &r
			s.EvalVersion++
		}
		return true
	case protocol.ModelLoaded:
		// A link or file of a described data set's model: Try it reads
		// its inputs from the model's own description.
		s.Regression = nil
	}
	return false
}
