package ui

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// Presets of the model panel.
const (
	PresetSoftmax = "softmax" // 784 → Dense 10 softmax: multinomial logistic regression
	PresetSeed    = "seed"    // spec.Seed(): Dense 128 relu → 64 relu → 10 softmax
	PresetWide    = "wide"    // Dense 512 relu → 256 relu → 10 softmax
)

// PresetNames lists the presets in menu order with their labels.
var PresetNames = [][2]string{
	{PresetSoftmax, "Softmax regression (784 → 10)"},
	{PresetSeed, "MLP 128 → 64 → 10 (seed)"},
	{PresetWide, "Wide MLP 512 → 256 → 10"},
}

// Activations offered for a Dense layer.
var Activations = []string{spec.ActReLU, spec.ActSigmoid, spec.ActTanh, spec.ActLeakyReLU, spec.ActSoftmax, spec.ActLinear}

// Optimizers offered.
var Optimizers = []string{spec.OptAdam, spec.OptSGD, spec.OptRMSProp, spec.OptAdagrad}

// PresetModel returns the spec of a preset (the seed model for an unknown name).
func PresetModel(name string) spec.Model {
	m := spec.Seed()
	switch name {
	case PresetSoftmax:
		m.Layers = []spec.Layer{spec.Dense(10, spec.ActSoftmax)}
	case PresetWide:
		m.Layers = []spec.Layer{spec.Dense(512, spec.ActReLU), spec.Dense(256, spec.ActReLU), spec.Dense(10, spec.ActSoftmax)}
	}
	return m
}

// LayerRow is one editable Dense layer. Text fields hold what the user
// typed, so a half-typed number survives re-renders.
type LayerRow struct {
	Units      string
	Activation string
}

// ModelEditor is the model panel's state: the fields as typed, and the
// spec, summary and messages derived from them.
type ModelEditor struct {
	Preset    string
	Rows      []LayerRow
	Optimizer string
	LR        string
	BatchSize string
	Epochs    string
	Seed      string

	base spec.Model // loss, input, dataset: what the editor does not show

	// Derived by update.
	model     spec.Model
	err       error             // first problem, nil when trainable
	rowErr    map[int]string    // 0-based row → message beside that layer
	fieldErr  map[string]string // "lr", "batch", "epochs", "seed" → message
	infos     []spec.LayerInfo  // for the rows before the first bad one
	built     *protocol.Built
	TotalText string
}

// NewModelEditor returns an editor holding a preset.
func NewModelEditor(preset string) *ModelEditor {
	e := &ModelEditor{}
	e.LoadPreset(preset)
	return e
}

// LoadPreset replaces every field with a preset's.
func (e *ModelEditor) LoadPreset(name string) {
	m := PresetModel(name)
	e.Preset = name
	e.base = m
	e.Rows = e.Rows[:0]
	for _, l := range m.Layers {
		e.Rows = append(e.Rows, LayerRow{Units: strconv.Itoa(l.Units), Activation: l.Activation})
	}
	e.Optimizer = m.Optimizer.Name
	e.LR = strconv.FormatFloat(m.Optimizer.LearningRate, 'g', -1, 64)
	e.BatchSize = strconv.Itoa(m.BatchSize)
	e.Epochs = strconv.Itoa(m.Epochs)
	e.Seed = strconv.FormatInt(m.Seed, 10)
	e.update()
}

// MaxRows bounds the layers the editor offers (the spec allows more).
const MaxRows = 16

// AddRow inserts a Dense layer before the output layer.
func (e *ModelEditor) AddRow() {
	if len(e.Rows) >= MaxRows {
		return
	}
	at := max(0, len(e.Rows)-1)
	e.Rows = append(e.Rows[:at], append([]LayerRow{{Units: "32", Activation: spec.ActReLU}}, e.Rows[at:]...)...)
	e.update()
}

// RemoveRow deletes row i (0-based); the last layer cannot go.
func (e *ModelEditor) RemoveRow(i int) {
	if i < 0 || i >= len(e.Rows) || len(e.Rows) == 1 {
		return
	}
	e.Rows = append(e.Rows[:i], e.Rows[i+1:]...)
	e.update()
}

// Changed re-derives the spec after a field was edited.
func (e *ModelEditor) Changed() { e.update() }

// Spec returns the edited model, or the first reason it cannot be trained.
func (e *ModelEditor) Spec() (spec.Model, error) { return e.model, e.err }

// RowError is the message beside row i, or "".
func (e *ModelEditor) RowError(i int) string { return e.rowErr[i] }

// FieldError is the message beside a setting ("lr", "batch", "epochs",
// "seed"), or "".
func (e *ModelEditor) FieldError(f string) string { return e.fieldErr[f] }

// ModelError is a problem that belongs to no single row or field, or "".
func (e *ModelEditor) ModelError() string {
	if e.err == nil || len(e.rowErr) > 0 || len(e.fieldErr) > 0 {
		return ""
	}
	return e.err.Error()
}

// OutputShape and Params describe row i for the summary ("?" when unknown).
func (e *ModelEditor) OutputShape(i int) string {
	if i < len(e.infos) {
		return spec.Shape(e.infos[i].Output)
	}
	return "?"
}

func (e *ModelEditor) Params(i int) string {
	if i < len(e.infos) {
		return thousands(e.infos[i].Params)
	}
	return "?"
}

// LayerName is Keras' name for row i: dense, dense_1, dense_2, ...
func (e *ModelEditor) LayerName(i int) string {
	if i == 0 {
		return "dense (Dense)"
	}
	return fmt.Sprintf("dense_%d (Dense)", i)
}

// InputShape is the model's input, as Keras prints it.
func (e *ModelEditor) InputShape() string { return spec.Shape(e.base.Input) }

// SetBuilt records the worker's summary of the model it built.
func (e *ModelEditor) SetBuilt(b protocol.Built) { e.built = &b }

// update parses the fields into a spec and validates it, filling the
// summary and the messages.
func (e *ModelEditor) update() {
	m := e.base
	m.Layers = make([]spec.Layer, len(e.Rows))
	e.rowErr = map[int]string{}
	e.fieldErr = map[string]string{}
	for i, r := range e.Rows {
		units, err := strconv.Atoi(strings.TrimSpace(r.Units))
		if err != nil {
			e.rowErr[i] = fmt.Sprintf("units must be a whole number, got %q", r.Units)
		}
		m.Layers[i] = spec.Dense(units, r.Activation)
	}
	m.Optimizer = spec.Optimizer{Name: e.Optimizer}.Defaults()
	var lrOK bool
	m.Optimizer.LearningRate, lrOK = parseFloat(e.LR)
	if !lrOK {
		e.fieldErr["lr"] = "learning rate must be a number, like 0.001"
	}
	m.BatchSize = parseInt(e.BatchSize, "batch", "batch size", e.fieldErr)
	m.Epochs = parseInt(e.Epochs, "epochs", "epochs", e.fieldErr)
	m.Seed = int64(parseInt(e.Seed, "seed", "seed", e.fieldErr))
	e.model = m

	// Summary rows up to the first bad layer.
	e.infos = nil
	infos, err := m.Infer()
	var se *spec.Error
	switch {
	case err == nil:
		e.infos = infos
	case errors.As(err, &se) && se.Layer > 0:
		if good := m; se.Layer > 1 {
			good.Layers = m.Layers[:se.Layer-1]
			e.infos, _ = good.Infer()
		}
	}
	if err == nil {
		err = m.Validate()
	}
	if err != nil && errors.As(err, &se) {
		switch {
		case se.Layer > 0 && e.rowErr[se.Layer-1] == "":
			e.rowErr[se.Layer-1] = se.Msg
		case strings.HasPrefix(se.Msg, "learning rate") && e.fieldErr["lr"] == "":
			e.fieldErr["lr"] = se.Msg
		case strings.HasPrefix(se.Msg, "batch size") && e.fieldErr["batch"] == "":
			e.fieldErr["batch"] = se.Msg
		case strings.HasPrefix(se.Msg, "epochs") && e.fieldErr["epochs"] == "":
			e.fieldErr["epochs"] = se.Msg
		}
	}
	// A parse error comes first: it is why the spec holds a zero.
	switch {
	case len(e.rowErr) > 0 || len(e.fieldErr) > 0:
		e.err = firstMessage(e.rowErr, e.fieldErr)
	default:
		e.err = err
	}
	e.TotalText = ""
	if e.err == nil {
		total := 0
		for _, in := range infos {
			total += in.Params
		}
		e.TotalText = thousands(total)
	}
}

func firstMessage(rows map[int]string, fields map[string]string) error {
	for i := 0; i < MaxRows; i++ {
		if msg, ok := rows[i]; ok {
			return fmt.Errorf("layer %d (Dense): %s", i+1, msg)
		}
	}
	for _, f := range []string{"lr", "batch", "epochs", "seed"} {
		if msg, ok := fields[f]; ok {
			return errors.New(msg)
		}
	}
	return nil
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
