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
