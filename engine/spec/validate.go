package spec

import (
	"fmt"
	"math"
)

// Limits on the training settings.
const (
	// MaxLearningRate is far above any useful step; larger ones are typos.
	MaxLearningRate = 10
	// MinToyFeatures and MaxToyFeatures bound the input of the 2-D
	// playground sets: x and y, then optionally x², y², xy, sin x and sin y.
	MinToyFeatures = 2
	MaxToyFeatures = 7
	// MNISTClasses is the number of digits.
	MNISTClasses = 10
)

// Validate checks that the model can be built and trained: everything Infer
// checks, then the optimizer, the loss, batch size, epochs, validation split,
// the data set, the input shape against the data set and the last layer's
// output against the loss, and last that training fits in a browser tab
// (MemoryEstimate at most MaxMemory). It returns the first problem as an
// *Error.
//
// Validate checks the model as given; zero settings are not defaults, so
// call Defaults first to fill them in.
func (m Model) Validate() error {
	infos, err := m.Infer()
	if err != nil {
		return err
	}
	for _, check := range []func() *Error{m.finiteFields, m.Optimizer.check, m.checkTraining, m.checkDataset} {
		if e := check(); e != nil {
			return e
		}
	}
	if err := m.checkOutput(infos[len(infos)-1].Output); err != nil {
		return err
	}
	if msg := m.checkMemory(); msg != "" {
		return fieldError("", msg)
	}
	return nil
}

// Defaults returns m with unset (zero) settings filled in with Keras'
// defaults: the optimizer's (Optimizer.Defaults, and a learning rate of 0.01
// for SGD, 0.001 otherwise), batch size 32, 1 epoch, the data set's usual
// input shape (a described data set's Data.Shape), alpha 0.3 for LeakyReLU
// layers, momentum 0.99 and epsilon 0.001 for BatchNormalization layers,
// and tanh and sigmoid gates for recurrent layers. m itself is not changed.
func (m Model) Defaults() Model {
	m.Optimizer = m.Optimizer.Defaults()
	if m.Optimizer.LearningRate == 0 {
		m.Optimizer.LearningRate = 0.001
		if m.Optimizer.Name == OptSGD {
			m.Optimizer.LearningRate = 0.01
		}
	}
	if m.BatchSize == 0 {
		m.BatchSize = 32
	}
	if m.Epochs == 0 {
		m.Epochs = 1
	}
	if len(m.Input) == 0 {
		switch {
		case m.Dataset == DatasetMNIST:
			m.Input = []int{784}
		case isToy(m.Dataset):
			m.Input = []int{MinToyFeatures}
		case m.Data != nil:
			m.Input = append([]int(nil), m.Data.Shape...)
		}
	}
	m.Layers = append([]Layer(nil), m.Layers...) // don't write to the caller's layers
	for i := range m.Layers {
		l := &m.Layers[i]
		if l.Type == TypeLeakyReLU && l.Alpha == 0 {
			l.Alpha = DefaultLeakyReLUAlpha
		}
		if IsRecurrent(l.Type) {
			if l.Activation == "" {
				l.Activation = ActTanh
			}
			if l.RecurrentActivation == "" && l.Type != TypeSimpleRNN {
				l.RecurrentActivation = ActSigmoid
			}
		}
		if l.Type == TypeBatchNormalization {
			if l.Momentum == 0 {
				l.Momentum = 0.99
			}
			if l.Epsilon == 0 {
				l.Epsilon = 1e-3
			}
		}
	}
	return m
}

// check returns what is wrong with the optimizer's settings, or nil.
// Only the fields the named optimizer uses are range-checked.
func (o Optimizer) check() *Error {
	switch o.Name {
	case OptSGD, OptAdam, OptRMSProp, OptAdagrad:
	case "":
		return fieldError(FieldOptimizer, "the optimizer's name is missing; use one of sgd, adam, rmsprop, adagrad")
	default:
		return fieldError(FieldOptimizer, fmt.Sprintf("unknown optimizer %q; use one of sgd, adam, rmsprop, adagrad", o.Name))
	}
	if !(o.LearningRate > 0 && o.LearningRate <= MaxLearningRate) {
		return fieldError(FieldLearningRate, fmt.Sprintf("learning rate must be above 0 and at most %d, got %g", MaxLearningRate, o.LearningRate))
	}
	if !(o.WeightDecay >= 0 && o.WeightDecay < 1) {
		return fieldError(FieldWeightDecay, fmt.Sprintf("weight decay must be at least 0 and below 1, got %g", o.WeightDecay))
	}
	if e := o.checkSchedule(); e != nil {
		return e
	}
	switch o.Name {
	case OptSGD:
		return unitInterval(FieldMomentum, "momentum", o.Momentum)
	case OptAdam:
		if e := unitInterval(FieldBeta1, "beta_1", o.Beta1); e != nil {
			return e
		}
		if e := unitInterval(FieldBeta2, "beta_2", o.Beta2); e != nil {
			return e
		}
	case OptRMSProp:
		if e := unitInterval(FieldRho, "rho", o.Rho); e != nil {
			return e
		}
	}
	// Adam, RMSProp and Adagrad divide by √v + ε.
	if !(o.Epsilon > 0) {
		return fieldError(FieldEpsilon, fmt.Sprintf("epsilon must be above 0, got %g", o.Epsilon))
	}
	return nil
}

// checkSchedule checks the learning-rate schedule and gradient clipping.
func (o Optimizer) checkSchedule() *Error {
	switch o.Schedule {
	case "", ScheduleConstant, ScheduleCosine:
	case ScheduleExponential:
		if !(o.DecayRate > 0 && o.DecayRate <= 1) {
			return fieldError(FieldDecayRate, fmt.Sprintf("the exponential schedule's decay rate must be above 0 and at most 1 (the factor per epoch, e.g. 0.5), got %g", o.DecayRate))
		}
	default:
		return fieldError(FieldSchedule, fmt.Sprintf("unknown learning-rate schedule %q; use constant, exponential or cosine", o.Schedule))
	}
	if !(o.GlobalClipNorm >= 0) || math.IsInf(o.GlobalClipNorm, 0) {
		return fieldError(FieldGlobalClipNorm, fmt.Sprintf("global clip norm must be 0 (off) or a positive number, got %g", o.GlobalClipNorm))
	}
	return nil
}

// unitInterval checks 0 ≤ x < 1, the value of field (name in the
// message); NaN fails.
func unitInterval(field, name string, x float64) *Error {
	if !(x >= 0 && x < 1) {
		return fieldError(field, fmt.Sprintf("%s must be at least 0 and below 1, got %g", name, x))
	}
	return nil
}

// checkTraining checks the loss and the fit settings.
func (m Model) checkTraining() *Error {
	switch m.Loss {
	case LossSparseCategoricalCrossentropy, LossCategoricalCrossentropy, LossMeanSquaredError, LossMeanAbsoluteError, LossHuber:
	case "":
		return fieldError(FieldLoss, "the loss is missing; use one of "+lossNames)
	default:
		return fieldError(FieldLoss, fmt.Sprintf("unknown loss %q; use one of %s", m.Loss, lossNames))
	}
	if m.FromLogits && IsRegressionLoss(m.Loss) {
		return fieldError(FieldFromLogits, "from_logits applies only to the cross-entropy losses; clear it for "+m.Loss)
	}
	if m.BatchSize < 1 || m.BatchSize > MaxBatchSize {
		return fieldError(FieldBatchSize, fmt.Sprintf("batch size must be between 1 and %d, got %d", MaxBatchSize, m.BatchSize))
	}
	if m.Epochs < 1 || m.Epochs > MaxEpochs {
		return fieldError(FieldEpochs, fmt.Sprintf("epochs must be between 1 and %d, got %d", MaxEpochs, m.Epochs))
	}
	return unitInterval(FieldValidationSplit, "validation split", m.ValidationSplit)
}

const lossNames = "sparse_categorical_crossentropy, categorical_crossentropy, mean_squared_error, mean_absolute_error, huber"

// IsRegressionLoss says whether a loss compares values rather than class
// scores: mean squared error, mean absolute error, Huber.
func IsRegressionLoss(name string) bool {
	switch name {
	case LossMeanSquaredError, LossMeanAbsoluteError, LossHuber:
		return true
	}
	return false
}

// IsDescribed says whether a data set is described by Model.Data.
func IsDescribed(name string) bool {
	switch name {
	case DatasetShapes, DatasetShapesGrey, DatasetPenguins, DatasetCars, DatasetCustom:
		return true
	}
	return false
}

const datasetNames = "mnist, circle, xor, gauss, spiral, shapes, shapes-grey, penguins, cars, custom"

func isToy(name string) bool {
	switch name {
	case DatasetCircle, DatasetXOR, DatasetGauss, DatasetSpiral:
		return true
	}
	return false
}

// checkDataset checks the data set's name and that the input fits it.
func (m Model) checkDataset() *Error {
	if m.Data != nil && !IsDescribed(m.Dataset) {
		return fieldError(FieldData, fmt.Sprintf("a data description applies to shapes, shapes-grey, penguins, cars and custom data; clear it for %s", m.Dataset))
	}
	switch {
	case IsDescribed(m.Dataset):
		if m.Data == nil {
			return fieldError(FieldData, fmt.Sprintf("dataset %s needs its data description (shape, classes, preprocessing)", m.Dataset))
		}
		if len(m.Classes) > 0 {
			return fieldError(FieldClasses, fmt.Sprintf("classes applies to mnist only; clear it for %s", m.Dataset))
		}
		if msg := m.Data.Check(); msg != "" {
			return fieldError(FieldData, msg)
		}
		if !m.Data.fitsInput(m.Input) {
			want := fmt.Sprintf("[%d]", m.Data.Features())
			if m.Data.Kind == KindImage {
				want = fmt.Sprintf("%v or [%d]", m.Data.Shape, m.Data.Features())
			}
			return fieldError(FieldInput, fmt.Sprintf("input shape %v does not fit %s (%s, %s); use %s", m.Input, m.Dataset, m.Data.Name, Shape(m.Data.Shape), want))
		}
		return nil
	case m.Dataset == DatasetMNIST:
		switch fmt.Sprint(m.Input) {
		case "[784]", "[28 28 1]", "[28 28]":
			return m.checkClasses()
		}
		return fieldError(FieldInput, fmt.Sprintf("input shape %v does not fit mnist; use [784], [28 28 1] or [28 28]", m.Input))
	case isToy(m.Dataset) && len(m.Classes) > 0:
		return fieldError(FieldClasses, fmt.Sprintf("classes applies to mnist only; clear it for %s", m.Dataset))
	case isToy(m.Dataset):
		if len(m.Input) == 1 && m.Input[0] >= MinToyFeatures && m.Input[0] <= MaxToyFeatures {
			return nil
		}
		return fieldError(FieldInput, fmt.Sprintf("input shape %v does not fit %s: its points have %d to %d features (x, y, then optionally x², y², xy, sin x, sin y); use [2] to [7]",
			m.Input, m.Dataset, MinToyFeatures, MaxToyFeatures))
	case m.Dataset == "":
		return fieldError(FieldDataset, "the dataset is missing; use one of "+datasetNames)
	default:
		return fieldError(FieldDataset, fmt.Sprintf("unknown dataset %q; use one of %s", m.Dataset, datasetNames))
	}
}

// checkClasses checks an mnist model's digit subset: at least two
// distinct digits, each 0 to 9.
func (m Model) checkClasses() *Error {
	if len(m.Classes) == 0 {
		return nil
	}
	if len(m.Classes) < 2 || len(m.Classes) > MNISTClasses {
		return fieldError(FieldClasses, fmt.Sprintf("classes %v: give 2 to %d distinct digits, or none for all ten", m.Classes, MNISTClasses))
	}
	seen := [MNISTClasses]bool{}
	for _, c := range m.Classes {
		if c < 0 || c >= MNISTClasses {
			return fieldError(FieldClasses, fmt.Sprintf("classes %v: %d is not a digit; use 0 to 9", m.Classes, c))
		}
		if seen[c] {
			return fieldError(FieldClasses, fmt.Sprintf("classes %v: digit %d appears twice", m.Classes, c))
		}
		seen[c] = true
	}
	return nil
}

// checkOutput checks that the last layer's output (shape out) fits the loss
// and the data set. Every data set is a classification, and every loss
// compares one score per class with the targets (class indices, or one-hot
// rows for categorical cross-entropy and mean squared error).
func (m Model) checkOutput(out []int) error {
	n := len(m.Layers)
	last := m.Layers[n-1]
	fail := func(field, format string, args ...any) error {
		return &Error{Layer: n, Type: last.Type, Field: field, Msg: fmt.Sprintf(format, args...)}
	}
	// A count of outputs is the last layer's units when it is Dense (else
	// setUnits names the layer to change).
	units := ""
	if last.Type == TypeDense {
		units = FieldUnits
	}
	if last.Type == TypeDropout {
		return fail("", "Dropout is the last layer, so the loss would see dropped-out outputs; move it before the output layer")
	}
	if len(out) != 1 {
		return fail("", "outputs %s but %s needs a flat vector of class scores; add Flatten and a Dense layer", Shape(out), m.Loss)
	}
	if m.Data != nil && m.Data.Task == TaskRegression {
		return m.checkRegressionOutput(out[0], units, fail)
	}
	if m.Data != nil && out[0] != m.Data.Outputs() {
		return fail(units, "outputs %s but %s has %d classes; %s", values(out[0]), m.Data.Name, m.Data.Outputs(), m.setUnits(m.Data.Outputs()))
	}
	if IsRegressionLoss(m.Loss) && m.Loss != LossMeanSquaredError {
		return fail("", "%s is a regression loss but %s is a classification; use sparse_categorical_crossentropy", m.Loss, m.datasetName())
	}
	switch {
	case m.Dataset == DatasetMNIST && len(m.Classes) > 0 && out[0] != len(m.Classes):
		return fail(units, "outputs %s but the model learns %d digits %v; %s", values(out[0]), len(m.Classes), m.Classes, m.setUnits(len(m.Classes)))
	case m.Dataset == DatasetMNIST && len(m.Classes) == 0 && out[0] != MNISTClasses:
		return fail(units, "outputs %s but mnist has %d classes; %s", values(out[0]), MNISTClasses, m.setUnits(MNISTClasses))
	case out[0] < 2:
		return fail(units, "outputs %s but a classifier needs one score per class, at least 2; %s", values(out[0]), m.setUnits(2))
	}
	if IsRegressionLoss(m.Loss) {
		return nil
	}
	softmax := last.Type == TypeSoftmax || (last.Type == TypeDense && last.Activation == ActSoftmax)
	switch {
	case !m.FromLogits && !softmax && last.Type == TypeDense:
		return fail(FieldActivation, "%s expects probabilities but this layer has no softmax; set activation to softmax, or set from_logits", m.Loss)
	case !m.FromLogits && !softmax:
		return fail("", "%s expects probabilities but the model does not end in softmax; add a Softmax layer, or set from_logits", m.Loss)
	case m.FromLogits && softmax && last.Type == TypeDense:
		return fail(FieldActivation, "from_logits is set but this layer applies softmax; set activation to linear, or clear from_logits")
	case m.FromLogits && softmax:
		return fail("", "from_logits is set but this layer applies softmax; remove it, or clear from_logits")
	}
	return nil
}

// checkRegressionOutput checks a regression model's output: one linear
// value and a regression loss. units is the field that sets the count of
// outputs ("" when the last layer has none).
func (m Model) checkRegressionOutput(out int, units string, fail func(field, format string, args ...any) error) error {
	last := m.Layers[len(m.Layers)-1]
	switch {
	case out != 1:
		return fail(units, "outputs %s but %s is a regression of one value; %s", values(out), m.Data.Name, m.setUnits(1))
	case !IsRegressionLoss(m.Loss):
		return fail("", "%s is a regression; use the loss mean_squared_error, mean_absolute_error or huber, not %s", m.Data.Name, m.Loss)
	case last.Type == TypeSoftmax || (last.Type == TypeDense && last.Activation == ActSoftmax):
		return fail(softmaxField(last), "softmax of one value is always 1; a regression's last layer is Dense with a linear activation")
	}
	return nil
}

// softmaxField is the field that makes layer l a softmax: its activation
// when it is Dense, else none (it is a Softmax layer).
func softmaxField(l Layer) string {
	if l.Type == TypeDense {
		return FieldActivation
	}
	return ""
}

// datasetName is the data's own name, or the dataset's.
func (m Model) datasetName() string {
	if m.Data != nil {
		return m.Data.Name
	}
	return m.Dataset
}

// setUnits tells the user how to make the model output k values.
func (m Model) setUnits(k int) string {
	for i := len(m.Layers) - 1; i >= 0; i-- {
		if m.Layers[i].Type != TypeDense {
			continue
		}
		if i == len(m.Layers)-1 {
			return fmt.Sprintf("set units to %d", k)
		}
		return fmt.Sprintf("set units of layer %d (Dense) to %d", i+1, k)
	}
	return fmt.Sprintf("end the model with a Dense layer of %d units", k)
}

func values(n int) string {
	if n == 1 {
		return "1 value"
	}
	return fmt.Sprintf("%d values", n)
}

// finite returns a message when x is NaN or ±Inf.
func finite(name string, x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return fmt.Sprintf("%s must be a finite number, got %g", name, x)
	}
	return ""
}

// finiteFields checks the layer's float fields, used or not.
func (l Layer) finiteFields() *Error {
	for _, f := range []struct {
		field string
		x     float64
	}{
		{FieldAlpha, l.Alpha}, {FieldMomentum, l.Momentum}, {FieldEpsilon, l.Epsilon}, {FieldRate, l.Rate},
	} {
		if msg := finite(f.field, f.x); msg != "" {
			return fieldError(f.field, msg)
		}
	}
	return nil
}

// finiteFields checks the model's own float fields and the optimizer's,
// used or not (not the layers'; Infer checks those).
func (m Model) finiteFields() *Error {
	o := m.Optimizer
	for _, f := range []struct {
		field, name string
		x           float64
	}{
		{FieldLearningRate, "learning rate", o.LearningRate}, {FieldMomentum, "momentum", o.Momentum},
		{FieldBeta1, "beta_1", o.Beta1}, {FieldBeta2, "beta_2", o.Beta2}, {FieldEpsilon, "epsilon", o.Epsilon},
		{FieldRho, "rho", o.Rho}, {FieldWeightDecay, "weight decay", o.WeightDecay},
		{FieldDecayRate, "decay rate", o.DecayRate}, {FieldGlobalClipNorm, "global clip norm", o.GlobalClipNorm},
		{FieldValidationSplit, "validation split", m.ValidationSplit},
	} {
		if msg := finite(f.name, f.x); msg != "" {
			return fieldError(f.field, msg)
		}
	}
	if d := m.Data; d != nil {
		for _, x := range append(append([]float64{d.TargetOffset, d.TargetScale}, d.Offset...), d.Scale...) {
			if msg := finite("data "+d.Name+": every offset and scale", x); msg != "" {
				return fieldError(FieldData, msg)
			}
		}
	}
	return nil
}
