package trainer

import (
	"math"
	"testing"

	"github.com/nnplay/nnplay/engine/data"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// TestPixelTrainingSetTrainsLikeFloats: the worker keeps MNIST's training
// images as bytes (data.Set.Pixels) and converts them batch by batch; the
// weights must be those of training on the float32 set, to the bit.
func TestPixelTrainingSetTrainsLikeFloats(t *testing.T) {
	train, test := mnist(t)
	floats := train.Slice(0, 640)
	pixels := &data.Set{Pixels: make([]byte, len(floats.X)), Labels: floats.Labels, Shape: floats.Shape, Classes: floats.Classes, Name: floats.Name}
	for i, v := range floats.X {
		pixels.Pixels[i] = byte(math.Round(float64(v) * 255))
	}
	run := func(set *data.Set) protocol.Snapshot {
		h := newHarness(t, nil).withData(set, test.Slice(0, 100)).run()
		h.send(protocol.Build{Spec: seed1()}, protocol.Step{}, protocol.Step{}, protocol.Step{}, protocol.SnapshotRequest{ID: 1})
		return h.await("snapshot", isType("snapshot")).(protocol.Snapshot)
	}
	sameParams(t, "3 batches from bytes", run(pixels), run(floats))
}
