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

// savedRecord is what is stored: the name, the kind and the request's JSON.
type savedRecord struct {
	Name    string `json:"name"`
	Kind    string `json:"kind"`
	Request []byte `json:"request"`
}

// encodeSaved makes the stored bytes of a request.
func encodeSaved(name, kind string, r protocol.LoadDataset) ([]byte, error) {
	r.ID = 0
	r.Name = name
	req, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	return json.Marshal(savedRecord{Name: name, Kind: kind, Request: req})
}

// decodeSaved reads stored bytes back.
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
