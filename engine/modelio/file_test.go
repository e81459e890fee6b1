package modelio

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"slices"
	"strings"
	"testing"

	"github.com/nnplay/nnplay/engine/share"
	"github.com/nnplay/nnplay/engine/spec"
)

// fileBytes is p as a model file.
func fileBytes(t *testing.T, p share.Payload, opt share.Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteFile(&buf, p, opt); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestFileRoundTrip: a model written to a file and read back predicts
// exactly as before at float32 and nearly so at int8, for the seed MLP and
// a CNN with BatchNormalization, with biases and without; the file starts
// with its readable magic.
func TestFileRoundTrip(t *testing.T) {
	for _, s := range []spec.Model{spec.Seed(), bnSpec(), noBiasSpec()} {
		m := trained(t, s)
		x, _ := randomBatch(s.Input, 20, 2)
		want := predict(m, x)
		var buf bytes.Buffer
		if err := WriteModel(&buf, m, 2, 3, share.Options{}); err != nil {
			t.Fatal(err)
		}
		raw := slices.Clone(buf.Bytes())
		if !bytes.HasPrefix(raw, []byte("nnplay model\n\x01")) {
			t.Errorf("the file starts %q", raw[:14])
		}
		back, p, err := ReadModel(&buf)
		if err != nil {
			t.Fatal(err)
		}
		if p.Epochs != 2 || p.Steps != 3 {
			t.Errorf("progress %d, %d", p.Epochs, p.Steps)
		}
		if !slices.Equal(predict(back, x), want) {
			t.Errorf("%v: float32 file predicts differently", s.Input)
		}
		small := fileBytes(t, ToPayload(m, 2, 3), share.Options{Precision: share.Int8})
		if len(small) >= len(raw) {
			t.Errorf("int8 file %d bytes, float32 %d", len(small), len(raw))
		}
		back, _, err = ReadModel(bytes.NewReader(small))
		if err != nil {
			t.Fatal(err)
		}
		worst := float32(0)
		for i, v := range predict(back, x) {
			worst = max(worst, abs(v-want[i]))
		}
		if worst > 0.05 {
			t.Errorf("%v: int8 file's probabilities are off by %g", s.Input, worst)
		}
	}
}

func abs(v float32) float32 {
	if v < 0 {
		return -v
	}
	return v
}

// TestFileLargerThanALink: a model whose float32 weights do not fit a
// link (over 2 MiB of base64) still fits a file.
func TestFileLargerThanALink(t *testing.T) {
	s := spec.Seed()
	s.Layers[0].Units = 1024 // 800k weights: 3.2 MB at float32
	m := trained(t, s)
	p := ToPayload(m, 0, 0)
	if _, err := share.Encode(p, share.Options{}); err == nil {
		t.Fatal("the model fits a link; make it larger")
	}
	back, _, err := ReadModel(bytes.NewReader(fileBytes(t, p, share.Options{})))
	if err != nil {
		t.Fatal(err)
	}
	x, _ := randomBatch(s.Input, 4, 2)
	if !slices.Equal(predict(back, x), predict(m, x)) {
		t.Errorf("the large model predicts differently after a file round trip")
	}
}

// TestReadFileRefuses: files that are not model files, or are cut short or
// damaged, are refused with a message that says so.
func TestReadFileRefuses(t *testing.T) {
	good := fileBytes(t, ToPayload(trained(t, spec.Seed()), 1, 1), share.Options{Precision: share.Int8})
	link, err := share.Encode(share.Payload{Spec: spec.Seed()}, share.Options{})
	if err != nil {
		t.Fatal(err)
	}
	specJSON, _ := spec.Encode(spec.Seed())
	flip := func(at int) []byte {
		b := slices.Clone(good)
		b[at] ^= 0x40
		return b
	}
	withVersion := func(v byte) []byte {
		b := slices.Clone(good)
		b[len(fileMagic)] = v
		return b
	}
	// A frame around data that is not share's: the checksum matches, so
	// share's own check speaks, in a file's words.
	frame := func(data []byte) []byte {
		b := append([]byte(fileMagic), FileVersion)
		b = binary.LittleEndian.AppendUint32(b, uint32(len(data)))
		b = binary.LittleEndian.AppendUint32(b, crc32.ChecksumIEEE(data))
		return append(b, data...)
	}
	shareBin, _ := share.EncodeBinary(share.Payload{Spec: spec.Seed()}, share.Options{})
	newer := slices.Clone(shareBin)
	newer[3] = share.FormatVersion + 1
	cut := slices.Clone(shareBin[:len(shareBin)-5])
	for _, c := range []struct {
		name string
		raw  []byte
		want string
	}{
		{"empty", nil, "the file is empty"},
		{"PNG", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "this is not an nnplay model file: it is a PNG image"},
		{"JPEG", []byte("\xff\xd8\xff\xe0\x00\x10JFIF"), "it is a JPEG image"},
		{"zip", []byte("PK\x03\x04\x14\x00"), "it is a zip archive"},
		{"gzip", []byte("\x1f\x8b\x08\x00"), "it is gzip-compressed"},
		{"HDF5", []byte("\x89HDF\r\n\x1a\n"), "it is an HDF5 file"},
		{"TF.js model.json", []byte(`{"format": "layers-model", "modelTopology": {}, "weightsManifest": []}`), "it is a TensorFlow.js model.json"},
		{"spec JSON", specJSON, "perhaps a model spec without weights"},
		{"other JSON", []byte(`  {"hello": 1}`), "this is not an nnplay model file: it is a JSON document"},
		{"link text", []byte(link + "\n"), "it holds a model link as text; open the link instead"},
		{"URL text", []byte("https://example.test/#m=" + link), "it holds a model link as text"},
		{"HTML", []byte("<!doctype html><p>hi"), "it is an HTML or XML document"},
		{"share bytes without frame", shareBin, "without the model file's header"},
		{"text", []byte("hello world, this is a note"), `this is not an nnplay model file (it does not start with "nnplay model")`},
		{"magic only, cut", good[:7], "the file is cut short: it holds 7 bytes, less than a model file's header"},
		{"header cut", good[:headerSize-2], "the file is cut short: it holds 20 bytes, less than a model file's 22-byte header"},
		{"data cut", good[:len(good)-100], "the file is cut short: it should hold"},
		{"trailing bytes", append(slices.Clone(good), 0, 0, 0), "the file is damaged: 3 unexpected bytes follow the model"},
		{"flipped byte", flip(len(good) - 50), "the file is damaged: its checksum does not match its contents; download it again"},
		{"flipped size", flip(len(fileMagic) + 2), "the file is"},
		{"newer frame", withVersion(FileVersion + 1), "this model file was made by a newer nnplay (file version 2; this one reads version 1)"},
		{"frame version 0", withVersion(0), "the file is damaged: model file version 0 does not exist"},
		{"newer share format", frame(newer), "this model was made by a newer nnplay"},
		{"share data cut inside a good frame", frame(cut), "the file is"},
	} {
		p, err := ReadFile(bytes.NewReader(c.raw))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
			continue
		}
		if strings.Contains(err.Error(), "link") && c.name != "link text" && c.name != "URL text" {
			t.Errorf("%s: a file's message speaks of a link: %v", c.name, err)
		}
		if len(p.Weights) != 0 || len(p.Spec.Layers) != 0 {
			t.Errorf("%s: a payload came back with the error", c.name)
		}
		if m, _, err := ReadModel(bytes.NewReader(c.raw)); m != nil || err == nil {
			t.Errorf("%s: ReadModel gave a model", c.name)
		}
	}
	// Every truncation of a good file is refused, none panics.
	for n := range len(good) {
		if _, err := DecodeFile(good[:n]); err == nil {
			t.Fatalf("the file cut to %d of %d bytes was accepted", n, len(good))
		}
	}
}

// TestReadFileStopsAtTheCap: an endless stream is read no further than
// MaxFileBytes+1 bytes and refused.
func TestReadFileStopsAtTheCap(t *testing.T) {
	r := &countingReader{}
	_, err := ReadFile(r)
	if err == nil || !strings.Contains(err.Error(), "the file is larger than 16.1 MiB") {
		t.Errorf("endless file: %v", err)
	}
	if r.n != MaxFileBytes+1 {
		t.Errorf("read %d bytes, want %d", r.n, MaxFileBytes+1)
	}
	if _, err := ReadFile(failingReader{}); err == nil || !strings.Contains(err.Error(), "reading the model file: disk on fire") {
		t.Errorf("failing reader: %v", err)
	}
	if err := WriteFile(failingWriter{}, share.Payload{Spec: spec.Seed()}, share.Options{}); err == nil || !strings.Contains(err.Error(), "writing the model file: disk on fire") {
		t.Errorf("failing writer: %v", err)
	}
}

type countingReader struct{ n int }

func (r *countingReader) Read(p []byte) (int, error) {
	r.n += len(p)
	return len(p), nil
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk on fire") }
