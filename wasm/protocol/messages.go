package protocol

import "github.com/nnplay/nnplay/engine/spec"

// Message is anything sent between the page and the worker.
type Message interface {
	// Type is the message's name on the wire: "build", "progress", ...
	Type() string
}

// Request is a message from the page to the worker.
type Request interface {
	Message
	isRequest()
}

// Event is a message from the worker to the page.
type Event interface {
	Message
	isEvent()
}

// Sizes of an MNIST example and its classes.
const (
	ImageSize        = 784 // 28×28 pixels
	Classes          = 10
	MaxMisclassified = 32
)

// Worker states, as sent in State and Progress.
const (
	StateIdle    = "idle"    // built, not started (or reset)
	StateRunning = "running" // training batches
	StatePaused  = "paused"  // between batches, waiting for resume or step
	StateDone    = "done"    // every epoch trained
	StateStopped = "stopped" // stopped by the page before the end
)

// Data loading stages, as sent in DataProgress.
const (
	StageDownload = "download"
	StageParse    = "parse"
)

// DefaultDataBase is where LoadData looks for the MNIST files by default.
const DefaultDataBase = "/data/mnist"

// ---- page → worker ----

// LoadData asks the worker to fetch the four MNIST .gz files from Base and
// parse them. The page sends it when it starts, with its first Build; the
// worker, which begins loading MNIST as soon as it runs, reports
// DataProgress while it downloads and parses, then DataReady, or an Error.
type LoadData struct {
	// Base is the URL folder holding the four .gz files; "" means DefaultDataBase.
	Base string `json:"base,omitempty"`
}

// Build asks the worker to build a model from Spec, replacing any other;
// from the 2-D playground it goes back to MNIST (or to the data set Spec
// names). The page sends it when the model is first shown and whenever the
// user changes it. The worker answers Built, then State idle; a spec it
// cannot build is answered by an Error, which carries ID (when not 0) so
// that the page can refuse the requests it queued behind the build.
type Build struct {
	ID   int        `json:"id,omitempty"`
	Spec spec.Model `json:"spec"`
}

// Start asks the worker to train from the current position (state running).
// The page sends it when the user starts training. The worker loads MNIST
// first if LoadData was not sent; after done or stopped it trains another
// Epochs epochs from the current weights, as a second call to Keras' fit
// does.
type Start struct{}

// Pause asks the worker to stop after the current batch (state paused). The
// page sends it when the user pauses training.
type Pause struct{}

// Resume asks the worker to go on training after a pause (state running).
// The page sends it when the user resumes.
type Resume struct{}

// Step asks the worker to train exactly one batch and then pause, from idle
// or paused; the worker posts Progress for that batch. The page sends it
// when the user steps through training.
type Step struct{}

// Stop asks the worker to end training and keep the model (state stopped).
// The page sends it when the user stops a run.
type Stop struct{}

// Reset asks the worker to rebuild the last spec from its seed: fresh
// weights, the same data, state idle. The page sends it when the user resets
// the model.
type Reset struct{}

// Set changes the learning rate or the batch size between two batches; a
// zero field is unchanged. The page sends it when the user edits either
// during a run, and the worker answers with Progress.
type Set struct {
	LearningRate float64 `json:"learning_rate,omitempty"`
	BatchSize    int     `json:"batch_size,omitempty"`
}

// Predict asks for the class probabilities of one MNIST image. The page
// sends it for each drawing on the digit pad; the worker answers Prediction
// with the same ID.
type Predict struct {
	ID    int       `json:"id"`
	Image []float32 `json:"image"` // ImageSize pixels in [0,1], row-major
}

// Evaluate asks for metrics on the whole test set: MNIST's 10,000 images,
// the playground's test points or a data set's test split. The page sends it
// when the user evaluates the model; the worker answers Evaluation with the
// same ID (RegressionEvaluation for a regression).
type Evaluate struct {
	ID int `json:"id"`
}

// SnapshotRequest asks for the model's weights. The page sends it when a
// view draws them (the model's insides, fine-tuning); the worker answers
// Snapshot with the same ID.
type SnapshotRequest struct {
	ID int `json:"id"`
}

// ---- worker → page ----

// Ready says the worker's Go instance is running and listening. The worker
// sends it once, when it starts; requests the page sent before it are kept
// (static/worker.js queues them) and handled in order.
type Ready struct{}

// DataProgress reports how far loading one file has come. The worker sends
// it while it downloads and parses MNIST (StageDownload, StageParse) and
// while it decodes a data set's images (StageDecode).
type DataProgress struct {
	Stage  string `json:"stage"` // StageDownload, StageParse or StageDecode
	File   string `json:"file"`
	Loaded int64  `json:"loaded"` // bytes so far
	Total  int64  `json:"total"`  // bytes in all; 0 when unknown
}

// DataReady says MNIST is loaded, with its example counts. The worker sends
// it when loading ends, answering LoadData.
type DataReady struct {
	Train int `json:"train"`
	Test  int `json:"test"`
}

// SummaryRow is one row of a model summary.
type SummaryRow struct {
	Layer  string `json:"layer"` // "dense_1 (Dense)"
	Type   string `json:"type"`
	Output []int  `json:"output"` // without the batch dimension
	Params int    `json:"params"`
}

// Built says the model is built, with its summary. The worker sends it after
// every request that builds a model (Build, PlaygroundBuild, LoadModel,
// ImportTFJS, ReplaceHead), before State idle.
type Built struct {
	Rows            []SummaryRow `json:"rows"`
	TotalParams     int          `json:"total_params"`
	TrainableParams int          `json:"trainable_params"`
}

// Progress reports training. The worker sends it while running, at most
// about 20 times a second, for every Step and after a Set. Loss and accuracy
// are smoothed over recent batches; epoch and batch are 1-based and
// GlobalBatch counts every batch. In the playground Epochs and ETASeconds
// are 0: it trains until paused.
type Progress struct {
	Epoch         int     `json:"epoch"`   // 1-based
	Epochs        int     `json:"epochs"`  // in all
	Batch         int     `json:"batch"`   // 1-based, within the epoch
	Batches       int     `json:"batches"` // per epoch
	GlobalBatch   int     `json:"global_batch"`
	Loss          float64 `json:"loss"`     // smoothed over recent batches
	Accuracy      float64 `json:"accuracy"` // smoothed, in [0,1]
	SamplesPerSec float64 `json:"samples_per_sec"`
	ETASeconds    float64 `json:"eta_seconds"`
	State         string  `json:"state"`
	// LearningRate is the rate the last batch used, set when a schedule
	// moves it (absent under a constant rate).
	LearningRate float64 `json:"learning_rate,omitempty"`
	// Parallel, while several workers share the batches, is where their
	// time went since the last progress.
	Parallel *StepTimes `json:"parallel,omitempty"`
}

// StepTimes are the mean milliseconds per batch of data-parallel training's
// phases, as the training worker (the coordinator) sees them: Send hands
// out the weights and rows, Compute is its own share, Gather waits for the
// other workers' gradients and adds them, Apply is the optimizer step.
type StepTimes struct {
	Batches int     `json:"batches"`
	Send    float64 `json:"send_ms"`
	Compute float64 `json:"compute_ms"`
	Gather  float64 `json:"gather_ms"`
	Apply   float64 `json:"apply_ms"`
}

// EpochEnd reports a finished epoch; Val* are measured on MNIST's test set,
// or on a loaded data set's validation split (its test split when it has
// none); the evaluation that follows is on the test split. The
// worker sends it at the end of every epoch of a run (not in the playground,
// whose epochs are a few batches, nor in a TrainGoal run), followed by that
// evaluation with ID 0 (an Evaluation, or a RegressionEvaluation).
type EpochEnd struct {
	Epoch       int     `json:"epoch"`
	Loss        float64 `json:"loss"`
	Accuracy    float64 `json:"accuracy"`
	ValLoss     float64 `json:"val_loss"`
	ValAccuracy float64 `json:"val_accuracy"`
	// ValR2 is a regression's R² on the test split (its accuracy fields
	// are then 0).
	ValR2 float64 `json:"val_r2,omitempty"`
}

// State reports the worker's new state (StateIdle, StateRunning, …). The
// worker sends it whenever the state changes; the package doc draws the
// state machine.
type State struct {
	State string `json:"state"`
}

// Prediction answers Predict: the worker sends it with the request's ID and
// the Classes probabilities.
type Prediction struct {
	ID    int       `json:"id"`
	Probs []float32 `json:"probs"`
}

// ClassStats are one class's metrics on the test set.
type ClassStats struct {
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	Support   int     `json:"support"`
}

// Misclassified is one test image the model got wrong.
type Misclassified struct {
	Index     int    `json:"index"` // in the test set
	True      int    `json:"true"`
	Predicted int    `json:"predicted"`
	Pixels    []byte `json:"pixels"` // ImageSize grey levels, 0 = background (Evaluation.Shape bytes for other images)
}

// Evaluation answers Evaluate with the same ID: the loss, the accuracy, the
// confusion matrix, each class's metrics and at most MaxMisclassified test
// examples the model got wrong (none in the playground). The worker also
// sends one with ID 0 after each epoch.
type Evaluation struct {
	ID            int             `json:"id"`
	Loss          float64         `json:"loss"`
	Accuracy      float64         `json:"accuracy"`
	Confusion     [][]int         `json:"confusion"` // [true][predicted]
	Classes       []ClassStats    `json:"classes"`
	Misclassified []Misclassified `json:"misclassified"`
	// Shape is the misclassified examples' shape ([height, width,
	// channels]) for a data set other than MNIST; absent: 784 MNIST pixels.
	Shape []int `json:"shape,omitempty"`
}

// ParamData is one weight tensor: Data holds prod(Shape) little-endian float32.
type ParamData struct {
	Layer int    `json:"layer"` // 0-based layer index
	Name  string `json:"name"`  // "kernel", "bias"
	Shape []int  `json:"shape"`
	Data  []byte `json:"data"`
}

// Snapshot answers SnapshotRequest with the same ID: the model's spec and
// every weight tensor. The worker sends it only when asked.
type Snapshot struct {
	ID     int         `json:"id"`
	Spec   spec.Model  `json:"spec"`
	Params []ParamData `json:"params"`
}

// Error reports a problem. The worker sends it for a request it cannot carry
// out (non-fatal: nothing changed) and for a batch whose loss is NaN or
// infinite (non-fatal, naming the epoch and batch: the batch is not applied
// and the worker pauses with the last good weights). Fatal means the worker
// cannot go on and must be restarted. Request is the type of the request
// the error answers and ID that request's id (RequestID), so the place
// that asked stops waiting; both are empty for an error that answers no
// request.
type Error struct {
	Message string `json:"message"`
	Fatal   bool   `json:"fatal"`
	Request string `json:"request,omitempty"`
	ID      int    `json:"id,omitempty"`
}

func (LoadData) Type() string        { return "load_data" }
func (Build) Type() string           { return "build" }
func (Start) Type() string           { return "start" }
func (Pause) Type() string           { return "pause" }
func (Resume) Type() string          { return "resume" }
func (Step) Type() string            { return "step" }
func (Stop) Type() string            { return "stop" }
func (Reset) Type() string           { return "reset" }
func (Set) Type() string             { return "set" }
func (Predict) Type() string         { return "predict" }
func (Evaluate) Type() string        { return "evaluate" }
func (SnapshotRequest) Type() string { return "snapshot" }

func (Ready) Type() string        { return "ready" }
func (DataProgress) Type() string { return "data_progress" }
func (DataReady) Type() string    { return "data_ready" }
func (Built) Type() string        { return "built" }
func (Progress) Type() string     { return "progress" }
func (EpochEnd) Type() string     { return "epoch_end" }
func (State) Type() string        { return "state" }
func (Prediction) Type() string   { return "prediction" }
func (Evaluation) Type() string   { return "evaluation" }
func (Snapshot) Type() string     { return "snapshot" }
func (Error) Type() string        { return "error" }

func (LoadData) isRequest()        {}
func (Build) isRequest()           {}
func (Start) isRequest()           {}
func (Pause) isRequest()           {}
func (Resume) isRequest()          {}
func (Step) isRequest()            {}
func (Stop) isRequest()            {}
func (Reset) isRequest()           {}
func (Set) isRequest()             {}
func (Predict) isRequest()         {}
func (Evaluate) isRequest()        {}
func (SnapshotRequest) isRequest() {}

func (Ready) isEvent()        {}
func (DataProgress) isEvent() {}
func (DataReady) isEvent()    {}
func (Built) isEvent()        {}
func (Progress) isEvent()     {}
func (EpochEnd) isEvent()     {}
func (State) isEvent()        {}
func (Prediction) isEvent()   {}
func (Evaluation) isEvent()   {}
func (Snapshot) isEvent()     {}
func (Error) isEvent()        {}
