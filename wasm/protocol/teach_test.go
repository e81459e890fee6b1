package protocol

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/nnplay/nnplay/engine/spec"
)

// The inspection and playground messages join the round-trip tables (and
// so FuzzDecode's seed corpus) of codec_test.go.
func init() {
	allRequests = append(allRequests, teachRequests...)
	allEvents = append(allEvents, teachEvents...)
}

func intp(v int) *int { return &v }

func floatBytes(n int, scale float32) []byte {
	v := make([]float32, n)
	for i := range v {
		v[i] = scale * float32(i-n/2)
	}
	return FloatsToBytes(v)
}

func playgroundSpec() spec.Model {
	m := spec.Seed()
	m.Input = []int{2}
	m.Layers = []spec.Layer{spec.Dense(8, spec.ActTanh), spec.Dense(8, spec.ActTanh), spec.Dense(3, spec.ActSoftmax)}
	m.Dataset = spec.DatasetSpiral
	m.BatchSize = 10
	return m
}

var teachRequests = []Request{
	TraceRequest{ID: 4, Example: Example{Source: SourceTest, Index: 17}},
	TraceRequest{ID: 5, Example: Example{Source: SourceTest, Index: 0, Label: intp(3)}},
	TraceRequest{ID: 6, Example: Example{Source: SourceInput, Input: image(1), Label: intp(7)}},
	TraceRequest{ID: 7, Example: Example{Source: SourceInput, Input: []float32{1.5, -2}, Label: intp(0)}},
	GradCheckRequest{ID: 8, Example: Example{Source: SourceTest, Index: 2},
		Picks: []ParamPick{{Layer: 0, Name: "kernel", Index: 300}, {Layer: 2, Name: "bias", Index: 9}}},
	GradCheckRequest{ID: 9, Example: Example{Source: SourceInput, Input: []float32{0, 1}, Label: intp(1)},
		Picks: []ParamPick{{Layer: 1, Name: "kernel", Index: 0}}, H: 1e-3},
	StatsRequest{ID: 10},
	PlaygroundBuild{Dataset: "spiral", Points: 500, Noise: 0.1, Classes: 3, TrainFraction: 0.5,
		Features: []string{"x", "y", "sinx"}, Seed: 2, Spec: playgroundSpec(), EpochsPerSecond: 30},
	PlaygroundBuild{Dataset: "xor", Points: 200, Classes: 2, TrainFraction: 0.7, Features: []string{"xy"}, Spec: playgroundSpec()},
	PlaygroundFrameRequest{ID: 11, Grid: 64},
}

var teachEvents = []Event{
	Trace{
		ID: 4, Label: 2, Loss: 0.75, Optimizer: "adam", LearningRate: 0.001,
		Input:     Tensor{Shape: []int{3}, Data: floatBytes(3, 0.5)},
		InputGrad: Tensor{Shape: []int{3}, Data: floatBytes(3, -0.25)},
		Layers: []TraceLayer{
			{Layer: 0, Name: "dense_1", Type: "Dense", Activation: "relu",
				Output: Tensor{Shape: []int{2}, Data: floatBytes(2, 1)}, DOutput: Tensor{Shape: []int{2}, Data: floatBytes(2, 0.1)},
				Params: []TraceParam{
					{Name: "kernel", Shape: []int{3, 2}, Trainable: true, Before: floatBytes(6, 1), Grad: floatBytes(6, 0.5), Update: floatBytes(6, -0.01), After: floatBytes(6, 0.99)},
					{Name: "bias", Shape: []int{2}, Before: floatBytes(2, 0), Grad: floatBytes(2, 1), Update: floatBytes(2, 0), After: floatBytes(2, 0)},
				}},
			{Layer: 1, Name: "dense_2", Type: "Dense", Activation: "softmax",
				Output: Tensor{Shape: []int{3}, Data: floatBytes(3, 0.3)}, DOutput: Tensor{Shape: []int{3}, Data: floatBytes(3, 0.2)},
				Params: []TraceParam{}},
		},
		Softmax: &SoftmaxTrace{Logits: []float32{1, 2, 3}, Shift: 3, Exp: []float64{math.Exp(-2), math.Exp(-1), 1},
			Sum: math.Exp(-2) + math.Exp(-1) + 1, Probs: []float32{0.09, 0.24, 0.67}, CrossEntropy: 0.4076,
			Grad: []float32{0.09, 0.24, -0.33}, Fused: true},
	},
	Trace{ID: 1, Input: Tensor{Shape: []int{2}, Data: floatBytes(2, 1)}, InputGrad: Tensor{Shape: []int{2}, Data: floatBytes(2, 1)}, Layers: []TraceLayer{}},
	GradCheck{ID: 8, H: 0.01, Results: []GradCheckResult{
		{ParamPick: ParamPick{Layer: 0, Name: "kernel", Index: 300}, Analytic: 0.0125, Numeric: 0.01251, AbsError: 1e-5, RelError: 8e-4},
	}},
	Stats{ID: 10, GlobalBatch: 120, Loss: 0.5, Layers: []LayerStats{
		{Layer: 0, Name: "dense_1", Type: "Dense", Mean: 0.4, Std: 0.9, ReLU: true, Dead: 0.125,
			Params: []ParamStats{{Name: "kernel", GradNorm: 0.02, WeightNorm: 9.5}, {Name: "bias", GradNorm: 0.001, WeightNorm: 0.1}}},
		{Layer: 1, Name: "dropout_1", Type: "Dropout", Mean: 0.4, Std: 1.1, Params: []ParamStats{}},
	}},
	Stats{ID: 11, Layers: []LayerStats{}},
	PlaygroundData{Dataset: "spiral", Classes: 3, Features: []string{"x", "y"},
		Train: []float32{1, 2, -3, 4.5}, TrainLabels: []int{0, 2}, Test: []float32{0.5, -0.5}, TestLabels: []int{1}},
	PlaygroundFrame{ID: 11, Grid: 2, Classes: 3, Probs: []byte{255, 0, 0, 0, 128, 127, 1, 1, 253, 85, 85, 85},
		Units:     []UnitMap{{Layer: 0, Unit: 3, Lo: -0.5, Hi: 0.75, Values: []byte{0, 64, 128, 255}}},
		TrainLoss: 0.3, TestLoss: 0.35, TrainAccuracy: 0.9, TestAccuracy: 0.88, Epoch: 12, GlobalBatch: 300,
		State: StateRunning, Params: []ParamData{{Layer: 0, Name: "bias", Shape: []int{2}, Data: floatBytes(2, 1)}}},
}

// TestTeachWireNames pins the JSON names the page's code reads.
func TestTeachWireNames(t *testing.T) {
	s, err := Encode(TraceRequest{ID: 5, Example: Example{Source: SourceTest, Index: 3, Label: intp(2)}})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"type":"trace","data":{"id":5,"source":"test","index":3,"label":2}}`; s != want {
		t.Errorf("trace request: %s\nwant %s", s, want)
	}
	m, err := DecodeRequest(`{"type":"gradcheck","data":{"id":1,"source":"input","input":[0.5,-1],"label":0,"picks":[{"layer":0,"name":"kernel","index":1}]}}`)
	if err != nil {
		t.Fatal(err)
	}
	want := GradCheckRequest{ID: 1, Example: Example{Source: SourceInput, Input: []float32{0.5, -1}, Label: intp(0)}, Picks: []ParamPick{{Layer: 0, Name: "kernel", Index: 1}}}
	if !reflect.DeepEqual(m, want) {
		t.Errorf("gradcheck decoded as %#v", m)
	}
	s, err = Encode(PlaygroundFrameRequest{ID: 2, Grid: 50})
	if err != nil || s != `{"type":"playground_frame","data":{"id":2,"grid":50}}` {
		t.Errorf("frame request: %s %v", s, err)
	}
	s, err = Encode(Stats{ID: 3, GlobalBatch: 7, Loss: 0.5, Layers: []LayerStats{{Layer: 0, Name: "relu_1", Type: "ReLU", ReLU: true, Dead: 0.5, Params: []ParamStats{}}}})
	if err != nil || !strings.Contains(s, `"layers":[{"layer":0,"name":"relu_1","type":"ReLU","mean":0,"std":0,"relu":true,"dead":0.5,"params":[]}]`) {
		t.Errorf("stats: %s %v", s, err)
	}
}

func TestTeachRequestRejects(t *testing.T) {
	cases := []struct{ in, want string }{
		{`{"type":"trace","data":{"id":1}}`, `unknown source ""`},
		{`{"type":"trace","data":{"id":1,"source":"train"}}`, `unknown source "train"`},
		{`{"type":"trace","data":{"id":1,"source":"test","index":-2}}`, "index is -2"},
		{`{"type":"trace","data":{"id":1,"source":"test","input":[1,2]}}`, "source test takes an index"},
		{`{"type":"trace","data":{"id":1,"source":"test","label":10}}`, "label is 10; it must be a class from 0 to 9"},
		{`{"type":"trace","data":{"id":1,"source":"input","input":[1,2]}}`, "label is missing"},
		{`{"type":"trace","data":{"id":1,"source":"input","label":1}}`, "input has 0 values"},
		{`{"type":"trace","data":{"id":1,"source":"input","index":4,"input":[1,2],"label":1}}`, "source input takes input values, not an index"},
		{`{"type":"trace","data":{"id":1,"source":"test","picks":[]}}`, `unknown field "picks"`},
		{`{"type":"gradcheck","data":{"id":1,"source":"test","picks":[]}}`, "0 picks; pick 1 to 32"},
		{`{"type":"gradcheck","data":{"id":1,"source":"test","picks":[{"layer":0,"index":1}]}}`, "pick 1"},
		{`{"type":"gradcheck","data":{"id":1,"source":"test","picks":[{"layer":-1,"name":"kernel"}]}}`, "pick 1"},
		{`{"type":"gradcheck","data":{"id":1,"source":"test","picks":[{"layer":0,"name":"kernel"}],"h":2}}`, "h is 2"},
		{`{"type":"gradcheck","data":{"id":1,"source":"test","picks":[{"layer":0,"name":"kernel"}],"h":-1}}`, "h is -1"},
		{`{"type":"gradcheck","data":{"id":1,"source":"nope","picks":[{"layer":0,"name":"kernel"}]}}`, `unknown source "nope"`},
		{`{"type":"stats","data":{"id":"x"}}`, "cannot unmarshal"},
		{`{"type":"playground_build","data":{"features":["x"]}}`, "dataset is missing"},
		{`{"type":"playground_build","data":{"dataset":"spiral"}}`, "0 features"},
		{`{"type":"playground_build","data":{"dataset":"spiral","features":["x","y","x2","y2","xy","sinx","siny","x"]}}`, "8 features"},
		{`{"type":"playground_build","data":{"dataset":"spiral","features":["x"],"epochs_per_second":-1}}`, "epochs_per_second is -1"},
		{`{"type":"playground_build","data":{"dataset":"spiral","features":["x"],"spec":3}}`, "cannot unmarshal"},
		{`{"type":"playground_frame","data":{"id":1}}`, "grid is 0; it must be 2 to 128"},
		{`{"type":"playground_frame","data":{"id":1,"grid":129}}`, "grid is 129"},
	}
	for _, c := range cases {
		m, err := DecodeRequest(c.in)
		if err == nil {
			t.Errorf("DecodeRequest(%s) = %#v; want an error containing %q", c.in, m, c.want)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("DecodeRequest(%s) error %q; want it to contain %q", c.in, err, c.want)
		}
	}
}

func TestTeachEventRejects(t *testing.T) {
	cases := []struct{ in, want string }{
		{`{"type":"trace","data":{"input":{"shape":[2],"data":"AAAA"},"input_grad":{"shape":[0],"data":""}}}`, "input: 3 bytes of data for shape [2]; want 8"},
		{`{"type":"trace","data":{"input":{"shape":[],"data":"AAAAAA=="},"input_grad":{"shape":[-1],"data":""}}}`, "input_grad: shape [-1] has a negative dimension"},
		{`{"type":"trace","data":{"input":{"shape":[0],"data":""},"input_grad":{"shape":[0],"data":""},"layers":[{"output":{"shape":[1],"data":""}}]}}`, "layer 0 output: 0 bytes"},
		{`{"type":"trace","data":{"input":{"shape":[0],"data":""},"input_grad":{"shape":[0],"data":""},"layers":[{"output":{"shape":[0],"data":""},"d_output":{"shape":[0],"data":""},"params":[{"name":"kernel","shape":[1],"before":"AAAAAA==","grad":"AAAAAA==","update":"","after":"AAAAAA=="}]}]}}`, "layer 0 kernel: update has 0 bytes for shape [1]; want 4"},
		{`{"type":"trace","data":{"input":{"shape":[0],"data":""},"input_grad":{"shape":[0],"data":""},"softmax":{"logits":[1,2],"exp":[1],"probs":[1,1],"grad":[1,1]}}}`, "softmax: 2 logits, 1 exp"},
		{`{"type":"trace","data":{"label":5,"input":{"shape":[0],"data":""},"input_grad":{"shape":[0],"data":""},"softmax":{"logits":[1,2],"exp":[1,1],"probs":[1,1],"grad":[1,1]}}}`, "label 5 is not one of the 2 classes"},
		{`{"type":"stats","data":{"global_batch":-1}}`, "global_batch is -1"},
		{`{"type":"stats","data":{"layers":[{"dead":1.5}]}}`, "dead is 1.5"},
		{`{"type":"stats","data":{"layers":[{"params":[{"name":"kernel","grad_norm":-1}]}]}}`, "layer 0 kernel: norms -1"},
		{`{"type":"playground_data","data":{"classes":1}}`, "classes is 1"},
		{`{"type":"playground_data","data":{"classes":2,"train":[1,2,3],"train_labels":[0]}}`, "train has 3 coordinates for 1 labels"},
		{`{"type":"playground_data","data":{"classes":2,"test":[1,2],"test_labels":[2]}}`, "test label 0 is 2; want a class from 0 to 1"},
		{`{"type":"playground_frame","data":{"grid":2,"classes":2,"probs":"AAAA","state":"running"}}`, "probs has 3 bytes; want 8"},
		{`{"type":"playground_frame","data":{"grid":1,"classes":2,"state":"running"}}`, "grid is 1"},
		{`{"type":"playground_frame","data":{"grid":2,"classes":1,"probs":"AAAAAA==","units":[{"values":"AAA=","lo":0,"hi":1}],"state":"running"}}`, "unit map 0 has 2 values; want 4"},
		{`{"type":"playground_frame","data":{"grid":2,"classes":1,"probs":"AAAAAA==","units":[{"values":"AAAAAA==","lo":2,"hi":1}],"state":"running"}}`, "unit map 0: range [2, 1]"},
		{`{"type":"playground_frame","data":{"grid":2,"classes":1,"probs":"AAAAAA==","state":"flying"}}`, `unknown state "flying"`},
		{`{"type":"playground_frame","data":{"grid":2,"classes":1,"probs":"AAAAAA==","state":"idle","params":[{"name":"b","shape":[2],"data":""}]}}`, "param 0 (b): 0 bytes of data"},
	}
	for _, c := range cases {
		m, err := DecodeEvent(c.in)
		if err == nil {
			t.Errorf("DecodeEvent(%.120s) = %#v; want an error containing %q", c.in, m, c.want)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("DecodeEvent(%.120s) error %q; want it to contain %q", c.in, err, c.want)
		}
	}
}

func TestTeachEncodeRejects(t *testing.T) {
	nan := math.NaN()
	cases := []struct {
		m    Message
		want string
	}{
		{TraceRequest{Example: Example{Source: SourceInput, Input: []float32{float32(nan), 1}, Label: intp(0)}}, "input value 0 is NaN"},
		{Trace{Loss: math.Inf(1)}, "loss is +Inf"},
		{GradCheck{H: 0.01, Results: []GradCheckResult{{Numeric: nan}}}, "result 1 numeric is NaN"},
		{Stats{Loss: 0.1, Layers: []LayerStats{{Std: nan}}}, "layer 0 std is NaN"},
		{PlaygroundBuild{Dataset: "xor", Features: []string{"x"}, Noise: nan}, "noise is NaN"},
		{PlaygroundData{Classes: 2, Train: []float32{float32(math.Inf(-1)), 0}, TrainLabels: []int{0}}, "train value 0 is -Inf"},
		{PlaygroundFrame{Grid: 2, Classes: 1, Probs: make([]byte, 4), State: StateIdle, TestLoss: nan}, "test_loss is NaN"},
	}
	for _, c := range cases {
		s, err := Encode(c.m)
		if err == nil {
			t.Errorf("Encode(%T) = %.100s; want an error containing %q", c.m, s, c.want)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("Encode(%T) error %q; want it to contain %q", c.m, err, c.want)
		}
	}
}
