package session

import (
	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// Models that reach the worker other than by a build of the edited spec:
// a link, a file, a saved model, a TensorFlow.js import (Share & keep),
// and the fine-tuning lesson's new head.

// Loaded says the worker replaced its model with m (it answered a load
// with ModelLoaded, or a new head with HeadReplaced): the editor shows m,
// m needs no build, the run on screen is forgotten, and requests queued
// behind an earlier build are dropped (they were for another model). The
// worker's Built event that follows makes the model ready.
func (s *Session) Loaded(m spec.Model) {
	s.refused, s.refusedSpec = "", ""
	s.Model.LoadSpec(m)
	s.AssumeBuilt()
	s.ClearRun()
	s.Training = ""
	s.pending = nil
}

// LoadRefused says the worker refused a model on its way (ModelLoading):
// the worker keeps the model it had. When it has none yet (the page
// opened with a link it refused), the edited model is built once the
// data is in.
func (s *Session) LoadRefused() {
	s.ModelLoading = false
	if s.Training == "" {
		s.builtSpec = "" // AssumeBuilt took the refused model for built
	}
	s.buildIfChanged()
}

// BuildThen builds the edited model (fresh weights from its seed, the run
// on screen cleared) and sends r once the worker has built it.
func (s *Session) BuildThen(r protocol.Request) {
	if _, err := s.Model.Spec(); err != nil {
		return
	}
	s.build()
	s.pending = append(s.pending, r)
}
