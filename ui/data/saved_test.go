package data

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// A damaged record says which record and what is wrong with it.
func TestDecodeSavedSaysWhatIsDamaged(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`not json`, "a saved data set is damaged"},
		{`{"name":"x","kind":"image","request":"bm90IGpzb24="}`, `saved data set "x" is damaged`},
		{`{"name":"x","kind":"sound","request":"e30="}`, `unknown kind "sound"`},
	} {
		if _, _, err := decodeSaved([]byte(c.in)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("decodeSaved(%s): %v; want %q", c.in, err, c.want)
		}
	}
}

// FuzzDecodeSaved feeds arbitrary bytes to decodeSaved (a record of My
// data, which another version of the page or a damaged profile may have
// written): it never panics, and what it accepts is kept again unchanged.
func FuzzDecodeSaved(f *testing.F) {
	b, _ := encodeSaved("boxes", spec.KindTable, protocol.LoadDataset{Source: protocol.SourceTable, Table: []byte("a,b\n1,2\n")})
	f.Add(b)
	b, _ = encodeSaved("pets", spec.KindImage, protocol.LoadDataset{Source: protocol.SourceFiles, Files: []protocol.ImageFile{{Path: "cat/1.png", Data: []byte{1}}}})
	f.Add(b)
	f.Add([]byte(`{"name":"x","kind":"image","request":"e30="}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		rec, r, err := decodeSaved(b)
		if err != nil {
			return
		}
		// Keeping a request names it after the record and drops its ID.
		r.Name, r.ID = rec.Name, 0
		again, err := encodeSaved(rec.Name, rec.Kind, r)
		if err != nil {
			t.Fatalf("decoded %+v but cannot keep it again: %v", r, err)
		}
		rec2, r2, err := decodeSaved(again)
		if err != nil {
			t.Fatalf("kept again, it does not decode: %v", err)
		}
		j1, _ := json.Marshal(r)
		j2, _ := json.Marshal(r2)
		if rec2.Name != rec.Name || rec2.Kind != rec.Kind || string(j1) != string(j2) {
			t.Fatalf("round trip changed %s into %s", j1, j2)
		}
	})
}

// encodeSaved makes the bytes an earlier version stored for a request.
func encodeSaved(name, kind string, r protocol.LoadDataset) ([]byte, error) {
	r.ID = 0
	r.Name = name
	req, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	return json.Marshal(savedRecord{Name: name, Kind: kind, Request: req})
}

// A kept data set comes back as it was kept: its files as the wire's
// parts, byte for byte, the options in its text, under the name it was
// kept as; it is the size of its files and options, not base64 of them.
func TestKeptWireRoundTrips(t *testing.T) {
	table := []byte(strings.Repeat("a,b\n1,2\n", 1000))
	r := protocol.LoadDataset{ID: 9, Source: protocol.SourceTable, Name: "upload", Table: table,
		TableOptions: &protocol.TableOptions{Target: "b"}, Validation: 0.2, Test: 0.1, Seed: 4}
	w, err := keptWire("boxes", r)
	if err != nil {
		t.Fatal(err)
	}
	if n := wireSize(w); n > len(table)+300 {
		t.Errorf("kept %d bytes for a %d-byte table", n, len(table))
	}
	back, err := readKept("boxes", spec.KindTable, w)
	if err != nil {
		t.Fatal(err)
	}
	r.ID, r.Name = 0, "boxes"
	j1, _ := json.Marshal(r)
	j2, _ := json.Marshal(back)
	if string(j1) != string(j2) {
		t.Errorf("kept %s, read back %s", j1, j2)
	}
}

// A damaged kept record says which one and what is wrong.
func TestReadKeptSaysWhatIsDamaged(t *testing.T) {
	good, _ := keptWire("x", protocol.LoadDataset{Source: protocol.SourceTable, Table: []byte("a\n1\n")})
	other, _ := protocol.EncodeWire(protocol.Evaluate{})
	for _, c := range []struct {
		kind string
		w    protocol.Wire
		want string
	}{
		{spec.KindTable, protocol.Wire{Text: "not json", Parts: good.Parts}, `saved data set "x" is damaged`},
		{spec.KindTable, protocol.Wire{Text: good.Text, Parts: good.Parts[:2]}, `saved data set "x" is damaged`},
		{spec.KindTable, other, "not a data set"},
		{"sound", good, `unknown kind "sound"`},
	} {
		if _, err := readKept("x", c.kind, c.w); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("readKept(%q, %.40q): %v; want %q", c.kind, c.w.Text, err, c.want)
		}
	}
}

// FuzzReadKept feeds arbitrary wire forms to readKept (a record of My
// data a damaged profile may hold): it never panics, and what it accepts
// is kept again unchanged.
func FuzzReadKept(f *testing.F) {
	w, _ := keptWire("pets", protocol.LoadDataset{Source: protocol.SourceFiles, Files: []protocol.ImageFile{{Path: "cat/1.png", Data: []byte{1, 2}}}})
	f.Add(w.Text, []byte{1, 2}, 5)
	w, _ = keptWire("boxes", protocol.LoadDataset{Source: protocol.SourceTable, Table: []byte("a,b\n1,2\n")})
	f.Add(w.Text, []byte("a,b\n1,2\n"), 4)
	f.Fuzz(func(t *testing.T, text string, part []byte, n int) {
		if n < 0 || n > 64 {
			return
		}
		parts := make([][]byte, n)
		for i := range parts {
			parts[i] = part
		}
		r, err := readKept("k", spec.KindImage, protocol.Wire{Text: text, Parts: parts})
		if err != nil {
			return
		}
		again, err := keptWire("k", r)
		if err != nil {
			t.Fatalf("read %+v but cannot keep it again: %v", r, err)
		}
		r2, err := readKept("k", spec.KindImage, again)
		if err != nil {
			t.Fatalf("kept again, it does not read: %v", err)
		}
		r.Name, r.ID = "k", 0
		j1, _ := json.Marshal(r)
		j2, _ := json.Marshal(r2)
		if string(j1) != string(j2) {
			t.Fatalf("round trip changed %s into %s", j1, j2)
		}
	})
}

// BenchmarkKeep: what keeping a 10 MB upload costs on the page, in the
// form kept now (the wire: parts as they are) and an earlier version's
// (JSON, the file in base64 inside base64), and reading it back.
func BenchmarkKeep(b *testing.B) {
	r := protocol.LoadDataset{Source: protocol.SourceZip, Zip: make([]byte, 10<<20)}
	b.Run("wire", func(b *testing.B) {
		b.SetBytes(int64(len(r.Zip)))
		for b.Loop() {
			w, _ := keptWire("z", r)
			if _, err := readKept("z", spec.KindImage, w); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("earlier", func(b *testing.B) {
		b.SetBytes(int64(len(r.Zip)))
		for b.Loop() {
			enc, _ := encodeSaved("z", spec.KindImage, r)
			if _, _, err := decodeSaved(enc); err != nil {
				b.Fatal(err)
			}
		}
	})
}
