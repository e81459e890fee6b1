package playground

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/ui/model"
)

// The playground's hidden layers: the layer types that make sense for a
// few input features, their URL form, and the network's columns. Plain
// Go (no DOM), tested with net_test.go and hash_test.go.
//
// In the hash each hidden layer is one comma-separated token:
//
//	8:relu        Dense, 8 units, relu
//	dropout:0.25  Dropout with rate 0.25
//	bn            BatchNormalization (Keras' defaults; bn:0.9:0.01 sets
//	              momentum and epsilon)
//	relu, sigmoid, tanh, leaky_relu:0.3   activation layers
//
// The older form, units only with the activations in their own key
// (layers=8,8&activation=relu), is still read, and still written when
// every layer is Dense with one activation.

// LayerTypes are the builder's palette in the playground.
var LayerTypes = []string{
	spec.TypeDense, spec.TypeReLU, spec.TypeLeakyReLU, spec.TypeSigmoid, spec.TypeTanh,
	spec.TypeDropout, spec.TypeBatchNormalization,
}

// MaxRows bounds the hidden layers of every type together.
const MaxRows = 12

// NewLayer is the layer the playground's palette adds: Dense is 4 tanh
// units (a playground layer is small); the others as in the Build & train place.
func NewLayer(typ string) spec.Layer {
	if typ == spec.TypeDense {
		return spec.Dense(4, spec.ActTanh)
	}
	return model.NewLayer(typ)
}

// CheckLayer says why a layer does not fit the playground, or "".
func CheckLayer(l spec.Layer) string {
	if !slices.Contains(LayerTypes, l.Type) {
		return fmt.Sprintf("the playground has no %s layers", l.Type)
	}
	if l.Type == spec.TypeDense && (l.Units < 1 || l.Units > MaxUnits) {
		return fmt.Sprintf("units must be 1 to %d in the playground (each is drawn), got %d", MaxUnits, l.Units)
	}
	return ""
}

// denseLayers counts the Dense layers of hidden.
func denseLayers(hidden []spec.Layer) int {
	n := 0
	for _, l := range hidden {
		if l.Type == spec.TypeDense {
			n++
		}
	}
	return n
}

// Dense is a hidden layer of the old form: units and activation.
func Dense(units []int, acts []string) []spec.Layer {
	var h []spec.Layer
	for i, u := range units {
		h = append(h, spec.Dense(u, acts[i]))
	}
	return h
}

// layerToken is a hidden layer's hash form: units:activation for a Dense
// layer (units:activation:nobias without its bias), dropout:rate, bn or
// bn:momentum:epsilon, or an activation layer's name.
func layerToken(l spec.Layer) string {
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	switch l.Type {
	case spec.TypeDense:
		if !l.HasBias() {
			return strconv.Itoa(l.Units) + ":" + l.Activation + ":nobias"
		}
		return strconv.Itoa(l.Units) + ":" + l.Activation
	case spec.TypeDropout:
		return "dropout:" + f(l.Rate)
	case spec.TypeBatchNormalization:
		d := spec.BatchNormalization()
		if l.Momentum == d.Momentum && l.Epsilon == d.Epsilon {
			return "bn"
		}
		return "bn:" + f(l.Momentum) + ":" + f(l.Epsilon)
	case spec.TypeLeakyReLU:
		if l.Alpha != 0 {
			return "leaky_relu:" + f(l.Alpha)
		}
	}
	return actLayerNames[l.Type]
}

// actLayerNames are the activation layers' names in the hash.
var actLayerNames = map[string]string{
	spec.TypeReLU: "relu", spec.TypeLeakyReLU: "leaky_relu", spec.TypeSigmoid: "sigmoid", spec.TypeTanh: "tanh",
}

// layersHash is the layers (and, in the old form, activation) settings.
func layersHash(hidden []spec.Layer) (layers, activation string) {
	old := true
	var units, acts []string
	for _, l := range hidden {
		if l.Type != spec.TypeDense || !l.HasBias() {
			old = false
			break
		}
		units = append(units, strconv.Itoa(l.Units))
		acts = append(acts, l.Activation)
	}
	if old && (len(acts) == 0 || allSame(acts)) {
		if len(acts) > 0 {
			activation = acts[0]
		}
		return strings.Join(units, ","), activation
	}
	tokens := make([]string, len(hidden))
	for i, l := range hidden {
		tokens[i] = layerToken(l)
	}
	return strings.Join(tokens, ","), ""
}

// parseLayerToken reads one token; a plain number is a Dense layer whose
// activation comes from the activation setting (ok=false says so).
func parseLayerToken(tok string) (l spec.Layer, plain bool, msg string) {
	name, arg, hasArg := strings.Cut(tok, ":")
	num := func(s, what string) (float64, bool) {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			msg = fmt.Sprintf("%q: %s must be a number", clip(tok), what)
			return 0, false
		}
		return v, true
	}
	if u, err := strconv.Atoi(name); err == nil {
		l = spec.Dense(u, "")
		if u < 1 || u > MaxUnits {
			return l, false, fmt.Sprintf("each layer needs 1 to %d units", MaxUnits)
		}
		if !hasArg {
			return l, true, ""
		}
		arg, bias, hasBias := strings.Cut(arg, ":")
		if hasBias {
			if bias != "nobias" {
				return l, false, fmt.Sprintf("%q: %q is not a Dense setting (units:activation or units:activation:nobias)", clip(tok), clip(bias))
			}
			l.UseBias = spec.Bool(false)
		}
		if !slices.Contains(model.Activations, arg) {
			return l, false, fmt.Sprintf("%q: %q is not an activation (use %s)", clip(tok), clip(arg), strings.Join(model.Activations, ", "))
		}
		l.Activation = arg
		return l, false, ""
	}
	switch name {
	case "dropout":
		l = spec.Layer{Type: spec.TypeDropout}
		if r, ok := num(arg, "the rate"); ok {
			if !(r >= 0 && r < 1) {
				return l, false, fmt.Sprintf("%q: the rate must be from 0 to below 1", clip(tok))
			}
			l.Rate = r
		}
	case "bn":
		l = spec.BatchNormalization()
		if hasArg {
			m, e, _ := strings.Cut(arg, ":")
			if v, ok := num(m, "momentum"); ok {
				l.Momentum = v
			}
			if v, ok := num(e, "epsilon"); ok && msg == "" {
				l.Epsilon = v
			}
		}
	case "leaky_relu":
		l = spec.Layer{Type: spec.TypeLeakyReLU}
		if hasArg {
			l.Alpha, _ = num(arg, "alpha")
		}
	case "relu", "sigmoid", "tanh":
		l = spec.Layer{Type: map[string]string{"relu": spec.TypeReLU, "sigmoid": spec.TypeSigmoid, "tanh": spec.TypeTanh}[name]}
		if hasArg {
			msg = fmt.Sprintf("%q: %s takes no setting", clip(tok), name)
		}
	default:
		msg = fmt.Sprintf("%q is not a layer (use units:activation, dropout:rate, bn, relu, sigmoid, tanh or leaky_relu)", clip(tok))
	}
	return l, false, msg
}

// parseLayers reads the layers setting. plain lists the indexes of the
// old-form Dense layers, which take the activation setting.
func parseLayers(v string) (hidden []spec.Layer, plain []int, msg string) {
	if v == "" {
		return []spec.Layer{}, nil, ""
	}
	parts := strings.Split(v, ",")
	if len(parts) > MaxRows {
		return nil, nil, fmt.Sprintf("at most %d layers", MaxRows)
	}
	for i, tok := range parts {
		l, isPlain, m := parseLayerToken(strings.TrimSpace(tok))
		if m != "" {
			return nil, nil, m
		}
		if isPlain {
			plain = append(plain, i)
		}
		hidden = append(hidden, l)
	}
	if denseLayers(hidden) > MaxLayers {
		return nil, nil, fmt.Sprintf("at most %d hidden layers", MaxLayers)
	}
	return hidden, plain, ""
}

// NetColumn is one hidden column of the network drawing: a Dense layer
// and what follows it up to the next Dense.
type NetColumn struct {
	Units int
	Dense int    // the Dense layer's index in the model
	Shown int    // the layer whose output the column's nodes show: the block's last
	Label string // its activation, as the hover text names it
}

// NetColumns are the hidden columns of the model c.Model().
func (c Config) NetColumns() []NetColumn {
	var cols []NetColumn
	for i, l := range c.Hidden {
		if l.Type == spec.TypeDense {
			cols = append(cols, NetColumn{Units: l.Units, Dense: i, Shown: i, Label: l.Activation})
			continue
		}
		if len(cols) == 0 {
			continue // before the first Dense: drawn with the inputs' column
		}
		k := &cols[len(cols)-1]
		k.Shown = i
		switch l.Type {
		case spec.TypeReLU, spec.TypeLeakyReLU, spec.TypeSigmoid, spec.TypeTanh:
			k.Label = actLayerNames[l.Type]
		case spec.TypeBatchNormalization:
			k.Label += ", batch-normalized"
		}
	}
	return cols
}

// netColumns are the node counts of each column, inputs to outputs.
func netColumns(c Config) []int {
	cols := []int{len(c.Features)}
	for _, k := range c.NetColumns() {
		cols = append(cols, k.Units)
	}
	return append(cols, c.Classes)
}

// kernelColumns maps the model index of each Dense layer to the column
// its kernel's links end in.
func kernelColumns(c Config) map[int]int {
	m := map[int]int{len(c.Hidden): len(c.NetColumns()) + 1}
	for i, k := range c.NetColumns() {
		m[k.Dense] = i + 1
	}
	return m
}
