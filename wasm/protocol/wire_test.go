package protocol

import (
	"encoding/base64"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// carriers are messages with bytes, one of each carrier type, and how many
// parts each travels with.
func carriers() []struct {
	m     Message
	parts int
} {
	file := []byte("nnplay model file bytes \x00\x01\x02")
	return []struct {
		m     Message
		parts int
	}{
		{ModelExport{ID: 4, Format: FormatFile, Precision: "float32", File: file, Epochs: 2, Steps: 1876}, 1},
		{RunSnapshot{Epoch: 1, Steps: 938, Precision: "float16", Bytes: len(file), Data: file}, 1},
		{TFJSExport{ID: 2, ModelJSON: []byte(`{"format":"layers-model"}`), WeightsName: "group1-shard1of1.bin", Weights: file}, 2},
		{LoadModel{ID: 5, File: file, Name: "model.nnplay"}, 2},
		{LoadModel{ID: 6, Weights: []byte("PK\x03\x04"), Name: "weights.npz"}, 2},
		{ImportTFJS{ID: 7, ModelJSON: []byte(`{"modelTopology":{}}`), Files: map[string][]byte{"b.bin": {9, 8}, "a.bin": {7}}}, 3},
		{LoadDataset{ID: 8, Source: SourceIDX, IDXImages: file, IDXLabels: []byte{0, 0, 8, 1}, IDXNames: [2]string{"i.idx", "l.idx"}}, 4},
		{LoadDataset{ID: 9, Source: SourceFiles, Files: []ImageFile{{Path: "cat/1.png", Data: []byte{1}}, {Path: "dog/2.png", Data: []byte{2, 3}}}}, 6},
		{LoadDataset{ID: 10, Source: SourceFrames, Frames: []Frame{{Class: "a", Width: 1, Height: 1, RGBA: []byte{1, 2, 3, 4}}, {Class: "b", Pixels: []byte{5}}}}, 8},
	}
}

// An empty part is an absent field, as an omitted one in JSON: a frame's
// RGBA beside it leaves its Pixels nil (the worker tells the two forms
// apart by Pixels != nil), though JavaScript hands over an empty array.
func TestWireEmptyPartsAreNil(t *testing.T) {
	w, err := EncodeWire(LoadDataset{ID: 1, Source: SourceFrames, Frames: []Frame{{Class: "a", Width: 1, Height: 1, RGBA: []byte{1, 2, 3, 4}}}})
	if err != nil {
		t.Fatal(err)
	}
	for i := range w.Parts {
		if w.Parts[i] == nil {
			w.Parts[i] = []byte{} // as jswire.Read makes them
		}
	}
	r, err := DecodeRequestWire(w)
	if err != nil {
		t.Fatal(err)
	}
	m := r.(LoadDataset)
	if f := m.Frames[0]; f.Pixels != nil || m.Zip != nil || m.Table != nil || len(f.RGBA) != 4 {
		t.Errorf("decoded %#v; want only the frame's RGBA set", m)
	}
}

func TestWireCarriesPayloadsBesideTheText(t *testing.T) {
	for _, c := range carriers() {
		m := c.m
		w, err := EncodeWire(m)
		if err != nil {
			t.Fatalf("%s: %v", m.Type(), err)
		}
		if len(w.Parts) != c.parts || partsBytes(w.Parts) == 0 {
			t.Errorf("%s: %d parts (%d bytes) beside the text; want %d", m.Type(), len(w.Parts), partsBytes(w.Parts), c.parts)
		}
		for _, b := range w.Parts {
			if len(b) > 0 && strings.Contains(w.Text, base64.StdEncoding.EncodeToString(b)) {
				t.Errorf("%s: the text still holds a part: %s", m.Type(), w.Text)
			}
		}
		var back Message
		if _, ok := m.(Event); ok {
			back, err = DecodeEventWire(w)
		} else {
			back, err = DecodeRequestWire(w)
		}
		if err != nil {
			t.Fatalf("%s: %v", m.Type(), err)
		}
		if !reflect.DeepEqual(back, m) {
			t.Errorf("%s: decoded %#v; want %#v", m.Type(), back, m)
		}
	}
}

// Taking a message's parts out leaves the message itself as it was.
func TestWireLeavesTheMessageAlone(t *testing.T) {
	for _, c := range carriers() {
		before, _ := json.Marshal(c.m)
		if _, err := EncodeWire(c.m); err != nil {
			t.Fatal(err)
		}
		if after, _ := json.Marshal(c.m); string(after) != string(before) {
			t.Errorf("%s: EncodeWire changed the message: %s → %s", c.m.Type(), before, after)
		}
	}
}

func TestWireOfOtherMessagesIsEncode(t *testing.T) {
	for _, m := range []Message{
		Progress{State: StateRunning, Epoch: 1, Epochs: 3, Batch: 2, Batches: 938, GlobalBatch: 2},
		ModelExport{ID: 1, Format: FormatLink, Precision: "float32", Link: "#m=abc"}, // a carrier without bytes
		LoadModel{ID: 2, Link: "#m=abc"},
		LoadDataset{ID: 3, Source: SourceBuiltin, Name: "shapes"},
		Build{},
	} {
		w, err := EncodeWire(m)
		if err != nil {
			t.Fatal(err)
		}
		s, _ := Encode(m)
		if w.Parts != nil || w.Text != s {
			t.Errorf("%s: wire %q + %d parts; want Encode's text alone", m.Type(), w.Text, len(w.Parts))
		}
		var back Message
		if _, ok := m.(Event); ok {
			back, err = DecodeEventWire(w)
		} else {
			back, err = DecodeRequestWire(w)
		}
		if err != nil || !reflect.DeepEqual(back, m) {
			t.Errorf("%s: decoded %#v, %v", m.Type(), back, err)
		}
	}
	// A carrier that breaks its rules is refused whole, as by Encode.
	if _, err := EncodeWire(RunSnapshot{Precision: "float32", Bytes: 9, Data: []byte{1}}); err == nil || !strings.Contains(err.Error(), "9 bytes declared for 1") {
		t.Errorf("a snapshot declaring 9 bytes for 1: err %v", err)
	}
	if _, err := EncodeWire(LoadModel{ID: 1, File: []byte{1}, Weights: []byte{2}}); err == nil || !strings.Contains(err.Error(), "exactly one of") {
		t.Errorf("a load_model with a file and weights: err %v", err)
	}
}

// The bytes beside the text are not bound by the text's limit, but by
// their own, which both sides check.
func TestWireLimits(t *testing.T) {
	big := make([]byte, MaxMessageBytes+1)
	w, err := EncodeWire(LoadDataset{ID: 1, Source: SourceTable, Table: big})
	if err != nil {
		t.Fatalf("a table of %d bytes: %v", len(big), err)
	}
	if r, err := DecodeRequestWire(w); err != nil || len(r.(LoadDataset).Table) != len(big) {
		t.Fatalf("decoding a table of %d bytes: %v", len(big), err)
	}
	over := make([]byte, MaxPartsBytes+1)
	if _, err := EncodeWire(LoadDataset{ID: 1, Source: SourceTable, Table: over}); err == nil || !strings.Contains(err.Error(), "over the") {
		t.Errorf("encoding %d bytes: err %v", len(over), err)
	}
	w.Parts[3] = over
	if _, err := DecodeRequestWire(w); err == nil || !strings.Contains(err.Error(), "over the") {
		t.Errorf("decoding %d bytes: err %v", len(over), err)
	}
}

func TestDecodeWireRejects(t *testing.T) {
	b := [][]byte{{1, 2, 3}}
	cases := []struct {
		w    Wire
		want string
	}{
		{Wire{Text: `{"type":"progress","data":{"state":"running"}}`, Parts: b}, "progress carries no bytes"},
		{Wire{Text: `{"type":"run_snapshot","data":{"precision":"float32","bytes":3,"data":"AQID"}}`, Parts: b}, "both in its JSON and beside it"},
		{Wire{Text: `{"type":"run_snapshot","data":{"precision":"float32","bytes":4}}`, Parts: b}, "4 bytes declared for 3"},
		{Wire{Text: `{"type":"run_snapshot","data":{"precision":"float32","bytes":3}}`, Parts: [][]byte{{1}, {2, 3}}}, "came with 2 parts"},
		{Wire{Text: `{"type":"model_export","data":{"format":"link","precision":"float32","link":"#m=x"}}`, Parts: b}, "exactly its link"},
		{Wire{Text: `{"type":"fly"}`, Parts: b}, `unknown event type "fly"`},
		{Wire{Text: `not json`, Parts: b}, "malformed"},
		{Wire{Text: `{"type":"run_snapshot","data":{"precision":"float32","bytes":3}}`, Parts: [][]byte{make([]byte, MaxPartsBytes+1)}}, "over the"},
	}
	for _, c := range cases {
		ev, err := DecodeEventWire(c.w)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "protocol: ") {
			t.Errorf("DecodeEventWire(%q + %d parts) = %#v, %v; want an error containing %q", c.w.Text, len(c.w.Parts), ev, err, c.want)
		}
	}
	for _, c := range []struct {
		w    Wire
		want string
	}{
		{Wire{Text: `{"type":"start"}`, Parts: b}, "start carries no bytes"},
		{Wire{Text: `{"type":"load_model","data":{"id":1,"file":"AQ=="}}`, Parts: [][]byte{{1}, nil}}, "both in its JSON and beside it"},
		{Wire{Text: `{"type":"load_model","data":{"id":1}}`, Parts: [][]byte{{1}, {2}}}, "exactly one of"},
		{Wire{Text: `{"type":"load_model","data":{"id":1}}`, Parts: b}, "came with 1 parts"},
		{Wire{Text: `{"type":"load_dataset","data":{"id":1,"source":"files","files":[{"path":"a/1.png","data":""}]}}`, Parts: [][]byte{nil, nil, nil, nil}}, "came with 4 parts"},
		{Wire{Text: `{"type":"import_tfjs","data":{"id":1,"model_json":"","files":{"a.bin":"AQ=="}}}`, Parts: [][]byte{{1}, {2}}}, "both in its JSON and beside it"},
		{Wire{Text: `{"type":"progress","data":{"state":"running"}}`, Parts: b}, `unknown request type "progress"`},
	} {
		r, err := DecodeRequestWire(c.w)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "protocol: ") {
			t.Errorf("DecodeRequestWire(%q + %d parts) = %#v, %v; want an error containing %q", c.w.Text, len(c.w.Parts), r, err, c.want)
		}
	}
}

// FuzzDecodeWire checks that no text and parts make DecodeEventWire or
// DecodeRequestWire panic, and that what they accept encodes and decodes
// back to itself. The fuzzer's bytes are cut into parts at every 0xFF.
func FuzzDecodeWire(f *testing.F) {
	f.Add(`{"type":"run_snapshot","data":{"epoch":1,"steps":2,"precision":"float32","bytes":3}}`, []byte{1, 2, 3})
	f.Add(`{"type":"model_export","data":{"id":1,"format":"file","precision":"float32","epochs":0,"steps":0}}`, []byte{7})
	f.Add(`{"type":"state","data":{"state":"idle"}}`, []byte(nil))
	f.Add(`{"type":"load_model","data":{"id":1}}`, []byte{7, 0xff})
	f.Add(`{"type":"load_dataset","data":{"id":1,"source":"files","files":[{"path":"a/1.png","data":""}]}}`, []byte{0xff, 0xff, 0xff, 0xff, 1})
	f.Add(`{"type":"import_tfjs","data":{"id":1,"model_json":"","files":{"a.bin":""}}}`, []byte{'{', '}', 0xff, 1})
	f.Fuzz(func(t *testing.T, text string, b []byte) {
		var parts [][]byte
		if b != nil {
			parts = [][]byte{}
			for _, p := range strings.Split(string(b), "\xff") {
				parts = append(parts, []byte(p))
			}
		}
		w := Wire{Text: text, Parts: parts}
		var m Message
		var err error
		if ev, e := DecodeEventWire(w); e == nil {
			m = ev
		} else if r, e := DecodeRequestWire(w); e == nil {
			m = r
		} else {
			return
		}
		w, err = EncodeWire(m)
		if err != nil {
			t.Fatalf("decoded %#v but cannot encode it: %v", m, err)
		}
		var again Message
		if _, ok := m.(Event); ok {
			again, err = DecodeEventWire(w)
		} else {
			again, err = DecodeRequestWire(w)
		}
		if err != nil {
			t.Fatalf("re-decoding %q + %d parts: %v", w.Text, len(w.Parts), err)
		}
		if !reflect.DeepEqual(normal(again), normal(m)) {
			t.Fatalf("round trip changed %#v into %#v", m, again)
		}
	})
}

// normal is m as JSON, where an empty byte field and a missing one are the
// same (a part beside the text is empty or not, never "absent").
func normal(m Message) string {
	b, _ := json.Marshal(m)
	return string(b)
}

// TestRequestIDIsTheIDField: RequestID reads the id every request with one
// sends (its JSON "id"), and 0 for the others.
func TestRequestIDIsTheIDField(t *testing.T) {
	withID := 0
	for _, r := range allRequests {
		s, err := Encode(r)
		if err != nil {
			t.Fatal(err)
		}
		var env struct {
			Data struct {
				ID *int `json:"id"`
			} `json:"data"`
		}
		if err := json.Unmarshal([]byte(s), &env); err != nil {
			t.Fatal(err)
		}
		want := 0
		if env.Data.ID != nil {
			want = *env.Data.ID
			withID++
		}
		if got := RequestID(r); got != want {
			t.Errorf("RequestID(%s) = %d; its JSON id is %d", r.Type(), got, want)
		}
	}
	if withID == 0 || RequestID(TraceRequest{ID: 7}) != 7 {
		t.Errorf("no request with an id was read (%d with one)", withID)
	}
}
