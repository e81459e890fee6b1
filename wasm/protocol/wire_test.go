package protocol

import (
	"encoding/base64"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestWireCarriesPayloadsBesideTheText(t *testing.T) {
	file := []byte("nnplay model file bytes \x00\x01\x02")
	for _, m := range []Event{
		ModelExport{ID: 4, Format: FormatFile, Precision: "float32", File: file, Epochs: 2, Steps: 1876},
		RunSnapshot{Epoch: 1, Steps: 938, Precision: "float16", Bytes: len(file), Data: file},
	} {
		w, err := EncodeWire(m)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(w.Bytes, file) {
			t.Errorf("%s: bytes beside the text %q; want the payload", m.Type(), w.Bytes)
		}
		if strings.Contains(w.Text, base64.StdEncoding.EncodeToString(file)) {
			t.Errorf("%s: the text still holds the payload: %s", m.Type(), w.Text)
		}
		back, err := DecodeEventWire(w)
		if err != nil {
			t.Fatalf("%s: %v", m.Type(), err)
		}
		if !reflect.DeepEqual(back, m) {
			t.Errorf("%s: decoded %#v; want %#v", m.Type(), back, m)
		}
	}
}

func TestWireOfOtherMessagesIsEncode(t *testing.T) {
	for _, m := range []Message{
		Progress{State: StateRunning, Epoch: 1, Epochs: 3, Batch: 2, Batches: 938, GlobalBatch: 2},
		ModelExport{ID: 1, Format: FormatLink, Precision: "float32", Link: "#m=abc"}, // a carrier without bytes
	} {
		w, err := EncodeWire(m)
		if err != nil {
			t.Fatal(err)
		}
		s, _ := Encode(m)
		if w.Bytes != nil || w.Text != s {
			t.Errorf("%s: wire %q + %d bytes; want Encode's text alone", m.Type(), w.Text, len(w.Bytes))
		}
		if ev, ok := m.(Event); ok {
			back, err := DecodeEventWire(w)
			if err != nil || !reflect.DeepEqual(back, ev) {
				t.Errorf("%s: decoded %#v, %v", m.Type(), back, err)
			}
		}
	}
	// A carrier that breaks its rules is refused whole, as by Encode.
	if _, err := EncodeWire(RunSnapshot{Precision: "float32", Bytes: 9, Data: []byte{1}}); err == nil || !strings.Contains(err.Error(), "9 bytes declared for 1") {
		t.Errorf("a snapshot declaring 9 bytes for 1: err %v", err)
	}
}

func TestDecodeEventWireRejects(t *testing.T) {
	b := []byte{1, 2, 3}
	cases := []struct {
		w    Wire
		want string
	}{
		{Wire{Text: `{"type":"progress","data":{"state":"running"}}`, Bytes: b}, "progress carries no bytes"},
		{Wire{Text: `{"type":"run_snapshot","data":{"precision":"float32","bytes":3,"data":"AQID"}}`, Bytes: b}, "both in its JSON and beside it"},
		{Wire{Text: `{"type":"run_snapshot","data":{"precision":"float32","bytes":4}}`, Bytes: b}, "4 bytes declared for 3"},
		{Wire{Text: `{"type":"model_export","data":{"format":"link","precision":"float32","link":"#m=x"}}`, Bytes: b}, "exactly its link"},
		{Wire{Text: `{"type":"fly"}`, Bytes: b}, `unknown event type "fly"`},
		{Wire{Text: `not json`, Bytes: b}, "malformed"},
		{Wire{Text: `{"type":"run_snapshot","data":{"precision":"float32","bytes":3}}`, Bytes: make([]byte, MaxMessageBytes)}, "over the"},
	}
	for _, c := range cases {
		ev, err := DecodeEventWire(c.w)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "protocol: ") {
			t.Errorf("DecodeEventWire(%q + %d bytes) = %#v, %v; want an error containing %q", c.w.Text, len(c.w.Bytes), ev, err, c.want)
		}
	}
}

// FuzzDecodeWire checks that no text and bytes make DecodeEventWire panic,
// and that what it accepts encodes and decodes back to itself.
func FuzzDecodeWire(f *testing.F) {
	f.Add(`{"type":"run_snapshot","data":{"epoch":1,"steps":2,"precision":"float32","bytes":3}}`, []byte{1, 2, 3})
	f.Add(`{"type":"model_export","data":{"id":1,"format":"file","precision":"float32","epochs":0,"steps":0}}`, []byte{7})
	f.Add(`{"type":"state","data":{"state":"idle"}}`, []byte(nil))
	f.Fuzz(func(t *testing.T, text string, b []byte) {
		ev, err := DecodeEventWire(Wire{Text: text, Bytes: b})
		if err != nil {
			return
		}
		w, err := EncodeWire(ev)
		if err != nil {
			t.Fatalf("decoded %#v but cannot encode it: %v", ev, err)
		}
		again, err := DecodeEventWire(w)
		if err != nil {
			t.Fatalf("re-decoding %q + %d bytes: %v", w.Text, len(w.Bytes), err)
		}
		if !reflect.DeepEqual(again, ev) {
			t.Fatalf("round trip changed %#v into %#v", ev, again)
		}
	})
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
