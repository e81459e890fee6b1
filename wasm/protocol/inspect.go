package protocol

// Messages for looking inside a model: the trace of one example (softmax
// explorer, backprop step-through), the gradient check, and per-layer
// training statistics. See the package doc for the flow.

// Example sources, for Example.Source.
const (
	SourceTest  = "test"  // the Index-th example of the current test set
	SourceInput = "input" // the values in Input
)

// Limits of the inspection messages.
const (
	MaxPicks  = 32 // weights one gradcheck may compare
	MaxLabels = 10 // a label is a class index below this (MNIST's 10; the playground has 2 to 5)
)

// Example picks the one example a trace or a gradient check follows.
type Example struct {
	// Source is SourceTest or SourceInput.
	Source string `json:"source"`
	// Index is the test example for SourceTest (0-based).
	Index int `json:"index,omitempty"`
	// Input is the example for SourceInput: an image of ImageSize pixels
	// in [0,1] (MNIST), or in the playground a point's x and y (2 values;
	// the worker computes the chosen features).
	Input []float32 `json:"input,omitempty"`
	// Label is the true class. Required for SourceInput; for SourceTest it
	// defaults to the test example's own label (set it to see the loss and
	// gradients as if another class were right).
	Label *int `json:"label,omitempty"`
}

// TraceRequest asks for the trace of one example: one training step on
// it, laid bare, without taking it.
type TraceRequest struct {
	ID int `json:"id"`
	Example
}

// GradCheckRequest asks to compare backprop's gradient of a few weights
// with finite differences, on one example.
type GradCheckRequest struct {
	ID int `json:"id"`
	Example
	Picks []ParamPick `json:"picks"` // 1 to MaxPicks weights
	// H is the finite-difference step; 0 means the engine's default (1e-2).
	H float64 `json:"h,omitempty"`
}

// ParamPick names one weight: element Index (row-major) of the param
// Name ("kernel", "bias", ...) of layer Layer (0-based).
type ParamPick struct {
	Layer int    `json:"layer"`
	Name  string `json:"name"`
	Index int    `json:"index"`
}

// StatsRequest asks for the latest per-layer training statistics.
type StatsRequest struct {
	ID int `json:"id"`
}

// Tensor is an array of float32 values: Data holds prod(Shape) of them,
// little-endian, row-major (base64 in JSON, like ParamData.Data).
type Tensor struct {
	Shape []int  `json:"shape"`
	Data  []byte `json:"data"`
}

// Trace answers TraceRequest. Every number is the engine's own.
type Trace struct {
	ID    int `json:"id"`
	Label int `json:"label"` // the true class used
	// Input is the example as the model sees it (the features, in the
	// playground), and InputGrad is dL/d(input): a saliency map.
	Input        Tensor       `json:"input"`
	InputGrad    Tensor       `json:"input_grad"`
	Loss         float64      `json:"loss"`
	Optimizer    string       `json:"optimizer"` // spec name: "adam", "sgd", ...
	LearningRate float64      `json:"learning_rate"`
	Layers       []TraceLayer `json:"layers"`
	// Softmax is present when the model ends in softmax (or its loss
	// reads logits).
	Softmax *SoftmaxTrace `json:"softmax,omitempty"`
}

// TraceLayer is one layer of a trace.
type TraceLayer struct {
	Layer      int    `json:"layer"` // 0-based
	Name       string `json:"name"`  // "dense_1", as in built
	Type       string `json:"type"`  // "Dense", "Conv2D", ...
	Activation string `json:"activation,omitempty"`
	// Output is the layer's output y for the example (shape without the
	// batch dimension); probabilities for a final softmax.
	Output Tensor `json:"output"`
	// DOutput is dL/dy, which backprop hands the layer. For the last layer
	// when Softmax.Fused, it is dL/dz for the logits z: p − onehot(y).
	DOutput Tensor       `json:"d_output"`
	Params  []TraceParam `json:"params"`
}

// TraceParam is one weight tensor of a traced layer. Before, Grad,
// Update and After each hold prod(Shape) little-endian float32.
type TraceParam struct {
	Name  string `json:"name"`
	Shape []int  `json:"shape"`
	// Trainable: the optimizer updates it (false for frozen layers and
	// layer state such as moving averages; their Update is 0).
	Trainable bool   `json:"trainable"`
	Before    []byte `json:"before"` // θ
	Grad      []byte `json:"grad"`   // dL/dθ for this example
	Update    []byte `json:"update"` // Δθ = After − Before, the optimizer's step
	After     []byte `json:"after"`  // θ after the step the optimizer would take
}

// SoftmaxTrace takes the output's softmax and cross-entropy apart:
// p_i = e^(z_i − shift) / sum, cross_entropy = −log p_y,
// grad = dCE/dz = p − onehot(y). The shift, max z, changes nothing but
// keeps e^· from overflowing; e^(z_i) itself is exp_i·e^shift.
type SoftmaxTrace struct {
	Logits       []float32 `json:"logits"` // z
	Shift        float64   `json:"shift"`  // max_i z_i
	Exp          []float64 `json:"exp"`    // e^(z_i − shift)
	Sum          float64   `json:"sum"`    // Σ exp
	Probs        []float32 `json:"probs"`  // p, as predict returns it
	CrossEntropy float64   `json:"cross_entropy"`
	Grad         []float32 `json:"grad"` // p − onehot(y)
	// Fused: the model trains softmax and cross-entropy as one step, so
	// loss = cross_entropy and the last layer's d_output = grad.
	Fused bool `json:"fused"`
}

// GradCheck answers GradCheckRequest.
type GradCheck struct {
	ID      int               `json:"id"`
	H       float64           `json:"h"` // the step used
	Results []GradCheckResult `json:"results"`
}

// GradCheckResult compares one weight's gradients.
type GradCheckResult struct {
	ParamPick
	Analytic float64 `json:"analytic"` // from backprop
	Numeric  float64 `json:"numeric"`  // (L(θ+h) − L(θ−h)) / 2h
	AbsError float64 `json:"abs_error"`
	RelError float64 `json:"rel_error"` // |a − n| / max(|a|, |n|)
}

// Stats answers StatsRequest with the statistics of the last measured
// training batch (the worker measures one whenever it posts progress).
type Stats struct {
	ID int `json:"id"`
	// GlobalBatch is the batch measured; 0 (and no layers) when no batch
	// has been trained since the model was built.
	GlobalBatch int          `json:"global_batch"`
	Loss        float64      `json:"loss"` // that batch's loss
	Layers      []LayerStats `json:"layers"`
}

// LayerStats describe one layer on one training batch.
type LayerStats struct {
	Layer int    `json:"layer"`
	Name  string `json:"name"`
	Type  string `json:"type"`
	// Mean and Std of the layer's outputs over the batch (logits for a
	// final softmax layer that trains fused with its loss).
	Mean float64 `json:"mean"`
	Std  float64 `json:"std"`
	// ReLU says the output is a ReLU's; Dead is then the fraction of units
	// that output 0 for every example of the batch.
	ReLU   bool         `json:"relu"`
	Dead   float64      `json:"dead"`
	Params []ParamStats `json:"params"`
}

// ParamStats are the L2 norms of one param tensor and of its gradient.
type ParamStats struct {
	Name       string  `json:"name"`
	GradNorm   float64 `json:"grad_norm"`
	WeightNorm float64 `json:"weight_norm"`
}

func (TraceRequest) Type() string     { return "trace" }
func (GradCheckRequest) Type() string { return "gradcheck" }
func (StatsRequest) Type() string     { return "stats" }
func (Trace) Type() string            { return "trace" }
func (GradCheck) Type() string        { return "gradcheck" }
func (Stats) Type() string            { return "stats" }

func (TraceRequest) isRequest()     {}
func (GradCheckRequest) isRequest() {}
func (StatsRequest) isRequest()     {}
func (Trace) isEvent()              {}
func (GradCheck) isEvent()          {}
func (Stats) isEvent()              {}
