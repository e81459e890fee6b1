package protocol

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"reflect"
	"strings"
)

// MaxMessageBytes bounds a message Decode accepts (a snapshot of a wide
// model is a few MB).
const MaxMessageBytes = 64 << 20

// envelope is the wire form of every message.
type envelope struct {
	Type string          `json:"type"`
	Data json.RawMessage `json:"data,omitempty"`
}

// Encode returns m as the JSON string to post. It fails on values JSON
// cannot hold (NaN, ±Inf) and on messages that break the protocol's rules.
func Encode(m Message) (string, error) {
	if m == nil {
		return "", fmt.Errorf("protocol: encode: nil message")
	}
	if err := check(m); err != nil {
		return "", fmt.Errorf("protocol: encode %s: %w", m.Type(), err)
	}
	return marshal(m)
}

var requests = map[string]func() Request{
	"load_data": func() Request { return &LoadData{} },
	"build":     func() Request { return &Build{} },
	"start":     func() Request { return &Start{} },
	"pause":     func() Request { return &Pause{} },
	"resume":    func() Request { return &Resume{} },
	"step":      func() Request { return &Step{} },
	"stop":      func() Request { return &Stop{} },
	"reset":     func() Request { return &Reset{} },
	"set":       func() Request { return &Set{} },
	"predict":   func() Request { return &Predict{} },
	"evaluate":  func() Request { return &Evaluate{} },
	"snapshot":  func() Request { return &SnapshotRequest{} },

	"trace":            func() Request { return &TraceRequest{} },
	"rnn_trace":        func() Request { return &RNNTraceRequest{} },
	"gradcheck":        func() Request { return &GradCheckRequest{} },
	"stats":            func() Request { return &StatsRequest{} },
	"playground_build": func() Request { return &PlaygroundBuild{} },
	"playground_frame": func() Request { return &PlaygroundFrameRequest{} },
	"backend":          func() Request { return &BackendRequest{} },
	"load_model":       func() Request { return &LoadModel{} },
	"export_model":     func() Request { return &ExportModel{} },
	"export_tfjs":      func() Request { return &ExportTFJS{} },
	"import_tfjs":      func() Request { return &ImportTFJS{} },
	"replace_head":     func() Request { return &ReplaceHead{} },
	"train_goal":       func() Request { return &TrainGoal{} },
	"tune_examples":    func() Request { return &TuneExamples{} },
	"test_predict":     func() Request { return &TestPredict{} },
}

var events = map[string]func() Event{
	"ready":         func() Event { return &Ready{} },
	"data_progress": func() Event { return &DataProgress{} },
	"data_ready":    func() Event { return &DataReady{} },
	"built":         func() Event { return &Built{} },
	"progress":      func() Event { return &Progress{} },
	"epoch_end":     func() Event { return &EpochEnd{} },
	"state":         func() Event { return &State{} },
	"prediction":    func() Event { return &Prediction{} },
	"evaluation":    func() Event { return &Evaluation{} },
	"snapshot":      func() Event { return &Snapshot{} },
	"error":         func() Event { return &Error{} },

	"trace":            func() Event { return &Trace{} },
	"rnn_trace":        func() Event { return &RNNTrace{} },
	"gradcheck":        func() Event { return &GradCheck{} },
	"stats":            func() Event { return &Stats{} },
	"playground_data":  func() Event { return &PlaygroundData{} },
	"playground_frame": func() Event { return &PlaygroundFrame{} },
	"backend":          func() Event { return &Backend{} },
	"model_loaded":     func() Event { return &ModelLoaded{} },
	"model_export":     func() Event { return &ModelExport{} },
	"tfjs_export":      func() Event { return &TFJSExport{} },
	"head_replaced":    func() Event { return &HeadReplaced{} },
	"goal_done":        func() Event { return &GoalDone{} },
	"examples_tuned":   func() Event { return &ExamplesTuned{} },
	"test_predictions": func() Event { return &TestPredictions{} },
}

// DecodeRequest parses a page → worker message. The result is a value
// (Build, not *Build), ready for a type switch.
func DecodeRequest(s string) (Request, error) {
	m, err := decode(s, parseRequest)
	if err != nil {
		return nil, err
	}
	return m.(Request), nil
}

// DecodeEvent parses a worker → page message. The result is a value
// (Progress, not *Progress), ready for a type switch.
func DecodeEvent(s string) (Event, error) {
	m, err := decode(s, parseEvent)
	if err != nil {
		return nil, err
	}
	return m.(Event), nil
}

// decode parses s with parse and checks the message.
func decode(s string, parse func(string) (string, Message, error)) (Message, error) {
	typ, p, err := parse(s)
	if err != nil {
		return nil, err
	}
	if err := check(p); err != nil {
		return nil, fmt.Errorf("protocol: %s: %w", typ, err)
	}
	return deref(p), nil
}

// parseRequest and parseEvent parse a message's JSON into a new value of
// its type (a pointer), unchecked.
func parseRequest(s string) (string, Message, error) { return parseAs(s, "request", requests) }
func parseEvent(s string) (string, Message, error)   { return parseAs(s, "event", events) }

func parseAs[M Message](s, kind string, types map[string]func() M) (string, Message, error) {
	typ, data, err := split(s)
	if err != nil {
		return "", nil, err
	}
	mk, ok := types[typ]
	if !ok {
		return "", nil, fmt.Errorf("protocol: unknown %s type %q", kind, typ)
	}
	p := mk()
	if err := decodeData(typ, data, p); err != nil {
		return "", nil, err
	}
	return typ, p, nil
}

// split takes a message apart into its type and data. Messages as Encode
// writes them, {"type":"…","data":…}, are cut without parsing (the data is
// parsed once, by decodeData, which rejects what follows it); any other
// form goes through the JSON decoder.
func split(s string) (string, json.RawMessage, error) {
	if len(s) > MaxMessageBytes {
		return "", nil, fmt.Errorf("protocol: message of %d bytes is over the %d-byte limit", len(s), MaxMessageBytes)
	}
	if typ, data, ok := cut(s); ok {
		return typ, data, nil
	}
	return parse(s)
}

// parse splits a message with the JSON decoder.
func parse(s string) (string, json.RawMessage, error) {
	var env envelope
	if err := strictUnmarshal([]byte(s), &env); err != nil {
		return "", nil, fmt.Errorf("protocol: malformed message: %w", err)
	}
	if env.Type == "" {
		return "", nil, fmt.Errorf("protocol: message has no type")
	}
	return env.Type, env.Data, nil
}

// cut splits a message in Encode's exact form; ok is false for any other.
// The type must be a plain name (a-z, 0-9, _) and the data an object;
// strict decoding of the data then fails on anything after it but the
// final '}'.
func cut(s string) (typ string, data json.RawMessage, ok bool) {
	const head, mid = `{"type":"`, `","data":{`
	if !strings.HasPrefix(s, head) || !strings.HasSuffix(s, "}}") {
		return "", nil, false
	}
	rest := s[len(head):]
	end := 0
	for end < len(rest) && (rest[end] >= 'a' && rest[end] <= 'z' || rest[end] >= '0' && rest[end] <= '9' || rest[end] == '_') {
		end++
	}
	if end == 0 || !strings.HasPrefix(rest[end:], mid) {
		return "", nil, false
	}
	return rest[:end], json.RawMessage(rest[end+len(mid)-1 : len(rest)-1]), true
}

// decodeData parses a message's data into p (a pointer), unchecked.
func decodeData(typ string, data json.RawMessage, p Message) error {
	if len(data) > 0 && string(data) != "null" {
		if err := strictUnmarshal(data, p); err != nil {
			return fmt.Errorf("protocol: %s: %w", typ, err)
		}
	}
	return nil
}

// strictUnmarshal rejects unknown fields and trailing data: page and worker
// are built together, so either means a bug worth seeing.
func strictUnmarshal(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("trailing data after the JSON object")
	}
	return nil
}

// RequestID is r's id (its ID field; 0 for a request without one): what
// the answer, or an Error, carries back.
func RequestID(r Request) int {
	v := reflect.ValueOf(r)
	if v.Kind() != reflect.Struct {
		return 0
	}
	if f := v.FieldByName("ID"); f.IsValid() && f.CanInt() {
		return int(f.Int())
	}
	return 0
}

// Refusal is the error the worker posts for a page message it could not
// decode (err: a field out of range, bytes over the limit …). When the
// message names a known request type and an id, the error carries them,
// as the refusal of a decoded request does, so that the place that asked
// stops waiting; otherwise it answers no request.
func Refusal(w Wire, err error) Error {
	e := Error{Message: "worker: " + err.Error()}
	var env struct {
		Type string `json:"type"`
		Data struct {
			ID int `json:"id"`
		} `json:"data"`
	}
	if json.Unmarshal([]byte(w.Text), &env) != nil {
		return e
	}
	if _, known := requests[env.Type]; known {
		e.Request, e.ID = env.Type, env.Data.ID
	}
	return e
}

// deref turns the pointer a decoder filled back into a value.
func deref(p Message) Message {
	return reflect.ValueOf(p).Elem().Interface().(Message)
}

// FloatsToBytes packs v as little-endian float32, the ParamData.Data form.
func FloatsToBytes(v []float32) []byte {
	b := make([]byte, 4*len(v))
	for i, f := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(f))
	}
	return b
}

// BytesToFloats unpacks little-endian float32 values.
func BytesToFloats(b []byte) ([]float32, error) {
	if len(b)%4 != 0 {
		return nil, fmt.Errorf("protocol: %d bytes is not a whole number of float32 values", len(b))
	}
	v := make([]float32, len(b)/4)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return v, nil
}
