package protocol

import (
	"fmt"

	"github.com/nnplay/nnplay/engine/spec"
)

// Messages for keeping and adapting models: TensorFlow.js files, fine-
// tuning (a new head, frozen layers, training towards a goal, the user's
// own drawings) and a fixed check on the first test images.

// Limits of the messages below.
const (
	// MaxExamples bounds the drawings tune_examples takes.
	MaxExamples = 2000
	// MaxTuneEpochs bounds tune_examples' epochs.
	MaxTuneEpochs = 100
	// MaxMix bounds the MNIST images mixed into tune_examples.
	MaxMix = 10000
	// MaxTestPredict bounds test_predict's count.
	MaxTestPredict = 1000
	// MaxGoalBatches bounds train_goal's max_batches.
	MaxGoalBatches = 1000000
	// MaxTFJSFiles bounds the weight files import_tfjs takes.
	MaxTFJSFiles = 64
)

// ExportTFJS asks for the model in the TensorFlow.js Layers format. The page
// sends it when the user downloads the model for TensorFlow.js; the worker
// answers TFJSExport with the same ID.
type ExportTFJS struct {
	ID int `json:"id"`
}

// TFJSExport answers ExportTFJS: the worker sends model.json and the weights
// file it names (WeightsName), to be saved side by side.
type TFJSExport struct {
	ID          int    `json:"id"`
	ModelJSON   []byte `json:"model_json"`
	WeightsName string `json:"weights_name"`
	Weights     []byte `json:"weights"`
}

// ImportTFJS asks the worker to replace its model with a TensorFlow.js
// Layers model: model.json and its weight files by name. The page sends it
// when the user opens TensorFlow.js files. It is answered as LoadModel is
// (ModelLoaded with the same ID, Built and State idle, or an error event
// that names what nnplay cannot read, the current model kept).
type ImportTFJS struct {
	ID        int               `json:"id"`
	ModelJSON []byte            `json:"model_json"`
	Files     map[string][]byte `json:"files"`
}

// ReplaceHead asks the worker to adapt its model to new classes: the last
// Dense layer is replaced by a new Dense(len(Classes), softmax) head drawn
// from Seed (nn.ReplaceHead), the layers listed in Freeze (0-based) are
// frozen, and the model learns the digits Classes from then on. The page
// sends it from the fine-tune place; the worker answers HeadReplaced, then
// Built and State idle.
type ReplaceHead struct {
	ID      int   `json:"id"`
	Classes []int `json:"classes"`
	Freeze  []int `json:"freeze,omitempty"`
	Seed    int64 `json:"seed"`
}

// HeadReplaced answers ReplaceHead: the worker sends the new model's spec
// and its accuracy on the test images of its classes before any training.
type HeadReplaced struct {
	ID       int        `json:"id"`
	Spec     spec.Model `json:"spec"`
	Accuracy float64    `json:"accuracy"`
}

// TrainGoal starts training now towards a goal: it ends when the model's
// accuracy on the test images of its classes, measured every Every batches,
// reaches Target, or after MaxBatches batches (Target 0: exactly
// MaxBatches). Epochs do not end it. With Scratch the worker trains a fresh
// copy of its model instead (the same layers, none frozen, weights from
// ScratchSeed) and puts its own model back at the end. The page sends it
// from the fine-tune place to compare fine-tuning with training from
// scratch. Progress is reported as usual; the end is answered by GoalDone
// (also after a stop, or when a new model takes the worker's model's
// place; a request for a model that the worker refuses leaves the run
// going).
type TrainGoal struct {
	ID          int     `json:"id"`
	Target      float64 `json:"target,omitempty"`
	Every       int     `json:"every,omitempty"`
	MaxBatches  int     `json:"max_batches"`
	Scratch     bool    `json:"scratch,omitempty"`
	ScratchSeed int64   `json:"scratch_seed,omitempty"`
}

// GoalDone answers TrainGoal: the worker sends it when the run ends, saying
// whether Target was reached, the batches trained, the test accuracy at the
// end (on the model's classes) and the seconds spent training (the accuracy
// checks left out). Stopped: the run was stopped before its goal.
type GoalDone struct {
	ID       int     `json:"id"`
	Reached  bool    `json:"reached"`
	Stopped  bool    `json:"stopped,omitempty"`
	Batches  int     `json:"batches"`
	Accuracy float64 `json:"accuracy"`
	Seconds  float64 `json:"seconds"`
}

// TuneExamples fine-tunes the model on the user's own drawings: Pixels holds
// len(Labels) images of ImageSize grey levels (0 = background, 255 = ink),
// Labels their digits. Each epoch trains on the drawings and on Mix MNIST
// training images drawn with Seed (so the model does not forget the rest).
// The page sends it when the user teaches the model their handwriting; the
// worker answers ExamplesTuned with the same ID.
type TuneExamples struct {
	ID     int    `json:"id"`
	Pixels []byte `json:"pixels"`
	Labels []int  `json:"labels"`
	Epochs int    `json:"epochs"`
	Mix    int    `json:"mix,omitempty"`
	Seed   int64  `json:"seed,omitempty"`
}

// ExamplesTuned answers TuneExamples: the worker sends the share of the
// drawings the model labels right before and after, its test accuracy before
// and after (what it may have forgotten), the batches trained and the
// seconds they took.
type ExamplesTuned struct {
	ID           int     `json:"id"`
	Before       float64 `json:"before"`
	After        float64 `json:"after"`
	TestBefore   float64 `json:"test_before"`
	TestAccuracy float64 `json:"test_accuracy"`
	Batches      int     `json:"batches"`
	Seconds      float64 `json:"seconds"`
}

// TestPredict asks for the model's predictions on the first Count test
// images (of the model's classes). The page sends it to check that a model
// opened from a link or file predicts as the one it came from; the worker
// answers TestPredictions with the same ID.
type TestPredict struct {
	ID    int `json:"id"`
	Count int `json:"count"`
}

// TestPredictions answers TestPredict: the worker sends the predicted and
// true digits, how many are right, and a CRC-32 of the probabilities'
// float32 bits, so two models that predict exactly alike can be told from
// ones that merely agree on the digits.
type TestPredictions struct {
	ID        int    `json:"id"`
	Predicted []int  `json:"predicted"`
	Labels    []int  `json:"labels"`
	Right     int    `json:"right"`
	ProbsCRC  uint32 `json:"probs_crc"`
}

func (ExportTFJS) Type() string      { return "export_tfjs" }
func (TFJSExport) Type() string      { return "tfjs_export" }
func (ImportTFJS) Type() string      { return "import_tfjs" }
func (ReplaceHead) Type() string     { return "replace_head" }
func (HeadReplaced) Type() string    { return "head_replaced" }
func (TrainGoal) Type() string       { return "train_goal" }
func (GoalDone) Type() string        { return "goal_done" }
func (TuneExamples) Type() string    { return "tune_examples" }
func (ExamplesTuned) Type() string   { return "examples_tuned" }
func (TestPredict) Type() string     { return "test_predict" }
func (TestPredictions) Type() string { return "test_predictions" }

func (ExportTFJS) isRequest()    {}
func (ImportTFJS) isRequest()    {}
func (ReplaceHead) isRequest()   {}
func (TrainGoal) isRequest()     {}
func (TuneExamples) isRequest()  {}
func (TestPredict) isRequest()   {}
func (TFJSExport) isEvent()      {}
func (HeadReplaced) isEvent()    {}
func (GoalDone) isEvent()        {}
func (ExamplesTuned) isEvent()   {}
func (TestPredictions) isEvent() {}

func (m TFJSExport) check() error {
	if len(m.ModelJSON) == 0 || m.WeightsName == "" {
		return fmt.Errorf("a tfjs export holds model.json and its weights file's name")
	}
	return nil
}

func (m ImportTFJS) check() error {
	if len(m.ModelJSON) == 0 {
		return fmt.Errorf("model_json is empty; give the model.json file")
	}
	if len(m.Files) > MaxTFJSFiles {
		return fmt.Errorf("%d weight files; nnplay reads at most %d", len(m.Files), MaxTFJSFiles)
	}
	return nil
}

// checkDigits checks a list of distinct digits, 2 to 10 of them.
func checkDigits(name string, ds []int) error {
	if len(ds) < 2 || len(ds) > Classes {
		return fmt.Errorf("%s has %d digits; give 2 to %d", name, len(ds), Classes)
	}
	var seen [Classes]bool
	for _, d := range ds {
		if d < 0 || d >= Classes {
			return fmt.Errorf("%s: %d is not a digit (0 to 9)", name, d)
		}
		if seen[d] {
			return fmt.Errorf("%s: the digit %d is given twice", name, d)
		}
		seen[d] = true
	}
	return nil
}

func (m ReplaceHead) check() error {
	if err := checkDigits("classes", m.Classes); err != nil {
		return err
	}
	for _, i := range m.Freeze {
		if i < 0 || i >= spec.MaxLayers {
			return fmt.Errorf("freeze: layer %d does not exist (layers count from 0)", i)
		}
	}
	return nil
}

func (m HeadReplaced) check() error { return unit("accuracy", m.Accuracy) }

// unit checks a finite value in [0, 1].
func unit(name string, v float64) error {
	if err := finite(name, v); err != nil {
		return err
	}
	if v < 0 || v > 1 {
		return fmt.Errorf("%s is %v; it must be between 0 and 1", name, v)
	}
	return nil
}

func (m TrainGoal) check() error {
	if err := unit("target", m.Target); err != nil {
		return err
	}
	if m.MaxBatches < 1 || m.MaxBatches > MaxGoalBatches {
		return fmt.Errorf("max_batches is %d; it must be between 1 and %d", m.MaxBatches, MaxGoalBatches)
	}
	if m.Every < 0 || (m.Target > 0 && m.Every == 0) {
		return fmt.Errorf("every is %d; a target needs a check every 1 or more batches", m.Every)
	}
	return nil
}

func (m GoalDone) check() error {
	if err := unit("accuracy", m.Accuracy); err != nil {
		return err
	}
	if err := finite("seconds", m.Seconds); err != nil {
		return err
	}
	if m.Seconds < 0 {
		return fmt.Errorf("seconds is %v; it must not be negative", m.Seconds)
	}
	return nonNegative("batches", int64(m.Batches))
}

func (m TuneExamples) check() error {
	n := len(m.Labels)
	if n == 0 || n > MaxExamples {
		return fmt.Errorf("%d drawings; give 1 to %d", n, MaxExamples)
	}
	if len(m.Pixels) != n*ImageSize {
		return fmt.Errorf("pixels holds %d bytes; %d drawings of %d pixels need %d", len(m.Pixels), n, ImageSize, n*ImageSize)
	}
	for i, l := range m.Labels {
		if l < 0 || l >= Classes {
			return fmt.Errorf("drawing %d is labelled %d; labels are digits 0 to 9", i+1, l)
		}
	}
	if m.Epochs < 1 || m.Epochs > MaxTuneEpochs {
		return fmt.Errorf("epochs is %d; it must be between 1 and %d", m.Epochs, MaxTuneEpochs)
	}
	if m.Mix < 0 || m.Mix > MaxMix {
		return fmt.Errorf("mix is %d; it must be between 0 and %d", m.Mix, MaxMix)
	}
	return nil
}

func (m ExamplesTuned) check() error {
	for _, f := range []struct {
		name string
		v    float64
	}{{"before", m.Before}, {"after", m.After}, {"test_before", m.TestBefore}, {"test_accuracy", m.TestAccuracy}} {
		if err := unit(f.name, f.v); err != nil {
			return err
		}
	}
	if err := finite("seconds", m.Seconds); err != nil {
		return err
	}
	return nonNegative("batches", int64(m.Batches))
}

func (m TestPredict) check() error {
	if m.Count < 1 || m.Count > MaxTestPredict {
		return fmt.Errorf("count is %d; it must be between 1 and %d", m.Count, MaxTestPredict)
	}
	return nil
}

func (m TestPredictions) check() error {
	if len(m.Predicted) != len(m.Labels) {
		return fmt.Errorf("%d predictions for %d labels", len(m.Predicted), len(m.Labels))
	}
	for i := range m.Predicted {
		if m.Predicted[i] < 0 || m.Predicted[i] >= Classes || m.Labels[i] < 0 || m.Labels[i] >= Classes {
			return fmt.Errorf("test image %d: predicted %d, label %d; both must be digits", i, m.Predicted[i], m.Labels[i])
		}
	}
	if m.Right < 0 || m.Right > len(m.Labels) {
		return fmt.Errorf("right is %d of %d", m.Right, len(m.Labels))
	}
	return nil
}
