package session

import (
	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/ui/route"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// Shared is the part of a session's state that places in a second copy of
// the page's code (the annex, a wasm module of its own) read: the worker's
// and the data's state, the run's progress, the data set in use. The
// events that follow keep the copy in step.
type Shared struct {
	Worker    string                 `json:"worker"`
	Training  string                 `json:"training,omitempty"`
	DataText  string                 `json:"data_text,omitempty"`
	DataTrain int                    `json:"data_train,omitempty"`
	DataTest  int                    `json:"data_test,omitempty"`
	Fatal     string                 `json:"fatal,omitempty"`
	Progress  protocol.Progress      `json:"progress"`
	Dataset   *protocol.DatasetReady `json:"dataset,omitempty"`
	// Model is the spec being edited (nil when it has an error), Built
	// the JSON of the one the worker last built.
	Model *spec.Model `json:"model,omitempty"`
	Built string      `json:"built,omitempty"`
	// Epochs is the run's length (Charts.Epochs).
	Epochs int `json:"epochs,omitempty"`
}

// Attachment is what a follower is given when it attaches: the state to
// start from and the place to show at once ("": none).
type Attachment struct {
	Shared Shared      `json:"shared"`
	Place  route.Place `json:"place"`
}

// Shared returns what a follower copies.
func (s *Session) Shared() Shared {
	sh := Shared{Worker: s.Worker, Training: s.Training, DataText: s.DataText, DataTrain: s.DataTrain,
		DataTest: s.DataTest, Fatal: s.Fatal, Progress: s.Progress, Dataset: s.Dataset, Built: s.builtSpec, Epochs: s.Charts.Epochs}
	if m, err := s.Model.Spec(); err == nil {
		sh.Model = &m
	}
	return sh
}

// A Leader does for a follower what only the session it follows may.
type Leader interface {
	// UseMNIST makes MNIST the data set again (Session.UseMNIST).
	UseMNIST()
}

// Follow makes s a follower of the session sh was taken from: it starts
// from sh and is then given the same events in the same order. A
// follower's places send their own requests (Send), but what the events
// set in motion (loading data, building the edited model, sending what
// waited for a build) is the leader's to do, so a follower never sends
// or builds on its own: what only the leader does, its places ask of
// lead. NewID's numbers start at ids, clear of the leader's.
func (s *Session) Follow(sh Shared, ids int, lead Leader) {
	s.follower, s.leader = true, lead
	s.send = func(protocol.Request) {}
	s.nextID = ids
	s.Worker, s.Training, s.DataText = sh.Worker, sh.Training, sh.DataText
	s.DataTrain, s.DataTest, s.Fatal = sh.DataTrain, sh.DataTest, sh.Fatal
	s.Progress, s.Dataset, s.Charts.Epochs = sh.Progress, sh.Dataset, sh.Epochs
	s.UseModel(sh)
}

// UseModel takes sh's edited and built models (a follower's, when the
// leader's may have changed: its builds are its own).
func (s *Session) UseModel(sh Shared) {
	if sh.Model != nil {
		s.Model.LoadSpec(*sh.Model)
	}
	s.builtSpec = sh.Built
}
