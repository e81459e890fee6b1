package ui

import (
	"encoding/json"

	"github.com/nnplay/nnplay/wasm/protocol"
)

// What the Train panel's buttons do. Each sends requests to the worker and
// lets the worker's State messages move the UI along; none waits.

// TrainBlocked says why Train is disabled, or "" when it is enabled.
func (a *App) TrainBlocked() string {
	switch a.Worker {
	case WorkerStarting:
		return "The training worker is starting."
	case WorkerLoading:
		return "MNIST is still loading."
	case WorkerDead:
		return "The training worker stopped; reload the page."
	}
	if _, err := a.Model.Spec(); err != nil {
		return "Fix the model first: " + err.Error()
	}
	switch a.Training {
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
func (a *App) Running() bool {
	return a.Training == protocol.StateRunning || a.Training == protocol.StatePaused
}

// PauseLabel is the pause button's text.
func (a *App) PauseLabel() string {
	if a.Training == protocol.StatePaused {
		return "Resume"
	}
	return "Pause"
}

// Train starts a run: from the current weights if the model is freshly
// built, else after rebuilding from the spec (fresh weights from its seed).
func (a *App) Train() {
	if a.TrainBlocked() != "" {
		return
	}
	if a.needsBuild() || a.Training != protocol.StateIdle || a.Progress.GlobalBatch > 0 {
		a.build()
		a.pending = append(a.pending, protocol.Start{})
		return
	}
	a.send(protocol.Start{})
}

// TrainMoreBlocked says why Train more is disabled, or "": it continues a
// finished or stopped run of the model on screen from its current weights.
func (a *App) TrainMoreBlocked() string {
	if a.Worker != WorkerReady {
		return "The training worker is not ready."
	}
	if a.Training != protocol.StateDone && a.Training != protocol.StateStopped {
		return "Train more continues a finished run; train first."
	}
	if a.needsBuild() {
		return "The model was edited since it trained: Train builds the new one."
	}
	return ""
}

// TrainMore trains the model's epochs again from its current weights (a
// second Keras fit; a learning-rate schedule starts over), where Train
// would start afresh from the seed.
func (a *App) TrainMore() {
	if a.TrainMoreBlocked() != "" {
		return
	}
	a.send(protocol.Start{})
}

// TrainMoreTitle is Train more's tooltip: what it does, or why it cannot.
func (a *App) TrainMoreTitle() string {
	if why := a.TrainMoreBlocked(); why != "" {
		return why
	}
	return "Train the epochs again from the current weights (Train starts afresh from the seed)."
}

// StepBlocked says why Step is disabled, or "".
func (a *App) StepBlocked() string {
	if a.Training == protocol.StateRunning {
		return "Pause first to step one batch at a time."
	}
	if a.Training == protocol.StatePaused {
		return ""
	}
	return a.TrainBlocked()
}

// Step trains exactly one batch and leaves the worker paused.
func (a *App) Step() {
	if a.StepBlocked() != "" {
		return
	}
	if a.Training == protocol.StatePaused || (a.Training == protocol.StateIdle && !a.needsBuild()) {
		a.send(protocol.Step{})
		return
	}
	a.build()
	a.pending = append(a.pending, protocol.Step{})
}

// TogglePause pauses a running run or resumes a paused one.
func (a *App) TogglePause() {
	switch a.Training {
	case protocol.StateRunning:
		a.send(protocol.Pause{})
	case protocol.StatePaused:
		a.send(protocol.Resume{})
	}
}

// ResetBlocked says why Reset is disabled, or "".
func (a *App) ResetBlocked() string {
	if a.Worker != WorkerReady {
		return "Nothing to reset yet."
	}
	if a.Training == "" {
		return "The model is being built."
	}
	return ""
}

// Reset forgets the run: fresh weights from the spec's seed, empty charts.
func (a *App) Reset() {
	if a.ResetBlocked() != "" {
		return
	}
	a.clearRun()
	if a.needsBuild() {
		a.build()
		return
	}
	a.send(protocol.Reset{})
}

// Evaluate asks for metrics on the test set now.
func (a *App) Evaluate() {
	if a.Worker != WorkerReady || a.Training == "" {
		return
	}
	a.evalID++
	a.send(protocol.Evaluate{ID: a.evalID})
}

// SettingsChanged is called when learning rate or batch size change: a run
// in progress picks them up between batches.
func (a *App) SettingsChanged() {
	if !a.Running() {
		return
	}
	m, err := a.Model.Spec()
	if err != nil {
		return
	}
	a.send(protocol.Set{LearningRate: m.Optimizer.LearningRate, BatchSize: m.BatchSize})
}

func (a *App) clearRun() {
	a.Progress = protocol.Progress{}
	a.Charts.Clear()
	a.Eval = nil
	a.EvalVersion++
}

// needsBuild says the worker's model is not the one being edited.
func (a *App) needsBuild() bool {
	return a.builtSpec == "" || a.builtSpec != a.specJSON()
}

func (a *App) specJSON() string {
	m, err := a.Model.Spec()
	if err != nil {
		return ""
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// build sends the edited spec to the worker and starts a fresh run.
func (a *App) build() {
	m, err := a.Model.Spec()
	if err != nil {
		return
	}
	a.clearRun()
	a.builtSpec = a.specJSON()
	a.Training = ""
	a.pending = nil
	a.send(protocol.Build{Spec: m})
}

// buildIfChanged builds the edited model when it is valid and differs from
// the worker's, so that the pad predicts with the model on screen.
func (a *App) buildIfChanged() {
	if a.Worker != WorkerReady || a.Running() || a.share().Loading() {
		return
	}
	if _, err := a.Model.Spec(); err == nil && a.needsBuild() {
		a.build()
	}
}
