package protocol

import (
	"math"
	"reflect"
	"strings"
	"testing"
)

func explainSamples() (reqs []Request, evs []Event) {
	three := 3
	reqs = []Request{
		ExplainRequest{ID: 1, Subject: Subject{Source: SourceTest, Index: 4}, Method: MethodGradientInput},
		ExplainRequest{ID: 2, Subject: Subject{Source: SourceInput, Input: image(1)}, Method: MethodIntegratedGradients, Class: &three, Score: ScoreProbability, Steps: 32},
		ExplainRequest{ID: 3, Subject: Subject{Source: SourceTest}, Method: MethodOcclusion, Patch: 3, Stride: 1, Baseline: 0.5},
		NeighboursRequest{ID: 4, Subject: Subject{Source: SourceTest, Index: 9}, K: 6},
		FlipRequest{ID: 5, Subject: Subject{Source: SourceInput, Input: image(0.5)}, Target: 3, Steps: 100, StepSize: 0.25},
		CellRequest{ID: 6, True: 4, Predicted: 9, Offset: 100, Max: 50},
		EmbeddingRequest{ID: 7, Method: EmbedTSNE, N: 2000, Perplexity: 30, Iterations: 500, Seed: 2},
		EmbeddingRequest{ID: 8, Method: EmbedPCA},
		RecordRun{Precision: "int8"},
		RecordRun{},
		ViewSnapshot{ID: 9, Data: []byte("nnp\x01\x02")},
		ViewSnapshot{ID: 10},
	}
	evs = []Event{
		Explanation{ID: 1, Method: MethodOcclusion, Score: ScoreProbability, Class: 1, Predicted: 1, Label: &three,
			Input: []float32{0, 1, 0.5, 0}, Image: []int{2, 2}, Values: []float32{0.1, -0.2, 0, 0.05}, Output: 0.9, Baseline: 0.1, Probs: []float32{0.1, 0.9}},
		Neighbours{ID: 2, Layer: 1, Name: "dense_1", Dim: 64, Items: []Neighbour{{Index: 5, Label: 3, Distance: 1.5, Input: []float32{0, 1}}}},
		Flip{ID: 3, From: 7, Target: 3, Flipped: true, Steps: 5, Changed: 1, Distance: 0.8, Original: []float32{0, 1}, Input: []float32{0.2, 1}, Probs: []float32{0.4, 0.6}},
		CellExamples{ID: 4, True: 4, Predicted: 9, Count: 16, Offset: 0, Examples: []CellExample{{Index: 12, Prob: 0.7, TrueProb: 0.2, Probs: []float32{0.2, 0.7}, Input: []float32{1}}}},
		EmbeddingProgress{ID: 5, Done: 10, Total: 750},
		Embedding{ID: 5, Method: EmbedPCA, Layer: 1, Name: "dense_1", Dim: 64, Points: []float32{1, 2, 3, 4}, Indices: []int{0, 1}, Labels: []int{7, 2}, Predicted: []int{7, 3}, Explained: []float64{0.3, 0.2}},
		RunSnapshot{Epoch: 2, Steps: 1876, Precision: "float16", Bytes: 5, Data: []byte("nnp\x01\x02")},
		SnapshotViewed{ID: 9, Epoch: 2, Steps: 1876},
		SnapshotViewed{ID: 10, Epoch: 3, Steps: 2814, Live: true},
	}
	return reqs, evs
}

func init() {
	reqs, evs := explainSamples()
	allRequests = append(allRequests, reqs...)
	allEvents = append(allEvents, evs...)
}

// TestExplainWireNames: the messages' JSON names, as the page's views
// write and read them.
func TestExplainWireNames(t *testing.T) {
	m, err := DecodeRequest(`{"type":"explain","data":{"id":4,"source":"input","input":[0,1,0.5],"method":"occlusion","class":2,"patch":2}}`)
	if err != nil {
		t.Fatal(err)
	}
	two := 2
	want := ExplainRequest{ID: 4, Subject: Subject{Source: SourceInput, Input: []float32{0, 1, 0.5}}, Method: MethodOcclusion, Class: &two, Patch: 2}
	if !reflect.DeepEqual(m, want) {
		t.Errorf("decoded %#v", m)
	}
	s, err := Encode(RunSnapshot{Epoch: 1, Steps: 2, Precision: "int8", Bytes: 3, Data: []byte{1, 2, 3}})
	if err != nil {
		t.Fatal(err)
	}
	if s != `{"type":"run_snapshot","data":{"epoch":1,"steps":2,"precision":"int8","bytes":3,"data":"AQID"}}` {
		t.Errorf("Encode(RunSnapshot) = %s", s)
	}
}

// TestExplainRejects: malformed requests and answers are refused with a
// message naming the problem.
func TestExplainRejects(t *testing.T) {
	big := make([]float32, MaxInputValues+1)
	eleven := 11
	for _, tc := range []struct {
		m    Message
		want string
	}{
		{ExplainRequest{Subject: Subject{Source: "train"}, Method: MethodOcclusion}, "unknown source"},
		{ExplainRequest{Subject: Subject{Source: SourceTest, Index: -1}, Method: MethodOcclusion}, "index"},
		{ExplainRequest{Subject: Subject{Source: SourceInput}, Method: MethodOcclusion}, "input values"},
		{ExplainRequest{Subject: Subject{Source: SourceInput, Input: big}, Method: MethodOcclusion}, "input values"},
		{ExplainRequest{Subject: Subject{Source: SourceInput, Input: []float32{float32(math.NaN())}}, Method: MethodOcclusion}, "finite"},
		{ExplainRequest{Subject: Subject{Source: SourceTest}, Method: "saliency"}, "unknown method"},
		{ExplainRequest{Subject: Subject{Source: SourceTest}, Method: MethodOcclusion, Class: &eleven}, "class 11"},
		{ExplainRequest{Subject: Subject{Source: SourceTest}, Method: MethodOcclusion, Score: "odds"}, "unknown score"},
		{ExplainRequest{Subject: Subject{Source: SourceTest}, Method: MethodIntegratedGradients, Steps: MaxIGSteps + 1}, "steps"},
		{Explanation{Input: []float32{1, 2}, Values: []float32{1}}, "1 values for 2 inputs"},
		{Explanation{Input: []float32{1, 2, 3}, Values: []float32{1, 2, 3}, Image: []int{2, 2}}, "does not fit"},
		{NeighboursRequest{Subject: Subject{Source: SourceTest}, K: MaxNeighbours + 1}, "k = 51"},
		{Neighbours{Items: []Neighbour{{Distance: math.NaN()}}}, "distance"},
		{FlipRequest{Subject: Subject{Source: SourceTest}, Target: 10}, "target class 10"},
		{FlipRequest{Subject: Subject{Source: SourceTest}, Target: 1, StepSize: -1}, "step size"},
		{Flip{Original: []float32{1}, Input: []float32{1, 2}}, "changed input"},
		{CellRequest{True: 10}, "cell (10, 0)"},
		{CellRequest{Max: MaxCellExamples + 1}, "max 1001"},
		{CellExamples{Count: 1, Examples: make([]CellExample, 2)}, "2 examples"},
		{EmbeddingRequest{Method: "umap"}, "unknown method"},
		{EmbeddingRequest{Method: EmbedPCA, N: MaxEmbedPoints + 1}, "n = 5001"},
		{EmbeddingProgress{Done: 11, Total: 10}, "11 of 10"},
		{Embedding{Points: []float32{1}, Indices: []int{0}, Labels: []int{0}, Predicted: []int{0}}, "0 points"},
		{RecordRun{Precision: "float64"}, "unknown precision"},
		{RunSnapshot{Precision: "int8", Bytes: 4, Data: []byte{1}}, "4 bytes declared for 1"},
	} {
		_, err := Encode(tc.m)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%#v: error %v, want one saying %q", tc.m, err, tc.want)
		}
	}
}
