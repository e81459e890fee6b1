// Package ui holds nnplay's Vugu components, one per panel (model, train,
// evaluate, try it), and the canvas drawing they need. It does no training
// maths: the training worker (wasm/worker) trains, evaluates and predicts,
// and App turns its messages into what the panels show.
package ui

import (
	"fmt"
	"time"

	"github.com/vugu/vugu"

	"github.com/nnplay/nnplay/wasm/protocol"
)

// Worker states as the page sees them, before and beside the worker's own
// protocol.State* training states.
const (
	WorkerStarting = "starting" // the Worker is loading its wasm
	WorkerLoading  = "loading"  // MNIST is downloading or parsing
	WorkerReady    = "ready"    // data loaded; a model can be built
	WorkerDead     = "dead"     // the worker stopped; only a reload helps
)

// App is the state every panel reads: what the worker said last, and the
// model being edited. All access happens under Vugu's event lock (event
// handlers, or ee.Lock/UnlockRender in the page's message loop).
type App struct {
	// Send posts a request to the training worker. Set by the page.
	Send func(protocol.Request)
	// Env is Vugu's event environment, for goroutines that change state
	// (Lock, then UnlockRender). Set by the page.
	Env vugu.EventEnv

	Worker     string // Worker* above
	Training   string // protocol.State*; "" until a model is built
	DataText   string // data loading progress, for the status line
	DataTrain  int    // examples, once loaded
	DataTest   int
	Fatal      string   // the worker stopped: the banner's message
	Errors     []string // recent non-fatal errors, newest last
	ReadyAfter time.Duration

	Model *ModelEditor

	builtSpec string // the JSON of the spec the worker last built
	pending   []protocol.Request

	// Training progress and curves.
	Progress   protocol.Progress
	Charts     *Charts
	drawCharts func() // the Train panel's chart redraw, for LiveUpdate

	// Evaluation on the test set.
	Eval        *protocol.Evaluation
	EvalVersion int // bumps when Eval changes, so canvases know to redraw
	evalID      int

	// The draw-a-digit pad.
	Pad *PadState

	drag rowDrag // the layer builder's row drag

	// The page's sections (TabMNIST, TabPlayground) and the playground.
	Tab           string
	Play          *Playground
	mnistDeferred bool // MNIST loads when its tab is first shown

	// The MNIST teaching panels (softmax explorer, backprop step-through,
	// inside the model); made on first use by teach().
	Teach *Teach

	// The Share panel: links, model files, the autosave (share.go).
	Share *ShareState

	// The training panel's Backend select (backend.go).
	Backend BackendState
	// My models, the fine-tuning lesson and the handwriting examples
	// (models.go, finetune.go, handwriting.go).
	Library *Library
	Lesson  *Lesson
	Hand    *Handwriting

	start time.Time
}

// NewApp returns the state of a freshly opened page: the seed model, no
// worker yet.
func NewApp() *App {
	a := &App{
		Worker: WorkerStarting,
		Model:  NewModelEditor(PresetSeed),
		Charts: NewCharts(),
		Pad:    &PadState{},
		start:  time.Now(),
	}
	a.initTabs()
	a.initShare()
	return a
}

func (a *App) send(r protocol.Request) {
	if a.Send != nil {
		a.Send(r)
	}
}

// StatusText is the one-line worker and data state shown in #status.
func (a *App) StatusText() string {
	switch a.Worker {
	case WorkerStarting:
		return "Starting the training worker…"
	case WorkerLoading:
		if a.DataText != "" {
			return "Loading MNIST: " + a.DataText
		}
		return "Loading MNIST…"
	case WorkerDead:
		return "The training worker stopped."
	}
	data := fmt.Sprintf("MNIST loaded (%s training, %s test images).", thousands(a.DataTrain), thousands(a.DataTest))
	switch a.Training {
	case protocol.StateRunning:
		return data + " Training…"
	case protocol.StatePaused:
		return data + " Paused."
	case protocol.StateDone:
		return data + " Training finished."
	case protocol.StateStopped:
		return data + " Training stopped."
	case protocol.StateIdle:
		return data + " Ready to train."
	}
	return data + " Building the model…"
}

// ErrorText is the banner's text: the fatal message, else the latest error.
func (a *App) ErrorText() string {
	if a.Fatal != "" {
		return a.Fatal
	}
	if n := len(a.Errors); n > 0 {
		return a.Errors[n-1]
	}
	return ""
}

// DismissError hides the latest non-fatal error.
func (a *App) DismissError() {
	if n := len(a.Errors); n > 0 {
		a.Errors = a.Errors[:n-1]
	}
}

// addError records a non-fatal error for the banner, keeping the last few.
func (a *App) addError(msg string) {
	if n := len(a.Errors); n > 0 && a.Errors[n-1] == msg {
		return // the same failure again (the worker's own MNIST load, then the page's): one message
	}
	a.Errors = append(a.Errors, msg)
	if len(a.Errors) > 5 {
		a.Errors = a.Errors[len(a.Errors)-5:]
	}
}

// WorkerDied is called by the page when the Worker fails (its onerror, or a
// fatal error message). Nothing but a reload brings it back.
func (a *App) WorkerDied(reason string) {
	if a.Worker == WorkerDead {
		return
	}
	a.Worker = WorkerDead
	a.Fatal = fmt.Sprintf("The training worker stopped: %s. Reload the page to start again.", reason)
}

// Handle applies one worker event to the state and says whether the
// templates need a render (true), or LiveUpdate is enough (false): a
// progress message that leaves the training state as it was only changes
// numbers and curves.
func (a *App) Handle(ev protocol.Event) (render bool) {
	before := a.Training
	a.apply(ev)
	a.teach().apply(ev)
	a.share().apply(ev)
	a.library().apply(ev)
	a.lesson().apply(ev)
	a.hand().apply(ev)
	switch ev.(type) {
	case protocol.Progress:
		return a.Training != before
	case protocol.EpochEnd, protocol.Stats:
		return false // the charts redraw without a render
	}
	return true
}

func (a *App) apply(ev protocol.Event) {
	switch e := ev.(type) {
	case protocol.Ready:
		a.Worker = WorkerLoading
		a.send(protocol.BackendRequest{}) // what trains: the Backend select shows it
		if a.Tab == TabPlayground {
			a.mnistDeferred = true // the page opened on the playground
			return
		}
		a.send(protocol.LoadData{})
		// Build now, not when the data is in: the worker builds right
		// after loading, and the page takes data and model in one render.
		if _, err := a.Model.Spec(); err == nil && !a.share().Loading() {
			a.build()
		}
	case protocol.DataProgress:
		a.DataText = dataProgressText(e)
	case protocol.DataReady:
		a.Worker, a.DataTrain, a.DataTest = WorkerReady, e.Train, e.Test
		a.DataText = ""
		a.buildIfChanged()
	case protocol.Built:
		// A build always leaves the worker idle; the worker may skip the
		// state message when it was idle already.
		a.Model.SetBuilt(e)
		a.setTraining(protocol.StateIdle)
	case protocol.State:
		a.setTraining(e.State)
	case protocol.Progress:
		a.Progress = e
		a.Charts.AddProgress(e)
		a.setTraining(e.State)
	case protocol.EpochEnd:
		a.Charts.AddEpoch(e)
	case protocol.Evaluation:
		if e.ID == 0 || e.ID == a.evalID {
			ev := e
			a.Eval = &ev
			a.EvalVersion++
		}
	case protocol.Prediction:
		a.Pad.SetPrediction(e)
	case protocol.Backend:
		a.applyBackend(e)
	case protocol.Error:
		if e.Fatal {
			a.WorkerDied(e.Message)
			return
		}
		a.addError(e.Message)
	}
}

func (a *App) setTraining(s string) {
	if a.Training == "" && s == protocol.StateIdle && a.ReadyAfter == 0 {
		a.ReadyAfter = time.Since(a.start)
	}
	a.Training = s
	a.Pad.Kick()
	// Requests queued behind a build go out once the worker has answered.
	if s == protocol.StateIdle && len(a.pending) > 0 {
		p := a.pending
		a.pending = nil
		for _, r := range p {
			a.send(r)
		}
	}
}

func dataProgressText(e protocol.DataProgress) string {
	verb := "downloading"
	if e.Stage == protocol.StageParse {
		verb = "reading"
	}
	if e.Total > 0 {
		return fmt.Sprintf("%s %s, %d%%", verb, e.File, e.Loaded*100/e.Total)
	}
	return fmt.Sprintf("%s %s, %s", verb, e.File, bytesText(e.Loaded))
}

func bytesText(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// thousands formats n with commas: 60000 → "60,000".
func thousands(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
