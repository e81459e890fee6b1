package spec

import (
	"fmt"
	"math"
	"slices"
	"strconv"
)

// Data describes the data a model was trained on: what one raw example is,
// how it becomes the model's input, and what the outputs mean. It travels
// with the model (model files and share links, inside the spec's JSON), so
// that a model opened elsewhere predicts correctly from raw inputs; it
// holds no training data.
//
// An image example is Shape = [height, width, channels] bytes 0..255; the
// model sees x = (b/255 − Offset[c]) / Scale[c] for channel c, or b/255
// when Offset and Scale are empty.
//
// A table example is one row: a value per Columns entry. A numeric column
// gives one feature, its value v (Fill when missing); a categorical column
// gives one feature per category, one-hot (all zero for a category not in
// the list; Fill when missing). Shape is [features], the one-hot features
// counted. The model sees x_j = (v_j − Offset[j]) / Scale[j] for every
// feature j, or v_j when Offset and Scale are empty; standardization has
// Offset = mean and Scale = standard deviation, min-max Offset = min and
// Scale = max − min, both measured on the training split only.
//
// A regression model's output o stands for the target o·TargetScale +
// TargetOffset (TargetScale 0 means o itself): targets are standardized on
// the training split like the features.
type Data struct {
	// Name is the data set's name as the user knows it: "penguins", "my photos".
	Name string `json:"name"`
	// Kind is KindImage or KindTable.
	Kind string `json:"kind"`
	// Task is TaskClassification or TaskRegression.
	Task string `json:"task"`
	// Shape is one example's shape: [height, width, channels] or [features].
	Shape []int `json:"shape"`
	// Classes names the classes in label order (classification).
	Classes []string `json:"classes,omitempty"`
	// Target is the table's target column.
	Target string `json:"target,omitempty"`
	// Columns are the table's input columns in feature order.
	Columns []Column `json:"columns,omitempty"`
	// Scaling says how Offset and Scale were fitted: ScalingNone,
	// ScalingStandard or ScalingMinMax.
	Scaling string `json:"scaling,omitempty"`
	// Offset and Scale have one entry per feature (tables) or per channel
	// (images), or none.
	Offset []float64 `json:"offset,omitempty"`
	Scale  []float64 `json:"scale,omitempty"`
	// TargetOffset and TargetScale map a regression output back to the target.
	TargetOffset float64 `json:"target_offset,omitempty"`
	TargetScale  float64 `json:"target_scale,omitempty"`
	// Fit says how a photo of another size becomes Shape (images):
	// FitCrop ("" too) cuts the longer side to a centred square, FitPad
	// adds black bars, before scaling to height × width.
	Fit string `json:"fit,omitempty"`
}

// Column is one input column of a table.
type Column struct {
	Name string `json:"name"`
	// Kind is ColumnNumeric or ColumnCategorical.
	Kind string `json:"kind"`
	// Categories are a categorical column's values in one-hot order.
	Categories []string `json:"categories,omitempty"`
	// Fill replaces a missing value: the training split's mean (numeric,
	// written with strconv's shortest form) or most frequent category.
	Fill string `json:"fill,omitempty"`
}

// Data kinds, tasks, column kinds and scalings.
const (
	KindImage = "image"
	KindTable = "table"

	TaskClassification = "classification"
	TaskRegression     = "regression"

	ColumnNumeric     = "numeric"
	ColumnCategorical = "categorical"

	FitCrop = "crop"
	FitPad  = "pad"

	ScalingNone     = ""
	ScalingStandard = "standard"
	ScalingMinMax   = "minmax"
)

// Limits on a data description.
const (
	// MaxDataClasses caps a classification's classes.
	MaxDataClasses = 256
	// MaxDataFeatures caps one example's values (a 256×256 RGB image).
	MaxDataFeatures = 256 * 256 * 3
	// MaxDataColumns caps a table's input columns.
	MaxDataColumns = 256
	// MaxCategories caps one categorical column's categories.
	MaxCategories = 64
)

// Features is the number of values one example has: prod(Shape).
func (d Data) Features() int {
	n := 1
	for _, s := range d.Shape {
		n *= s
	}
	return n
}

// Outputs is the number of outputs a model of d has: one per class, or 1
// for a regression.
func (d Data) Outputs() int {
	if d.Task == TaskRegression {
		return 1
	}
	return len(d.Classes)
}

// Check returns what is wrong with the description, or "".
func (d Data) Check() string {
	if d.Name == "" {
		return "the data set has no name"
	}
	switch d.Kind {
	case KindImage:
		if len(d.Shape) != 3 {
			return fmt.Sprintf("data %q: an image's shape is [height, width, channels], got %v", d.Name, d.Shape)
		}
		if c := d.Shape[2]; c != 1 && c != 3 {
			return fmt.Sprintf("data %q: images have 1 (grey) or 3 (RGB) channels, got %d", d.Name, c)
		}
	case KindTable:
		if len(d.Shape) != 1 {
			return fmt.Sprintf("data %q: a table's shape is [features], got %v", d.Name, d.Shape)
		}
	default:
		return fmt.Sprintf("data %q: unknown kind %q; use %s or %s", d.Name, d.Kind, KindImage, KindTable)
	}
	for _, s := range d.Shape {
		if s < 1 {
			return fmt.Sprintf("data %q: shape %v has a dimension below 1", d.Name, d.Shape)
		}
	}
	if d.Features() > MaxDataFeatures {
		return fmt.Sprintf("data %q: %d values per example is more than the limit %d", d.Name, d.Features(), MaxDataFeatures)
	}
	if msg := d.checkTask(); msg != "" {
		return msg
	}
	if d.Kind == KindTable {
		if msg := d.checkColumns(); msg != "" {
			return msg
		}
	}
	switch {
	case d.Fit != "" && d.Fit != FitCrop && d.Fit != FitPad:
		return fmt.Sprintf("data %q: unknown fit %q; use %s or %s", d.Name, d.Fit, FitCrop, FitPad)
	case d.Fit != "" && d.Kind != KindImage:
		return fmt.Sprintf("data %q: fit applies to images only", d.Name)
	}
	return d.checkScaling()
}

func (d Data) checkTask() string {
	switch d.Task {
	case TaskClassification:
		if len(d.Classes) < 2 || len(d.Classes) > MaxDataClasses {
			return fmt.Sprintf("data %q: a classification needs 2 to %d classes, got %d", d.Name, MaxDataClasses, len(d.Classes))
		}
		seen := make(map[string]bool, len(d.Classes))
		for i, c := range d.Classes {
			if seen[c] {
				return fmt.Sprintf("data %q: class %d's name %q is used twice", d.Name, i, c)
			}
			seen[c] = true
		}
		if d.TargetScale != 0 || d.TargetOffset != 0 {
			return fmt.Sprintf("data %q: target scaling applies to regression only", d.Name)
		}
	case TaskRegression:
		if len(d.Classes) != 0 {
			return fmt.Sprintf("data %q: a regression has no classes, got %d", d.Name, len(d.Classes))
		}
		if msg := finite("target offset", d.TargetOffset); msg != "" {
			return msg
		}
		if !(d.TargetScale >= 0) || math.IsInf(d.TargetScale, 0) {
			return fmt.Sprintf("data %q: target scale must be 0 (none) or a positive number, got %g", d.Name, d.TargetScale)
		}
	default:
		return fmt.Sprintf("data %q: unknown task %q; use %s or %s", d.Name, d.Task, TaskClassification, TaskRegression)
	}
	return ""
}

func (d Data) checkColumns() string {
	if len(d.Columns) == 0 || len(d.Columns) > MaxDataColumns {
		return fmt.Sprintf("data %q: a table needs 1 to %d input columns, got %d", d.Name, MaxDataColumns, len(d.Columns))
	}
	features := 0
	names := make(map[string]bool, len(d.Columns))
	for _, c := range d.Columns {
		if names[c.Name] {
			return fmt.Sprintf("data %q: column %q appears twice", d.Name, c.Name)
		}
		names[c.Name] = true
		switch c.Kind {
		case ColumnNumeric:
			features++
			if len(c.Categories) > 0 {
				return fmt.Sprintf("data %q: numeric column %q has categories", d.Name, c.Name)
			}
			if c.Fill != "" {
				if v, err := strconv.ParseFloat(c.Fill, 64); err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
					return fmt.Sprintf("data %q: column %q fills missing values with %q, not a finite number", d.Name, c.Name, c.Fill)
				}
			}
		case ColumnCategorical:
			if len(c.Categories) < 1 || len(c.Categories) > MaxCategories {
				return fmt.Sprintf("data %q: column %q needs 1 to %d categories, got %d", d.Name, c.Name, MaxCategories, len(c.Categories))
			}
			for i, v := range c.Categories {
				if slices.Contains(c.Categories[:i], v) {
					return fmt.Sprintf("data %q: column %q lists category %q twice", d.Name, c.Name, v)
				}
			}
			features += len(c.Categories)
		default:
			return fmt.Sprintf("data %q: column %q has unknown kind %q; use %s or %s", d.Name, c.Name, c.Kind, ColumnNumeric, ColumnCategorical)
		}
	}
	if features != d.Shape[0] {
		return fmt.Sprintf("data %q: the columns make %d features but the shape says %d", d.Name, features, d.Shape[0])
	}
	return ""
}

func (d Data) checkScaling() string {
	switch d.Scaling {
	case ScalingNone, ScalingStandard, ScalingMinMax:
	default:
		return fmt.Sprintf("data %q: unknown scaling %q; use %s, %s or none", d.Name, d.Scaling, ScalingStandard, ScalingMinMax)
	}
	want := d.Features()
	what := "features"
	if d.Kind == KindImage {
		want, what = d.Shape[2], "channels"
	}
	if len(d.Offset) != len(d.Scale) || (len(d.Offset) != 0 && len(d.Offset) != want) {
		return fmt.Sprintf("data %q: %d offsets and %d scales; give one of each per %s (%d) or none", d.Name, len(d.Offset), len(d.Scale), what[:len(what)-1], want)
	}
	if (len(d.Offset) == 0) != (d.Scaling == ScalingNone) {
		return fmt.Sprintf("data %q: scaling %q with %d offsets; a scaling needs one offset and scale per %s", d.Name, d.Scaling, len(d.Offset), what[:len(what)-1])
	}
	for i := range d.Offset {
		if math.IsNaN(d.Offset[i]) || math.IsInf(d.Offset[i], 0) || !(d.Scale[i] > 0) || math.IsInf(d.Scale[i], 0) {
			return fmt.Sprintf("data %q: %s %d has offset %g and scale %g; want a finite offset and a positive, finite scale", d.Name, what[:len(what)-1], i, d.Offset[i], d.Scale[i])
		}
	}
	return ""
}

// fitsInput says whether a model input shape takes d's examples: the same
// number of values (images may be flattened, as mnist's [784]).
func (d Data) fitsInput(input []int) bool {
	n := 1
	for _, s := range input {
		n *= s
	}
	if n != d.Features() {
		return false
	}
	if d.Kind == KindTable {
		return len(input) == 1
	}
	return true
}

// Clone returns a deep copy of d (nil for nil).
func (d *Data) Clone() *Data {
	if d == nil {
		return nil
	}
	c := *d
	c.Shape = slices.Clone(d.Shape)
	c.Classes = slices.Clone(d.Classes)
	c.Offset = slices.Clone(d.Offset)
	c.Scale = slices.Clone(d.Scale)
	c.Columns = slices.Clone(d.Columns)
	for i := range c.Columns {
		c.Columns[i].Categories = slices.Clone(d.Columns[i].Categories)
	}
	return &c
}

// PixelLevels returns, for an image description, each channel's value of
// every pixel byte b: float32((b/255 − Offset[c]) / Scale[c]), or b/255
// without a scaling. Every user of a model (training, Try it, a link
// opened elsewhere) maps bytes through it, so all agree to the bit.
func (d Data) PixelLevels() [][256]float32 {
	channels := 1
	if d.Kind == KindImage && len(d.Shape) == 3 {
		channels = d.Shape[2]
	}
	out := make([][256]float32, channels)
	for c := range out {
		for b := range 256 {
			out[c][b] = float32(b) / 255 // as MNIST's bytes are read
			if c < len(d.Offset) {
				out[c][b] = float32((float64(b)/255 - d.Offset[c]) / d.Scale[c])
			}
		}
	}
	return out
}

// Value returns *d (the zero Data for nil).
func (d *Data) Value() Data {
	if d == nil {
		return Data{}
	}
	return *d
}
