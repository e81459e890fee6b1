package trainer

import (
	"fmt"
	"testing"

	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// BenchmarkPlaygroundFrame measures one playground frame as the page sees
// it: a few training batches, then the frame (grid probabilities, hidden
// unit maps, train and test loss, weights), encoded by the worker and
// decoded by the page. 1e9 / (ns/op) is the frames a second one core can
// draw. The network is TensorFlow Playground's: 2 hidden layers of 8.
//
//	go test -run X -bench PlaygroundFrame ./wasm/worker/trainer/
//	GOOS=js GOARCH=wasm go test -exec=... -run X -bench PlaygroundFrame ./wasm/worker/trainer/
func BenchmarkPlaygroundFrame(b *testing.B) {
	for _, c := range []struct {
		features []string
		grid     int
		steps    int
	}{
		{[]string{"x", "y"}, 50, 0},
		{[]string{"x", "y"}, 50, 10},
		{[]string{"x", "y"}, 100, 10},
		{[]string{"x", "y", "x2", "y2", "xy", "sinx", "siny"}, 64, 10},
	} {
		name := fmt.Sprintf("features=%d/grid=%d/steps=%d", len(c.features), c.grid, c.steps)
		b.Run(name, func(b *testing.B) {
			var last string
			tr := New(Env{Post: func(msg string) { last = msg }}, NewQueue())
			m := playSpec(3)
			m.Layers[0].Activation, m.Layers[1].Activation = spec.ActTanh, spec.ActTanh
			build := protocol.PlaygroundBuild{Dataset: "spiral", Points: 500, Classes: 3, TrainFraction: 0.5, Features: c.features, Seed: 1, Spec: m}
			if err := tr.do(build); err != nil {
				b.Fatal(err)
			}
			req := protocol.PlaygroundFrameRequest{ID: 1, Grid: c.grid}
			bytes := 0
			b.ResetTimer()
			for range b.N {
				for range c.steps {
					tr.trainBatch(false)
				}
				if err := tr.do(req); err != nil {
					b.Fatal(err)
				}
				if _, err := protocol.DecodeEvent(last); err != nil {
					b.Fatal(err)
				}
				bytes = len(last)
			}
			b.ReportMetric(float64(bytes), "msg-bytes")
		})
	}
}

// BenchmarkWireBytes compares sending a frame's probabilities as bytes
// (round(p·255), what the protocol does) with sending them as float32:
// the Encode and DecodeEvent of a message carrying 64·64·3 values.
func BenchmarkWireBytes(b *testing.B) {
	const values = 64 * 64 * 3
	for _, c := range []struct {
		name  string
		bytes int
	}{{"uint8", values}, {"float32", 4 * values}} {
		b.Run(c.name, func(b *testing.B) {
			msg := protocol.Snapshot{Params: []protocol.ParamData{{Name: "probs", Shape: []int{c.bytes / 4}, Data: make([]byte, c.bytes)}}}
			for i := range msg.Params[0].Data {
				msg.Params[0].Data[i] = byte(i * 7)
			}
			for range b.N {
				s, err := protocol.Encode(msg)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := protocol.DecodeEvent(s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
