package protocol

import (
	"fmt"
	"math"
)

// Messages of the "why this prediction?", "look at the errors" and "every
// run kept" views (issue 17), which the worker answers with engine/explain,
// engine/embed and engine/runs. Every example-taking request names a
// Subject: a test example by index, or an input the page holds (a drawing,
// a table row; a 2-D point in the playground).

// MaxInputValues bounds an input a Subject may carry (a 64×64×3 image
// has 12,288 values).
const MaxInputValues = 1 << 16

// Attribution methods.
const (
	MethodGradientInput       = "gradient_x_input"
	MethodIntegratedGradients = "integrated_gradients"
	MethodOcclusion           = "occlusion"
)

// Scores an attribution explains: a class's logit (before the softmax) or
// its probability.
const (
	ScoreLogit       = "logit"
	ScoreProbability = "probability"
)

// Embedding methods.
const (
	EmbedPCA  = "pca"
	EmbedTSNE = "tsne"
)

// Limits of the explain requests.
const (
	MaxNeighbours   = 50   // k of a neighbours request
	MaxCellExamples = 1000 // examples one cell_examples answer lists
	MaxEmbedPoints  = 5000 // points of an embedding (exact t-SNE's cap)
	MaxIGSteps      = 1024
	MaxFlipSteps    = 10000
)

// Subject picks the input a view explains.
type Subject struct {
	// Source is SourceTest (Index) or SourceInput (Input).
	Source string `json:"source"`
	// Index is the test example, from 0.
	Index int `json:"index,omitempty"`
	// Input is the example's values as the data set holds them: an MNIST
	// image's 784 pixels in [0, 1], a table row's features, or a
	// playground point's x and y (the worker expands the features).
	Input []float32 `json:"input,omitempty"`
}

func (s Subject) check() error {
	switch s.Source {
	case SourceTest:
		if s.Index < 0 || len(s.Input) > 0 {
			return fmt.Errorf("source test takes an index of at least 0 and no input (index %d, %d input values)", s.Index, len(s.Input))
		}
	case SourceInput:
		if len(s.Input) == 0 || len(s.Input) > MaxInputValues || s.Index != 0 {
			return fmt.Errorf("source input takes 1 to %d input values and no index (%d values, index %d)", MaxInputValues, len(s.Input), s.Index)
		}
		return finite32s("input", s.Input)
	default:
		return fmt.Errorf("unknown source %q (want test or input)", s.Source)
	}
	return nil
}

// ExplainRequest asks for an attribution map of one input: how much each
// pixel or feature pushed one class's score up or down. The page sends it
// from the "why this prediction?" view; the worker answers Explanation with
// the same ID.
type ExplainRequest struct {
	ID int `json:"id"`
	Subject
	// Method is MethodGradientInput, MethodIntegratedGradients or
	// MethodOcclusion.
	Method string `json:"method"`
	// Class is the class explained; nil means the predicted one.
	Class *int `json:"class,omitempty"`
	// Score is ScoreLogit or ScoreProbability; "" means the logit for the
	// gradient methods and the probability for occlusion.
	Score string `json:"score,omitempty"`
	// Steps are integrated gradients' path points (0: 64).
	Steps int `json:"steps,omitempty"`
	// Patch, Stride and Baseline are occlusion's (0: a 4-pixel patch,
	// half-patch stride, covered pixels set to 0; one feature at a time
	// for tables).
	Patch    int     `json:"patch,omitempty"`
	Stride   int     `json:"stride,omitempty"`
	Baseline float32 `json:"baseline,omitempty"`
}

// Explanation answers ExplainRequest: the worker sends the attribution
// Values over the input, with the model's output and probabilities for it.
type Explanation struct {
	ID        int    `json:"id"`
	Method    string `json:"method"`
	Score     string `json:"score"`
	Class     int    `json:"class"`     // the class explained
	Predicted int    `json:"predicted"` // the model's class for the input
	// Label is a test example's true class; nil for an input.
	Label *int `json:"label,omitempty"`
	// Input is what the model read (a playground point's expanded
	// features); Image its [height, width] when it is an image, else nil
	// (a table row or features: one bar per value).
	Input []float32 `json:"input"`
	Image []int     `json:"image,omitempty"`
	// Values are the attributions, one per input value: positive where the
	// value raised the score. Draw them on a diverging scale centred on 0.
	Values []float32 `json:"values"`
	// Output is the explained score at the input and Baseline at the
	// baseline input (integrated gradients: all zeros; occlusion:
	// everything covered; gradient × input: 0). For integrated gradients
	// Σ Values ≈ Output − Baseline.
	Output   float64   `json:"output"`
	Baseline float64   `json:"baseline"`
	Probs    []float32 `json:"probs"`
}

// NeighboursRequest asks for the training examples nearest an input in the
// model's last hidden layer (the input of its last layer with weights), by
// Euclidean distance. The page sends it from the "why this prediction?"
// view; the worker answers Neighbours with the same ID.
type NeighboursRequest struct {
	ID int `json:"id"`
	Subject
	K int `json:"k,omitempty"` // 0: 6
}

// Neighbours answers NeighboursRequest: the worker sends the nearest
// training examples, nearest first, with the layer it measured in.
type Neighbours struct {
	ID    int         `json:"id"`
	Layer int         `json:"layer"` // the hidden layer's index (−1: the input itself)
	Name  string      `json:"name"`  // its name, as in built ("dense_1"; "input")
	Dim   int         `json:"dim"`   // its width
	Items []Neighbour `json:"items"`
}

// Neighbour is one nearby training example.
type Neighbour struct {
	Index    int       `json:"index"` // in the training set
	Label    int       `json:"label"`
	Distance float64   `json:"distance"`
	Input    []float32 `json:"input"` // its values, to draw
}

// FlipRequest asks "what would make it a <target>?": gradient steps on the
// input towards the target class (engine/explain.FlipSearch). The page sends
// it from the "why this prediction?" view; the worker answers Flip with the
// same ID.
type FlipRequest struct {
	ID int `json:"id"`
	Subject
	Target   int     `json:"target"`
	Steps    int     `json:"steps,omitempty"`     // the budget (0: 200)
	StepSize float64 `json:"step_size,omitempty"` // each step's length (0: 0.2)
}

// Flip answers FlipRequest: the worker sends whether the input flipped to
// the target, after how many steps, how far it moved, and the changed input
// with its probabilities.
type Flip struct {
	ID      int  `json:"id"`
	From    int  `json:"from"` // the class predicted before
	Target  int  `json:"target"`
	Flipped bool `json:"flipped"` // Input is predicted as Target
	Steps   int  `json:"steps"`
	// Changed counts the values moved by more than 0.1, and Distance is
	// the change's Euclidean length.
	Changed  int       `json:"changed"`
	Distance float64   `json:"distance"`
	Original []float32 `json:"original"`
	Input    []float32 `json:"input"` // the changed input
	Probs    []float32 `json:"probs"` // for the changed input
}

// CellRequest asks for the test examples counted in one cell of the
// confusion matrix: true class True, predicted Predicted. The page sends it
// when the user opens a cell in the errors view; the worker answers
// CellExamples with the same ID.
type CellRequest struct {
	ID        int `json:"id"`
	True      int `json:"true"`
	Predicted int `json:"predicted"`
	// Offset and Max page through a large cell (Max 0: 100).
	Offset int `json:"offset,omitempty"`
	Max    int `json:"max,omitempty"`
}

// CellExamples answers CellRequest: the worker sends Count, the cell's whole
// count (the confusion matrix's number), and Examples, those from Offset on,
// most confident first.
type CellExamples struct {
	ID        int           `json:"id"`
	True      int           `json:"true"`
	Predicted int           `json:"predicted"`
	Count     int           `json:"count"`
	Offset    int           `json:"offset"`
	Examples  []CellExample `json:"examples"`
}

// CellExample is one test example of a cell.
type CellExample struct {
	Index    int       `json:"index"`     // in the test set: open it with source test
	Prob     float64   `json:"prob"`      // the predicted class's probability
	TrueProb float64   `json:"true_prob"` // the true class's
	Probs    []float32 `json:"probs"`
	Input    []float32 `json:"input"`
}

// EmbeddingRequest asks for the last hidden layer of the first N test
// examples projected to 2-D. The page sends it from the embedding view; the
// worker answers Embedding with the same ID, after EmbeddingProgress reports
// for a t-SNE.
type EmbeddingRequest struct {
	ID     int    `json:"id"`
	Method string `json:"method"`      // EmbedPCA or EmbedTSNE
	N      int    `json:"n,omitempty"` // 0: 2,000 (or the whole test set when smaller)
	// t-SNE's settings (0: perplexity 30, 750 iterations); Seed is for a
	// random start (the default starts from PCA).
	Perplexity float64 `json:"perplexity,omitempty"`
	Iterations int     `json:"iterations,omitempty"`
	Seed       uint64  `json:"seed,omitempty"`
}

// EmbeddingProgress reports a t-SNE's iterations: the worker sends it every
// 10 iterations while it works on an EmbeddingRequest.
type EmbeddingProgress struct {
	ID    int `json:"id"`
	Done  int `json:"done"`
	Total int `json:"total"`
}

// Embedding answers EmbeddingRequest: the worker sends point i (Points[2i],
// Points[2i+1]) for test example Indices[i], with the examples' labels and
// predictions.
type Embedding struct {
	ID        int       `json:"id"`
	Method    string    `json:"method"`
	Layer     int       `json:"layer"`
	Name      string    `json:"name"`
	Dim       int       `json:"dim"`
	Points    []float32 `json:"points"`
	Indices   []int     `json:"indices"`
	Labels    []int     `json:"labels"`
	Predicted []int     `json:"predicted"`
	// Explained is PCA's share of the variance along each axis.
	Explained []float64 `json:"explained,omitempty"`
}

// RecordRun turns run recording on (a precision: float32, float16, int8 or
// int4) or off (""). The page sends it when the user keeps every run's
// epochs; the worker answers with a RunSnapshot of the current weights and
// sends one after every EpochEnd.
type RecordRun struct {
	Precision string `json:"precision"`
}

// RunSnapshot is the weights at the end of an epoch (engine/runs.Snapshot:
// share's binary format at Precision); Bytes is what it costs to keep. The
// worker sends one when RecordRun turns recording on and after every
// EpochEnd while it is on.
type RunSnapshot struct {
	Epoch     int    `json:"epoch"`
	Steps     int    `json:"steps"`
	Precision string `json:"precision"`
	Bytes     int    `json:"bytes"`
	Data      []byte `json:"data"`
}

// ViewSnapshot moves every view to a snapshot's weights (Data, a
// RunSnapshot's), or back to the live weights (no Data). The page sends it
// when the user picks an epoch of a kept run; the worker answers
// SnapshotViewed with the same ID. Not while training; training, building or
// loading a model goes back to the live weights first.
type ViewSnapshot struct {
	ID   int    `json:"id"`
	Data []byte `json:"data,omitempty"`
}

// SnapshotViewed answers ViewSnapshot: the worker sends which weights every
// view now shows (an epoch's, or the live ones).
type SnapshotViewed struct {
	ID    int  `json:"id"`
	Epoch int  `json:"epoch"`
	Steps int  `json:"steps"`
	Live  bool `json:"live"`
}

func init() {
	requests["explain"] = func() Request { return &ExplainRequest{} }
	requests["neighbours"] = func() Request { return &NeighboursRequest{} }
	requests["flip"] = func() Request { return &FlipRequest{} }
	requests["cell_examples"] = func() Request { return &CellRequest{} }
	requests["embedding"] = func() Request { return &EmbeddingRequest{} }
	requests["record_run"] = func() Request { return &RecordRun{} }
	requests["view_snapshot"] = func() Request { return &ViewSnapshot{} }
	events["explanation"] = func() Event { return &Explanation{} }
	events["neighbours"] = func() Event { return &Neighbours{} }
	events["flip"] = func() Event { return &Flip{} }
	events["cell_examples"] = func() Event { return &CellExamples{} }
	events["embedding_progress"] = func() Event { return &EmbeddingProgress{} }
	events["embedding"] = func() Event { return &Embedding{} }
	events["run_snapshot"] = func() Event { return &RunSnapshot{} }
	events["snapshot_viewed"] = func() Event { return &SnapshotViewed{} }
}

func (ExplainRequest) Type() string    { return "explain" }
func (NeighboursRequest) Type() string { return "neighbours" }
func (FlipRequest) Type() string       { return "flip" }
func (CellRequest) Type() string       { return "cell_examples" }
func (EmbeddingRequest) Type() string  { return "embedding" }
func (RecordRun) Type() string         { return "record_run" }
func (ViewSnapshot) Type() string      { return "view_snapshot" }
func (Explanation) Type() string       { return "explanation" }
func (Neighbours) Type() string        { return "neighbours" }
func (Flip) Type() string              { return "flip" }
func (CellExamples) Type() string      { return "cell_examples" }
func (EmbeddingProgress) Type() string { return "embedding_progress" }
func (Embedding) Type() string         { return "embedding" }
func (RunSnapshot) Type() string       { return "run_snapshot" }
func (SnapshotViewed) Type() string    { return "snapshot_viewed" }

func (ExplainRequest) isRequest()    {}
func (NeighboursRequest) isRequest() {}
func (FlipRequest) isRequest()       {}
func (CellRequest) isRequest()       {}
func (EmbeddingRequest) isRequest()  {}
func (RecordRun) isRequest()         {}
func (ViewSnapshot) isRequest()      {}
func (Explanation) isEvent()         {}
func (Neighbours) isEvent()          {}
func (Flip) isEvent()                {}
func (CellExamples) isEvent()        {}
func (EmbeddingProgress) isEvent()   {}
func (Embedding) isEvent()           {}
func (RunSnapshot) isEvent()         {}
func (SnapshotViewed) isEvent()      {}

func (m ExplainRequest) check() error {
	if err := m.Subject.check(); err != nil {
		return err
	}
	switch m.Method {
	case MethodGradientInput, MethodIntegratedGradients, MethodOcclusion:
	default:
		return fmt.Errorf("unknown method %q (want %s, %s or %s)", m.Method, MethodGradientInput, MethodIntegratedGradients, MethodOcclusion)
	}
	switch {
	case m.Class != nil && (*m.Class < 0 || *m.Class >= MaxLabels):
		return fmt.Errorf("class %d; classes are 0 to %d", *m.Class, MaxLabels-1)
	case m.Score != "" && m.Score != ScoreLogit && m.Score != ScoreProbability:
		return fmt.Errorf("unknown score %q (want logit or probability)", m.Score)
	case m.Steps < 0 || m.Steps > MaxIGSteps:
		return fmt.Errorf("%d steps; use 0 (the default) to %d", m.Steps, MaxIGSteps)
	case m.Patch < 0 || m.Stride < 0:
		return fmt.Errorf("patch %d and stride %d must not be negative", m.Patch, m.Stride)
	case math.IsNaN(float64(m.Baseline)) || math.IsInf(float64(m.Baseline), 0):
		return fmt.Errorf("baseline %v must be finite", m.Baseline)
	}
	return nil
}

func (m Explanation) check() error {
	if len(m.Values) != len(m.Input) {
		return fmt.Errorf("%d values for %d inputs", len(m.Values), len(m.Input))
	}
	if m.Image != nil && (len(m.Image) != 2 || m.Image[0] < 1 || m.Image[1] < 1 || len(m.Input)%(m.Image[0]*m.Image[1]) != 0) {
		return fmt.Errorf("image %v does not fit %d inputs", m.Image, len(m.Input))
	}
	if err := finite64s("output", []float64{m.Output, m.Baseline}); err != nil {
		return err
	}
	return finiteAll(m.Input, m.Values, m.Probs)
}

func (m NeighboursRequest) check() error {
	if m.K < 0 || m.K > MaxNeighbours {
		return fmt.Errorf("k = %d; use 0 (the default, 6) to %d", m.K, MaxNeighbours)
	}
	return m.Subject.check()
}

func (m Neighbours) check() error {
	for _, n := range m.Items {
		if n.Index < 0 || n.Label < 0 || !(n.Distance >= 0) || math.IsInf(n.Distance, 0) {
			return fmt.Errorf("neighbour %d (label %d) at distance %v", n.Index, n.Label, n.Distance)
		}
		if err := finite32s("neighbour input", n.Input); err != nil {
			return err
		}
	}
	return nil
}

func (m FlipRequest) check() error {
	switch {
	case m.Target < 0 || m.Target >= MaxLabels:
		return fmt.Errorf("target class %d; classes are 0 to %d", m.Target, MaxLabels-1)
	case m.Steps < 0 || m.Steps > MaxFlipSteps:
		return fmt.Errorf("%d steps; use 0 (the default) to %d", m.Steps, MaxFlipSteps)
	case !(m.StepSize >= 0) || math.IsInf(m.StepSize, 0):
		return fmt.Errorf("step size %v; use 0 (the default) or a positive number", m.StepSize)
	}
	return m.Subject.check()
}

func (m Flip) check() error {
	if len(m.Input) != len(m.Original) {
		return fmt.Errorf("the changed input has %d values, the original %d", len(m.Input), len(m.Original))
	}
	if m.Steps < 0 || m.Changed < 0 || m.Changed > len(m.Input) {
		return fmt.Errorf("%d steps, %d of %d values changed", m.Steps, m.Changed, len(m.Input))
	}
	if err := finite64s("distance", []float64{m.Distance}); err != nil {
		return err
	}
	return finiteAll(m.Original, m.Input, m.Probs)
}

func (m CellRequest) check() error {
	switch {
	case m.True < 0 || m.True >= MaxLabels || m.Predicted < 0 || m.Predicted >= MaxLabels:
		return fmt.Errorf("cell (%d, %d); classes are 0 to %d", m.True, m.Predicted, MaxLabels-1)
	case m.Offset < 0 || m.Max < 0 || m.Max > MaxCellExamples:
		return fmt.Errorf("offset %d, max %d; use an offset of at least 0 and at most %d examples", m.Offset, m.Max, MaxCellExamples)
	}
	return nil
}

func (m CellExamples) check() error {
	if m.Count < 0 || m.Offset < 0 || len(m.Examples) > MaxCellExamples || m.Offset+len(m.Examples) > m.Count {
		return fmt.Errorf("%d examples from %d of a cell of %d", len(m.Examples), m.Offset, m.Count)
	}
	for _, e := range m.Examples {
		if err := finite64s("probability", []float64{e.Prob, e.TrueProb}); err != nil {
			return err
		}
		if err := finiteAll(e.Probs, e.Input); err != nil {
			return err
		}
	}
	return nil
}

func (m EmbeddingRequest) check() error {
	switch {
	case m.Method != EmbedPCA && m.Method != EmbedTSNE:
		return fmt.Errorf("unknown method %q (want pca or tsne)", m.Method)
	case m.N < 0 || m.N > MaxEmbedPoints:
		return fmt.Errorf("n = %d; use 0 (the default, 2,000) to %d", m.N, MaxEmbedPoints)
	case !(m.Perplexity >= 0) || math.IsInf(m.Perplexity, 0) || m.Iterations < 0 || m.Iterations > 100000:
		return fmt.Errorf("perplexity %v and %d iterations; use 0 for the defaults", m.Perplexity, m.Iterations)
	}
	return nil
}

func (m EmbeddingProgress) check() error {
	if m.Done < 0 || m.Done > m.Total {
		return fmt.Errorf("%d of %d done", m.Done, m.Total)
	}
	return nil
}

func (m Embedding) check() error {
	n := len(m.Indices)
	if len(m.Points) != 2*n || len(m.Labels) != n || len(m.Predicted) != n {
		return fmt.Errorf("%d points, %d labels and %d predictions for %d examples", len(m.Points)/2, len(m.Labels), len(m.Predicted), n)
	}
	if err := finite64s("explained", m.Explained); err != nil {
		return err
	}
	return finite32s("point", m.Points)
}

var precisions = map[string]bool{"float32": true, "float16": true, "int8": true, "int4": true}

func (m RecordRun) check() error {
	if m.Precision != "" && !precisions[m.Precision] {
		return fmt.Errorf("unknown precision %q (want float32, float16, int8, int4, or none to stop)", m.Precision)
	}
	return nil
}

func (m RunSnapshot) check() error {
	if !precisions[m.Precision] || m.Epoch < 0 || m.Steps < 0 || m.Bytes != len(m.Data) {
		return fmt.Errorf("snapshot at epoch %d (step %d) in %q, %d bytes declared for %d", m.Epoch, m.Steps, m.Precision, m.Bytes, len(m.Data))
	}
	return nil
}

func (m ViewSnapshot) check() error {
	if len(m.Data) > MaxMessageBytes/2 {
		return fmt.Errorf("the snapshot is %d bytes", len(m.Data))
	}
	return nil
}

func (m SnapshotViewed) check() error {
	if m.Epoch < 0 || m.Steps < 0 {
		return fmt.Errorf("epoch %d, step %d", m.Epoch, m.Steps)
	}
	return nil
}

// finiteAll checks every value of every slice.
func finiteAll(vs ...[]float32) error {
	for _, v := range vs {
		if err := finite32s("value", v); err != nil {
			return err
		}
	}
	return nil
}

// finite64s is finite32s for float64 values.
func finite64s(name string, v []float64) error {
	for i, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("%s value %d is %v; it must be finite", name, i, x)
		}
	}
	return nil
}
