package session

import (
	"encoding/json"

	"github.com/nnplay/nnplay/wasm/protocol"
)

// What the Train panel's buttons do. Each sends requests to the worker and
// lets the worker's State messages move the UI along; none waits.

// TrainBlocked says why Train is disabled, or "" when it is enabled.
func (s *Session) TrainBlocked() string {
	switch s.Worker {
	case WorkerStarting:
		return "The training worker is starting."
	case WorkerLoading:
		return "MNIST is still loading."
	case WorkerDead:
		return "The training worker stopped; reload the page."
	}
	if _, err := s.Model.Spec(); err != nil {
		return "Fix the model first: " + err.Error()
	}
	if s.refusedNow() {
		return "The worker could not build this model (" + s.refused + "); change it to build again."
	}
	switch s.Training {
	case "":
		return "The model is being built."
	case protocol.StateRunning:
		return "Training is running."
	case protocol.StatePaused:
		return "Training is paused: use Resume, or Reset to start over."
	}
	return ""
}

// Running says a run is in progress (running or paused).
func (s *Session) Running() bool {
	return s.Training == protocol.StateRunning || s.Training == protocol.StatePaused
}

// PauseLabel is the pause button's text.
func (s *Session) PauseLabel() string {
	if s.Training == protocol.StatePaused {
		return "Resume"
	}
	return "Pause"
}

// Train starts a run: from the current weights if the model is freshly
// built, else after rebuilding from the spec (fresh weights from its seed).
func (s *Session) Train() {
	if s.TrainBlocked() != "" {
		return
	}
	if s.needsBuild() || s.Training != protocol.StateIdle || s.Progress.GlobalBatch > 0 {
		s.build()
		s.pending = append(s.pending, protocol.Start{})
		return
	}
	s.send(protocol.Start{})
}

// TrainMoreBlocked says why Train more is disabled, or "": it continues a
// finished or stopped run of the model on screen from its current weights.
func (s *Session) TrainMoreBlocked() string {
	if s.Worker != WorkerReady {
		return "The training worker is not ready."
	}
	if s.Training != protocol.StateDone && s.Training != protocol.StateStopped {
		return "Train more continues a finished run; train first."
	}
	if s.needsBuild() {
		return "The model was edited since it trained: Train builds the new one."
	}
	return ""
}

// TrainMore trains the model's epochs again from its current weights (a
// second Keras fit; a learning-rate schedule starts over), where Train
// would start afresh from the seed.
func (s *Session) TrainMore() {
	if s.TrainMoreBlocked() != "" {
		return
	}
	s.send(protocol.Start{})
}

// TrainMoreTitle is Train more's tooltip: what it does, or why it cannot.
func (s *Session) TrainMoreTitle() string {
	if why := s.TrainMoreBlocked(); why != "" {
		return why
	}
	return "Train the epochs again from the current weights (Train starts afresh from the seed)."
}

// StepBlocked says why Step is disabled, or "".
func (s *Session) StepBlocked() string {
	if s.Training == protocol.StateRunning {
		return "Pause first to step one batch at a time."
	}
	if s.Training == protocol.StatePaused {
		return ""
	}
	return s.TrainBlocked()
}

// Step trains exactly one batch and leaves the worker paused.
func (s *Session) Step() {
	if s.StepBlocked() != "" {
		return
	}
	if s.Training == protocol.StatePaused || (s.Training == protocol.StateIdle && !s.needsBuild()) {
		s.send(protocol.Step{})
		return
	}
	s.build()
	s.pending = append(s.pending, protocol.Step{})
}

// TogglePause pauses a running run or resumes a paused one.
func (s *Session) TogglePause() {
	switch s.Training {
	case protocol.StateRunning:
		s.send(protocol.Pause{})
	case protocol.StatePaused:
		s.send(protocol.Resume{})
	}
}

// ResetBlocked says why Reset is disabled, or "".
func (s *Session) ResetBlocked() string {
	if s.Worker != WorkerReady {
		return "Nothing to reset yet."
	}
	if s.Training == "" {
		return "The model is being built."
	}
	return ""
}

// Reset forgets the run: fresh weights from the spec's seed, empty charts.
func (s *Session) Reset() {
	if s.ResetBlocked() != "" {
		return
	}
	s.ClearRun()
	if s.needsBuild() {
		s.build()
		return
	}
	s.send(protocol.Reset{})
}

// Evaluate asks for metrics on the test set now.
func (s *Session) Evaluate() {
	if s.Worker != WorkerReady || s.Training == "" {
		return
	}
	s.evalID++
	s.send(protocol.Evaluate{ID: s.evalID})
}

// SettingsChanged is called when learning rate or batch size change: a run
// in progress picks them up between batches.
func (s *Session) SettingsChanged() {
	if !s.Running() {
		return
	}
	m, err := s.Model.Spec()
	if err != nil {
		return
	}
	s.send(protocol.Set{LearningRate: m.Optimizer.LearningRate, BatchSize: m.BatchSize})
}

// ClearRun forgets the run on screen: progress, curves, the evaluation.
func (s *Session) ClearRun() {
	s.Progress = protocol.Progress{}
	s.Charts.Clear()
	s.Eval = nil
	s.Regression = nil
	s.EvalVersion++
}

// needsBuild says the worker's model is not the one being edited.
func (s *Session) needsBuild() bool {
	return s.builtSpec == "" || s.builtSpec != s.specJSON()
}

func (s *Session) specJSON() string {
	m, err := s.Model.Spec()
	if err != nil {
		return ""
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// build sends the edited spec to the worker and starts a fresh run.
func (s *Session) build() {
	m, err := s.Model.Spec()
	if err != nil || s.follower {
		return
	}
	s.ClearRun()
	s.beforeBuild = [2]string{s.builtSpec, s.Training}
	s.builtSpec = s.specJSON()
	s.Training = ""
	s.refused, s.refusedSpec = "", ""
	s.pending = nil
	s.buildID = s.NewID()
	s.send(protocol.Build{ID: s.buildID, Spec: m})
	for _, r := range s.AfterBuild {
		s.send(r)
	}
}

// refusedNow says the worker refused to build the model being edited.
func (s *Session) refusedNow() bool { return s.refused != "" && s.refusedSpec == s.specJSON() }

// buildIfChanged builds the edited model when it is valid and differs from
// the worker's, so that the pad predicts with the model on screen.
func (s *Session) buildIfChanged() {
	if s.Worker != WorkerReady || s.Running() || s.ModelLoading || s.refusedNow() {
		return
	}
	if _, err := s.Model.Spec(); err == nil && s.needsBuild() {
		s.build()
	}
}

// ModelReady says the worker has a model that places may ask about
// (traces, snapshots, predictions).
func (s *Session) ModelReady() bool { return s.Worker == WorkerReady && s.Training != "" }

// BuiltSpec is the JSON of the spec the worker last built ("" before one).
func (s *Session) BuiltSpec() string { return s.builtSpec }

// AssumeBuilt says the worker gets the edited model some other way (a
// link, a file or a saved model loads it with its weights): no build of
// it is needed.
func (s *Session) AssumeBuilt() { s.builtSpec = s.specJSON() }
