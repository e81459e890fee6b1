package protocol

import "github.com/nnplay/nnplay/engine/spec"

// Messages of the 2-D playground: the worker trains a small network on a
// toy data set and draws frames of its decision regions on request.

// The playground's plane: every toy point, and every frame's grid, lies in
// [PlaneLo, PlaneHi]².
const (
	PlaneLo = -6
	PlaneHi = 6
)

// Limits of the playground messages.
const (
	MaxFrameGrid = 128 // a frame's grid is at most 128×128 points
	MinFrameGrid = 2
	MaxUnitMaps  = 64 // hidden-unit heatmaps per frame
	MaxFeatures  = 7  // x, y, x2, y2, xy, sinx, siny
)

// PlaygroundBuild switches the worker from MNIST to a toy data set and
// builds a model for it, replacing any other. The page sends it when the
// playground opens and whenever its settings change, for example:
//
//	{"type":"playground_build","data":{"dataset":"spiral","points":500,"noise":0.1,
//	 "classes":3,"train_fraction":0.5,"features":["x","y","x2","y2","xy","sinx","siny"],
//	 "seed":1,"epochs_per_second":30,"spec":{...layers ending in Dense(classes, softmax)...}}}
//
// The worker answers PlaygroundData, then Built and State idle; any error (a
// bad spec, feature or option) leaves it as it was. Then start, pause,
// resume, step, stop, reset (fresh weights, the same points), set, evaluate
// (its confusion matrix; no misclassified images), snapshot, trace,
// gradcheck and stats work as with MNIST; predict does not (it takes an
// MNIST image). The playground trains until paused: an epoch is a few
// batches, so it never reaches done and sends no EpochEnd. Build (an MNIST
// spec) goes back to MNIST.
type PlaygroundBuild struct {
	Dataset       string  `json:"dataset"`        // circle, xor, gauss or spiral
	Points        int     `json:"points"`         // 10 to 10000, train and test together
	Noise         float64 `json:"noise"`          // 0 to 0.5
	Classes       int     `json:"classes"`        // 2; spiral 2 to 5
	TrainFraction float64 `json:"train_fraction"` // 0.1 to 0.9
	// Features are the model's inputs, made from each point (x, y), in
	// this order: any of x, y, x2, y2, xy, sinx, siny.
	Features []string `json:"features"`
	// Seed fixes the points and the train/test split (Spec.Seed fixes the
	// initial weights and the batch order).
	Seed int64 `json:"seed"`
	// Spec is the model. The worker sets its input to [len(features)] and
	// its dataset to Dataset; its last layer must output Classes values.
	// Its epochs are ignored: the playground trains until paused.
	Spec spec.Model `json:"spec"`
	// EpochsPerSecond paces training so it can be watched (TensorFlow
	// Playground runs about 30 to 60); 0 trains as fast as it can.
	EpochsPerSecond float64 `json:"epochs_per_second,omitempty"`
}

// PlaygroundFrameRequest asks for a frame: the model over a Grid×Grid grid
// of the plane, and the losses. The page sends it while the playground is
// shown, asking for the next frame when the last has arrived (one in
// flight), so frames never queue up; the worker answers PlaygroundFrame with
// the same ID.
type PlaygroundFrameRequest struct {
	ID   int `json:"id"`
	Grid int `json:"grid"` // MinFrameGrid to MaxFrameGrid points a side
}

// PlaygroundData carries the toy points. The worker sends it after
// PlaygroundBuild, before Built, so the page can draw them.
type PlaygroundData struct {
	Dataset  string   `json:"dataset"`
	Classes  int      `json:"classes"`
	Features []string `json:"features"`
	// Train and Test hold x, y for each point (2 values a point, the raw
	// coordinates before features), with one label each.
	Train       []float32 `json:"train"`
	TrainLabels []int     `json:"train_labels"`
	Test        []float32 `json:"test"`
	TestLabels  []int     `json:"test_labels"`
}

// PlaygroundFrame answers PlaygroundFrameRequest: the worker sends the
// model's outputs and hidden units over the grid, the losses and accuracies
// on all the train and test points now, where training is, and every weight
// tensor (as in Snapshot: kernels for the links' thickness and colour,
// biases for the nodes).
//
// Grid point (row r, column c) is the centre of that pixel of the plane: x =
// PlaneLo + (c + ½)·12/Grid, y = PlaneHi − (r + ½)·12/Grid, so row 0 is the
// top. Maps are row-major, one byte a point: bytes, not float32, are a
// quarter of the size and several times faster to encode and decode.
type PlaygroundFrame struct {
	ID      int `json:"id"`
	Grid    int `json:"grid"`
	Classes int `json:"classes"`
	// Probs holds the softmax probabilities, Grid·Grid·Classes bytes:
	// point-major (the Classes probabilities of point 0, then point 1,
	// ...), each round(p·255).
	Probs []byte `json:"probs"`
	// Units are heatmaps of the hidden units (every layer but the last
	// whose output is a vector), in layer then unit order, at most
	// MaxUnitMaps.
	Units         []UnitMap `json:"units"`
	TrainLoss     float64   `json:"train_loss"`
	TestLoss      float64   `json:"test_loss"`
	TrainAccuracy float64   `json:"train_accuracy"`
	TestAccuracy  float64   `json:"test_accuracy"`
	Epoch         int       `json:"epoch"`        // 1-based
	GlobalBatch   int       `json:"global_batch"` // batches trained since the build
	State         string    `json:"state"`
	// Params are the weights now (for links drawn by weight), as in snapshot.
	Params []ParamData `json:"params"`
}

// UnitMap is one hidden unit's output over the grid: Grid·Grid bytes b,
// the value being lo + b/255·(hi − lo).
type UnitMap struct {
	Layer  int     `json:"layer"` // 0-based
	Unit   int     `json:"unit"`
	Lo     float32 `json:"lo"`
	Hi     float32 `json:"hi"`
	Values []byte  `json:"values"`
}

func (PlaygroundBuild) Type() string        { return "playground_build" }
func (PlaygroundFrameRequest) Type() string { return "playground_frame" }
func (PlaygroundData) Type() string         { return "playground_data" }
func (PlaygroundFrame) Type() string        { return "playground_frame" }

func (PlaygroundBuild) isRequest()        {}
func (PlaygroundFrameRequest) isRequest() {}
func (PlaygroundData) isEvent()           {}
func (PlaygroundFrame) isEvent()          {}
