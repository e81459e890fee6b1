package share

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"io"
	"math"
	"reflect"
	"strings"
	"testing"
)

// expanded is how many bytes link's body could expand to, up to the cap:
// what Decode may legitimately hold in memory for it.
func expanded(link string) uint64 {
	if v, ok := Fragment(link); ok {
		link = v
	}
	bin, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(link, "="))
	if err != nil || len(bin) < len(magic)+2 {
		return 0
	}
	_, k := binary.Uvarint(bin[len(magic)+2:])
	if k <= 0 {
		return 0
	}
	var r io.Reader = bytes.NewReader(bin[len(magic)+2+k:])
	if Codec(bin[len(magic)+1]) == CodecDeflate {
		r = flate.NewReaderDict(r, []byte(specDictionary))
	}
	n, _ := io.Copy(io.Discard, io.LimitReader(r, MaxDecompressed+1))
	return uint64(n)
}

// FuzzDecode feeds arbitrary links to Decode: the fuzzed bytes as link
// text (for the URL and base64 parsing), and base64url-encoded (so that
// mutations reach the binary format itself). Decode must never panic,
// must allocate in proportion to what the link holds (never to what it
// declares), and what it accepts must be a valid model whose weights fit
// it, hold no NaN or Inf, and survive a float32 round trip unchanged.
// The seed corpus is testdata/fuzz/FuzzDecode (see TestFuzzCorpus).
func FuzzDecode(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		text, encoded := string(data), base64.RawURLEncoding.EncodeToString(data)
		var p, q Payload
		var errP, errQ error
		// One measurement for both: reading the memory statistics stops
		// the world, and would otherwise take most of the fuzzer's time.
		used := allocated(func() {
			p, errP = Decode(text)
			q, errQ = Decode(encoded)
		})
		// Generous: the base64 copy, the body grown by doubling, spec's
		// JSON decoding, and float32 weights (8 bytes per int4 byte). The
		// bodies' sizes are only worked out when the quick bound fails.
		if bound := 2<<20 + 4*uint64(len(text)+len(encoded)); used > bound {
			bound += 16 * (expanded(text) + expanded(encoded))
			if used > bound {
				t.Fatalf("allocated %d bytes for links of %d and %d characters (bound %d)", used, len(text), len(encoded), bound)
			}
		}
		checkAccepted(t, p, errP)
		checkAccepted(t, q, errQ)
	})
}

// checkAccepted checks what FuzzDecode promises of a decoded link: an
// error comes alone, and an accepted payload is consistent.
func checkAccepted(t *testing.T, p Payload, err error) {
	if err != nil {
		if p.Weights != nil || p.Spec.Layers != nil || err.Error() == "" {
			t.Fatalf("error %q came with a payload", err)
		}
		return
	}
	if err := p.Spec.Validate(); err != nil {
		t.Fatalf("accepted an invalid spec: %v", err)
	}
	want, err := ExpectedWeights(p.Spec)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Weights) != 0 && len(p.Weights) != len(want) {
		t.Fatalf("accepted %d tensors for a model with %d", len(p.Weights), len(want))
	}
	for i, w := range p.Weights {
		if w.Name != want[i].Name || !reflect.DeepEqual(w.Shape, want[i].Shape) || len(w.Values) != size(w.Shape) {
			t.Fatalf("accepted tensor %s %v with %d values, want %s %v", w.Name, w.Shape, len(w.Values), want[i].Name, want[i].Shape)
		}
		for _, v := range w.Values {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				t.Fatalf("accepted %v in %s", v, w.Name)
			}
		}
	}
	again, err := Encode(p, Options{Precision: Float32, Codec: CodecNone})
	if err != nil {
		t.Fatalf("re-encoding an accepted link: %v", err)
	}
	q, err := Decode(again)
	if err != nil {
		t.Fatalf("decoding a re-encoded link: %v", err)
	}
	for i := range q.Weights {
		q.Weights[i].Precision, q.Weights[i].PerChannel = p.Weights[i].Precision, p.Weights[i].PerChannel
	}
	// Specs compare as JSON: a link's "strides":[] reads back as nil.
	specP, _ := json.Marshal(p.Spec)
	specQ, _ := json.Marshal(q.Spec)
	if !bytes.Equal(specP, specQ) || p.Epochs != q.Epochs || p.Steps != q.Steps || !reflect.DeepEqual(p.Weights, q.Weights) {
		t.Fatalf("a float32 round trip changed the payload")
	}
}
