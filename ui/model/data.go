package model

import (
	"strconv"

	"github.com/nnplay/nnplay/engine/spec"
)

// The model follows the data (issue 14): when a data set other than MNIST
// is active, the editor's presets are built for its input shape and
// output size (spec.TableMLP, spec.ImageCNN, spec.ImageMLP), a regression
// ends in one linear unit with a regression loss, and the input shape is
// shown, not chosen.

// Presets for a described data set.
const (
	PresetTableMLP   = "table-mlp"   // spec.TableMLP
	PresetTableMAE   = "table-mae"   // spec.TableMLP with mean absolute error (regression)
	PresetTableHuber = "table-huber" // spec.TableMLP with the Huber loss (regression)
	PresetImageCNN   = "image-cnn"   // spec.ImageCNN: a small CNN with the data's channels
	PresetImageMLP   = "image-mlp"   // spec.ImageMLP
	PresetImageMAE   = "image-mae"   // spec.ImageCNN with mean absolute error (regression)
)

// DataPresets lists the presets offered for d, default first, with their labels.
func DataPresets(d spec.Data) [][2]string {
	if d.Kind == spec.KindTable {
		if d.Task == spec.TaskRegression {
			return [][2]string{
				{PresetTableMLP, "Table MLP 32 → 16 → 1, mean squared error"},
				{PresetTableMAE, "Table MLP 32 → 16 → 1, mean absolute error"},
				{PresetTableHuber, "Table MLP 32 → 16 → 1, Huber loss"},
			}
		}
		return [][2]string{{PresetTableMLP, "Table MLP 32 → 16 → " + strconv.Itoa(d.Outputs())}}
	}
	c := "grey"
	if len(d.Shape) == 3 && d.Shape[2] == 3 {
		c = "RGB"
	}
	return [][2]string{
		{PresetImageCNN, "Small CNN (" + c + " input) → " + strconv.Itoa(d.Outputs())},
		{PresetImageMLP, "MLP 64 → " + strconv.Itoa(d.Outputs())},
	}
}

// DataPresetModel returns preset name for the data set dataset described
// by d, and false for a name that is not one of DataPresets(d).
func DataPresetModel(name, dataset string, d spec.Data) (spec.Model, bool) {
	var m spec.Model
	switch name {
	case PresetTableMLP, PresetTableMAE, PresetTableHuber:
		if d.Kind != spec.KindTable {
			return m, false
		}
		m = spec.TableMLP(dataset, d)
	case PresetImageCNN, PresetImageMAE:
		if d.Kind != spec.KindImage {
			return m, false
		}
		m = spec.ImageCNN(dataset, d)
	case PresetImageMLP:
		if d.Kind != spec.KindImage {
			return m, false
		}
		m = spec.ImageMLP(dataset, d)
	default:
		return m, false
	}
	if d.Task == spec.TaskRegression {
		switch name {
		case PresetTableMAE, PresetImageMAE:
			m.Loss = spec.LossMeanAbsoluteError
		case PresetTableHuber:
			m.Loss = spec.LossHuber
		}
	}
	return m, true
}

// DefaultDataPreset is the preset a data set starts with: a tabular MLP
// for a table, the small CNN for images.
func DefaultDataPreset(d spec.Data) string { return DataPresets(d)[0][0] }

// UseData makes the editor's model one for the data set dataset described
// by d (nil, with dataset "" or mnist: MNIST again): its default preset,
// as one undoable edit. The preset menu then offers Presets().
func (e *Editor) UseData(dataset string, d *spec.Data) {
	e.edit("", newStep)
	e.setData(dataset, d)
	if e.data == nil {
		e.load(PresetSeed)
		return
	}
	e.load(DefaultDataPreset(*e.data))
}

// setData records the data set the presets are for.
func (e *Editor) setData(dataset string, d *spec.Data) {
	if dataset == "" || dataset == spec.DatasetMNIST || d == nil {
		e.dataset, e.data = spec.DatasetMNIST, nil
		e.FixedInput = false
		return
	}
	e.dataset, e.data = dataset, d.Clone()
	e.FixedInput = true
}

// Data is the data description the editor's presets are for (nil: MNIST).
func (e *Editor) Data() *spec.Data { return e.data }

// Presets lists the presets the menu offers for the editor's data set.
func (e *Editor) Presets() [][2]string {
	if e.data == nil {
		return PresetNames
	}
	return DataPresets(*e.data)
}

// presetModel is preset name for the editor's data set.
func (e *Editor) presetModel(name string) spec.Model {
	if e.data != nil {
		if m, ok := DataPresetModel(name, e.dataset, *e.data); ok {
			return m
		}
		m, _ := DataPresetModel(DefaultDataPreset(*e.data), e.dataset, *e.data)
		return m
	}
	return PresetModel(name)
}

// LossText names the edited model's loss for the model panel's hint.
func (e *Editor) LossText() string {
	switch e.model.Loss {
	case spec.LossMeanSquaredError:
		return "mean squared error"
	case spec.LossMeanAbsoluteError:
		return "mean absolute error"
	case spec.LossHuber:
		return "Huber"
	case spec.LossCategoricalCrossentropy:
		return "categorical cross-entropy"
	}
	return "sparse categorical cross-entropy"
}
