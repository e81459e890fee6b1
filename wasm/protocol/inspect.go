package protocol

// Messages for looking inside a model: the trace of one example (softmax
// explorer, backprop step-through), the gradient check, and per-layer
// training statistics.

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

// Example picks the one example a trace, a gradient check or an RNN trace
// follows, by Source:
//
//	{"source":"test","index":5}               test example 5, with its own label
//	{"source":"test","index":5,"label":3}     the same image, judged as if 3 were right
//	{"source":"input","input":[...784 pixels in [0,1]...],"label":7}   a drawn digit (MNIST)
//	{"source":"input","input":[1.5,-2],"label":0}                      a point (playground);
//	                                          the worker computes the chosen features
//
// "test" is the test set of the current mode (MNIST, or the playground's
// test points). Label is required with "input": a class below MaxLabels and
// below the data set's classes.
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

// TraceRequest asks for the trace of one example: one training step on it,
// laid bare, without taking it. The page sends it when the student picks an
// example in the softmax explorer, the backprop step-through or the model's
// insides; the worker answers Trace with the same ID.
type TraceRequest struct {
	ID int `json:"id"`
	Example
}

// GradCheckRequest asks to compare backprop's gradient of a few weights with
// finite differences, on one example. The page sends it from the backprop
// step-through; the worker answers GradCheck with the same ID, or an error
// event when a pick names no such weight, or layer state.
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

// StatsRequest asks for the latest per-layer training statistics. The page
// sends it after each Progress while the training charts are shown, which
// gives them one point per progress; the worker answers Stats with the same
// ID.
type StatsRequest struct {
	ID int `json:"id"`
}

// Tensor is an array of float32 values: Data holds prod(Shape) of them,
// little-endian, row-major (base64 in JSON, like ParamData.Data).
type Tensor struct {
	Shape []int  `json:"shape"`
	Data  []byte `json:"data"`
}

// Trace answers TraceRequest: the worker follows the example through one
// training step without taking it, so weights, gradients, optimizer state
// (Adam's moments) and the training position are left exactly as they were.
// It runs in inference mode like predict (no dropout, BatchNormalization's
// moving averages), so its output equals predict's bit for bit. Every number
// is the engine's own.
//
// Input and InputGrad are the example as the model sees it and dL/d(input),
// a saliency map. Layers[i].Output is layer i's output y (forward, in order)
// and DOutput dL/dy (backward); a layer's input is the previous layer's
// output (Input for layer 0). Each param's Update is the step the current
// optimizer would take (Adam with its real moments and step count, SGD with
// its velocity, …), and After is θ after it: without Dropout or
// BatchNormalization, exactly what training on this example alone would
// leave. The layer's formula is the page's to show; Name, Type and
// Activation say which layer it is. Loss is the loss the model trains with
// on this example (the mean over a batch of one).
//
// A trace of a large model is megabytes of JSON: ask for one when the
// student picks an example, not per frame.
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

// GradCheck answers GradCheckRequest: the worker sends, for each pick in
// order, backprop's analytic gradient of the example's loss against the
// central difference numeric = (L(θ+h) − L(θ−h)) / 2h, with rel_error = |a −
// n| / max(|a|, |n|) (0 when both are 0), and the H used (0 asks for 1e-2,
// the step that suits float32 forward passes).
//
// Around 1e-4 to 1e-3 means backprop is right; a wrong formula gives 0.1 or
// more. Weights with a near-zero gradient (a weight from a 0 pixel, into a
// ReLU that is off) or whose ±h moves an output across a kink (ReLU at 0,
// the winner of a max-pooling window; a conv kernel weight moves hundreds of
// outputs) give noisy values.
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

// Stats answers StatsRequest with the statistics of the last training batch
// the worker measured: it measures one whenever it posts Progress (at most
// 20 a second). Per layer: the mean and spread of its outputs, the fraction
// of a ReLU's units that are dead, and per trained param the L2 norms of its
// gradient (of the batch's mean loss) and of its values after the step.
// Vanishing gradients show as GradNorm falling layer by layer towards the
// input, exploding ones as GradNorm growing.
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
