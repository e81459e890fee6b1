package model

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"

	"github.com/nnplay/nnplay/engine/spec"
)

// LayerRow is one layer in the builder as the user typed it. Every setting
// is kept as text, so a half-typed number survives re-renders and undo
// brings back exactly what was there. Only the fields of the row's type
// (Fields) are read when the spec is made.
type LayerRow struct {
	Type   string
	Frozen bool

	Units, Filters, Kernel, Strides, Padding, Activation string
	Pool, Rate, Alpha, Target, Momentum, Epsilon         string
	// Sequences is a recurrent layer's return_sequences: "true" or "false".
	Sequences string
	// Bias is use_bias of a layer with a bias (Dense, Conv2D, recurrent):
	// "true" or "false", a checkbox in the builder.
	Bias string

	// What a recurrent layer keeps that the builder does not show: its
	// gate activation and reset_after, carried through edits.
	gate       string
	resetAfter *bool
}

// Field is one editable setting of a layer: Name is its data-field hook,
// Label what the user reads; Options makes it a select, Check a checkbox
// (its text "true" or "false").
type Field struct {
	Name    string
	Label   string
	Options []string
	Check   bool
	Wide    bool // takes more characters (target shape)
}

// The fields, by data-field name.
var (
	fieldUnits      = Field{Name: "units", Label: "units"}
	fieldFilters    = Field{Name: "filters", Label: "filters"}
	fieldKernel     = Field{Name: "kernel", Label: "kernel"}
	fieldStrides    = Field{Name: "strides", Label: "strides"}
	fieldPadding    = Field{Name: "padding", Label: "padding", Options: []string{spec.PaddingValid, spec.PaddingSame}}
	fieldActivation = Field{Name: "activation", Label: "activation", Options: Activations}
	fieldPool       = Field{Name: "pool", Label: "pool"}
	fieldRate       = Field{Name: "rate", Label: "rate"}
	fieldAlpha      = Field{Name: "alpha", Label: "alpha"}
	fieldTarget     = Field{Name: "target", Label: "target shape", Wide: true}
	fieldMomentum   = Field{Name: "momentum", Label: "momentum"}
	fieldEpsilon    = Field{Name: "epsilon", Label: "epsilon"}
	fieldRecAct     = Field{Name: "activation", Label: "activation", Options: RecurrentActivations}
	fieldSequences  = Field{Name: "sequences", Label: "return sequences", Options: []string{"false", "true"}}
	fieldBias       = Field{Name: "bias", Label: "bias", Check: true}
)

// LayerTypes is the palette: every layer type the spec knows, in the
// order a model is usually built.
var LayerTypes = []string{
	spec.TypeConv2D, spec.TypeMaxPool2D, spec.TypeAveragePooling2D, spec.TypeGlobalAveragePooling2D,
	spec.TypeBatchNormalization, spec.TypeReshape, spec.TypeSimpleRNN, spec.TypeLSTM, spec.TypeGRU,
	spec.TypeFlatten, spec.TypeDense, spec.TypeDropout,
	spec.TypeReLU, spec.TypeLeakyReLU, spec.TypeSigmoid, spec.TypeTanh, spec.TypeSoftmax,
}

// NewLayer is the layer the palette adds for a type: Keras' defaults, or a
// common choice where Keras has none (32 units, 32 filters of 3×3, rate 0.25).
func NewLayer(typ string) spec.Layer {
	switch typ {
	case spec.TypeSimpleRNN:
		return spec.SimpleRNN(32, spec.LastState)
	case spec.TypeLSTM:
		return spec.LSTM(32, spec.LastState)
	case spec.TypeGRU:
		return spec.GRU(32, spec.LastState)
	case spec.TypeDense:
		return spec.Dense(32, spec.ActReLU)
	case spec.TypeConv2D:
		return spec.Conv2D(32, 3, spec.ActReLU)
	case spec.TypeMaxPool2D:
		return spec.MaxPool2D(2)
	case spec.TypeAveragePooling2D:
		return spec.AveragePooling2D(2)
	case spec.TypeBatchNormalization:
		return spec.BatchNormalization()
	case spec.TypeReshape:
		return spec.Reshape(28, 28, 1)
	case spec.TypeDropout:
		return spec.Layer{Type: typ, Rate: 0.25}
	case spec.TypeLeakyReLU:
		return spec.Layer{Type: typ, Alpha: 0.3}
	}
	return spec.Layer{Type: typ}
}

// Fields lists the settings the row's type uses, in display order.
func (r LayerRow) Fields() []Field {
	var f []Field
	switch r.Type {
	case spec.TypeDense:
		f = []Field{fieldUnits, fieldActivation}
	case spec.TypeConv2D:
		f = []Field{fieldFilters, fieldKernel, fieldStrides, fieldPadding, fieldActivation}
	case spec.TypeMaxPool2D, spec.TypeAveragePooling2D:
		f = []Field{fieldPool, fieldStrides, fieldPadding}
	case spec.TypeBatchNormalization:
		f = []Field{fieldMomentum, fieldEpsilon}
	case spec.TypeReshape:
		f = []Field{fieldTarget}
	case spec.TypeDropout:
		f = []Field{fieldRate}
	case spec.TypeLeakyReLU:
		f = []Field{fieldAlpha}
	case spec.TypeSimpleRNN, spec.TypeLSTM, spec.TypeGRU:
		f = []Field{fieldUnits, fieldRecAct, fieldSequences}
	}
	if (r.Type == spec.TypeDense || r.Type == spec.TypeConv2D) && r.Activation == spec.ActLeakyReLU {
		f = append(f, fieldAlpha)
	}
	if spec.HasBiasOption(r.Type) {
		f = append(f, fieldBias)
	}
	return f
}

// Text points at the text of the named field, or nil for an unknown name.
func (r *LayerRow) Text(name string) *string {
	switch name {
	case "units":
		return &r.Units
	case "filters":
		return &r.Filters
	case "kernel":
		return &r.Kernel
	case "strides":
		return &r.Strides
	case "padding":
		return &r.Padding
	case "activation":
		return &r.Activation
	case "pool":
		return &r.Pool
	case "rate":
		return &r.Rate
	case "alpha":
		return &r.Alpha
	case "target":
		return &r.Target
	case "momentum":
		return &r.Momentum
	case "epsilon":
		return &r.Epsilon
	case "sequences":
		return &r.Sequences
	case "bias":
		return &r.Bias
	}
	return nil
}

// RowOf is the row showing layer l.
func RowOf(l spec.Layer) LayerRow {
	r := LayerRow{Type: l.Type, Frozen: l.Frozen, Activation: l.Activation, Padding: l.Padding}
	if r.Activation == "" && (l.Type == spec.TypeDense || l.Type == spec.TypeConv2D) {
		r.Activation = spec.ActLinear
	}
	if r.Padding == "" && (l.Type == spec.TypeConv2D || l.Type == spec.TypeMaxPool2D || l.Type == spec.TypeAveragePooling2D) {
		r.Padding = spec.PaddingValid
	}
	itoa := func(n int) string {
		if n == 0 {
			return ""
		}
		return strconv.Itoa(n)
	}
	ftoa := func(x float64) string {
		if x == 0 {
			return ""
		}
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	r.Units, r.Filters = itoa(l.Units), itoa(l.Filters)
	r.Kernel, r.Strides, r.Pool = joinInts(l.KernelSize, "×"), joinInts(l.Strides, "×"), joinInts(l.PoolSize, "×")
	r.Target = joinInts(l.TargetShape, ", ")
	r.Rate, r.Alpha, r.Momentum, r.Epsilon = ftoa(l.Rate), ftoa(l.Alpha), ftoa(l.Momentum), ftoa(l.Epsilon)
	if spec.IsRecurrent(l.Type) {
		r.Activation = cmp.Or(l.Activation, spec.ActTanh)
		r.Sequences = strconv.FormatBool(l.ReturnSequences)
		r.gate, r.resetAfter = l.RecurrentActivation, l.ResetAfter
	}
	if spec.HasBiasOption(l.Type) {
		r.Bias = strconv.FormatBool(l.HasBias())
	}
	return r
}

// Layer parses the row into a spec layer. msg says what could not be read
// (the first such field), "" when every field parsed; the layer then holds
// a zero there, which validation rejects too.
func (r LayerRow) Layer() (l spec.Layer, msg string) {
	l = spec.Layer{Type: r.Type, Frozen: r.Frozen}
	if spec.IsRecurrent(r.Type) {
		l.RecurrentActivation, l.ResetAfter = r.gate, r.resetAfter
	}
	fail := func(m string) {
		if msg == "" {
			msg = m
		}
	}
	for _, f := range r.Fields() {
		text := strings.TrimSpace(*r.Text(f.Name))
		var err string
		switch f.Name {
		case "units":
			l.Units, err = wholeNumber("units", text)
		case "filters":
			l.Filters, err = wholeNumber("filters", text)
		case "kernel":
			l.KernelSize, err = window("kernel", text, required)
		case "pool":
			l.PoolSize, err = window("pool", text, required)
		case "strides":
			l.Strides, err = window("strides", text, optional)
		case "padding":
			l.Padding = text
		case "activation":
			l.Activation = text
		case "target":
			l.TargetShape, err = shape(text)
		case "rate":
			l.Rate, err = number("rate", text, "0.25")
		case "alpha":
			if text == "" && r.Type != spec.TypeLeakyReLU {
				break // the activation's default slope
			}
			l.Alpha, err = number("alpha", text, "0.3")
		case "momentum":
			l.Momentum, err = number("momentum", text, "0.99")
		case "epsilon":
			l.Epsilon, err = number("epsilon", text, "0.001")
		case "sequences":
			l.ReturnSequences = text == "true"
		case "bias":
			if text == "false" {
				l.UseBias = spec.Bool(false) // true is the default: left unset
			}
		}
		if err != "" {
			fail(err)
		}
	}
	return l, msg
}

func wholeNumber(name, s string) (int, string) {
	v, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Sprintf("%s must be a whole number, got %q", name, s)
	}
	return v, ""
}

func number(name, s, example string) (float64, string) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Sprintf("%s must be a number, like %s, got %q", name, example, s)
	}
	return v, ""
}

// splitNumbers splits "5×5", "3x5", "7, 7, 16" or "3 5" into whole numbers.
func splitNumbers(s string) ([]int, bool) {
	parts := strings.FieldsFunc(s, func(c rune) bool {
		return c == 'x' || c == 'X' || c == '×' || c == ',' || c == ' ' || c == '(' || c == ')' || c == '[' || c == ']'
	})
	out := make([]int, len(parts))
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil {
			return nil, false
		}
		out[i] = v
	}
	return out, true
}

// window reads a [height, width] setting: one number n means n×n. An empty
// text is nil (the default), unless the setting is required.
func window(name, s string, required bool) ([]int, string) {
	if s == "" && !required {
		return nil, ""
	}
	v, ok := splitNumbers(s)
	switch {
	case ok && len(v) == 1:
		return []int{v[0], v[0]}, ""
	case ok && len(v) == 2:
		return v, ""
	}
	return nil, fmt.Sprintf("%s must be one whole number (5 for 5×5) or two (3×5), got %q", name, s)
}

// shape reads a Reshape target such as "28, 28, 1" or "-1×7×7".
func shape(s string) ([]int, string) {
	v, ok := splitNumbers(s)
	if !ok || len(v) == 0 {
		return nil, fmt.Sprintf("target shape must be whole numbers, like 28, 28, 1, got %q", s)
	}
	return v, ""
}

func joinInts(v []int, sep string) string {
	parts := make([]string, len(v))
	for i, d := range v {
		parts[i] = strconv.Itoa(d)
	}
	return strings.Join(parts, sep)
}

// layerNames are Keras-style names, as engine/nn's Summary prints them:
// the kind's name, numbered from the second of a kind (dense, dense_1, …),
// then the type.
func layerNames(rows []LayerRow) []string {
	types := make([]string, len(rows))
	for i, r := range rows {
		types[i] = r.Type
	}
	names := spec.KerasNames(types)
	for i, r := range rows {
		names[i] = fmt.Sprintf("%s (%s)", names[i], r.Type)
	}
	return names
}

// Whether window needs a value.
const (
	required = true
	optional = false
)
