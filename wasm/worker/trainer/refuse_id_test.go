package trainer

import (
	"testing"

	"github.com/nnplay/nnplay/wasm/protocol"
)

// TestRefusalsCarryTheRequestsID: a worker with no model and no data
// refuses every request that waits for an answer, and each refusal names
// the request and carries its id: the page's places take only their own
// request's error as its answer (session.ErrorFor), so one without it
// would leave the place waiting.
func TestRefusalsCarryTheRequestsID(t *testing.T) {
	h := newHarness(t, nil).run()
	reqs := []protocol.Request{
		protocol.Predict{ID: 201, Image: make([]float32, protocol.ImageSize)},
		protocol.Evaluate{ID: 202},
		protocol.SnapshotRequest{ID: 203},
		protocol.TraceRequest{ID: 204, Example: protocol.Example{Source: protocol.SourceTest}},
		protocol.RNNTraceRequest{ID: 205, Example: protocol.Example{Source: protocol.SourceTest}},
		protocol.GradCheckRequest{ID: 206},
		protocol.ExportModel{ID: 207, Format: protocol.FormatFile, Precision: "float32"},
		protocol.ExportTFJS{ID: 208},
		protocol.TrainGoal{ID: 209, MaxBatches: 10},
		protocol.TuneExamples{ID: 210, Epochs: 1, Pixels: make([]byte, 784), Labels: []int{3}},
		protocol.TestPredict{ID: 211},
		protocol.PredictData{ID: 212, Row: []string{"1"}},
		protocol.ViewSnapshot{ID: 213},
		protocol.ExplainRequest{ID: 214, Subject: protocol.Subject{Source: protocol.SourceTest}, Method: protocol.MethodGradientInput},
		protocol.NeighboursRequest{ID: 215, Subject: protocol.Subject{Source: protocol.SourceTest}, K: 3},
		protocol.FlipRequest{ID: 216, Subject: protocol.Subject{Source: protocol.SourceTest}, Target: 1},
		protocol.CellRequest{ID: 217, True: 1, Predicted: 2, Max: 5},
		protocol.EmbeddingRequest{ID: 218, Method: protocol.EmbedPCA, N: 100},
		protocol.PlaygroundFrameRequest{ID: 219, Grid: 10},
		protocol.AugmentRequest{ID: 220, Preview: 4},
		protocol.LoadDataset{ID: 221, Source: protocol.SourceBuiltin, Name: "no such set"},
		protocol.LeaderboardRequest{ID: 222, Challenge: "not a challenge"},
		protocol.StatsRequest{ID: 223},
	}
	for _, r := range reqs {
		h.send(r)
		er := h.await("the refusal of "+r.Type(), isType("error")).(protocol.Error)
		if er.Fatal || er.Request != r.Type() || er.ID != protocol.RequestID(r) {
			t.Errorf("%s %d refused with %+v; want a non-fatal error naming it and carrying its id", r.Type(), protocol.RequestID(r), er)
		}
	}
}
