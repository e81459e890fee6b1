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

// LoadData asks the worker to fetch and parse MNIST.
type LoadData struct {
	// Base is the URL folder holding the four .gz files; "" means DefaultDataBase.
	Base string `json:"base,omitempty"`
}

// Build asks the worker to build a model from Spec (replacing any other).
type Build struct {
	Spec spec.Model `json:"spec"`
}

// Start, Pause, Resume, Step, Stop and Reset control training; see the
// package doc for the state each leads to.
type (
	Start  struct{}
	Pause  struct{}
	Resume struct{}
	Step   struct{}
	Stop   struct{}
	Reset  struct{}
)

// Set changes training settings between batches. A zero field is unchanged.
type Set struct {
	LearningRate float64 `json:"learning_rate,omitempty"`
	BatchSize    int     `json:"batch_size,omitempty"`
}

// Predict asks for the class probabilities of one image.
type Predict struct {
	ID    int       `json:"id"`
	Image []float32 `json:"image"` // ImageSize pixels in [0,1], row-major
}

// Evaluate asks for metrics on the whole test set.
type Evaluate struct {
	ID int `json:"id"`
}

// SnapshotRequest asks for the model's weights.
type SnapshotRequest struct {
	ID int `json:"id"`
}

// ---- worker → page ----

// Ready says the worker's Go instance is running and listening.
type Ready struct{}

// DataProgress reports loading of one MNIST file.
type DataProgress struct {
	Stage  string `json:"stage"` // StageDownload or StageParse
	File   string `json:"file"`
	Loaded int64  `json:"loaded"` // bytes so far
	Total  int64  `json:"total"`  // bytes in all; 0 when unknown
}

// DataReady says MNIST is loaded.
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

// Built says the model is built, with its summary.
type Built struct {
	Rows            []SummaryRow `json:"rows"`
	TotalParams     int          `json:"total_params"`
	TrainableParams int          `json:"trainable_params"`
}

// Progress reports training, at most about 20 times a second.
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
}

// EpochEnd reports a finished epoch; Val* are measured on the test set.
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

// State reports a change of the worker's state.
type State struct {
	State string `json:"state"`
}

// Prediction answers Predict.
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

// Evaluation answers Evaluate (ID 0: sent after each epoch).
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

// Snapshot answers SnapshotRequest.
type Snapshot struct {
	ID     int         `json:"id"`
	Spec   spec.Model  `json:"spec"`
	Params []ParamData `json:"params"`
}

// Error reports a problem. Fatal means the worker cannot go on and must be restarted.
type Error struct {
	Message string `json:"message"`
	Fatal   bool   `json:"fatal"`
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
