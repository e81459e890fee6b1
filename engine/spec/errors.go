package spec

import "fmt"

// Error is a validation failure. Layer is 1-based; 0 means the model
// itself. Field names the setting at fault by its JSON name (the Field*
// constants): one of the layer's when Layer > 0, else one of the model's or
// its optimizer's; it is "" when the problem is no single setting's, such
// as a layer that needs another input shape or a model too large for a tab.
type Error struct {
	Layer int
	Type  string
	Field string
	Msg   string
}

func (e *Error) Error() string {
	if e.Layer == 0 {
		return e.Msg
	}
	if e.Type == "" {
		return fmt.Sprintf("layer %d: %s", e.Layer, e.Msg)
	}
	return fmt.Sprintf("layer %d (%s): %s", e.Layer, e.Type, e.Msg)
}

// The fields an Error names: the JSON names of Layer's settings …
const (
	FieldType                = "type"
	FieldUnits               = "units"
	FieldActivation          = "activation"
	FieldKernelInitializer   = "kernel_initializer"
	FieldAlpha               = "alpha"
	FieldRate                = "rate"
	FieldFilters             = "filters"
	FieldKernelSize          = "kernel_size"
	FieldStrides             = "strides"
	FieldPadding             = "padding"
	FieldPoolSize            = "pool_size"
	FieldTargetShape         = "target_shape"
	FieldMomentum            = "momentum" // also the optimizer's (SGD)
	FieldEpsilon             = "epsilon"  // also the optimizer's
	FieldRecurrentActivation = "recurrent_activation"
	FieldUseBias             = "use_bias"
)

// … of Model's …
const (
	FieldInput           = "input"
	FieldLayers          = "layers"
	FieldLoss            = "loss"
	FieldFromLogits      = "from_logits"
	FieldBatchSize       = "batch_size"
	FieldEpochs          = "epochs"
	FieldDataset         = "dataset"
	FieldValidationSplit = "validation_split"
	FieldClasses         = "classes"
	FieldData            = "data"
)

// … and of Optimizer's (FieldOptimizer is its name).
const (
	FieldOptimizer      = "optimizer"
	FieldLearningRate   = "learning_rate"
	FieldWeightDecay    = "weight_decay"
	FieldBeta1          = "beta_1"
	FieldBeta2          = "beta_2"
	FieldRho            = "rho"
	FieldSchedule       = "schedule"
	FieldDecayRate      = "decay_rate"
	FieldGlobalClipNorm = "global_clipnorm"
)

// fieldError is an Error about field with message msg; the caller fills in
// the layer.
func fieldError(field, msg string) *Error { return &Error{Field: field, Msg: msg} }
