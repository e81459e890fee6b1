package share

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"github.com/nnplay/nnplay/engine/units"
	"math"
	"slices"

	"github.com/nnplay/nnplay/engine/spec"
)

// Scalings: the format's scaling byte.
const (
	scaleNone       = 0 // float32 and float16
	scalePerTensor  = 1
	scalePerChannel = 2
)

// maxProgress caps epochs and steps: far beyond any training in a tab,
// and small enough to be an int on every platform.
const maxProgress = 1 << 40

// encodeBody writes the uncompressed body (see the package comment).
func encodeBody(p Payload, opt Options) ([]byte, error) {
	if opt.Precision > Int4 {
		return nil, fmt.Errorf("unknown precision %d; use Float32, Float16, Int8 or Int4", opt.Precision)
	}
	want, err := checkPayload(p)
	if err != nil {
		return nil, err
	}
	specJSON, err := json.Marshal(p.Spec)
	if err != nil {
		return nil, fmt.Errorf("the model spec cannot be written: %v", err)
	}
	var b []byte
	b = appendUvarint(b, uint64(len(specJSON)))
	b = append(b, specJSON...)
	b = appendUvarint(b, uint64(p.Epochs))
	b = appendUvarint(b, uint64(p.Steps))
	b = appendUvarint(b, uint64(len(p.Weights)))
	for i, t := range p.Weights {
		b = appendUvarint(b, uint64(len(want[i].Name)))
		b = append(b, want[i].Name...)
		b = appendUvarint(b, uint64(len(t.Shape)))
		for _, d := range t.Shape {
			b = appendUvarint(b, uint64(d))
		}
		b = appendTensor(b, t, opt)
	}
	return b, nil
}

// checkPayload checks what Encode is given against the rules Decode
// applies, and returns the expected weights.
func checkPayload(p Payload) ([]Weight, error) {
	if err := p.Spec.Validate(); err != nil {
		return nil, fmt.Errorf("the model is not valid: %w", err)
	}
	if p.Epochs < 0 || p.Epochs > maxProgress || p.Steps < 0 || p.Steps > maxProgress {
		return nil, fmt.Errorf("training progress must be between 0 and %d epochs and steps, got %d epochs and %d steps", maxProgress, p.Epochs, p.Steps)
	}
	want, err := ExpectedWeights(p.Spec)
	if err != nil {
		return nil, err
	}
	if len(p.Weights) == 0 {
		return want, nil
	}
	if len(p.Weights) != len(want) {
		return nil, fmt.Errorf("the model has %d weight tensors but %d were given", len(want), len(p.Weights))
	}
	for i, t := range p.Weights {
		w := want[i]
		if t.Name != "" && t.Name != w.Name {
			return nil, fmt.Errorf("weight tensor %d is named %q but the model's is %q", i+1, t.Name, w.Name)
		}
		if !slices.Equal(t.Shape, w.Shape) {
			return nil, fmt.Errorf("weight tensor %d (%s) has shape %v but the model's is %v", i+1, w.Name, t.Shape, w.Shape)
		}
		if len(t.Values) != size(w.Shape) {
			return nil, fmt.Errorf("weight tensor %d (%s) of shape %v needs %d values, got %d", i+1, w.Name, w.Shape, size(w.Shape), len(t.Values))
		}
		for j, v := range t.Values {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return nil, fmt.Errorf("weight tensor %d (%s) holds %v at index %d; a model with NaN or infinite weights cannot be shared", i+1, w.Name, v, j)
			}
		}
	}
	return want, nil
}

// appendTensor writes a tensor's precision, scaling, scales and data.
// Matrices and kernels take opt's precision; vectors float16, or float32
// when opt asks for it (see Options.Precision).
func appendTensor(b []byte, t Tensor, opt Options) []byte {
	prec := opt.Precision
	if len(t.Shape) < 2 && prec != Float32 {
		prec = Float16
	}
	if prec == Float16 && !fitsFloat16(t.Values) {
		prec = Float32
	}
	switch prec {
	case Float32:
		b = append(b, byte(Float32), scaleNone)
		return appendPlanes(b, t.Values, 4, func(v float32) uint32 { return math.Float32bits(v) })
	case Float16:
		b = append(b, byte(Float16), scaleNone)
		return appendPlanes(b, t.Values, 2, func(v float32) uint32 { return uint32(Float16Bits(v)) })
	}
	groups, scaling := 1, byte(scalePerTensor)
	if opt.PerChannel {
		groups, scaling = t.Shape[len(t.Shape)-1], scalePerChannel
	}
	levels := int8Levels
	if prec == Int4 {
		levels = int4Levels
	}
	codes, scales := quantize(t.Values, groups, levels)
	b = append(b, byte(prec), scaling)
	for _, s := range scales {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(s))
	}
	if prec == Int4 {
		return append(b, packInt4(codes)...)
	}
	for _, q := range codes {
		b = append(b, byte(q))
	}
	return b
}

// appendPlanes appends the k-byte little-endian bits of each value as k
// byte planes: byte 0 of every value, then byte 1 of every value, and so
// on. Weights of a layer share their sign and exponent bits far more than
// their low fraction bits, so grouping like bytes lets deflate find them:
// links at float32 and float16 come out smaller than with values stored
// whole (README: Performance).
func appendPlanes(b []byte, values []float32, k int, bits func(float32) uint32) []byte {
	n := len(values)
	start := len(b)
	b = append(b, make([]byte, k*n)...)
	planes := b[start:]
	for j, v := range values {
		x := bits(v)
		for p := range k {
			planes[p*n+j] = byte(x >> (8 * p))
		}
	}
	return b
}

// fromPlanes reads value j's k-byte bits back from byte planes.
func fromPlanes(planes []byte, n, j, k int) uint32 {
	var x uint32
	for p := range k {
		x |= uint32(planes[p*n+j]) << (8 * p)
	}
	return x
}

// decodeBody reads and checks the uncompressed body.
func decodeBody(body []byte) (Payload, error) {
	r := &reader{buf: body}
	n := r.length("the model spec", maxSpecBytes)
	specJSON := r.bytes(n)
	if r.err != nil {
		return Payload{}, r.err
	}
	m, err := spec.Decode(specJSON)
	if err == nil {
		err = m.Validate()
	}
	if err != nil {
		return Payload{}, fmt.Errorf("the link's model is not valid: %w", err)
	}
	want, err := ExpectedWeights(m)
	if err != nil {
		return Payload{}, fmt.Errorf("the link's model is not valid: %w", err)
	}
	p := Payload{Spec: m}
	epochs := r.uvarint("epochs done")
	steps := r.uvarint("steps done")
	tensors := r.uvarint("the number of weight tensors")
	if r.err != nil {
		return Payload{}, r.err
	}
	if epochs > maxProgress || steps > maxProgress {
		return Payload{}, fmt.Errorf("the link is damaged: it claims %d epochs and %d steps of training", epochs, steps)
	}
	p.Epochs, p.Steps = int(epochs), int(steps)
	if tensors != 0 && tensors != uint64(len(want)) {
		return Payload{}, fmt.Errorf("the link holds %d weight tensors but its model has %d", tensors, len(want))
	}
	if tensors > 0 && count(want) > MaxWeights {
		return Payload{}, fmt.Errorf("the link's model has %s weights; a link may hold at most %s", units.Thousands(count(want)), units.Thousands(MaxWeights))
	}
	for i := 0; i < int(tensors); i++ {
		t, err := readTensor(r, i, want[i])
		if err != nil {
			return Payload{}, err
		}
		p.Weights = append(p.Weights, t)
	}
	if r.err != nil {
		return Payload{}, r.err
	}
	if len(r.buf) > 0 {
		return Payload{}, fmt.Errorf("the link is damaged: %s unexpected bytes follow the model", units.Thousands(len(r.buf)))
	}
	return p, nil
}

// readTensor reads tensor i, which must be w, and checks its values.
func readTensor(r *reader, i int, w Weight) (Tensor, error) {
	where := fmt.Sprintf("weight tensor %d (%s)", i+1, w.Name)
	name := string(r.bytes(r.length(where+"'s name", maxNameBytes)))
	rank := r.length(where+"'s rank", 8)
	shape := make([]int, 0, rank)
	for range rank {
		shape = append(shape, r.length(where+"'s shape", spec.MaxParams))
	}
	prec, scaling := r.byte(where), r.byte(where)
	if r.err != nil {
		return Tensor{}, r.err
	}
	if name != w.Name {
		return Tensor{}, fmt.Errorf("the link does not fit its model: weight tensor %d is named %q but the model's is %q", i+1, name, w.Name)
	}
	if !slices.Equal(shape, w.Shape) {
		return Tensor{}, fmt.Errorf("the link does not fit its model: %s has shape %v but the model's is %v", where, shape, w.Shape)
	}
	n := size(shape)
	t := Tensor{Name: name, Shape: shape, Precision: Precision(prec), PerChannel: scaling == scalePerChannel}
	groups := 0
	switch {
	case (prec == byte(Float32) || prec == byte(Float16)) && scaling == scaleNone:
	case (prec == byte(Int8) || prec == byte(Int4)) && scaling == scalePerTensor:
		groups = 1
	case (prec == byte(Int8) || prec == byte(Int4)) && scaling == scalePerChannel:
		groups = shape[len(shape)-1]
	default:
		return Tensor{}, fmt.Errorf("the link is damaged: %s has precision %d with scaling %d, which this page does not know", where, prec, scaling)
	}
	raw := r.bytes(4*groups + dataBytes(Precision(prec), n))
	if r.err != nil {
		return Tensor{}, fmt.Errorf("%s: %w", where, r.err)
	}
	scales := make([]float32, groups)
	for g := range scales {
		s := math.Float32frombits(binary.LittleEndian.Uint32(raw[4*g:]))
		if !(s >= 0 && s <= math.MaxFloat32) {
			return Tensor{}, fmt.Errorf("the link is damaged: %s has scale %v; scales must be finite and at least 0", where, s)
		}
		scales[g] = s
	}
	data := raw[4*groups:]
	t.Values = make([]float32, n)
	for j := range t.Values {
		var v float32
		switch Precision(prec) {
		case Float32:
			v = math.Float32frombits(fromPlanes(data, n, j, 4))
		case Float16:
			v = Float16Value(uint16(fromPlanes(data, n, j, 2)))
		case Int8:
			q := int8(data[j])
			if q < -int8Levels {
				return Tensor{}, fmt.Errorf("the link is damaged: %s holds the code %d at index %d; int8 codes are -127 to 127", where, q, j)
			}
			v = dequantize(q, scales[j%groups])
		case Int4:
			q := int4Code(data[j/2] >> (4 * (j % 2)) & 0x0f)
			if q < -int4Levels {
				return Tensor{}, fmt.Errorf("the link is damaged: %s holds the code %d at index %d; int4 codes are -7 to 7", where, q, j)
			}
			v = dequantize(q, scales[j%groups])
		}
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return Tensor{}, fmt.Errorf("the link holds a model with a weight of %v (%s, index %d); NaN and infinite weights are refused", v, where, j)
		}
		t.Values[j] = v
	}
	if Precision(prec) == Int4 && n%2 == 1 && data[n/2]>>4 != 0 {
		return Tensor{}, fmt.Errorf("the link is damaged: %s ends in a non-zero padding nibble", where)
	}
	return t, nil
}

// dataBytes is how many bytes n values take at precision p.
func dataBytes(p Precision, n int) int {
	switch p {
	case Float32:
		return 4 * n
	case Float16:
		return 2 * n
	case Int8:
		return n
	}
	return (n + 1) / 2 // Int4
}

// reader reads the format's fields from buf, keeping the first error:
// after one, every read returns zero values.
type reader struct {
	buf []byte
	err error
}

// uvarint reads an unsigned varint naming what for a message.
func (r *reader) uvarint(what string) uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.buf)
	switch {
	case n == 0:
		r.err = fmt.Errorf("the link is cut short: it ends where %s should be; copy the whole link again", what)
		return 0
	case n < 0:
		r.err = fmt.Errorf("the link is damaged: %s is not a valid number", what)
		return 0
	}
	r.buf = r.buf[n:]
	return v
}

// length reads a size of at most limit, and at most what the remaining
// bytes could hold, so nothing is ever allocated for a lie.
func (r *reader) length(what string, limit int) int {
	v := r.uvarint(what)
	if r.err == nil && v > uint64(limit) {
		r.err = fmt.Errorf("the link is damaged: %s is %d, more than the %d allowed", what, v, limit)
		return 0
	}
	return int(v)
}

// bytes reads n bytes.
func (r *reader) bytes(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n > len(r.buf) {
		r.err = fmt.Errorf("the link is cut short: %s bytes should follow but only %s remain; copy the whole link again", units.Thousands(n), units.Thousands(len(r.buf)))
		return nil
	}
	b := r.buf[:n]
	r.buf = r.buf[n:]
	return b
}

// byte reads one byte.
func (r *reader) byte(what string) byte {
	if r.err != nil {
		return 0
	}
	if len(r.buf) == 0 {
		r.err = fmt.Errorf("the link is cut short: it ends within %s; copy the whole link again", what)
		return 0
	}
	b := r.buf[0]
	r.buf = r.buf[1:]
	return b
}

// appendUvarint appends v as an unsigned varint.
func appendUvarint(b []byte, v uint64) []byte {
	return binary.AppendUvarint(b, v)
}
