package tfjs

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/nnplay/nnplay/engine/spec"
)

// config is a Keras layer's config, read field by field.
type config map[string]json.RawMessage

// has reports whether key is present and not null.
func (c config) has(key string) bool {
	v, ok := c[key]
	return ok && string(v) != "null"
}

// str reads a string field; def when absent or null.
func (c config) str(key, def string) (string, error) {
	if !c.has(key) {
		return def, nil
	}
	var s string
	if err := json.Unmarshal(c[key], &s); err != nil {
		return "", fmt.Errorf("%s must be a string, got %s", key, short(c[key]))
	}
	return s, nil
}

// num reads a number field; def when absent or null.
func (c config) num(key string, def float64) (float64, error) {
	if !c.has(key) {
		return def, nil
	}
	var f float64
	if err := json.Unmarshal(c[key], &f); err != nil {
		return 0, fmt.Errorf("%s must be a number, got %s", key, short(c[key]))
	}
	return f, nil
}

// boolean's def, the value of an absent or null field.
const (
	defaultTrue  = true
	defaultFalse = false
)

// boolean reads a true/false field; def when absent or null.
func (c config) boolean(key string, def bool) (bool, error) {
	if !c.has(key) {
		return def, nil
	}
	var b bool
	if err := json.Unmarshal(c[key], &b); err != nil {
		return false, fmt.Errorf("%s must be true or false, got %s", key, short(c[key]))
	}
	return b, nil
}

// ints reads a whole number or a list of them (Keras writes tuples as
// lists; a single number means the same in every direction, n times);
// def when absent or null.
func (c config) ints(key string, n int, def []int) ([]int, error) {
	if !c.has(key) {
		return def, nil
	}
	var one int
	if err := json.Unmarshal(c[key], &one); err == nil {
		return slices.Repeat([]int{one}, n), nil
	}
	var list []int
	if err := json.Unmarshal(c[key], &list); err != nil {
		return nil, fmt.Errorf("%s must be a whole number or a list of them, got %s", key, short(c[key]))
	}
	return list, nil
}

// short is a JSON value cut for a message.
func short(v json.RawMessage) string {
	s := string(v)
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return s
}

// weightsFrom says which of a layer's Keras weights the file holds: a
// BatchNormalization with center=False no beta (β = 0) or scale=False no
// gamma (γ = 1). (A layer with use_bias=False becomes one without a bias:
// spec.Layer.UseBias.)
type weightsFrom struct {
	noGamma, noBeta bool
	// axis is a BatchNormalization's or Softmax's axis as written: -1
	// or the input's last (Keras counts the batch as axis 0); toSpec
	// checks it once the input's rank is known.
	axis int
}

// importedLayers is what Keras layers nnplay knows, for messages.
const importedLayers = "Dense, Conv2D, MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D, BatchNormalization, Reshape, Flatten, Dropout, ReLU, LeakyReLU, Softmax, Activation, SimpleRNN, LSTM and GRU"

// importLayer turns one Keras layer into an nnplay layer. skip is true for
// a layer that does nothing (Activation("linear")).
func importLayer(class string, c config) (l spec.Layer, skip bool, from weightsFrom, err error) {
	from.axis = -1
	trainable, err := c.boolean("trainable", defaultTrue)
	if err != nil {
		return l, false, from, err
	}
	l.Frozen = !trainable
	if df, err := c.str("data_format", "channels_last"); err != nil || df != "channels_last" {
		if err != nil {
			return l, false, from, err
		}
		return l, false, from, fmt.Errorf("data_format %q is not supported; nnplay's images are channels_last (height, width, channels)", df)
	}
	switch class {
	case "Dense":
		l.Type = spec.TypeDense
		units, err := c.num("units", 0)
		if err != nil {
			return l, false, from, err
		}
		l.Units = int(units)
		err = denseCommon(c, &l)
		return l, false, from, err
	case "Conv2D", "Convolution2D":
		l.Type = spec.TypeConv2D
		filters, err := c.num("filters", 0)
		if err != nil {
			return l, false, from, err
		}
		l.Filters = int(filters)
		if l.KernelSize, err = c.ints("kernel_size", 2, nil); err != nil {
			return l, false, from, err
		}
		if l.Strides, err = c.ints("strides", 2, []int{1, 1}); err != nil {
			return l, false, from, err
		}
		if l.Padding, err = paddingOf(c); err != nil {
			return l, false, from, err
		}
		dilation, err := c.ints("dilation_rate", 2, []int{1, 1})
		if err != nil {
			return l, false, from, err
		}
		if slices.ContainsFunc(dilation, func(d int) bool { return d != 1 }) {
			return l, false, from, fmt.Errorf("dilation_rate %v is not supported; nnplay's convolutions are not dilated", dilation)
		}
		if groups, err := c.num("groups", 1); err != nil || groups != 1 {
			if err != nil {
				return l, false, from, err
			}
			return l, false, from, fmt.Errorf("groups %g is not supported; nnplay's convolutions see every input channel", groups)
		}
		err = denseCommon(c, &l)
		return l, false, from, err
	case "MaxPooling2D", "MaxPool2D", "AveragePooling2D", "AvgPool2D":
		l.Type = spec.TypeMaxPool2D
		if strings.HasPrefix(class, "Av") {
			l.Type = spec.TypeAveragePooling2D
		}
		if l.PoolSize, err = c.ints("pool_size", 2, []int{2, 2}); err != nil {
			return l, false, from, err
		}
		if l.Strides, err = c.ints("strides", 2, l.PoolSize); err != nil {
			return l, false, from, err
		}
		l.Padding, err = paddingOf(c)
		return l, false, from, err
	case "GlobalAveragePooling2D", "GlobalAvgPool2D":
		l.Type = spec.TypeGlobalAveragePooling2D
		if keep, err := c.boolean("keepdims", defaultFalse); err != nil || keep {
			if err != nil {
				return l, false, from, err
			}
			return l, false, from, fmt.Errorf("keepdims=True is not supported; nnplay's GlobalAveragePooling2D outputs (None, channels)")
		}
		return l, false, from, nil
	case "BatchNormalization":
		return importBatchNormalization(c, l)
	case "Reshape":
		l.Type = spec.TypeReshape
		l.TargetShape, err = c.ints("target_shape", 1, nil)
		return l, false, from, err
	case "Flatten":
		l.Type = spec.TypeFlatten
		return l, false, from, nil
	case "Dropout":
		l.Type = spec.TypeDropout
		l.Rate, err = c.num("rate", 0)
		return l, false, from, err
	case "ReLU":
		return importReLU(c, l)
	case "LeakyReLU":
		l.Type = spec.TypeLeakyReLU
		// Keras 2 and TF.js call the slope alpha, Keras 3 negative_slope;
		// both default to 0.3.
		key := "alpha"
		if !c.has(key) {
			key = "negative_slope"
		}
		l.Alpha, err = c.num(key, 0.3)
		return l, false, from, err
	case "Softmax":
		axis, err := c.ints("axis", 1, []int{-1})
		if err != nil {
			return l, false, from, err
		}
		if len(axis) != 1 {
			return l, false, from, fmt.Errorf("axis %v is not supported; nnplay's Softmax runs over the last axis", axis)
		}
		l.Type, from.axis = spec.TypeSoftmax, axis[0]
		return l, false, from, nil
	case "Activation":
		act, err := c.str("activation", "")
		if err != nil {
			return l, false, from, err
		}
		switch act {
		case "linear":
			return l, true, from, nil
		case "relu":
			l.Type = spec.TypeReLU
		case "sigmoid":
			l.Type = spec.TypeSigmoid
		case "tanh":
			l.Type = spec.TypeTanh
		case "softmax":
			l.Type = spec.TypeSoftmax
		case "leaky_relu":
			l.Type, l.Alpha = spec.TypeLeakyReLU, 0.2
		default:
			return l, false, from, fmt.Errorf("activation %q is not one nnplay has; it has linear, relu, leaky_relu, sigmoid, tanh and softmax", act)
		}
		return l, false, from, nil
	case "SimpleRNN", "LSTM", "GRU":
		return importRecurrent(class, c, l)
	case "InputLayer":
		return l, false, from, fmt.Errorf("an InputLayer may only come first")
	}
	return l, false, from, fmt.Errorf("nnplay has no %s layer; it imports %s", class, importedLayers)
}

// denseCommon reads what Dense and Conv2D share: the activation, the
// kernel initializer and use_bias (false: a layer without a bias, whose
// weights are the kernel alone).
func denseCommon(c config, l *spec.Layer) error {
	act, err := c.str("activation", "linear")
	if err != nil {
		return err
	}
	switch act {
	case "linear", "relu", "sigmoid", "tanh", "softmax", "leaky_relu":
		l.Activation = act
	default:
		return fmt.Errorf("activation %q is not one nnplay has; it has linear, relu, leaky_relu, sigmoid, tanh and softmax", act)
	}
	if err := kernelInit(c, l); err != nil {
		return err
	}
	useBias, err := c.boolean("use_bias", defaultTrue)
	if !useBias {
		l.UseBias = spec.Bool(false)
	}
	return err
}

// kernelInit reads the kernel initializer: he_normal, else nnplay's
// default (glorot_uniform). It matters only to a model built afresh.
func kernelInit(c config, l *spec.Layer) error {
	if c.has("kernel_initializer") {
		var init struct {
			ClassName string `json:"class_name"`
		}
		if json.Unmarshal(c["kernel_initializer"], &init) == nil && (init.ClassName == "HeNormal" || init.ClassName == "he_normal") {
			l.KernelInitializer = spec.InitHeNormal
		}
	}
	return nil
}

// importBatchNormalization reads a BatchNormalization layer: normalizing
// the last axis, with or without γ and β.
func importBatchNormalization(c config, l spec.Layer) (spec.Layer, bool, weightsFrom, error) {
	from := weightsFrom{axis: -1}
	l.Type = spec.TypeBatchNormalization
	axis, err := c.ints("axis", 1, []int{-1})
	if err != nil {
		return l, false, from, err
	}
	if len(axis) != 1 {
		return l, false, from, fmt.Errorf("axis %v is not supported; nnplay normalizes one axis, the last", axis)
	}
	from.axis = axis[0]
	if l.Momentum, err = c.num("momentum", 0.99); err != nil {
		return l, false, from, err
	}
	if l.Epsilon, err = c.num("epsilon", 1e-3); err != nil {
		return l, false, from, err
	}
	center, err := c.boolean("center", defaultTrue)
	if err != nil {
		return l, false, from, err
	}
	scale, err := c.boolean("scale", defaultTrue)
	if err != nil {
		return l, false, from, err
	}
	if renorm, err := c.boolean("renorm", defaultFalse); err != nil || renorm {
		if err != nil {
			return l, false, from, err
		}
		return l, false, from, fmt.Errorf("renorm=True is not supported")
	}
	from.noBeta, from.noGamma = !center, !scale
	return l, false, from, nil
}

// importReLU reads Keras' ReLU layer: plain, or leaky (negative_slope);
// a capped one (ReLU6) or one with a threshold nnplay does not have.
func importReLU(c config, l spec.Layer) (spec.Layer, bool, weightsFrom, error) {
	from := weightsFrom{axis: -1}
	if c.has("max_value") {
		return l, false, from, fmt.Errorf("max_value %s is not supported; nnplay's ReLU has no cap (ReLU6 is not in nnplay)", short(c["max_value"]))
	}
	threshold, err := c.num("threshold", 0)
	if err != nil {
		return l, false, from, err
	}
	if threshold != 0 {
		return l, false, from, fmt.Errorf("threshold %g is not supported; nnplay's ReLU switches at 0", threshold)
	}
	slope, err := c.num("negative_slope", 0)
	if err != nil {
		return l, false, from, err
	}
	if slope != 0 {
		l.Type, l.Alpha = spec.TypeLeakyReLU, slope
		return l, false, from, nil
	}
	l.Type = spec.TypeReLU
	return l, false, from, nil
}

// paddingOf reads valid or same.
func paddingOf(c config) (string, error) {
	p, err := c.str("padding", spec.PaddingValid)
	if err != nil {
		return "", err
	}
	if p != spec.PaddingValid && p != spec.PaddingSame {
		return "", fmt.Errorf("padding %q is not supported; use valid or same", p)
	}
	return p, nil
}
