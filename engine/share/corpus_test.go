package share

import (
	"encoding/base64"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/nnplay/nnplay/engine/spec"
)

var updateCorpus = flag.Bool("update-corpus", false, "rewrite testdata/fuzz/FuzzDecode from the current encoder")

// corpusEntry is one file of FuzzDecode's seed corpus: a link, and the
// error it gets ("" for a link that opens). The file holds the link's
// bytes (base64-decoded), or its text when the text is what matters.
type corpusEntry struct {
	name, link, err string
	text            bool
}

// data is what the entry's file holds.
func (e corpusEntry) data() []byte {
	if e.text {
		return []byte(e.link)
	}
	b, err := base64.RawURLEncoding.DecodeString(e.link)
	if err != nil {
		panic(e.name + ": " + err.Error())
	}
	return b
}

// corpus makes the seed corpus: small valid links at every precision and
// codec (CodecNone bodies let the fuzzer mutate the format's fields
// directly), recipes, and damaged links of each kind.
func corpus(t testing.TB) []corpusEntry {
	encode := func(p Payload, opt Options) string {
		link, err := Encode(p, opt)
		if err != nil {
			t.Fatal(err)
		}
		return link
	}
	toy := toyModel()
	odd := toyModel()
	odd.Input = []int{3} // a (3, 3) kernel: an odd count of int4 codes
	image := imageModel()
	withWeights := func(m spec.Model) Payload {
		return Payload{Spec: m, Epochs: 2, Steps: 40, Weights: randomWeights(t, m, 11)}
	}
	stored := func(p Precision, perChannel bool) Options {
		return Options{Precision: p, PerChannel: perChannel, Codec: CodecNone}
	}
	good := encode(withWeights(toy), Options{Precision: Int8})
	bin, _ := base64.RawURLEncoding.DecodeString(good)
	newer := append([]byte(nil), bin...)
	newer[len(magic)] = 2
	return []corpusEntry{
		{"toy_float32_stored", encode(withWeights(toy), stored(Float32, false)), "", false},
		{"toy_float16_stored", encode(withWeights(toy), stored(Float16, false)), "", false},
		{"toy_int8_per_channel_stored", encode(withWeights(toy), stored(Int8, true)), "", false},
		{"odd_int4_stored", encode(withWeights(odd), stored(Int4, false)), "", false},
		{"odd_int4_per_channel_stored", encode(withWeights(odd), stored(Int4, true)), "", false},
		{"image_int8_stored", encode(withWeights(image), stored(Int8, true)), "", false},
		{"image_float16_deflate", encode(withWeights(image), Options{Precision: Float16}), "", false},
		{"toy_int8_deflate", good, "", false},
		{"toy_int4_deflate_url", "https://nnplay.example/#m=" + encode(withWeights(toy), Options{Precision: Int4}), "", true},
		{"seed_recipe", encode(Payload{Spec: spec.Seed()}, Options{}), "", false},
		{"lenet_recipe_stored", encode(Payload{Spec: spec.LeNet(), Epochs: 3, Steps: 2814}, Options{Codec: CodecNone}), "", false},
		{"newer_version", base64.RawURLEncoding.EncodeToString(newer), "made by a newer nnplay (format v2", false},
		{"truncated", good[:len(good)/2/4*4], "corrupt or cut short", false},
		{"bad_character", good[:20] + "!" + good[21:], "cannot appear in a model link", true},
		{"not_nnplay", base64.RawURLEncoding.EncodeToString([]byte("hello, world")), "not an nnplay model link", false},
	}
}

// TestFuzzCorpus checks the checked-in seed corpus: each file holds the
// link its entry names, and a valid link decodes to the same payload as
// one the current encoder makes — so links made with an older build of
// this format still open to the same model. Damaged ones give their error.
// `go test -run TestFuzzCorpus -update-corpus` rewrites the files.
func TestFuzzCorpus(t *testing.T) {
	dir := filepath.Join("testdata", "fuzz", "FuzzDecode")
	for _, e := range corpus(t) {
		path := filepath.Join(dir, e.name)
		if *updateCorpus {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(fmt.Sprintf("go test fuzz v1\n[]byte(%s)\n", strconv.Quote(string(e.data())))), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		file, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test -run TestFuzzCorpus -update-corpus to write the corpus)", err)
		}
		quoted, ok := strings.CutPrefix(strings.TrimSpace(string(file)), "go test fuzz v1\n[]byte(")
		data, err := strconv.Unquote(strings.TrimSuffix(quoted, ")"))
		if !ok || err != nil {
			t.Fatalf("%s: not a go test fuzz v1 []byte file: %v", path, err)
		}
		link := data
		if !e.text {
			link = base64.RawURLEncoding.EncodeToString([]byte(data))
		}
		got, err := Decode(link)
		if e.err != "" {
			if err == nil || !strings.Contains(err.Error(), e.err) {
				t.Errorf("%s: error %v, want it to contain %q", e.name, err, e.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", e.name, err)
			continue
		}
		want, err := Decode(e.link)
		if err != nil {
			t.Fatalf("%s, as encoded now: %v", e.name, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: the checked-in link decodes to a different payload than the current encoder's", e.name)
		}
	}
}
