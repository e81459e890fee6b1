package share

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"math"
	"runtime"
	"strings"
	"testing"

	"github.com/nnplay/nnplay/engine/spec"
)

// pack builds a link by hand: magic, version, codec, declared size, data.
func pack(version, codec byte, declared uint64, data []byte) string {
	b := append([]byte(magic), version, codec)
	b = binary.AppendUvarint(b, declared)
	return base64.RawURLEncoding.EncodeToString(append(b, data...))
}

// stored is an uncompressed link of body, declaring its true size.
func stored(body []byte) string {
	return pack(FormatVersion, byte(CodecNone), uint64(len(body)), body)
}

// deflated compresses data with CodecDeflate.
func deflated(t testing.TB, data []byte) []byte {
	t.Helper()
	packed, err := compress(CodecDeflate, data)
	if err != nil {
		t.Fatal(err)
	}
	return packed
}

// toyBody is the uncompressed body of the toy model with its weights at
// the given options.
func toyBody(t testing.TB, opt Options) []byte {
	t.Helper()
	m := toyModel()
	b, err := encodeBody(Payload{Spec: m, Epochs: 2, Steps: 7, Weights: randomWeights(t, m, 1)}, opt)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// specBody is a body with the given spec JSON, no progress, a count of
// tensors, then rest.
func specBody(json string, tensors byte, rest ...byte) []byte {
	b := binary.AppendUvarint(nil, uint64(len(json)))
	b = append(b, json...)
	return append(b, append([]byte{0, 0, tensors}, rest...)...)
}

// replaceOnce replaces the only occurrence of old in b.
func replaceOnce(t testing.TB, b []byte, old, new []byte) []byte {
	t.Helper()
	if bytes.Count(b, old) != 1 {
		t.Fatalf("%x occurs %d times", old, bytes.Count(b, old))
	}
	return bytes.Replace(b, old, new, 1)
}

// TestDecodeRefuses feeds damaged and hostile links to Decode and checks
// each refusal's message.
func TestDecodeRefuses(t *testing.T) {
	good, err := Encode(Payload{Spec: toyModel(), Weights: randomWeights(t, toyModel(), 1)}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	seedJSON := `{"input":[784],"layers":[{"type":"Dense","units":128,"activation":"relu"}],"loss":"mean_squared_error"}`
	toyJSON, err := specJSON(toyModel())
	if err != nil {
		t.Fatal(err)
	}
	int8Body := toyBody(t, Options{Precision: Int8})
	int4Body := toyBody(t, Options{Precision: Int4})
	f32Body := toyBody(t, Options{Precision: Float32})
	nameAt := bytes.Index(f32Body, []byte("dense/kernel"))
	// The toy model's first tensor, the (2, 3) dense/kernel, starts after
	// its name: rank 2, dims 2 and 3, precision and scaling bytes.
	f32Data := nameAt + len("dense/kernel") + 5
	int8Data := bytes.Index(int8Body, []byte("dense/kernel")) + len("dense/kernel") + 5 + 4
	for _, c := range []struct {
		name, link, want string
	}{
		{"too long", strings.Repeat("A", MaxLinkBytes+1), "the link is 2,097,153 characters long; links over 2 MiB are refused"},
		{"empty", "https://nnplay.example/#m=", "the link holds no model"},
		{"not base64", good[:10] + "%3D" + good[10:], `character 11 ('%') cannot appear in a model link`},
		{"space", good[:4] + " " + good[4:], `character 5 (' ')`},
		{"base64 length", good[:4*10+1], "its length does not work out"},
		{"magic", base64.RawURLEncoding.EncodeToString([]byte("PK\x03\x04 zip")), "this is not an nnplay model link"},
		{"short", base64.RawURLEncoding.EncodeToString([]byte("nnp")), "this is not an nnplay model link"},
		{"newer", pack(3, byte(CodecDeflate), 0, nil), "this link was made by a newer nnplay (format v3; this page reads up to v1)"},
		{"version 0", pack(0, byte(CodecDeflate), 0, nil), "format version 0 does not exist"},
		{"codec", pack(FormatVersion, 9, 10, make([]byte, 10)), "it uses compression 9, which this page does not know"},
		{"no size", pack(FormatVersion, byte(CodecNone), 0, nil)[:7], "it ends where the body's size should be"},
		{"size too big", pack(FormatVersion, byte(CodecDeflate), 1<<40, nil), "declares a model of 1048576 MiB, more than the 16 MiB a link may hold"},
		{"size overflow", base64.RawURLEncoding.EncodeToString(append([]byte("nnp\x01\x01"), bytes.Repeat([]byte{0xff}, 11)...)), "the body's size is not a valid number"},
		{"truncated", good[:len(good)*2/3], "its compressed data is corrupt or cut short (unexpected EOF)"},
		{"stored short", pack(FormatVersion, byte(CodecNone), 100, make([]byte, 50)), "it declares 100 bytes but holds 50"},
		{"stored long", pack(FormatVersion, byte(CodecNone), 100, make([]byte, 150)), "it holds more data than the 100 bytes it declares"},
		{"deflate long", pack(FormatVersion, byte(CodecDeflate), 10, deflated(t, make([]byte, 20))), "it holds more data than the 10 bytes it declares"},
		{"after deflate", pack(FormatVersion, byte(CodecDeflate), uint64(len(f32Body)), append(deflated(t, f32Body), 0)), "1 unexpected bytes follow its data"},
		{"corrupt deflate", pack(FormatVersion, byte(CodecDeflate), 10, []byte{0xff, 0xff, 0xff}), "its compressed data is corrupt"},
		{"spec length", stored(binary.AppendUvarint(nil, 1<<20)), "the model spec is 1048576, more than the 65536 allowed"},
		{"spec cut", stored(append(binary.AppendUvarint(nil, 500), "{}"...)), "500 bytes should follow but only 2 remain"},
		{"spec JSON", stored(specBody(`{"input":[784],"layers":[`, 0)), "the link's model is not valid: model JSON ends too early"},
		{"spec field", stored(specBody(`{"inputs":[784]}`, 0)), `the link's model is not valid: model JSON: unknown field "inputs"`},
		{"spec invalid", stored(specBody(seedJSON, 0)), "the link's model is not valid: the optimizer's name is missing"},
		{"no progress", stored(specBody(toyJSON, 0)[:len(toyJSON)+2]), "it ends where epochs done should be"},
		{"tensor count", stored(replaceOnce(t, f32Body, []byte{7, 4, 12}, []byte{7, 3, 12})), "the link holds 3 weight tensors but its model has 4"},
		{"progress", stored(replaceOnce(t, f32Body, []byte{2, 7, 4, 12}, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 7, 4, 12})), "it claims 562949953421311 epochs"},
		{"name", stored(replaceOnce(t, f32Body, []byte("dense/kernel"), []byte("dense/kerneL"))), `weight tensor 1 is named "dense/kerneL" but the model's is "dense/kernel"`},
		{"shape", stored(replaceOnce(t, f32Body, []byte("dense/kernel\x02\x02\x03"), []byte("dense/kernel\x02\x03\x02"))), "weight tensor 1 (dense/kernel) has shape [3 2] but the model's is [2 3]"},
		{"rank", stored(replaceOnce(t, f32Body, []byte("dense/kernel\x02"), []byte("dense/kernel\x7f"))), "weight tensor 1 (dense/kernel)'s rank is 127, more than the 8 allowed"},
		{"precision", stored(replaceOnce(t, f32Body, []byte("dense/kernel\x02\x02\x03\x00\x00"), []byte("dense/kernel\x02\x02\x03\x07\x00"))), "has precision 7 with scaling 0, which this page does not know"},
		{"float scaled", stored(replaceOnce(t, f32Body, []byte("dense/kernel\x02\x02\x03\x00\x00"), []byte("dense/kernel\x02\x02\x03\x00\x01"))), "has precision 0 with scaling 1"},
		{"data cut", stored(f32Body[:len(f32Body)-3]), "weight tensor 4 (dense_1/bias): the link is cut short: 8 bytes should follow but only 5 remain"},
		{"trailing", stored(append(append([]byte(nil), f32Body...), 1, 2)), "the link is damaged: 2 unexpected bytes follow the model"},
		{"NaN", stored(setFloat32(f32Body, f32Data, float32(math.NaN()))), "the link holds a model with a weight of NaN (weight tensor 1 (dense/kernel), index 0)"},
		{"Inf", stored(setFloat32(f32Body, f32Data, float32(math.Inf(-1)))), "a weight of -Inf"},
		{"scale", stored(setScale(int8Body, int8Data-4, -1)), "has scale -1; scales must be finite and at least 0"},
		{"scale overflow", stored(setScale(int8Body, int8Data-4, math.MaxFloat32)), "a weight of"},
		{"int8 code", stored(setByte(int8Body, int8Data+1, 0x80)), "holds the code -128 at index 1; int8 codes are -127 to 127"},
		{"int4 code", stored(setByte(int4Body, int8Data, 0x08)), "holds the code -8 at index 0; int4 codes are -7 to 7"},
		{"int4 padding", stored(oddInt4Padding(t)), "ends in a non-zero padding nibble"},
	} {
		p, err := Decode(c.link)
		if err == nil {
			t.Errorf("%s: decoded to %+v, want an error containing %q", c.name, p.Spec, c.want)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %q, want it to contain %q", c.name, err, c.want)
		}
		if p.Weights != nil || p.Spec.Layers != nil {
			t.Errorf("%s: an error came with a payload", c.name)
		}
	}
}

// setFloat32 returns body with the first float32 value of the tensor
// whose byte planes start at at replaced by v. The tensor has 6 values.
func setFloat32(body []byte, at int, v float32) []byte {
	b := append([]byte(nil), body...)
	bits := math.Float32bits(v)
	for p := range 4 {
		b[at+6*p] = byte(bits >> (8 * p))
	}
	return b
}

func setScale(body []byte, at int, s float32) []byte {
	b := append([]byte(nil), body...)
	binary.LittleEndian.PutUint32(b[at:], math.Float32bits(s))
	return b
}

func setByte(body []byte, at int, v byte) []byte {
	b := append([]byte(nil), body...)
	b[at] = v
	return b
}

// oddInt4Padding is the body of the toy model with 3 inputs at int4,
// whose (3, 3) first kernel holds an odd 9 values, with its padding
// nibble set.
func oddInt4Padding(t testing.TB) []byte {
	m := toyModel()
	m.Input = []int{3}
	body, err := encodeBody(Payload{Spec: m, Weights: randomWeights(t, m, 2)}, Options{Precision: Int4})
	if err != nil {
		t.Fatal(err)
	}
	at := bytes.Index(body, []byte("dense/kernel")) + len("dense/kernel") + 5 + 4 + 4 // 9 values: 5 bytes
	body[at] |= 0xf0
	return body
}

// TestEncodeRefuses checks that Encode refuses what Decode would.
func TestEncodeRefuses(t *testing.T) {
	m := toyModel()
	weights := func() []Tensor { return randomWeights(t, m, 1) }
	nan := weights()
	nan[2].Values[1] = float32(math.Inf(1))
	named := weights()
	named[1].Name = "dense/gamma"
	shaped := weights()
	shaped[0].Shape = []int{3, 2}
	short := weights()
	short[3].Values = short[3].Values[:1]
	bad := toyModel()
	bad.BatchSize = 0
	for _, c := range []struct {
		name string
		p    Payload
		opt  Options
		want string
	}{
		{"spec", Payload{Spec: bad}, Options{}, "the model is not valid: batch size must be between 1 and 4096, got 0"},
		{"progress", Payload{Spec: m, Steps: -1}, Options{}, "got 0 epochs and -1 steps"},
		{"count", Payload{Spec: m, Weights: weights()[:3]}, Options{}, "the model has 4 weight tensors but 3 were given"},
		{"Inf", Payload{Spec: m, Weights: nan}, Options{}, "weight tensor 3 (dense_1/kernel) holds +Inf at index 1"},
		{"name", Payload{Spec: m, Weights: named}, Options{}, `weight tensor 2 is named "dense/gamma" but the model's is "dense/bias"`},
		{"shape", Payload{Spec: m, Weights: shaped}, Options{}, "weight tensor 1 (dense/kernel) has shape [3 2] but the model's is [2 3]"},
		{"values", Payload{Spec: m, Weights: short}, Options{}, "weight tensor 4 (dense_1/bias) of shape [2] needs 2 values, got 1"},
		{"precision", Payload{Spec: m}, Options{Precision: 9}, "unknown precision 9"},
		{"codec", Payload{Spec: m}, Options{Codec: 7}, "unknown codec 7"},
	} {
		if _, err := Encode(c.p, c.opt); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to contain %q", c.name, err, c.want)
		}
	}
}

// allocated is how many bytes f allocates.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestDecodeLiesCostNothing: links that declare huge sizes they do not
// hold are refused having allocated about what they hold, and a
// decompression bomb is cut off at the size it declares.
func TestDecodeLiesCostNothing(t *testing.T) {
	bomb := deflated(t, make([]byte, MaxDecompressed+(1<<20))) // 17 MiB of zeros: 17 KB
	seedJSON, err := specJSON(spec.Seed())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, link, want string
	}{
		{"body size", pack(FormatVersion, byte(CodecDeflate), MaxDecompressed, deflated(t, []byte("tiny"))), "it declares 16,777,216 bytes but holds 4"},
		{"bomb", pack(FormatVersion, byte(CodecDeflate), 1000, bomb), "more data than the 1,000 bytes it declares"},
		{"big bomb", pack(FormatVersion, byte(CodecDeflate), MaxDecompressed, bomb), "more data than the 16,777,216 bytes it declares"},
		{"spec size", stored(binary.AppendUvarint(nil, maxSpecBytes)), "65,536 bytes should follow but only 0 remain"},
		// The seed's (784, 128) kernel at float32 needs 401,408 bytes.
		{"tensor data", stored(specBody(seedJSON, 6, append(append([]byte{12}, "dense/kernel"...), 2, 0x90, 6, 0x80, 1, 0, 0)...)),
			"weight tensor 1 (dense/kernel): the link is cut short: 401,408 bytes should follow but only 0 remain"},
	} {
		var err error
		used := allocated(func() { _, err = Decode(c.link) })
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to contain %q", c.name, err, c.want)
		}
		// The bomb expands to its declared size before it is refused; the
		// others hold a few bytes.
		limit := uint64(1 << 20)
		if c.name == "big bomb" {
			limit = 3 * MaxDecompressed
		}
		if used > limit {
			t.Errorf("%s: allocated %d bytes, want at most %d", c.name, used, limit)
		}
	}
}

// specJSON is a spec's compact JSON, as a link holds it.
func specJSON(m spec.Model) (string, error) {
	b, err := encodeBody(Payload{Spec: m}, Options{})
	if err != nil {
		return "", err
	}
	n, k := binary.Uvarint(b)
	return string(b[k : k+int(n)]), nil
}
