package data

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/engine/units"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// SavedSet is one data set of "My data", kept in the browser's IndexedDB:
// the request that loads it again (its files' bytes and the options).
type SavedSet struct {
	Key  string // the IndexedDB key
	Name string
	Kind string // spec.KindImage or spec.KindTable
	Size int    // bytes kept
}

// SizeText is the set's size as shown.
func (s SavedSet) SizeText() string { return units.Bytes(int64(s.Size)) }

// A kept data set is stored as its request's wire form (protocol.Wire):
// the options as JSON text, each file's bytes a part of its own (a
// Uint8Array in IndexedDB), so keeping a data set copies its files once
// and encodes none of them. Records kept by earlier versions (a
// savedRecord's JSON, files in base64 inside base64) still load.

// keptWire is the wire form of r kept under name.
func keptWire(name string, r protocol.LoadDataset) (protocol.Wire, error) {
	r.ID, r.Name = 0, name
	return protocol.EncodeWire(r)
}

// readKept reads a kept data set of the given kind back from its wire form.
func readKept(name, kind string, w protocol.Wire) (protocol.LoadDataset, error) {
	if kind != spec.KindImage && kind != spec.KindTable {
		return protocol.LoadDataset{}, fmt.Errorf("saved data set %q has unknown kind %q", name, kind)
	}
	req, err := protocol.DecodeRequestWire(w)
	if err != nil {
		return protocol.LoadDataset{}, fmt.Errorf("saved data set %q is damaged: %v", name, err)
	}
	r, ok := req.(protocol.LoadDataset)
	if !ok {
		return protocol.LoadDataset{}, fmt.Errorf("saved data set %q is damaged: it holds a %s request, not a data set", name, req.Type())
	}
	return r, nil
}

// wireSize is the bytes a wire form keeps.
func wireSize(w protocol.Wire) int {
	n := len(w.Text)
	for _, p := range w.Parts {
		n += len(p)
	}
	return n
}

// savedRecord is what earlier versions stored: the name, the kind and the
// request's JSON.
type savedRecord struct {
	Name    string `json:"name"`
	Kind    string `json:"kind"`
	Request []byte `json:"request"`
}

// decodeSaved reads the bytes an earlier version stored.
func decodeSaved(b []byte) (savedRecord, protocol.LoadDataset, error) {
	var rec savedRecord
	var r protocol.LoadDataset
	if err := json.Unmarshal(b, &rec); err != nil {
		return rec, r, fmt.Errorf("a saved data set is damaged: %v", err)
	}
	if err := json.Unmarshal(rec.Request, &r); err != nil {
		return rec, r, fmt.Errorf("saved data set %q is damaged: %v", rec.Name, err)
	}
	if rec.Kind != spec.KindImage && rec.Kind != spec.KindTable {
		return rec, r, fmt.Errorf("saved data set %q has unknown kind %q", rec.Name, rec.Kind)
	}
	return rec, r, nil
}

// QuotaText is the message for a browser that refused to keep a data set.
func QuotaText(name string, size int, reason string) string {
	msg := fmt.Sprintf("%s (%s) could not be kept in My data: ", name, units.Bytes(int64(size)))
	if strings.Contains(reason, "Quota") || strings.Contains(strings.ToLower(reason), "quota") {
		return msg + "the browser's storage is full. Delete a data set or a saved model to make room; nothing kept so far was lost."
	}
	return msg + reason + ". Nothing kept so far was lost."
}
