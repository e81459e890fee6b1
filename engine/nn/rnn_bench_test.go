package nn

import (
	"testing"

	"github.com/nnplay/nnplay/engine/spec"
)

// BenchmarkTrainStepRowByRowRNN times one TrainBatch of spec.RowByRowRNN()
// (Reshape 28×28 → LSTM 64 → Dense 10) at batch size 64 and reports
// samples/s; seconds per MNIST epoch ≈ 60,000 / (samples/s).
func BenchmarkTrainStepRowByRowRNN(b *testing.B) {
	benchTrainStep(b, spec.RowByRowRNN())
}

// BenchmarkTrainStepRowByRowGRU is the same for spec.RowByRowGRU().
func BenchmarkTrainStepRowByRowGRU(b *testing.B) {
	benchTrainStep(b, spec.RowByRowGRU())
}
