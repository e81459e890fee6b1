package session

import (
	"encoding/json"

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
	if s.follower {
		s.leader.UseMNIST() // no event tells the leader: ask it
		return
	}
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
		if m, err := s.Model.Spec(); err == nil && m.Dataset == e.Dataset && sameData(m.Data, &e.Data) {
			return true // the model on screen is for this very data (a restored or opened model): it stays
		}
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
		// A link, file or autosave of a described data set's model: Try
		// it reads its inputs from the model's own description. A
		// built-in data set is loaded with the Data place's defaults, so
		// that the model can train on (a model of another reading of it
		// is rebuilt when trained).
		s.Regression = nil
		if IsBuiltinData(e.Spec.Dataset) && e.Spec.Data != nil && (s.Dataset == nil || s.Dataset.Dataset != e.Spec.Dataset) {
			s.send(protocol.LoadDataset{ID: s.NewID(), Source: protocol.SourceBuiltin, Name: e.Spec.Dataset,
				Validation: 0.1, Test: 0.2, Seed: 1, Scaling: e.Spec.Data.Scaling})
		}
	}
	return false
}

// IsBuiltinData says whether a data set is one nnplay ships (Shapes,
// penguins, cars): the page can load it again by its name.
func IsBuiltinData(dataset string) bool {
	switch dataset {
	case spec.DatasetShapes, spec.DatasetShapesGrey, spec.DatasetPenguins, spec.DatasetCars:
		return true
	}
	return false
}

// sameData says whether two data descriptions are the same reading of a
// data set (as their JSON).
func sameData(a, b *spec.Data) bool {
	if a == nil || b == nil {
		return a == b
	}
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}
