package spec

import (
	"errors"
	"math"
	"reflect"
	"testing"
)

// toy is a valid model for the 2-D playground's circle set.
func toy() Model {
	return Model{
		Input:     []int{2},
		Layers:    []Layer{Dense(8, ActTanh), Dense(2, ActSoftmax)},
		Optimizer: Adam(0.03),
		Loss:      LossSparseCategoricalCrossentropy,
		BatchSize: 10,
		Epochs:    5,
		Seed:      7,
		Dataset:   DatasetCircle,
	}
}

func layers(ls ...Layer) []Layer { return ls }

// TestValidateRules breaks one rule per case, starting from the seed model
// (or toy), and checks the exact message and the layer it names.
func TestValidateRules(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	cases := []struct {
		name  string
		edit  func(m *Model)
		layer int    // 0: a model-level rule
		field string // Error.Field
		want  string
	}{
		// Infer: input and layer list.
		{"no input", func(m *Model) { m.Input = nil }, 0, FieldInput, "input shape is empty"},
		{"zero dim", func(m *Model) { m.Input = []int{784, 0} }, 0, FieldInput, "input shape [784 0]: every dimension must be at least 1"},
		{"input too big", func(m *Model) { m.Input = []int{2048, 1024} }, 0, FieldInput, "input shape [2048 1024] holds more than 1048576 values per example"},
		{"no layers", func(m *Model) { m.Layers = nil }, 0, FieldLayers, "the model has no layers"},
		{"too many layers", func(m *Model) { m.Layers = make([]Layer, 65) }, 0, FieldLayers, "the model has 65 layers; at most 64 are allowed"},
		// Infer: each layer type's config.
		{"dense on image", func(m *Model) { m.Input = []int{28, 28, 1} }, 1, "", "layer 1 (Dense): needs a flat input, got shape (None, 28, 28, 1); add Flatten first"},
		{"units 0", func(m *Model) { m.Layers[1].Units = 0 }, 2, FieldUnits, "layer 2 (Dense): units must be between 1 and 4096, got 0"},
		{"units too many", func(m *Model) { m.Layers[0].Units = 4097 }, 1, FieldUnits, "layer 1 (Dense): units must be between 1 and 4096, got 4097"},
		{"dense too big", func(m *Model) { m.Input = []int{1 << 20}; m.Layers[0].Units = 64 }, 1, FieldUnits,
			"layer 1 (Dense): 1048576 inputs × 64 units is more than 33554432 weights; use fewer units"},
		// 784·4096+4096 + 2·(4096·4096+4096) = 36777984 weights.
		{"model too big", func(m *Model) {
			m.Layers = layers(Dense(4096, ActReLU), Dense(4096, ActReLU), Dense(4096, ActReLU), Dense(10, ActSoftmax))
		}, 3, FieldUnits,
			"layer 3 (Dense): the model would have 36777984 weights; at most 33554432 fit in a browser tab; use fewer units"},
		{"activation", func(m *Model) { m.Layers[0].Activation = "gelu" }, 1, FieldActivation,
			`layer 1 (Dense): unknown activation "gelu"; use one of linear, relu, leaky_relu, sigmoid, tanh, softmax`},
		{"initializer", func(m *Model) { m.Layers[2].KernelInitializer = "zeros" }, 3, FieldKernelInitializer,
			`layer 3 (Dense): unknown kernel initializer "zeros"; use glorot_uniform or he_normal`},
		{"dense alpha", func(m *Model) { m.Layers[0].Activation = ActLeakyReLU; m.Layers[0].Alpha = 1.5 }, 1, FieldAlpha,
			"layer 1 (Dense): alpha must be between 0 and 1 (exclusive), got 1.5"},
		{"dense alpha NaN", func(m *Model) { m.Layers[0].Activation = ActLeakyReLU; m.Layers[0].Alpha = nan }, 1, FieldAlpha,
			"layer 1 (Dense): alpha must be between 0 and 1 (exclusive), got NaN"},
		{"leaky alpha 0", func(m *Model) { m.Layers = append(layers(Layer{Type: TypeLeakyReLU}), m.Layers...) }, 1, FieldAlpha,
			"layer 1 (LeakyReLU): alpha must be between 0 and 1 (exclusive), got 0"},
		{"leaky alpha NaN", func(m *Model) { m.Layers = append(layers(Layer{Type: TypeLeakyReLU, Alpha: nan}), m.Layers...) }, 1, FieldAlpha,
			"layer 1 (LeakyReLU): alpha must be between 0 and 1 (exclusive), got NaN"},
		{"dropout 1", func(m *Model) { m.Layers = append(layers(Layer{Type: TypeDropout, Rate: 1}), m.Layers...) }, 1, FieldRate,
			"layer 1 (Dropout): rate must be at least 0 and below 1, got 1"},
		{"dropout negative", func(m *Model) { m.Layers = append(layers(Layer{Type: TypeDropout, Rate: -0.1}), m.Layers...) }, 1, FieldRate,
			"layer 1 (Dropout): rate must be at least 0 and below 1, got -0.1"},
		{"dropout NaN", func(m *Model) { m.Layers = append(layers(Layer{Type: TypeDropout, Rate: nan}), m.Layers...) }, 1, FieldRate,
			"layer 1 (Dropout): rate must be at least 0 and below 1, got NaN"},
		{"type missing", func(m *Model) { m.Layers[1].Type = "" }, 2, FieldType, "layer 2: layer type is missing"},
		{"type unknown", func(m *Model) { m.Layers[1].Type = "Conv3D" }, 2, FieldType, `layer 2 (Conv3D): unknown layer type "Conv3D"`},
		{"unused rate NaN", func(m *Model) { m.Layers[0].Rate = nan }, 1, FieldRate, "layer 1 (Dense): rate must be a finite number, got NaN"},
		{"unused alpha Inf", func(m *Model) { m.Layers = append(layers(Layer{Type: TypeReLU, Alpha: inf}), m.Layers...) }, 1, FieldAlpha,
			"layer 1 (ReLU): alpha must be a finite number, got +Inf"},
		// Model-level floats, used by the optimizer or not.
		{"lr NaN", func(m *Model) { m.Optimizer.LearningRate = nan }, 0, FieldLearningRate, "learning rate must be a finite number, got NaN"},
		{"unused momentum NaN", func(m *Model) { m.Optimizer.Momentum = nan }, 0, FieldMomentum, "momentum must be a finite number, got NaN"},
		{"rho -Inf", func(m *Model) { m.Optimizer.Rho = math.Inf(-1) }, 0, FieldRho, "rho must be a finite number, got -Inf"},
		{"split Inf", func(m *Model) { m.ValidationSplit = inf }, 0, FieldValidationSplit, "validation split must be a finite number, got +Inf"},
		// Optimizer.
		{"optimizer missing", func(m *Model) { m.Optimizer.Name = "" }, 0, FieldOptimizer, "the optimizer's name is missing; use one of sgd, adam, rmsprop, adagrad"},
		{"optimizer unknown", func(m *Model) { m.Optimizer.Name = "Adam" }, 0, FieldOptimizer, `unknown optimizer "Adam"; use one of sgd, adam, rmsprop, adagrad`},
		{"lr 0", func(m *Model) { m.Optimizer.LearningRate = 0 }, 0, FieldLearningRate, "learning rate must be above 0 and at most 10, got 0"},
		{"lr negative", func(m *Model) { m.Optimizer.LearningRate = -0.01 }, 0, FieldLearningRate, "learning rate must be above 0 and at most 10, got -0.01"},
		{"lr 11", func(m *Model) { m.Optimizer.LearningRate = 11 }, 0, FieldLearningRate, "learning rate must be above 0 and at most 10, got 11"},
		{"weight decay 1", func(m *Model) { m.Optimizer.WeightDecay = 1 }, 0, FieldWeightDecay, "weight decay must be at least 0 and below 1, got 1"},
		{"schedule unknown", func(m *Model) { m.Optimizer.Schedule = "step" }, 0, FieldSchedule, `unknown learning-rate schedule "step"; use constant, exponential or cosine`},
		{"decay rate 0", func(m *Model) { m.Optimizer.Schedule = ScheduleExponential }, 0, FieldDecayRate,
			"the exponential schedule's decay rate must be above 0 and at most 1 (the factor per epoch, e.g. 0.5), got 0"},
		{"decay rate 2", func(m *Model) { m.Optimizer.Schedule, m.Optimizer.DecayRate = ScheduleExponential, 2 }, 0, FieldDecayRate,
			"the exponential schedule's decay rate must be above 0 and at most 1 (the factor per epoch, e.g. 0.5), got 2"},
		{"decay rate NaN", func(m *Model) { m.Optimizer.DecayRate = nan }, 0, FieldDecayRate, "decay rate must be a finite number, got NaN"},
		{"clip negative", func(m *Model) { m.Optimizer.GlobalClipNorm = -1 }, 0, FieldGlobalClipNorm, "global clip norm must be 0 (off) or a positive number, got -1"},
		{"clip Inf", func(m *Model) { m.Optimizer.GlobalClipNorm = inf }, 0, FieldGlobalClipNorm, "global clip norm must be a finite number, got +Inf"},
		{"weight decay negative", func(m *Model) { m.Optimizer.WeightDecay = -1e-4 }, 0, FieldWeightDecay, "weight decay must be at least 0 and below 1, got -0.0001"},
		{"momentum 1", func(m *Model) { m.Optimizer = Optimizer{Name: OptSGD, LearningRate: 0.1, Momentum: 1} }, 0, FieldMomentum, "momentum must be at least 0 and below 1, got 1"},
		{"momentum negative", func(m *Model) { m.Optimizer = Optimizer{Name: OptSGD, LearningRate: 0.1, Momentum: -0.5} }, 0, FieldMomentum, "momentum must be at least 0 and below 1, got -0.5"},
		{"beta_1 1", func(m *Model) { m.Optimizer.Beta1 = 1 }, 0, FieldBeta1, "beta_1 must be at least 0 and below 1, got 1"},
		{"beta_2 negative", func(m *Model) { m.Optimizer.Beta2 = -0.1 }, 0, FieldBeta2, "beta_2 must be at least 0 and below 1, got -0.1"},
		{"rho 1", func(m *Model) { m.Optimizer = Optimizer{Name: OptRMSProp, LearningRate: 0.001, Rho: 1, Epsilon: 1e-7} }, 0, FieldRho, "rho must be at least 0 and below 1, got 1"},
		{"adam epsilon 0", func(m *Model) { m.Optimizer.Epsilon = 0 }, 0, FieldEpsilon, "epsilon must be above 0, got 0"},
		{"rmsprop epsilon negative", func(m *Model) { m.Optimizer = Optimizer{Name: OptRMSProp, LearningRate: 0.001, Rho: 0.9, Epsilon: -1} }, 0, FieldEpsilon, "epsilon must be above 0, got -1"},
		{"adagrad epsilon 0", func(m *Model) { m.Optimizer = Optimizer{Name: OptAdagrad, LearningRate: 0.01} }, 0, FieldEpsilon, "epsilon must be above 0, got 0"},
		// Loss and fit settings.
		{"loss missing", func(m *Model) { m.Loss = "" }, 0, FieldLoss, "the loss is missing; use one of sparse_categorical_crossentropy, categorical_crossentropy, mean_squared_error, mean_absolute_error, huber"},
		{"loss unknown", func(m *Model) { m.Loss = "hinge" }, 0, FieldLoss, `unknown loss "hinge"; use one of sparse_categorical_crossentropy, categorical_crossentropy, mean_squared_error, mean_absolute_error, huber`},
		{"from_logits with mse", func(m *Model) { m.Loss = LossMeanSquaredError; m.FromLogits = true }, 0, FieldFromLogits,
			"from_logits applies only to the cross-entropy losses; clear it for mean_squared_error"},
		{"batch 0", func(m *Model) { m.BatchSize = 0 }, 0, FieldBatchSize, "batch size must be between 1 and 4096, got 0"},
		{"batch too big", func(m *Model) { m.BatchSize = 4097 }, 0, FieldBatchSize, "batch size must be between 1 and 4096, got 4097"},
		{"epochs 0", func(m *Model) { m.Epochs = 0 }, 0, FieldEpochs, "epochs must be between 1 and 1000, got 0"},
		{"epochs too many", func(m *Model) { m.Epochs = 1001 }, 0, FieldEpochs, "epochs must be between 1 and 1000, got 1001"},
		{"split 1", func(m *Model) { m.ValidationSplit = 1 }, 0, FieldValidationSplit, "validation split must be at least 0 and below 1, got 1"},
		{"split negative", func(m *Model) { m.ValidationSplit = -0.2 }, 0, FieldValidationSplit, "validation split must be at least 0 and below 1, got -0.2"},
		// Data set and input.
		{"dataset missing", func(m *Model) { m.Dataset = "" }, 0, FieldDataset, "the dataset is missing; use one of mnist, circle, xor, gauss, spiral, shapes, shapes-grey, penguins, cars, custom"},
		{"dataset unknown", func(m *Model) { m.Dataset = "cifar10" }, 0, FieldDataset, `unknown dataset "cifar10"; use one of mnist, circle, xor, gauss, spiral, shapes, shapes-grey, penguins, cars, custom`},
		{"mnist input", func(m *Model) { m.Input = []int{10} }, 0, FieldInput, "input shape [10] does not fit mnist; use [784], [28 28 1] or [28 28]"},
		{"toy input 1", func(m *Model) { *m = toy(); m.Input = []int{1} }, 0, FieldInput,
			"input shape [1] does not fit circle: its points have 2 to 7 features (x, y, then optionally x², y², xy, sin x, sin y); use [2] to [7]"},
		{"toy input 8", func(m *Model) { *m = toy(); m.Dataset = DatasetSpiral; m.Input = []int{8} }, 0, FieldInput,
			"input shape [8] does not fit spiral: its points have 2 to 7 features (x, y, then optionally x², y², xy, sin x, sin y); use [2] to [7]"},
		{"toy input 2-D", func(m *Model) {
			*m = toy()
			m.Input = []int{2, 1}
			m.Layers = append(layers(Layer{Type: TypeFlatten}), m.Layers...)
		}, 0, FieldInput, "input shape [2 1] does not fit circle: its points have 2 to 7 features (x, y, then optionally x², y², xy, sin x, sin y); use [2] to [7]"},
		// The last layer against the loss and the data set.
		{"dropout last", func(m *Model) { m.Layers = append(m.Layers, Layer{Type: TypeDropout, Rate: 0.5}) }, 4, "",
			"layer 4 (Dropout): Dropout is the last layer, so the loss would see dropped-out outputs; move it before the output layer"},
		{"image output", func(m *Model) { m.Input = []int{28, 28}; m.Layers = layers(Layer{Type: TypeSoftmax}) }, 1, "",
			"layer 1 (Softmax): outputs (None, 28, 28) but sparse_categorical_crossentropy needs a flat vector of class scores; add Flatten and a Dense layer"},
		{"mnist 12 units", func(m *Model) { m.Layers[2].Units = 12 }, 3, FieldUnits, "layer 3 (Dense): outputs 12 values but mnist has 10 classes; set units to 10"},
		{"mnist 12 then softmax", func(m *Model) {
			m.Layers[2] = Dense(12, ActLinear)
			m.Layers = append(m.Layers, Layer{Type: TypeSoftmax})
		}, 4, "",
			"layer 4 (Softmax): outputs 12 values but mnist has 10 classes; set units of layer 3 (Dense) to 10"},
		{"mnist no dense", func(m *Model) { m.Layers = layers(Layer{Type: TypeSoftmax}) }, 1, "",
			"layer 1 (Softmax): outputs 784 values but mnist has 10 classes; end the model with a Dense layer of 10 units"},
		{"toy 1 output", func(m *Model) { *m = toy(); m.Loss = LossMeanSquaredError; m.Layers[1] = Dense(1, ActTanh) }, 2, FieldUnits,
			"layer 2 (Dense): outputs 1 value but a classifier needs one score per class, at least 2; set units to 2"},
		{"ce without softmax", func(m *Model) { m.Layers[2].Activation = ActSigmoid }, 3, FieldActivation,
			"layer 3 (Dense): sparse_categorical_crossentropy expects probabilities but this layer has no softmax; set activation to softmax, or set from_logits"},
		{"ce ends in Sigmoid", func(m *Model) {
			m.Loss = LossCategoricalCrossentropy
			m.Layers[2].Activation = ""
			m.Layers = append(m.Layers, Layer{Type: TypeSigmoid})
		}, 4, "", "layer 4 (Sigmoid): categorical_crossentropy expects probabilities but the model does not end in softmax; add a Softmax layer, or set from_logits"},
		{"logits with softmax", func(m *Model) { m.FromLogits = true }, 3, FieldActivation,
			"layer 3 (Dense): from_logits is set but this layer applies softmax; set activation to linear, or clear from_logits"},
		{"logits with Softmax layer", func(m *Model) {
			m.FromLogits = true
			m.Layers[2].Activation = ActLinear
			m.Layers = append(m.Layers, Layer{Type: TypeSoftmax})
		}, 4, "", "layer 4 (Softmax): from_logits is set but this layer applies softmax; remove it, or clear from_logits"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := Seed()
			c.edit(&m)
			err := m.Validate()
			if err == nil {
				t.Fatalf("Validate() = nil, want %q", c.want)
			}
			if err.Error() != c.want {
				t.Errorf("Validate() = %q\n                  want %q", err, c.want)
			}
			var se *Error
			if !errors.As(err, &se) {
				t.Fatalf("error is %T, want *spec.Error", err)
			}
			if se.Layer != c.layer {
				t.Errorf("Error.Layer = %d, want %d", se.Layer, c.layer)
			}
			if se.Field != c.field {
				t.Errorf("Error.Field = %q, want %q", se.Field, c.field)
			}
		})
	}
}

// TestValidateAccepts checks models on the edge of every range pass.
func TestValidateAccepts(t *testing.T) {
	cases := []struct {
		name string
		edit func(m *Model)
	}{
		{"seed", func(m *Model) {}},
		{"toy", func(m *Model) { *m = toy() }},
		{"toy with 7 features, mse, sigmoid", func(m *Model) {
			*m = toy()
			m.Input = []int{7}
			m.Dataset = DatasetXOR
			m.Loss = LossMeanSquaredError
			m.Layers[1].Activation = ActSigmoid
		}},
		{"mnist image input", func(m *Model) {
			m.Input = []int{28, 28, 1}
			m.Layers = append(layers(Layer{Type: TypeFlatten}), m.Layers...)
		}},
		{"mnist 28x28", func(m *Model) {
			m.Input = []int{28, 28}
			m.Layers = append(layers(Layer{Type: TypeFlatten}), m.Layers...)
		}},
		{"from logits", func(m *Model) { m.FromLogits = true; m.Layers[2].Activation = "" }},
		{"softmax layer", func(m *Model) {
			m.Layers[2].Activation = ActLinear
			m.Layers = append(m.Layers, Layer{Type: TypeSoftmax})
		}},
		{"every layer type", func(m *Model) { m.Input = []int{28, 28, 1}; m.Layers = everyLayer() }},
		{"limits", func(m *Model) {
			m.Optimizer = Optimizer{Name: OptSGD, LearningRate: 10, Momentum: 0.999, Nesterov: true, WeightDecay: 0.999}
			m.BatchSize, m.Epochs, m.ValidationSplit = MaxBatchSize, MaxEpochs, 0.999
		}},
		{"unused fields may be set", func(m *Model) { m.Optimizer.Momentum = 5; m.Optimizer.Rho = -1; m.Layers[0].Rate = 3 }},
		{"sgd needs no epsilon", func(m *Model) { m.Optimizer = Optimizer{Name: OptSGD, LearningRate: 0.01} }},
		{"rmsprop", func(m *Model) { m.Optimizer = Optimizer{Name: OptRMSProp, LearningRate: 0.001, Rho: 0, Epsilon: 1e-7} }},
		{"adagrad", func(m *Model) { m.Optimizer = Optimizer{Name: OptAdagrad, LearningRate: 0.01, Epsilon: 1e-7} }},
		{"dense leaky default alpha", func(m *Model) { m.Layers[0].Activation = ActLeakyReLU }},
		{"dense leaky alpha", func(m *Model) { m.Layers[0].Activation = ActLeakyReLU; m.Layers[0].Alpha = 0.01 }},
		// 22,994,332 weights: just under the memory guard (see TestMemoryGuard).
		{"largest model", func(m *Model) {
			m.Layers = layers(Dense(4096, ActReLU), Dense(4096, ActReLU), Dense(730, ActReLU), Dense(10, ActSoftmax))
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := Seed()
			c.edit(&m)
			if err := m.Validate(); err != nil {
				t.Fatalf("Validate() = %v, want nil", err)
			}
		})
	}
}

// everyLayer uses every layer type, activation and initializer, for
// [28, 28, 1] input and 10 classes.
func everyLayer() []Layer {
	return []Layer{
		{Type: TypeFlatten},
		{Type: TypeDense, Units: 32, Activation: ActReLU, KernelInitializer: InitHeNormal, Frozen: true},
		{Type: TypeDense, Units: 16, Activation: ActLeakyReLU, Alpha: 0.1},
		{Type: TypeDense, Units: 16, Activation: ActSigmoid, KernelInitializer: InitGlorotUniform},
		{Type: TypeDense, Units: 16, Activation: ActTanh},
		{Type: TypeDense, Units: 16, Activation: ActLinear},
		{Type: TypeReLU},
		{Type: TypeLeakyReLU, Alpha: 0.3},
		{Type: TypeSigmoid},
		{Type: TypeTanh},
		{Type: TypeDropout, Rate: 0.25},
		{Type: TypeDense, Units: 10},
		{Type: TypeSoftmax},
	}
}

func TestDefaults(t *testing.T) {
	leaky := []Layer{{Type: TypeLeakyReLU}, Dense(10, ActSoftmax)}
	m := Model{
		Layers:    leaky,
		Optimizer: Optimizer{Name: OptAdam},
		Loss:      LossSparseCategoricalCrossentropy,
		Dataset:   DatasetMNIST,
	}
	got := m.Defaults()
	want := Model{
		Input:     []int{784},
		Layers:    []Layer{{Type: TypeLeakyReLU, Alpha: 0.3}, Dense(10, ActSoftmax)},
		Optimizer: Optimizer{Name: OptAdam, LearningRate: 0.001, Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-7},
		Loss:      LossSparseCategoricalCrossentropy,
		BatchSize: 32,
		Epochs:    1,
		Dataset:   DatasetMNIST,
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Defaults() =\n%+v\nwant\n%+v", got, want)
	}
	if err := got.Validate(); err != nil {
		t.Fatalf("defaulted model does not validate: %v", err)
	}
	if leaky[0].Alpha != 0 {
		t.Errorf("Defaults changed the caller's layers: alpha = %g", leaky[0].Alpha)
	}
	// Set values stay; SGD and RMSProp get their own defaults.
	sgd := Model{Optimizer: Optimizer{Name: OptSGD}, Dataset: DatasetGauss, BatchSize: 8, Epochs: 3}.Defaults()
	if sgd.Optimizer.LearningRate != 0.01 || sgd.Optimizer.Epsilon != 0 || sgd.BatchSize != 8 || sgd.Epochs != 3 || !reflect.DeepEqual(sgd.Input, []int{2}) {
		t.Errorf("SGD defaults: %+v", sgd)
	}
	ada := Model{Optimizer: Optimizer{Name: OptAdagrad}}.Defaults().Optimizer
	if ada != (Optimizer{Name: OptAdagrad, LearningRate: 0.001, Epsilon: 1e-7}) {
		t.Errorf("Adagrad defaults: %+v", ada)
	}
	rms := Model{Optimizer: Optimizer{Name: OptRMSProp, LearningRate: 0.5}}.Defaults()
	if rms.Optimizer != (Optimizer{Name: OptRMSProp, LearningRate: 0.5, Rho: 0.9, Epsilon: 1e-7}) || rms.Input != nil {
		t.Errorf("RMSProp defaults: %+v", rms)
	}
}
