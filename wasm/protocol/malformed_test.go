package protocol

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
)

func TestDecodeRequestRejects(t *testing.T) {
	short := `{"type":"predict","data":{"id":1,"image":[0.5,0.5]}}`
	cases := []struct{ in, want string }{
		{``, "malformed"},
		{`not json`, "malformed"},
		{`[1,2]`, "malformed"},
		{`{"type":"start"} extra`, "trailing"},
		{`{}`, "no type"},
		{`{"type":""}`, "no type"},
		{`{"type":"fly"}`, `unknown request type "fly"`},
		{`{"type":"progress"}`, `unknown request type "progress"`}, // an event, not a request
		{`{"type":"start","data":{"now":true}}`, `unknown field "now"`},
		{`{"type":"start","extra":1}`, `unknown field "extra"`},
		{`{"type":"set","data":{}}`, "nothing to change"},
		{`{"type":"set"}`, "nothing to change"},
		{`{"type":"set","data":{"learning_rate":-1}}`, "must be positive"},
		{`{"type":"set","data":{"batch_size":-4}}`, "batch_size is -4"},
		{`{"type":"set","data":{"batch_size":100000}}`, "batch_size is 100000"},
		{`{"type":"set","data":{"batch_size":"64"}}`, "string"},
		{short, "image has 2 pixels; want 784"},
		{`{"type":"predict","data":{"id":1}}`, "image has 0 pixels"},
		{`{"type":"predict","data":{"id":"x","image":[]}}`, "string"},
		{`{"type":"build","data":{"spec":[]}}`, "cannot unmarshal"},
		{`{"type":"evaluate","data":{"id":1.5}}`, "cannot unmarshal"},
		{`{"type":"load_data","data":"x"}`, "cannot unmarshal"},
		{`{"type":"start","data":`, "malformed"},
	}
	for _, c := range cases {
		m, err := DecodeRequest(c.in)
		if err == nil {
			t.Errorf("DecodeRequest(%q) = %#v; want an error containing %q", c.in, m, c.want)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("DecodeRequest(%q) error %q; want it to contain %q", c.in, err, c.want)
		}
		if !strings.HasPrefix(err.Error(), "protocol: ") {
			t.Errorf("error %q does not say it comes from the protocol", err)
		}
	}
}

func TestDecodeEventRejects(t *testing.T) {
	cases := []struct{ in, want string }{
		{`{"type":"build"}`, `unknown event type "build"`},
		{`{"type":"state","data":{"state":"flying"}}`, `unknown state "flying"`},
		{`{"type":"state"}`, `unknown state ""`},
		{`{"type":"data_progress","data":{"stage":"unzip"}}`, `unknown stage "unzip"`},
		{`{"type":"data_progress","data":{"stage":"parse","loaded":-1}}`, "loaded is -1"},
		{`{"type":"data_ready","data":{"train":-5}}`, "train is -5"},
		{`{"type":"progress","data":{"state":"running","batch":-1}}`, "batch is -1"},
		{`{"type":"built","data":{"total_params":1,"trainable_params":2}}`, "trainable_params 2"},
		{`{"type":"built","data":{"rows":[{"params":-1}]}}`, "row 1: params is -1"},
		{`{"type":"prediction","data":{"id":1,"probs":[]}}`, "probs is empty"},
		{`{"type":"evaluation","data":{"confusion":[[1,2],[3]],"classes":[{},{}]}}`, "confusion row 1 has 1 columns"},
		{`{"type":"evaluation","data":{"confusion":[[1]],"classes":[]}}`, "classes has 0 entries"},
		{`{"type":"evaluation","data":{"confusion":[[-1]],"classes":[{}]}}`, "must not be negative"},
		{`{"type":"evaluation","data":{"confusion":[[1]],"classes":[{}],"misclassified":[{"true":0,"predicted":0,"pixels":"AAAA"}]}}`, "has 3 pixels"},
		{`{"type":"evaluation","data":{"confusion":[[1]],"classes":[{}],"misclassified":[{"true":0,"predicted":0,"pixels":"%%%"}]}}`, "illegal base64"},
		{`{"type":"snapshot","data":{"params":[{"name":"kernel","shape":[2,2],"data":"AAAAAA=="}]}}`, "4 bytes of data for shape [2 2]; want 16"},
		{`{"type":"snapshot","data":{"params":[{"name":"kernel","shape":[-2,-2],"data":""}]}}`, "negative dimension"},
		{`{"type":"snapshot","data":{"params":[{"name":"k","shape":[1000000,1000000,1000000,1000000],"data":""}]}}`, "too large"},
		{`{"type":"error","data":{"fatal":true}}`, "message is empty"},
		{`{"type":"error","data":{"message":"x","request":"fly"}}`, `unknown request type "fly"`},
		{`{"type":"error","data":{"message":"x","request":"trace","id":-2}}`, "id is -2"},
	}
	for _, c := range cases {
		m, err := DecodeEvent(c.in)
		if err == nil {
			t.Errorf("DecodeEvent(%q) = %#v; want an error containing %q", c.in, m, c.want)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("DecodeEvent(%q) error %q; want it to contain %q", c.in, err, c.want)
		}
	}
}

func TestDecodeRejectsHugeMessage(t *testing.T) {
	s := `{"type":"start","data":{"x":"` + strings.Repeat("a", MaxMessageBytes) + `"}}`
	if _, err := DecodeRequest(s); err == nil || !strings.Contains(err.Error(), "over the") {
		t.Errorf("huge message: err = %v", err)
	}
}

func TestEncodeRejects(t *testing.T) {
	nan := math.NaN()
	cases := []struct {
		m    Message
		want string
	}{
		{nil, "nil message"},
		{Progress{Loss: nan, State: StateRunning}, "loss is NaN"},
		{Progress{ETASeconds: math.Inf(1), State: StateRunning}, "eta_seconds is +Inf"},
		{Progress{State: "bogus"}, `unknown state "bogus"`},
		{EpochEnd{ValLoss: nan}, "val_loss is NaN"},
		{Evaluation{Accuracy: nan}, "accuracy is NaN"},
		{Predict{Image: make([]float32, 10)}, "image has 10 pixels"},
		{Predict{Image: append(make([]float32, ImageSize-1), float32(nan))}, "pixel 783 is NaN"},
		{Set{LearningRate: math.Inf(1)}, "learning_rate is +Inf"},
		{Error{}, "message is empty"},
	}
	for _, c := range cases {
		s, err := Encode(c.m)
		if err == nil {
			t.Errorf("Encode(%#v) = %s; want an error containing %q", c.m, s, c.want)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("Encode(%T) error %q; want it to contain %q", c.m, err, c.want)
		}
	}
}

// FuzzDecode checks that no input makes a decoder panic, and that anything
// accepted encodes and decodes back to itself.
func FuzzDecode(f *testing.F) {
	for _, m := range allRequests {
		s, _ := Encode(m)
		f.Add(s)
	}
	for _, m := range allEvents {
		s, _ := Encode(m)
		f.Add(s)
	}
	f.Add(`{"type":"set","data":{"batch_size":1e400}}`)
	f.Add(`{"type":"state","data":{"state":"idle"},"extra":{}}`)
	f.Add(`{"type":"st\u0061te","data":{"state":"idle"}}`)
	f.Fuzz(func(t *testing.T, s string) {
		checkCut(t, s)
		if r, err := DecodeRequest(s); err == nil {
			again, err := Encode(r)
			if err != nil {
				t.Fatalf("decoded %#v but cannot encode it: %v", r, err)
			}
			if _, err := DecodeRequest(again); err != nil {
				t.Fatalf("re-decoding %s: %v", again, err)
			}
		}
		if e, err := DecodeEvent(s); err == nil {
			again, err := Encode(e)
			if err != nil {
				t.Fatalf("decoded %#v but cannot encode it: %v", e, err)
			}
			if _, err := DecodeEvent(again); err != nil {
				t.Fatalf("re-decoding %s: %v", again, err)
			}
		}
	})
}

// checkCut checks split's shortcut against the JSON decoder: where cut
// takes a message apart, the decoder finds the same type and data, or the
// data is not one JSON value (and decoding it fails).
func checkCut(t *testing.T, s string) {
	typ, data, ok := cut(s)
	if !ok {
		return
	}
	ptyp, pdata, err := parse(s)
	var v any
	if err != nil {
		if json.Unmarshal(data, &v) == nil {
			t.Fatalf("cut(%q) = %q, %s but the decoder refuses the message: %v", s, typ, data, err)
		}
		return
	}
	if ptyp != typ || string(pdata) != string(data) {
		t.Fatalf("cut(%q) = %q, %s; the decoder: %q, %s", s, typ, data, ptyp, pdata)
	}
}

func TestCutAgreesWithTheDecoder(t *testing.T) {
	var all []Message
	for _, m := range allRequests {
		all = append(all, m)
	}
	for _, m := range allEvents {
		all = append(all, m)
	}
	cuts := 0
	for _, m := range all {
		s, err := Encode(m)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, ok := cut(s); ok {
			cuts++
		}
		checkCut(t, s)
	}
	if cuts == 0 {
		t.Fatal("cut took no encoded message apart")
	}
	for _, s := range []string{
		`{"type":"state","data":{"state":"idle"},"extra":{}}`,
		`{"type":"st\u0061te","data":{"state":"idle"}}`,
		`{"type":"state","data":{"state":"idle"}} }`,
		`{"type":"state","data":{"state":"idle"}}}`,
	} {
		checkCut(t, s)
		fast, ferr := DecodeEvent(s)
		typ, data, err := parse(s)
		if err == nil {
			var p Message = events[typ]()
			err = decodeData(typ, data, p)
		}
		if (ferr == nil) != (err == nil) {
			t.Errorf("DecodeEvent(%q) = %v, %v; the decoder's error: %v", s, fast, ferr, err)
		}
	}
}

// TestRefusalNamesTheRequest: a request the worker cannot decode is
// refused with its type and id when the message says them, so the place
// that asked stops waiting; a message that names no known request is
// refused for no request.
func TestRefusalNamesTheRequest(t *testing.T) {
	cases := []struct {
		name string
		w    Wire
		typ  string
		id   int
	}{
		{"a field out of range", Wire{Text: `{"type":"predict","data":{"id":7,"image":[0.5,0.5]}}`}, "predict", 7},
		{"parts its fields do not take", Wire{Text: `{"type":"load_model","data":{"id":16777300,"name":"weights.npz"}}`, Parts: [][]byte{make([]byte, 8)}}, "load_model", 16777300},
		{"a request without an id", Wire{Text: `{"type":"set","data":{}}`}, "set", 0},
		{"an id that is not a number", Wire{Text: `{"type":"predict","data":{"id":"x","image":[]}}`}, "", 0},
		{"an unknown type", Wire{Text: `{"type":"fly","data":{"id":3}}`}, "", 0},
		{"not JSON", Wire{Text: `not json`}, "", 0},
	}
	for _, c := range cases {
		_, err := DecodeRequestWire(c.w)
		if err == nil {
			err = errors.New("protocol: refused by the test")
		}
		e := Refusal(c.w, err)
		if e.Request != c.typ || e.ID != c.id || e.Fatal || e.Message != "worker: "+err.Error() {
			t.Errorf("%s: refused as %+v; want request %q, id %d, the decoder's message, not fatal", c.name, e, c.typ, c.id)
		}
		if _, err := Encode(e); err != nil {
			t.Errorf("%s: the refusal breaks the protocol: %v", c.name, err)
		}
	}
}
