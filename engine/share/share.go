// Package share turns a model — its spec (seed included), how far it was
// trained and optionally its weights — into the value of a URL fragment
// (#m=...), and back, so a model can be shared as a link and no server
// stores anything.
//
// It imports engine/spec but no tensor code: the page decodes a link
// without loading the training engine.
//
// A link is base64url (RFC 4648 §5, no padding) of:
//
//	"nnp"         3 bytes, the magic
//	version       1 byte, FormatVersion
//	codec         1 byte, how the body is compressed (Codec)
//	size          uvarint, the body's size after decompression
//	body          compressed
//
// and the body, once decompressed, is (uvarints unless said otherwise):
//
//	spec length, spec   the spec.Model as compact JSON (read strictly by spec.Decode)
//	epochs, steps       training done: whole epochs and optimizer steps
//	tensor count        0 (a recipe: spec and seed only) or one per weight tensor
//	per tensor:
//	  name length, name     such as "dense/kernel" (see ExpectedWeights)
//	  rank, rank × dim      its shape
//	  precision             1 byte: 0 float32, 1 float16, 2 int8, 3 int4
//	  scaling               1 byte: 0 none (floats), 1 one scale, 2 one per output channel
//	  scales                float32 little-endian: 1, or the last dimension's size
//	  data                  the values in row-major order: float32 and float16
//	                        bits little-endian as byte planes (appendPlanes),
//	                        int8 codes one a byte, int4 codes two a byte (the
//	                        maths: float16.go, quantize.go)
//
// Decode checks everything before it trusts it: the link's length, the
// magic and version, the declared sizes against the caps and the bytes that
// remain, the spec (spec.Model.Validate), the tensors' names and shapes
// against the ones the spec implies, and every decoded value for NaN and
// ±Inf. Every refusal is an error whose message a person can act on.
package share

import (
	"encoding/base64"
	"fmt"
	"github.com/nnplay/nnplay/engine/units"
	"strings"

	"github.com/nnplay/nnplay/engine/spec"
)

// FormatVersion is the version of the binary format this package writes
// and the newest one it reads.
const FormatVersion = 1

// magic starts every link's bytes.
const magic = "nnp"

// Limits on what Decode accepts, checked before anything is allocated.
const (
	// MaxLinkBytes is the longest fragment value Decode reads: browsers
	// keep URLs of a few MiB; longer links are refused unread.
	MaxLinkBytes = 2 << 20
	// MaxDecompressed caps the body's size after decompression. A link
	// of MaxLinkBytes holds 1.5 MiB of compressed bytes, and weights
	// compress by well under 4×, so a real link stays far below it.
	MaxDecompressed = 16 << 20
	// MaxWeights caps how many weight values a link may hold, so the
	// decoded float32 tensors take at most 4·MaxWeights bytes (32 MiB)
	// even when int4 packs two values per byte.
	MaxWeights = 1 << 23
	// maxSpecBytes caps the spec's JSON: the largest valid spec (64
	// layers, every field set) is a few KiB.
	maxSpecBytes = 64 << 10
	// maxNameBytes caps a tensor's name.
	maxNameBytes = 64
)

// Payload is what a link holds.
type Payload struct {
	// Spec is the model: its layers, training settings and seed (Spec.Seed
	// fixes the initial weights, so a recipe link rebuilds the same
	// untrained model).
	Spec spec.Model
	// Epochs and Steps are the training done: whole epochs and optimizer
	// steps (batches) in all.
	Epochs, Steps int
	// Weights are the model's weight tensors in the order of
	// ExpectedWeights, or none for a recipe link.
	Weights []Tensor
}

// Tensor is one weight tensor: a layer's kernel, bias or BatchNormalization
// state.
type Tensor struct {
	// Name is the layer's Keras-style name and the weight's, such as
	// "dense_1/bias" (see ExpectedWeights).
	Name string
	// Shape is the tensor's shape, such as [784, 128] for a Dense kernel.
	Shape []int
	// Values are the weights, row-major (the last index varies fastest).
	Values []float32
	// Precision and PerChannel say how the link stored the tensor. Decode
	// sets them; Encode ignores them (Options chooses).
	Precision  Precision
	PerChannel bool
}

// Precision is how weight values are stored in a link.
type Precision uint8

// Precisions, in the order of the bytes per value they take. The values are
// the format's precision byte.
const (
	Float32 Precision = iota // 4 bytes, exact
	Float16                  // 2 bytes, IEEE 754 half precision
	Int8                     // 1 byte, symmetric linear quantization
	Int4                     // ½ byte, symmetric linear quantization
)

var precisionNames = [...]string{Float32: "float32", Float16: "float16", Int8: "int8", Int4: "int4"}

// String is the precision's name: float32, float16, int8 or int4.
func (p Precision) String() string {
	if int(p) < len(precisionNames) {
		return precisionNames[p]
	}
	return fmt.Sprintf("precision(%d)", uint8(p))
}

// ParsePrecision reads a precision's name, as String writes it.
func ParsePrecision(name string) (Precision, error) {
	for p, n := range precisionNames {
		if n == name {
			return Precision(p), nil
		}
	}
	return 0, fmt.Errorf("unknown precision %q; use float32, float16, int8 or int4", name)
}

// Options chooses how Encode stores the weights.
type Options struct {
	// Precision is for the weight matrices and kernels (rank 2 and up).
	// Vectors (biases, BatchNormalization's four) hold a tiny share of the
	// weights, so quantizing them would cost accuracy for no gain: they
	// are stored at float32 when Precision is Float32, else at float16.
	// A tensor to be stored at float16 with a value beyond float16's
	// range (±65504) is stored at float32 instead.
	Precision Precision
	// PerChannel gives int8 and int4 one scale per output channel (the
	// last dimension: a Dense layer's units, a Conv2D layer's filters)
	// instead of one per tensor.
	PerChannel bool
	// Codec is the body's compression; 0 means DefaultCodec.
	Codec Codec
}

// Fragment finds the link value in a URL, a location hash or a bare
// fragment: "https://host/#m=VALUE", "#m=VALUE", "m=VALUE" and
// "#x=1&m=VALUE" all give VALUE. ok is false when there is no m= part.
func Fragment(urlOrHash string) (value string, ok bool) {
	s := urlOrHash
	if i := strings.IndexByte(s, '#'); i >= 0 {
		s = s[i+1:]
	}
	for part := range strings.SplitSeq(s, "&") {
		if v, found := strings.CutPrefix(part, "m="); found {
			return v, true
		}
	}
	return "", false
}

// Hash is the location hash for a link value: "#m=" + value.
func Hash(value string) string { return "#m=" + value }

// Encode writes p as a link value (base64url, no padding; put it after
// "#m="). It refuses what Decode would refuse: a spec that does not
// validate, weights whose names or shapes are not the spec's, NaN or ±Inf
// weights, negative progress, or a link longer than MaxLinkBytes.
func Encode(p Payload, opt Options) (string, error) {
	codec := opt.Codec
	if codec == 0 {
		codec = DefaultCodec
	}
	body, err := encodeBody(p, opt)
	if err != nil {
		return "", err
	}
	if len(body) > MaxDecompressed {
		return "", fmt.Errorf("the model's weights take %s at %s, more than the %s a link may hold; share at a lower precision, or share the recipe only",
			mib(len(body)), opt.Precision, mib(MaxDecompressed))
	}
	packed, err := compress(codec, body)
	if err != nil {
		return "", err
	}
	bin := make([]byte, 0, len(magic)+2+10+len(packed))
	bin = append(bin, magic...)
	bin = append(bin, FormatVersion, byte(codec))
	bin = appendUvarint(bin, uint64(len(body)))
	bin = append(bin, packed...)
	link := base64.RawURLEncoding.EncodeToString(bin)
	if len(link) > MaxLinkBytes {
		return "", fmt.Errorf("the link would be %s characters, more than the %s a link may have; share at a lower precision, or share the recipe only",
			units.Thousands(len(link)), mib(MaxLinkBytes))
	}
	return link, nil
}

// Decode reads a link value made by Encode (a whole URL or hash works too:
// see Fragment). It never panics, and it allocates at most MaxDecompressed
// bytes for the body and 4·MaxWeights bytes for the weights, whatever the
// link declares.
func Decode(link string) (Payload, error) {
	if v, ok := Fragment(link); ok {
		link = v
	}
	if len(link) > MaxLinkBytes {
		return Payload{}, fmt.Errorf("the link is %s characters long; links over %s are refused", units.Thousands(len(link)), mib(MaxLinkBytes))
	}
	link = strings.TrimRight(link, "=") // tolerate padding
	if link == "" {
		return Payload{}, fmt.Errorf("the link holds no model: the part after #m= is empty")
	}
	if i := badBase64(link); i >= 0 {
		return Payload{}, fmt.Errorf("the link is damaged: character %d (%q) cannot appear in a model link; copy the whole link again", i+1, link[i])
	}
	bin, err := base64.RawURLEncoding.DecodeString(link)
	if err != nil {
		return Payload{}, fmt.Errorf("the link is damaged (its length does not work out); copy the whole link again")
	}
	return decodeFramed(bin, "link", "model link")
}

// badBase64 is the index of the first byte of s that is not in the
// base64url alphabet, or -1.
func badBase64(s string) int {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return i
		}
	}
	return -1
}

// mib formats a byte count for a message: "16 MiB", "1.5 MiB".
func mib(n int) string { return mib64(uint64(n)) }

func mib64(n uint64) string {
	if n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}
