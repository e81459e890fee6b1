package chart

import (
	"math"
	"reflect"
	"testing"

	"github.com/nnplay/nnplay/wasm/protocol"
)

func TestChartHelpers(t *testing.T) {
	if got := ticks(0, 1, 5); len(got) != 6 || got[0] != 0 || got[5] != 1 || math.Abs(got[2]-0.4) > 1e-12 {
		t.Errorf("ticks(0, 1, 5) = %v, want 0, 0.2, …, 1", got)
	}
	if got := ticks(0, 3, 6); !reflect.DeepEqual(got, []float64{0, 0.5, 1, 1.5, 2, 2.5, 3}) {
		t.Errorf("ticks(0, 3, 6) = %v, want steps of 0.5", got)
	}
	for v, want := range map[float64]float64{2.37: 3, 0.43: 0.6, 0.1: 0.1, 17: 20} {
		if got := niceCeil(v); got != want {
			t.Errorf("niceCeil(%v) = %v, want %v", v, got, want)
		}
	}
	var c Run
	for i := 1; i <= maxPoints+10; i++ {
		c.AddProgress(protocol.Progress{Epoch: 1, Epochs: 1, Batch: i, Batches: 2 * maxPoints, GlobalBatch: i})
	}
	if len(c.Loss) > maxPoints || len(c.Loss) < maxPoints/2 {
		t.Errorf("%d points kept, want between %d and %d", len(c.Loss), maxPoints/2, maxPoints)
	}
	if last := c.Loss[len(c.Loss)-1].X; last != float64(maxPoints+10)/float64(2*maxPoints) {
		t.Errorf("the newest point was lost: last x = %v", last)
	}
}
