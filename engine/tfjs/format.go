package tfjs

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"github.com/nnplay/nnplay/engine/units"
	"math"
	"strings"

	"github.com/nnplay/nnplay/engine/share"
	"github.com/nnplay/nnplay/engine/spec"
)

// modelFile is model.json: the architecture (modelTopology, a Keras
// model config) and where the weights are (weightsManifest).
type modelFile struct {
	Format              string          `json:"format"`
	GeneratedBy         string          `json:"generatedBy"`
	ConvertedBy         *string         `json:"convertedBy"`
	ModelTopology       json.RawMessage `json:"modelTopology"`
	WeightsManifest     []weightGroup   `json:"weightsManifest"`
	TrainingConfig      json.RawMessage `json:"trainingConfig,omitempty"`
	UserDefinedMetadata json.RawMessage `json:"userDefinedMetadata,omitempty"`
}

// weightGroup is one group of the manifest: its weights are stored one
// after the other, little-endian, across the files of paths in order.
type weightGroup struct {
	Paths   []string      `json:"paths"`
	Weights []weightEntry `json:"weights"`
}

type weightEntry struct {
	Name         string        `json:"name"`
	Shape        []int         `json:"shape"`
	Dtype        string        `json:"dtype"`
	Quantization *quantization `json:"quantization,omitempty"`
}

// quantization is how tensorflowjs_converter --quantize_* stores a
// float32 weight: uint8 or uint16 codes with value = code·scale + min, or
// float16 bits.
type quantization struct {
	Dtype string   `json:"dtype"`
	Scale *float64 `json:"scale,omitempty"`
	Min   *float64 `json:"min,omitempty"`
}

// storedWeight is a manifest entry and its values.
type storedWeight struct {
	Name   string
	Shape  []int
	Values []float32
	used   bool
}

// MaxModelJSON caps model.json's size: a Sequential model's JSON is a few
// KiB; 16 MiB leaves room for any metadata.
const MaxModelJSON = 16 << 20

// readWeights decodes every manifest entry from the weight files, checking
// that each group's files hold exactly the bytes its entries need.
func readWeights(groups []weightGroup, files map[string][]byte) ([]*storedWeight, error) {
	var out []*storedWeight
	total := 0
	for g, group := range groups {
		if len(group.Paths) == 0 && len(group.Weights) > 0 {
			return nil, fmt.Errorf("model.json's weights manifest: group %d names no weight file", g+1)
		}
		var data []byte
		for _, p := range group.Paths {
			b, ok := files[p]
			if !ok {
				b, ok = files[baseName(p)]
			}
			if !ok {
				return nil, fmt.Errorf("the weight file %q that model.json names is missing; choose it together with model.json", p)
			}
			data = append(data, b...)
		}
		need := 0
		sizes := make([]int, len(group.Weights))
		for i, e := range group.Weights {
			n, width, err := entrySize(e)
			if err != nil {
				return nil, err
			}
			total += n
			if total > spec.MaxParams {
				return nil, fmt.Errorf("model.json's weights hold more than %d values, more than nnplay trains", spec.MaxParams)
			}
			sizes[i] = n * width
			need += sizes[i]
		}
		if len(data) != need {
			return nil, fmt.Errorf("the weight files %s hold %s bytes but model.json's manifest needs %s for its %d weights; the files may be cut short or belong to another model",
				strings.Join(group.Paths, ", "), units.Thousands(len(data)), units.Thousands(need), len(group.Weights))
		}
		at := 0
		for i, e := range group.Weights {
			w, err := decodeEntry(e, data[at:at+sizes[i]])
			if err != nil {
				return nil, err
			}
			out = append(out, w)
			at += sizes[i]
		}
	}
	return out, nil
}

// entrySize is how many values the entry holds and how many bytes each
// takes, after checking its shape and type.
func entrySize(e weightEntry) (n, width int, err error) {
	n = 1
	for _, d := range e.Shape {
		if d < 0 || d > spec.MaxParams || (d > 0 && n > spec.MaxParams/d) {
			return 0, 0, fmt.Errorf("weight %q has shape %v, far larger than nnplay trains", e.Name, e.Shape)
		}
		n *= d
	}
	if e.Dtype != "float32" {
		return 0, 0, fmt.Errorf("weight %q is %s; nnplay reads float32 weights only", e.Name, e.Dtype)
	}
	if e.Quantization == nil {
		return n, 4, nil
	}
	switch q := e.Quantization; q.Dtype {
	case "uint8", "uint16":
		if q.Scale == nil || q.Min == nil {
			return 0, 0, fmt.Errorf("weight %q is quantized to %s without a scale and min", e.Name, q.Dtype)
		}
		if q.Dtype == "uint8" {
			return n, 1, nil
		}
		return n, 2, nil
	case "float16":
		return n, 2, nil
	default:
		return 0, 0, fmt.Errorf("weight %q is quantized as %q, which nnplay does not read (it reads uint8, uint16 and float16)", e.Name, q.Dtype)
	}
}

// decodeEntry turns an entry's bytes into float32 values, refusing NaN and
// infinities.
func decodeEntry(e weightEntry, b []byte) (*storedWeight, error) {
	n, width, _ := entrySize(e)
	w := &storedWeight{Name: e.Name, Shape: e.Shape, Values: make([]float32, n)}
	q := e.Quantization
	for i := range w.Values {
		var v float32
		switch {
		case q == nil:
			v = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
		case q.Dtype == "float16":
			v = share.Float16Value(binary.LittleEndian.Uint16(b[2*i:]))
		case width == 1:
			v = float32(float64(b[i])**q.Scale + *q.Min)
		default:
			v = float32(float64(binary.LittleEndian.Uint16(b[2*i:]))**q.Scale + *q.Min)
		}
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return nil, fmt.Errorf("weight %q holds %v at index %d; NaN and infinite weights are refused", e.Name, v, i)
		}
		w.Values[i] = v
	}
	return w, nil
}

// appendFloats appends values as little-endian float32.
func appendFloats(b []byte, values []float32) []byte {
	for _, v := range values {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
	}
	return b
}

// baseName is the last element of a slash-separated path.
func baseName(p string) string {
	return p[strings.LastIndexByte(p, '/')+1:]
}
