package trainer

import (
	"math"
	"testing"

	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// TestScheduleMovesTheRate: under an exponential schedule each step
// trains at η·r^(samples done/samples per epoch) and progress reports it;
// a constant rate reports none.
func TestScheduleMovesTheRate(t *testing.T) {
	train, test := mnist(t)
	m := seed1()
	m.BatchSize = 64
	m.Optimizer.LearningRate = 0.01
	m.Optimizer.Schedule, m.Optimizer.DecayRate = spec.ScheduleExponential, 0.5
	h := newHarness(t, nil).withData(train.Slice(0, 256), test.Slice(0, 100)).run()
	h.send(protocol.Build{Spec: m})
	for step := 0; step < 3; step++ {
		h.send(protocol.Step{})
		p := h.await("progress", func(e protocol.Event) bool {
			p, ok := e.(protocol.Progress)
			return ok && p.GlobalBatch == step+1
		}).(protocol.Progress)
		// 256 samples an epoch, 64 a batch: batch k starts at k/4 epochs.
		want := 0.01 * math.Pow(0.5, float64(step)/4)
		if math.Abs(p.LearningRate-want) > 1e-12 {
			t.Errorf("batch %d trained at %g, want %g", step+1, p.LearningRate, want)
		}
	}
	c := newHarness(t, nil).withData(train.Slice(0, 256), test.Slice(0, 100)).run()
	c.send(protocol.Build{Spec: seed1()}, protocol.Step{})
	p := c.await("progress", isType("progress")).(protocol.Progress)
	if p.LearningRate != 0 {
		t.Errorf("a constant rate reported learning_rate %g; want it absent", p.LearningRate)
	}
}
