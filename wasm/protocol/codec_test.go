package protocol

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/nnplay/nnplay/engine/spec"
)

func image(v float32) []float32 {
	img := make([]float32, ImageSize)
	for i := range img {
		img[i] = v * float32(i%7) / 7
	}
	return img
}

func confusion() [][]int {
	c := make([][]int, Classes)
	for i := range c {
		c[i] = make([]int, Classes)
		c[i][i] = 100 + i
		c[i][(i+1)%Classes] = i
	}
	return c
}

func classes() []ClassStats {
	s := make([]ClassStats, Classes)
	for i := range s {
		s[i] = ClassStats{Precision: 0.9 + float64(i)/100, Recall: 0.8, F1: 0.85, Support: 100 + i}
	}
	return s
}

func pixels() []byte {
	p := make([]byte, ImageSize)
	for i := range p {
		p[i] = byte(i * 13)
	}
	return p
}

var allRequests = []Request{
	LoadData{},
	LoadData{Base: "/elsewhere/mnist"},
	Build{Spec: spec.Seed()},
	Start{}, Pause{}, Resume{}, Step{}, Stop{}, Reset{},
	Set{LearningRate: 0.01},
	Set{BatchSize: 128},
	Set{LearningRate: 3e-4, BatchSize: 32},
	Predict{ID: 7, Image: image(1)},
	Evaluate{ID: 3},
	SnapshotRequest{ID: 9},
}

var allEvents = []Event{
	Ready{},
	DataProgress{Stage: StageDownload, File: "train-images-idx3-ubyte.gz", Loaded: 1 << 20, Total: 9912422},
	DataProgress{Stage: StageParse, File: "t10k-labels-idx1-ubyte.gz", Loaded: 10, Total: 0},
	DataReady{Train: 60000, Test: 10000},
	Built{Rows: []SummaryRow{
		{Layer: "dense_1 (Dense)", Type: "Dense", Output: []int{128}, Params: 100480},
		{Layer: "dense_2 (Dense)", Type: "Dense", Output: []int{10}, Params: 1290},
	}, TotalParams: 101770, TrainableParams: 101770},
	Progress{Epoch: 1, Epochs: 2, Batch: 123, Batches: 938, GlobalBatch: 123, Loss: 0.3125,
		Accuracy: 0.91, SamplesPerSec: 41000.5, ETASeconds: 12.25, State: StateRunning},
	Progress{Epoch: 1, Epochs: 1, Batch: 9, Batches: 938, GlobalBatch: 9, Loss: 1.5, SamplesPerSec: 52000, State: StateRunning,
		Parallel: &StepTimes{Batches: 4, Send: 0.125, Compute: 0.5, Gather: 0.25, Apply: 0.0625}},
	EpochEnd{Epoch: 1, Loss: 0.25, Accuracy: 0.93, ValLoss: 0.2, ValAccuracy: 0.9512},
	State{State: StatePaused},
	Prediction{ID: 7, Probs: []float32{0.1, 0.2, 0.05, 0.05, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1}},
	Evaluation{ID: 0, Loss: 0.2, Accuracy: 0.95, Confusion: confusion(), Classes: classes(),
		Misclassified: []Misclassified{{Index: 12, True: 3, Predicted: 5, Pixels: pixels()}}},
	Snapshot{ID: 9, Spec: spec.Seed(), Params: []ParamData{
		{Layer: 0, Name: "kernel", Shape: []int{2, 3}, Data: FloatsToBytes([]float32{1, -2, 3.5, 0, 1e-30, -7})},
		{Layer: 0, Name: "bias", Shape: []int{3}, Data: FloatsToBytes([]float32{0.1, 0.2, 0.3})},
	}},
	Error{Message: "MNIST files not found at /data/mnist — run make data", Fatal: true},
}

func TestRequestRoundTrip(t *testing.T) {
	seen := map[string]bool{}
	for _, m := range allRequests {
		s, err := Encode(m)
		if err != nil {
			t.Fatalf("Encode(%#v): %v", m, err)
		}
		if !strings.Contains(s, `"type":"`+m.Type()+`"`) {
			t.Errorf("Encode(%T) = %s; want type %q", m, s, m.Type())
		}
		got, err := DecodeRequest(s)
		if err != nil {
			t.Fatalf("DecodeRequest(%s): %v", s, err)
		}
		if !reflect.DeepEqual(got, m) {
			t.Errorf("round trip of %T:\n got %#v\nwant %#v", m, got, m)
		}
		seen[m.Type()] = true
	}
	if len(seen) != len(requests) {
		t.Errorf("round-tripped %d request types; the protocol has %d", len(seen), len(requests))
	}
}

func TestEventRoundTrip(t *testing.T) {
	seen := map[string]bool{}
	for _, m := range allEvents {
		s, err := Encode(m)
		if err != nil {
			t.Fatalf("Encode(%T): %v", m, err)
		}
		got, err := DecodeEvent(s)
		if err != nil {
			t.Fatalf("DecodeEvent(%.200s): %v", s, err)
		}
		if !reflect.DeepEqual(got, m) {
			t.Errorf("round trip of %T:\n got %#v\nwant %#v", m, got, m)
		}
		seen[m.Type()] = true
	}
	if len(seen) != len(events) {
		t.Errorf("round-tripped %d event types; the protocol has %d", len(seen), len(events))
	}
}

func TestWireFormat(t *testing.T) {
	s, err := Encode(Start{})
	if err != nil {
		t.Fatal(err)
	}
	if s != `{"type":"start"}` {
		t.Errorf("Encode(Start{}) = %s; want {\"type\":\"start\"}", s)
	}
	s, err = Encode(State{State: StateDone})
	if err != nil {
		t.Fatal(err)
	}
	if s != `{"type":"state","data":{"state":"done"}}` {
		t.Errorf("Encode(State) = %s", s)
	}
	// A request written by hand, as a JS caller would.
	m, err := DecodeRequest(`{"type":"set","data":{"learning_rate":0.5}}`)
	if err != nil {
		t.Fatal(err)
	}
	if m != (Set{LearningRate: 0.5}) {
		t.Errorf("decoded %#v", m)
	}
}

func TestFloatsBytes(t *testing.T) {
	in := []float32{0, 1, -1, float32(math.Pi), math.MaxFloat32, math.SmallestNonzeroFloat32, float32(math.Inf(-1))}
	out, err := BytesToFloats(FloatsToBytes(in))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, out) {
		t.Errorf("got %v, want %v", out, in)
	}
	if b := FloatsToBytes([]float32{1}); !reflect.DeepEqual(b, []byte{0, 0, 0x80, 0x3f}) {
		t.Errorf("1.0 packs as % x; want little-endian 00 00 80 3f", b)
	}
	if _, err := BytesToFloats([]byte{1, 2, 3}); err == nil || !strings.Contains(err.Error(), "3 bytes") {
		t.Errorf("3 bytes: err = %v", err)
	}
}
