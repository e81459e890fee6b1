package model

import (
	"cmp"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/nnplay/nnplay/engine/units"

	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// Presets of the model panel.
const (
	PresetSoftmax = "softmax" // 784 → Dense 10 softmax: multinomial logistic regression
	PresetSeed    = "seed"    // spec.Seed(): Dense 128 relu → 64 relu → 10 softmax
	PresetWide    = "wide"    // Dense 512 relu → 256 relu → 10 softmax
	PresetLeNet   = "lenet"   // spec.LeNet(): LeNet-5 style CNN
	PresetCNN     = "cnn"     // spec.SmallCNN(): the Keras example's small CNN
	PresetRNN     = "rnn"     // spec.RowByRowRNN(): an LSTM reading the digit row by row
	PresetGRU     = "gru"     // spec.RowByRowGRU(): the same with a GRU
	// PresetCustom is shown once the layers were edited: the model is no
	// longer a preset (and choosing the preset again reloads it).
	PresetCustom = "custom"
)

// PresetNames lists the presets in menu order with their labels.
var PresetNames = [][2]string{
	{PresetSoftmax, "Softmax regression (784 → 10)"},
	{PresetSeed, "MLP 128 → 64 → 10 (seed)"},
	{PresetWide, "Wide MLP 512 → 256 → 10"},
	{PresetLeNet, "LeNet-5 style CNN"},
	{PresetCNN, "Small modern CNN (Keras example)"},
	{PresetRNN, "Row-by-row RNN (LSTM 64)"},
	{PresetGRU, "Row-by-row GRU 64"},
}

// Activations offered for Dense and Conv2D layers.
var Activations = []string{spec.ActReLU, spec.ActSigmoid, spec.ActTanh, spec.ActLeakyReLU, spec.ActSoftmax, spec.ActLinear}

// Schedules offered: spec name and label.
var Schedules = [][2]string{
	{spec.ScheduleConstant, "constant"},
	{spec.ScheduleExponential, "exponential decay"},
	{spec.ScheduleCosine, "cosine to 0"},
}

// RecurrentActivations are offered for SimpleRNN, LSTM and GRU layers.
var RecurrentActivations = []string{spec.ActTanh, spec.ActSigmoid, spec.ActReLU, spec.ActLinear}

// Optimizers offered.
var Optimizers = []string{spec.OptAdam, spec.OptSGD, spec.OptRMSProp, spec.OptAdagrad}

// InputShapes are the input shapes offered for MNIST: value and label.
var InputShapes = [][2]string{
	{"784", "Flat: 784 values"},
	{"28,28,1", "Image: 28×28×1"},
}

// PresetModel returns the spec of a preset (the seed model for an unknown name).
func PresetModel(name string) spec.Model {
	m := spec.Seed()
	switch name {
	case PresetSoftmax:
		m.Layers = []spec.Layer{spec.Dense(10, spec.ActSoftmax)}
	case PresetWide:
		m.Layers = []spec.Layer{spec.Dense(512, spec.ActReLU), spec.Dense(256, spec.ActReLU), spec.Dense(10, spec.ActSoftmax)}
	case PresetLeNet:
		m = spec.LeNet()
	case PresetCNN:
		m = spec.SmallCNN()
	case PresetRNN:
		m = spec.RowByRowRNN()
	case PresetGRU:
		m = spec.RowByRowGRU()
	}
	return m
}

// MaxRows bounds the layers the builder offers to add.
const MaxRows = spec.MaxLayers

// Editor is the model panel's state: the layers and settings as
// typed, the undo history, and the spec, summary and messages derived
// from them. Every change goes through a method that records history and
// revalidates.
type Editor struct {
	Preset    string
	Input     string // an InputShapes value: "784" or "28,28,1"
	Rows      []LayerRow
	Optimizer string
	LR        string
	BatchSize string
	Epochs    string
	Seed      string
	// Schedule is a spec.Schedule* name; DecayRate its per-epoch factor
	// (exponential); ClipNorm the global gradient clip ("" or 0: off).
	Schedule, DecayRate, ClipNorm string
	// Selected is the row the palette inserts after (-1: at the end).
	Selected int

	base spec.Model // loss, dataset: what the editor does not show
	// dataset and data are the data set the presets are for (data.go):
	// nil data is MNIST.
	dataset string
	data    *spec.Data
	// Tail are fixed layers after the rows (the playground's softmax
	// output): in the summary, never edited.
	Tail []spec.Layer
	// Palette lists the layer types the builder offers (nil: LayerTypes);
	// Limit bounds the rows (0: MaxRows); NewRow makes an added layer
	// (nil: NewLayer); Check adds a message for a parsed layer ("" if fine).
	Palette []string
	Limit   int
	NewRow  func(typ string) spec.Layer
	Check   func(l spec.Layer) string
	// FixedInput shows the input shape as text: it follows other settings.
	FixedInput bool
	// NoFreeze hides the trainable checkboxes (every layer trains).
	NoFreeze bool
	// OnChange runs after every edit, undo and redo (nil: nothing).
	OnChange func()
	hist     history
	// focus is a CSS selector the builder focuses after the next render
	// (a moved row's button follows its row).
	focus string

	// Derived by update.
	model    spec.Model
	err      error             // first problem, nil when trainable
	rowErr   map[int]string    // 0-based row → message beside that layer
	fieldErr map[string]string // "lr", "batch", "epochs", "seed" → message
	infos    []spec.LayerInfo  // for the rows before the first bad one
	names    []string
	memory   string
	built    *protocol.Built

	TotalText, TrainableText, NonTrainableText string
}

// NewEditor returns an editor holding a preset, with no history.
func NewEditor(preset string) *Editor {
	e := &Editor{}
	e.load(preset)
	return e
}

// LoadPreset replaces every field with a preset's (an undoable edit).
func (e *Editor) LoadPreset(name string) {
	e.edit("", newStep)
	e.load(name)
}

func (e *Editor) load(name string) {
	e.loadSpec(e.presetModel(name))
	e.Preset = name
}

// loadSpec replaces every field with m's.
func (e *Editor) loadSpec(m spec.Model) {
	e.base = m
	e.Input = joinInts(m.Input, ",")
	e.Rows = e.Rows[:0]
	for _, l := range m.Layers {
		e.Rows = append(e.Rows, RowOf(l))
	}
	e.Optimizer = m.Optimizer.Name
	e.LR = strconv.FormatFloat(m.Optimizer.LearningRate, 'g', -1, 64)
	e.BatchSize = strconv.Itoa(m.BatchSize)
	e.Epochs = strconv.Itoa(m.Epochs)
	e.Seed = strconv.FormatInt(m.Seed, 10)
	e.Schedule = cmp.Or(m.Optimizer.Schedule, spec.ScheduleConstant)
	e.DecayRate = strconv.FormatFloat(cmp.Or(m.Optimizer.DecayRate, 0.5), 'g', -1, 64)
	e.ClipNorm = ""
	if m.Optimizer.GlobalClipNorm > 0 {
		e.ClipNorm = strconv.FormatFloat(m.Optimizer.GlobalClipNorm, 'g', -1, 64)
	}
	e.Selected = -1
	e.update()
}

// Changed re-derives the spec after a field was set directly.
func (e *Editor) Changed() { e.update() }

// Spec returns the edited model, or the first reason it cannot be trained.
func (e *Editor) Spec() (spec.Model, error) { return e.model, e.err }

// RowError is the message beside row i, or "".
func (e *Editor) RowError(i int) string { return e.rowErr[i] }

// FieldError is the message beside a setting ("lr", "batch", "epochs",
// "seed"), or "".
func (e *Editor) FieldError(f string) string { return e.fieldErr[f] }

// ModelError is a problem that belongs to no single row or field, or "".
func (e *Editor) ModelError() string {
	if e.err == nil || len(e.rowErr) > 0 || len(e.fieldErr) > 0 {
		return ""
	}
	return e.err.Error()
}

// OutputShape and Params describe row i for the summary ("?" when unknown).
func (e *Editor) OutputShape(i int) string {
	if i < len(e.infos) {
		return spec.Shape(e.infos[i].Output)
	}
	return "?"
}

func (e *Editor) Params(i int) string {
	if i < len(e.infos) {
		return units.Thousands(e.infos[i].Params)
	}
	return "?"
}

// LayerName is Keras' name for row i: conv2d (Conv2D), dense_1 (Dense), …
func (e *Editor) LayerName(i int) string {
	if i < len(e.names) {
		return e.names[i]
	}
	return ""
}

// InputShape is the model's input, as Keras prints it.
func (e *Editor) InputShape() string { return spec.Shape(e.model.Input) }

// MemoryText is the estimate of what training takes, or "" when unknown.
func (e *Editor) MemoryText() string { return e.memory }

// SetBuilt records the worker's summary of the model it built.
func (e *Editor) SetBuilt(b protocol.Built) { e.built = &b }

// settingOf maps the model fields a spec.Error can name to the settings
// that show its message ("lr", "batch", …: FieldError's names).
var settingOf = map[string]string{
	spec.FieldLearningRate:   "lr",
	spec.FieldBatchSize:      "batch",
	spec.FieldEpochs:         "epochs",
	spec.FieldDecayRate:      "decay",
	spec.FieldGlobalClipNorm: "clip",
}

// update parses the fields into a spec and validates it, filling the
// summary and the messages.
func (e *Editor) update() {
	m := e.base
	e.rowErr = map[int]string{}
	e.fieldErr = map[string]string{}
	if in, ok := splitNumbers(e.Input); ok && len(in) > 0 {
		m.Input = in
	}
	m.Layers = make([]spec.Layer, len(e.Rows), len(e.Rows)+len(e.Tail))
	for i, r := range e.Rows {
		var msg string
		if m.Layers[i], msg = r.Layer(); msg != "" {
			e.rowErr[i] = msg
		} else if e.Check != nil {
			if msg = e.Check(m.Layers[i]); msg != "" {
				e.rowErr[i] = msg
			}
		}
	}
	m.Layers = append(m.Layers, e.Tail...)
	e.names = layerNames(e.allRows())
	m.Optimizer = spec.Optimizer{Name: e.Optimizer}.Defaults()
	var lrOK bool
	m.Optimizer.LearningRate, lrOK = parseFloat(e.LR)
	if !lrOK {
		e.fieldErr["lr"] = "learning rate must be a number, like 0.001"
	}
	e.parseSchedule(&m.Optimizer)
	m.BatchSize = parseInt(e.BatchSize, "batch", "batch size", e.fieldErr)
	m.Epochs = parseInt(e.Epochs, "epochs", "epochs", e.fieldErr)
	m.Seed = int64(parseInt(e.Seed, "seed", "seed", e.fieldErr))
	e.model = m

	// Summary rows up to the first bad layer.
	e.infos = nil
	infos, inferErr := m.Infer()
	err := inferErr
	var se *spec.Error
	switch {
	case err == nil:
		e.infos = infos
	case errors.As(err, &se) && se.Layer > 1:
		good := m
		good.Layers = m.Layers[:se.Layer-1]
		e.infos, _ = good.Infer()
	}
	if err == nil {
		err = m.Validate()
	}
	if err != nil && errors.As(err, &se) {
		switch {
		case se.Layer > 0 && e.rowErr[se.Layer-1] == "":
			e.rowErr[se.Layer-1] = se.Msg
		case se.Layer == 0 && settingOf[se.Field] != "" && e.fieldErr[settingOf[se.Field]] == "":
			e.fieldErr[settingOf[se.Field]] = se.Msg
		}
	}
	// A parse error comes first: it is why the spec holds a zero.
	if len(e.rowErr) > 0 || len(e.fieldErr) > 0 {
		err = e.firstMessage()
	}
	e.err = err
	e.summarize(infos, inferErr)
}

// summarize fills the totals and the memory estimate when every layer's
// shape is known.
func (e *Editor) summarize(infos []spec.LayerInfo, inferErr error) {
	e.TotalText, e.TrainableText, e.NonTrainableText, e.memory = "", "", "", ""
	if inferErr != nil {
		return
	}
	total, frozen := 0, 0
	for _, in := range infos {
		total += in.Params
		frozen += in.NonTrainable
	}
	e.TotalText, e.TrainableText, e.NonTrainableText = units.Thousands(total), units.Thousands(total-frozen), units.Thousands(frozen)
	m := e.model
	if m.BatchSize < 1 || m.BatchSize > spec.MaxBatchSize {
		return
	}
	if mem, err := spec.MemoryEstimate(m); err == nil {
		e.memory = fmt.Sprintf("Training needs about %s at batch size %d (weights and optimizer %s, activations %s).",
			spec.MiB(mem.Total()), m.BatchSize, spec.MiB(mem.Weights), spec.MiB(mem.Activations))
	}
}

// allRows are the rows and then the fixed tail.
func (e *Editor) allRows() []LayerRow {
	rows := append([]LayerRow(nil), e.Rows...)
	for _, l := range e.Tail {
		rows = append(rows, RowOf(l))
	}
	return rows
}

func (e *Editor) firstMessage() error {
	for i, r := range e.allRows() {
		if msg, ok := e.rowErr[i]; ok {
			return fmt.Errorf("layer %d (%s): %s", i+1, r.Type, msg)
		}
	}
	for _, f := range []string{"lr", "decay", "clip", "batch", "epochs", "seed"} {
		if msg, ok := e.fieldErr[f]; ok {
			return errors.New(msg)
		}
	}
	return nil
}

// parseSchedule reads the schedule fields into o; the decay rate counts
// only under the exponential schedule, and an empty clip norm is off.
func (e *Editor) parseSchedule(o *spec.Optimizer) {
	if e.Schedule != spec.ScheduleConstant {
		o.Schedule = e.Schedule
	}
	if e.Schedule == spec.ScheduleExponential {
		var ok bool
		if o.DecayRate, ok = parseFloat(e.DecayRate); !ok {
			e.fieldErr["decay"] = "decay rate must be a number, like 0.5 (the factor per epoch)"
		}
	}
	if strings.TrimSpace(e.ClipNorm) != "" {
		var ok bool
		if o.GlobalClipNorm, ok = parseFloat(e.ClipNorm); !ok {
			e.fieldErr["clip"] = "clip norm must be a number, like 1, or empty for none"
		}
	}
}

func parseFloat(s string) (float64, bool) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return v, err == nil
}

func parseInt(s, key, name string, errs map[string]string) int {
	v, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		errs[key] = fmt.Sprintf("%s must be a whole number, got %q", name, s)
	}
	return v
}
