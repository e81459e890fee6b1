// Package spec describes a model and how to train it as plain, JSON-able data.
//
// A spec knows nothing of tensors: the page can edit, validate and share a
// model (and infer every layer's output shape, like Keras' model.summary())
// without loading the training code. engine/nn builds a trainable model from
// a spec, and a trained model gives its spec back.
package spec

// Model is a whole model: its input, its layers and how to train it.
type Model struct {
	// Input is the shape of one example, without the batch dimension:
	// [784] for flat MNIST, [28, 28, 1] for images (channels last, as Keras).
	Input     []int     `json:"input"`
	Layers    []Layer   `json:"layers"`
	Optimizer Optimizer `json:"optimizer"`
	// Loss is one of the Loss* names below.
	Loss string `json:"loss"`
	// FromLogits says the model's output is logits, not probabilities
	// (Keras' from_logits=True) for the cross-entropy losses.
	FromLogits      bool    `json:"from_logits,omitempty"`
	BatchSize       int     `json:"batch_size"`
	Epochs          int     `json:"epochs"`
	Seed            int64   `json:"seed"`
	Dataset         string  `json:"dataset"`
	ValidationSplit float64 `json:"validation_split,omitempty"`
	// Classes restricts an mnist model to these digits, relabelled 0, 1, …
	// in this order: [5 6 7 8 9] is a 5-way classifier of the digits 5–9
	// (fine-tuning's second task). Empty means all ten.
	Classes []int `json:"classes,omitempty"`
	// Data describes the data the model learns from (see Data): required
	// for the image and table data sets (shapes, penguins, cars, custom),
	// so that a model file or link predicts from raw inputs; nil for mnist
	// and the 2-D toys.
	Data *Data `json:"data,omitempty"`
}

// Layer is one layer's type and config. Only the fields its type uses may be
// set; Validate rejects the others' rules, not their presence (except
// use_bias false on a type without a bias, which would silently do
// nothing).
type Layer struct {
	Type string `json:"type"`
	// Dense
	Units             int    `json:"units,omitempty"`
	Activation        string `json:"activation,omitempty"`
	KernelInitializer string `json:"kernel_initializer,omitempty"`
	// LeakyReLU: the slope for x < 0 (0: DefaultLeakyReLUAlpha; for a
	// Dense leaky_relu activation, nn.DenseLeakyReLUAlpha).
	Alpha float64 `json:"alpha,omitempty"`
	// Dropout: the fraction of inputs set to zero while training.
	Rate float64 `json:"rate,omitempty"`
	// Conv2D: how many filters, and each filter's [height, width].
	// Conv2D also uses Activation, KernelInitializer and Alpha as Dense does.
	Filters    int   `json:"filters,omitempty"`
	KernelSize []int `json:"kernel_size,omitempty"`
	// Conv2D, MaxPool2D, AveragePooling2D: the step between windows,
	// [down, across]. Empty means Keras' default: 1 for Conv2D, the pool
	// size for the pools.
	Strides []int `json:"strides,omitempty"`
	// Padding is "valid" (no padding; "" means valid too) or "same" (pad
	// so the output is ⌈input/stride⌉ in each direction, as TensorFlow does).
	Padding string `json:"padding,omitempty"`
	// MaxPool2D, AveragePooling2D: the window, [height, width].
	PoolSize []int `json:"pool_size,omitempty"`
	// Reshape: the shape of one output example; one entry may be -1,
	// meaning whatever makes the sizes match.
	TargetShape []int `json:"target_shape,omitempty"`
	// BatchNormalization: moving = momentum·moving + (1 − momentum)·batch
	// for the moving mean and variance; epsilon is added to the variance
	// before its square root. Defaults fills Keras' 0.99 and 0.001 in for 0.
	Momentum float64 `json:"momentum,omitempty"`
	Epsilon  float64 `json:"epsilon,omitempty"`
	// Frozen layers are not trainable: the optimizer leaves their weights
	// alone (Keras' trainable=False).
	Frozen bool `json:"frozen,omitempty"`
	// SimpleRNN, LSTM, GRU (see recurrent.go): Units and Activation as
	// Dense ("" means tanh here), the gates' activation ("" means
	// sigmoid), whether to output every step's state, and GRU
	// reset_after, true when nil.
	RecurrentActivation string `json:"recurrent_activation,omitempty"`
	ReturnSequences     bool   `json:"return_sequences,omitempty"`
	// UseBias is Keras' use_bias for Dense, Conv2D and the recurrent
	// layers: nil means true (a bias, omitted from JSON so a spec without
	// it reads as before); false leaves the bias out, as before a
	// BatchNormalization, whose β makes it redundant (see HasBias).
	UseBias    *bool `json:"use_bias,omitempty"`
	ResetAfter *bool `json:"reset_after,omitempty"`
}

// Optimizer names an optimizer and its settings. Zero fields are not
// defaults: Defaults fills them in, Validate checks them.
type Optimizer struct {
	Name         string  `json:"name"`
	LearningRate float64 `json:"learning_rate"`
	// SGD
	Momentum float64 `json:"momentum,omitempty"`
	Nesterov bool    `json:"nesterov,omitempty"`
	// Adam
	Beta1 float64 `json:"beta_1,omitempty"`
	Beta2 float64 `json:"beta_2,omitempty"`
	// Adam, RMSProp, Adagrad
	Epsilon float64 `json:"epsilon,omitempty"`
	// RMSProp: the decay of the moving average of squared gradients.
	Rho float64 `json:"rho,omitempty"`
	// WeightDecay is the L2 coefficient λ: the loss gains λ/2·Σw² over the
	// kernels (not biases), so each kernel gradient gains λ·w.
	WeightDecay float64 `json:"weight_decay,omitempty"`
	// Schedule changes the learning rate as a run goes on (see
	// nn.ScheduledLearningRate): "" or "constant" keeps it; "exponential"
	// multiplies it by DecayRate every epoch, smoothly (η·r^(t/T_epoch));
	// "cosine" anneals it from η to 0 over the run's epochs
	// (η·½(1+cos(π·t/T_run)), Keras' CosineDecay).
	Schedule string `json:"schedule,omitempty"`
	// DecayRate is the exponential schedule's factor per epoch, in (0, 1].
	DecayRate float64 `json:"decay_rate,omitempty"`
	// GlobalClipNorm, when above 0, scales all trainable gradients by
	// c/max(c, ‖g‖) before each step, ‖g‖ being their joint L2 norm (Keras'
	// global_clipnorm): one exploding batch cannot throw the weights far.
	// Recurrent layers need it.
	GlobalClipNorm float64 `json:"global_clipnorm,omitempty"`
}

// Learning-rate schedules.
const (
	ScheduleConstant    = "constant"
	ScheduleExponential = "exponential"
	ScheduleCosine      = "cosine"
)

// DefaultLeakyReLUAlpha is a LeakyReLU layer's slope for x < 0 when its
// spec gives none (Keras' LeakyReLU default).
const DefaultLeakyReLUAlpha = 0.3

// Layer types.
const (
	TypeDense     = "Dense"
	TypeReLU      = "ReLU"
	TypeLeakyReLU = "LeakyReLU"
	TypeSigmoid   = "Sigmoid"
	TypeTanh      = "Tanh"
	TypeSoftmax   = "Softmax"
	TypeDropout   = "Dropout"
	TypeFlatten   = "Flatten"
	// Image layers: inputs (height, width, channels), channels last.
	TypeConv2D                 = "Conv2D"
	TypeMaxPool2D              = "MaxPool2D"
	TypeAveragePooling2D       = "AveragePooling2D"
	TypeGlobalAveragePooling2D = "GlobalAveragePooling2D"
	TypeBatchNormalization     = "BatchNormalization"
	TypeReshape                = "Reshape"
	// Recurrent layers: inputs (timesteps, features).
	TypeSimpleRNN = "SimpleRNN"
	TypeLSTM      = "LSTM"
	TypeGRU       = "GRU"
)

// Paddings for Conv2D and the pools ("" means valid).
const (
	PaddingValid = "valid"
	PaddingSame  = "same"
)

// Activations a Dense layer accepts ("" means linear).
const (
	ActLinear    = "linear"
	ActReLU      = "relu"
	ActLeakyReLU = "leaky_relu"
	ActSigmoid   = "sigmoid"
	ActTanh      = "tanh"
	ActSoftmax   = "softmax"
)

// Initializers.
const (
	InitGlorotUniform = "glorot_uniform"
	InitHeNormal      = "he_normal"
)

// Losses.
const (
	LossSparseCategoricalCrossentropy = "sparse_categorical_crossentropy"
	LossCategoricalCrossentropy       = "categorical_crossentropy"
	LossMeanSquaredError              = "mean_squared_error"
	// Regression losses beside mean squared error (Keras' names).
	LossMeanAbsoluteError = "mean_absolute_error"
	LossHuber             = "huber"
)

// DefaultHuberDelta is the Huber loss's δ, where it turns from squared to
// absolute error (Keras' default).
const DefaultHuberDelta = 1.0

// Optimizers.
const (
	OptSGD     = "sgd"
	OptAdam    = "adam"
	OptRMSProp = "rmsprop"
	OptAdagrad = "adagrad"
)

// Data sets.
const (
	DatasetMNIST  = "mnist"
	DatasetCircle = "circle"
	DatasetXOR    = "xor"
	DatasetGauss  = "gauss"
	DatasetSpiral = "spiral"
	// Data sets described by Model.Data: the generated Shapes images
	// (32×32 RGB, and 28×28 grey), the vega-datasets tables, and the
	// user's own (uploads, webcam, drawings).
	DatasetShapes     = "shapes"
	DatasetShapesGrey = "shapes-grey"
	DatasetPenguins   = "penguins"
	DatasetCars       = "cars"
	DatasetCustom     = "custom"
)

// HasBias is Keras' use_bias: true unless UseBias is set to false.
func (l Layer) HasBias() bool { return l.UseBias == nil || *l.UseBias }

// HasBiasOption reports whether layers of type t read use_bias: Dense,
// Conv2D and the recurrent layers, the types with a bias.
func HasBiasOption(t string) bool {
	return t == TypeDense || t == TypeConv2D || IsRecurrent(t)
}

// Bool returns a pointer to b, for UseBias and ResetAfter.
func Bool(b bool) *bool { return &b }

// NoBias returns l with use_bias false: Dense(64, "relu") without its bias
// is NoBias(Dense(64, "relu")).
func NoBias(l Layer) Layer {
	l.UseBias = Bool(false)
	return l
}

// Dense returns a Dense layer with the given units and activation.
func Dense(units int, activation string) Layer {
	return Layer{Type: TypeDense, Units: units, Activation: activation}
}

// Conv2D returns a Conv2D layer of filters k×k filters, stride 1, padding
// valid (Keras' defaults), with the given activation.
func Conv2D(filters, k int, activation string) Layer {
	return Layer{Type: TypeConv2D, Filters: filters, KernelSize: []int{k, k}, Strides: []int{1, 1}, Padding: PaddingValid, Activation: activation}
}

// MaxPool2D returns a MaxPool2D layer with a p×p window, stride p and
// padding valid (Keras' defaults).
func MaxPool2D(p int) Layer {
	return Layer{Type: TypeMaxPool2D, PoolSize: []int{p, p}, Strides: []int{p, p}, Padding: PaddingValid}
}

// AveragePooling2D returns an AveragePooling2D layer with a p×p window,
// stride p and padding valid (Keras' defaults).
func AveragePooling2D(p int) Layer {
	return Layer{Type: TypeAveragePooling2D, PoolSize: []int{p, p}, Strides: []int{p, p}, Padding: PaddingValid}
}

// BatchNormalization returns a BatchNormalization layer with Keras'
// defaults: momentum 0.99, epsilon 0.001.
func BatchNormalization() Layer {
	return Layer{Type: TypeBatchNormalization, Momentum: 0.99, Epsilon: 1e-3}
}

// Reshape returns a Reshape layer to the given shape of one example.
func Reshape(shape ...int) Layer {
	return Layer{Type: TypeReshape, TargetShape: shape}
}

// Adam returns Adam with Keras' defaults.
func Adam(lr float64) Optimizer {
	return Optimizer{Name: OptAdam, LearningRate: lr, Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-7}
}

// Defaults returns o with Keras' defaults filled in for the fields o's
// optimizer uses and leaves zero.
func (o Optimizer) Defaults() Optimizer {
	if o.Schedule == ScheduleExponential && o.DecayRate == 0 {
		o.DecayRate = 0.5
	}
	switch o.Name {
	case OptAdam:
		if o.Beta1 == 0 {
			o.Beta1 = 0.9
		}
		if o.Beta2 == 0 {
			o.Beta2 = 0.999
		}
		if o.Epsilon == 0 {
			o.Epsilon = 1e-7
		}
	case OptRMSProp:
		if o.Rho == 0 {
			o.Rho = 0.9
		}
		if o.Epsilon == 0 {
			o.Epsilon = 1e-7
		}
	case OptAdagrad:
		if o.Epsilon == 0 {
			o.Epsilon = 1e-7
		}
	}
	return o
}

// Seed is nnplay's seed model: Dense 128 relu → Dense 64 relu → Dense 10
// softmax on flat MNIST, Adam, sparse categorical cross-entropy.
func Seed() Model {
	return Model{
		Input: []int{784},
		Layers: []Layer{
			Dense(128, ActReLU),
			Dense(64, ActReLU),
			Dense(10, ActSoftmax),
		},
		Optimizer: Adam(0.001),
		Loss:      LossSparseCategoricalCrossentropy,
		BatchSize: 64,
		Epochs:    2,
		Seed:      1,
		Dataset:   DatasetMNIST,
	}
}
