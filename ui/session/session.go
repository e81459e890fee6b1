// Package session is what every place of the page shares: the line to the
// training worker, the worker's and the run's state (progress, curves, the
// last evaluation, the backend in use) and the model being edited. It does
// no training maths and touches no DOM: the worker trains, and each place
// draws what it needs from here.
//
// Places talk to the worker through Send and get its messages through
// Subscribe; the session applies each message to its own state first.
// All access happens under Vugu's event lock (event handlers, or
// Env.Lock/UnlockRender in goroutines).
package session

import (
	"fmt"
	"time"

	"github.com/nnplay/nnplay/engine/units"

	"github.com/vugu/vugu"

	"github.com/nnplay/nnplay/ui/chart"
	"github.com/nnplay/nnplay/ui/model"
	"github.com/nnplay/nnplay/ui/route"
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

// A Subscriber sees every worker event after the session has applied it,
// and says whether its place needs a Vugu render for it (false: nothing
// it shows changed, or it drew the change itself).
type Subscriber func(ev protocol.Event) (render bool)

// subscriber is a Subscriber and the place it belongs to ("": none, it
// renders whatever place is on screen).
type subscriber struct {
	place route.Place
	f     Subscriber
}

// Session is the state the places share.
type Session struct {
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

	// Model is the model being edited (the Build & train place's builder).
	Model *model.Editor

	// ModelLoading says a model (a link, a file, a saved model) is on its
	// way to the worker: the edited spec must not be built over it.
	ModelLoading bool
	// DeferData says the page opened on a place that does not need MNIST
	// (the 2-D playground): it loads when LoadData is called.
	DeferData bool

	dataDeferred bool      // Ready came while DeferData: LoadData sends load_data
	follower     bool      // Follow: the events' requests are another session's to send
	leader       Leader    // what a follower asks of the session it follows
	builtSpec    string    // the JSON of the spec the worker last built
	buildID      int       // the last build's id: its refusal refuses pending
	beforeBuild  [2]string // builtSpec and Training before it, which its refusal restores
	refused      string    // why the worker refused the build of refusedSpec ("": it did not)
	refusedSpec  string
	pending      []protocol.Request

	// Training progress and curves.
	Progress protocol.Progress
	Charts   *chart.Run
	// Live redraws what a place draws straight from Go (charts) when
	// progress arrives without a render; set by the place showing them.
	Live func()

	// Eval is the last evaluation on the test set.
	Eval        *protocol.Evaluation
	EvalVersion int // bumps when Eval changes, so canvases know to redraw
	evalID      int

	// Dataset is the active data set other than MNIST (nil: MNIST), as
	// the worker described it; Regression is the last evaluation of a
	// regression model on its test split (dataset.go).
	Dataset    *protocol.DatasetReady
	Regression *protocol.RegressionEvaluation
	// Drawings returns the pad's labelled drawings as 28×28 frames, for
	// the Data place to make a data set of them (set by the Build place;
	// nil: none).
	Drawings func() []protocol.Frame

	// Backend is the Backend select's state (backend.go).
	Backend BackendState

	// Viewing says the worker's model holds a snapshot's weights, not the
	// live ones ("Showing Run 2 after epoch 1."; set by the Runs place),
	// for the status line; "" for the live weights.
	Viewing string

	// Pad is the digit pad's drawing (nil until the Build & train place
	// made its pad).
	Pad Drawing

	// AfterBuild are requests sent right after every build, before any
	// queued start (the Runs place's record_run: the fresh weights'
	// snapshot, then one per epoch).
	AfterBuild []protocol.Request

	// Showing is the place on screen (set by the shell): a place's
	// subscriber asks for a render only while its place is showing.
	Showing route.Place

	send   func(protocol.Request) // what the session's own state changes send (none for a follower)
	post   func(protocol.Request) // what places Send
	later  func(func())
	subs   []subscriber
	nextID int
	start  time.Time
}

// New returns the state of a freshly opened page: the seed model, no
// worker yet. send posts a request to the training worker.
func New(send func(protocol.Request)) *Session {
	return &Session{
		Worker:  WorkerStarting,
		Showing: route.Build,
		Model:   model.NewEditor(model.PresetSeed),
		Charts:  chart.NewRun(),
		send:    send,
		post:    send,
		start:   time.Now(),
	}
}

// Send posts a request to the training worker.
func (s *Session) Send(r protocol.Request) { s.post(r) }

// Subscribe adds f to the subscribers of the worker's events.
func (s *Session) Subscribe(f Subscriber) { s.subs = append(s.subs, subscriber{f: f}) }

// SubscribePlace adds a place's subscriber: it sees every event, and its
// render counts only while the place is on screen (off screen the place is
// not in the page, and renders when it comes back).
func (s *Session) SubscribePlace(p route.Place, f Subscriber) {
	s.subs = append(s.subs, subscriber{place: p, f: f})
}

// Later runs f in a task of its own after the current one, holding the
// event lock, without a render: work that need not share a render's task
// (a canvas strip, a save), so that no task keeps the page busy for long.
// Before the page sets a scheduler (and in native tests) f runs at once.
func (s *Session) Later(f func()) {
	if s.later == nil {
		f()
		return
	}
	s.later(f)
}

// SetScheduler sets how Later runs its functions (the page's event loop).
func (s *Session) SetScheduler(later func(func())) { s.later = later }

// NewID returns a request ID no other place uses, for requests whose
// answers (traces, snapshots, predictions) carry it back.
func (s *Session) NewID() int {
	s.nextID++
	return idBase + s.nextID
}

// idBase keeps NewID's IDs clear of the small IDs the worker's own
// messages and older requests use.
const idBase = 1 << 24

// StatusText is the one-line worker and data state shown in #status,
// followed by Viewing when the views show an earlier snapshot.
func (s *Session) StatusText() (text string) {
	if s.Viewing != "" && s.Worker == WorkerReady {
		defer func() { text += " " + s.Viewing }()
	}
	switch s.Worker {
	case WorkerStarting:
		return "Starting the training worker…"
	case WorkerLoading:
		if s.DataText != "" {
			return "Loading MNIST: " + s.DataText
		}
		return "Loading MNIST…"
	case WorkerDead:
		return "The training worker stopped."
	}
	data := fmt.Sprintf("MNIST loaded (%s training, %s test images).", units.Thousands(s.DataTrain), units.Thousands(s.DataTest))
	if d := s.Dataset; d != nil {
		data = fmt.Sprintf("Data: %s (%s training, %s test examples).", d.Data.Name, units.Thousands(d.Train), units.Thousands(d.Test))
	}
	if s.refusedNow() {
		return data + " The edited model could not be built; the worker keeps the one it had."
	}
	switch s.Training {
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
func (s *Session) ErrorText() string {
	if s.Fatal != "" {
		return s.Fatal
	}
	if n := len(s.Errors); n > 0 {
		return s.Errors[n-1]
	}
	return ""
}

// DismissError hides the latest non-fatal error.
func (s *Session) DismissError() {
	if n := len(s.Errors); n > 0 {
		s.Errors = s.Errors[:n-1]
	}
}

// AddError records a non-fatal error for the banner, keeping the last few.
func (s *Session) AddError(msg string) {
	if n := len(s.Errors); n > 0 && s.Errors[n-1] == msg {
		return // the same failure again (the worker's own MNIST load, then the page's): one message
	}
	s.Errors = append(s.Errors, msg)
	if len(s.Errors) > 5 {
		s.Errors = s.Errors[len(s.Errors)-5:]
	}
}

// WorkerDied is called by the page when the Worker fails (its onerror).
// The places hear of it as a fatal error, as if the worker had sent one,
// so that none keeps waiting for an answer that will not come. Nothing
// but a reload brings the worker back.
func (s *Session) WorkerDied(reason string) {
	if s.Worker == WorkerDead {
		return
	}
	s.Handle(protocol.Error{Message: reason, Fatal: true})
}

// died records that the worker stopped (a fatal error), for the banner.
func (s *Session) died(reason string) {
	if s.Worker == WorkerDead {
		return
	}
	s.Worker = WorkerDead
	s.Fatal = fmt.Sprintf("The training worker stopped: %s. Reload the page to start again.", reason)
}

// Handle applies one worker event to the state, then passes it to the
// subscribers, and says whether the page needs a Vugu render (true), or
// Live is enough (false): a progress message that leaves the training
// state as it was only changes numbers and curves.
func (s *Session) Handle(ev protocol.Event) (render bool) {
	before := s.Training
	s.apply(ev)
	render = s.applyData(ev)
	switch ev.(type) {
	case protocol.Progress:
		render = render || s.Training != before // else the numbers and charts update live
	case protocol.Ready, protocol.DataProgress, protocol.DataReady, protocol.Built, protocol.State,
		protocol.Evaluation, protocol.Backend, protocol.Error:
		render = true // the status line, the training buttons, the evaluation, the banner
	}
	// Everything else (traces, snapshots, predictions, exports …) concerns
	// a place, which says whether it shows it.
	for _, sub := range s.subs {
		if sub.f(ev) && (sub.place == "" || sub.place == s.Showing) {
			render = true
		}
	}
	s.refusePending(ev)
	return render
}

// refusePending refuses the requests queued behind a build when ev is the
// worker's refusal of that build: they were for the model it did not
// build, so they are not sent, and each place that queued one hears of it
// as its own request's error (it would otherwise wait for ever).
func (s *Session) refusePending(ev protocol.Event) {
	e, ours := ErrorFor(ev, s.buildID)
	if !ours || e.Fatal {
		return // a fatal error reached every place already
	}
	// The worker kept the model it had (and its state): so does the
	// session, and Train says why the edited one is not built until it
	// changes.
	s.refused, s.refusedSpec = e.Message, s.builtSpec
	s.builtSpec, s.Training = s.beforeBuild[0], s.beforeBuild[1]
	queued := s.pending
	s.buildID, s.pending = 0, nil
	for _, r := range queued {
		if id := protocol.RequestID(r); id != 0 {
			s.Handle(protocol.Error{Message: e.Message, Request: r.Type(), ID: id})
		}
	}
}

func (s *Session) apply(ev protocol.Event) {
	switch e := ev.(type) {
	case protocol.Ready:
		s.Worker = WorkerLoading
		s.send(protocol.BackendRequest{}) // what trains: the Backend select shows it
		if s.DeferData {
			s.dataDeferred = true // the page opened on the playground
			return
		}
		s.send(protocol.LoadData{})
		// Build now, not when the data is in: the worker builds right
		// after loading, and the page takes data and model in one render.
		if _, err := s.Model.Spec(); err == nil && !s.ModelLoading {
			s.build()
		}
	case protocol.DataProgress:
		s.DataText = dataProgressText(e)
	case protocol.DataReady:
		s.Worker, s.DataTrain, s.DataTest = WorkerReady, e.Train, e.Test
		s.DataText = ""
		s.buildIfChanged()
	case protocol.Built:
		// A build always leaves the worker idle; the worker may skip the
		// state message when it was idle already.
		s.Model.SetBuilt(e)
		s.setTraining(protocol.StateIdle)
	case protocol.State:
		s.setTraining(e.State)
	case protocol.Progress:
		s.Progress = e
		s.Charts.AddProgress(e)
		s.setTraining(e.State)
	case protocol.EpochEnd:
		s.Charts.AddEpoch(e)
	case protocol.Evaluation:
		if e.ID == 0 || e.ID == s.evalID {
			ev := e
			s.Eval = &ev
			s.EvalVersion++
		}
	case protocol.Backend:
		s.applyBackend(e)
	case protocol.Error:
		if e.Fatal {
			s.died(e.Message)
			return
		}
		s.AddError(e.Message)
	}
}

func (s *Session) setTraining(state string) {
	if s.Training == "" && state == protocol.StateIdle && s.ReadyAfter == 0 {
		s.ReadyAfter = time.Since(s.start)
	}
	s.Training = state
	// Requests queued behind a build go out once the worker has answered.
	if state == protocol.StateIdle && len(s.pending) > 0 {
		p := s.pending
		s.pending = nil
		for _, r := range p {
			s.send(r)
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
	return fmt.Sprintf("%s %s, %s", verb, e.File, units.Bytes(e.Loaded))
}

// LoadData loads MNIST if the page deferred it (DeferData): a place that
// needs it is shown.
func (s *Session) LoadData() {
	s.DeferData = false
	if !s.dataDeferred {
		return
	}
	s.dataDeferred = false
	s.send(protocol.LoadData{})
	if _, err := s.Model.Spec(); err == nil && !s.ModelLoading {
		s.build()
	}
}
