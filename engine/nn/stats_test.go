package nn

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nnplay/nnplay/engine/spec"
)

// TestTrainBatchWithStats compares the statistics with ones computed
// independently on a twin model: activations from Activations before the
// step (no dropout, so training and inference agree), gradient and weight
// norms from the twin's params after its own TrainBatch. One ReLU unit is
// killed on purpose (a bias of −100) and must be counted dead.
func TestTrainBatchWithStats(t *testing.T) {
	s := spec.Model{
		Input:     []int{6},
		Layers:    []spec.Layer{spec.Dense(8, spec.ActReLU), {Type: spec.TypeReLU}, spec.Dense(5, spec.ActTanh), spec.Dense(3, spec.ActSoftmax)},
		Optimizer: spec.Adam(0.01), Loss: spec.LossSparseCategoricalCrossentropy,
		BatchSize: 16, Epochs: 1, Seed: 3, Dataset: spec.DatasetSpiral,
	}
	a, b := mustBuild(t, s), mustBuild(t, s)
	for _, m := range []*Sequential{a, b} {
		floats(m.Layers()[0].(*Dense).Bias.Value)[2] = -100
	}
	x, y := traceBatch(rand.New(rand.NewPCG(5, 5)), 16, 6, 3)
	acts, err := b.Activations(x)
	if err != nil {
		t.Fatal(err)
	}
	logits := floats(b.Layers()[3].(*Dense).ForwardLogits(acts[2], false))
	lossB, err := b.TrainBatch(x, y)
	if err != nil {
		t.Fatal(err)
	}
	lossA, stats, err := a.TrainBatchWithStats(x, y)
	if err != nil || lossA != lossB {
		t.Fatalf("loss %v vs %v (%v)", lossA, lossB, err)
	}
	if !sameBits(weights(a), weights(b)) {
		t.Fatal("TrainBatchWithStats trained differently from TrainBatch")
	}
	if len(stats) != 4 {
		t.Fatalf("%d layer stats, want 4", len(stats))
	}
	for i, st := range stats {
		values := floats(acts[i])
		if i == 3 {
			values = logits // training fuses the softmax: the last layer outputs logits
		}
		mean, std := meanAndStdByHand(values)
		if math.Abs(st.Mean-mean) > 1e-9 || math.Abs(st.Std-std) > 1e-9 {
			t.Errorf("layer %d: mean %v std %v; want %v %v", i, st.Mean, st.Std, mean, std)
		}
		if st.Type != s.Layers[i].Type || st.ReLU != (i <= 1) {
			t.Errorf("layer %d: type %q relu %v", i, st.Type, st.ReLU)
		}
		params := b.Layers()[i].Params()
		if len(st.Params) != len(params) {
			t.Fatalf("layer %d: %d param stats for %d params", i, len(st.Params), len(params))
		}
		for j, p := range params {
			var g, w float64
			for k, v := range floats(p.Grad) {
				g += float64(v) * float64(v)
				w += float64(floats(p.Value)[k]) * float64(floats(p.Value)[k])
			}
			ps := st.Params[j]
			if ps.Name != p.Name || math.Abs(ps.GradNorm-math.Sqrt(g)) > 1e-12 || math.Abs(ps.WeightNorm-math.Sqrt(w)) > 1e-12 || ps.GradNorm == 0 {
				t.Errorf("layer %d %s: %+v; want grad norm %v, weight norm %v", i, p.Name, ps, math.Sqrt(g), math.Sqrt(w))
			}
		}
	}
	// Unit 2 of the first layer is dead by construction; count the dead
	// units of the batch by hand for both ReLU outputs.
	for i := 0; i <= 1; i++ {
		dead := 0
		for u := range 8 {
			alive := false
			for n := range 16 {
				alive = alive || floats(acts[i])[n*8+u] != 0
			}
			if !alive {
				dead++
			}
		}
		if dead < 1 || stats[i].Dead != float64(dead)/8 {
			t.Errorf("layer %d: dead fraction %v; counted %d of 8", i, stats[i].Dead, dead)
		}
	}
	if stats[2].Dead != 0 || stats[3].Dead != 0 {
		t.Error("tanh and softmax layers report dead units")
	}
}

func meanAndStdByHand(v []float32) (mean, std float64) {
	for _, x := range v {
		mean += float64(x)
	}
	mean /= float64(len(v))
	for _, x := range v {
		std += (float64(x) - mean) * (float64(x) - mean)
	}
	return mean, math.Sqrt(std / float64(len(v)))
}

// TestBatchStatsMeasuresWithoutTraining checks BatchStats against
// TrainBatchWithStats on a twin: before the twin's step both see the
// same weights, so the outputs (no dropout here), the loss and the
// gradients agree; the weight norms are of the weights as they are. The
// model must come out untouched: the same weights and grads to the bit,
// and training it afterwards must match a twin that was never measured.
func TestBatchStatsMeasuresWithoutTraining(t *testing.T) {
	s := spec.Model{
		Input:     []int{6},
		Layers:    []spec.Layer{spec.Dense(8, spec.ActReLU), spec.Dense(5, spec.ActTanh), spec.Dense(3, spec.ActSoftmax)},
		Optimizer: spec.Adam(0.01), Loss: spec.LossSparseCategoricalCrossentropy,
		BatchSize: 16, Epochs: 1, Seed: 3, Dataset: spec.DatasetSpiral,
	}
	measured, trained, twin := mustBuild(t, s), mustBuild(t, s), mustBuild(t, s)
	x, y := traceBatch(rand.New(rand.NewPCG(7, 7)), 16, 6, 3)
	before := weights(measured)
	loss, stats, err := measured.BatchStats(x, y)
	if err != nil {
		t.Fatal(err)
	}
	trainLoss, trainStats, err := trained.TrainBatchWithStats(x, y)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(loss-trainLoss) > 1e-12 {
		t.Errorf("loss %v, TrainBatchWithStats %v", loss, trainLoss)
	}
	for i, st := range stats {
		ts := trainStats[i]
		if math.Abs(st.Mean-ts.Mean) > 1e-9 || math.Abs(st.Std-ts.Std) > 1e-9 || st.Dead != ts.Dead || st.ReLU != ts.ReLU || st.Type != ts.Type {
			t.Errorf("layer %d: %+v; TrainBatchWithStats %+v", i, st, ts)
		}
		params := measured.Layers()[i].Params()
		for j, ps := range st.Params {
			if math.Abs(ps.GradNorm-ts.Params[j].GradNorm) > 1e-9*ts.Params[j].GradNorm || ps.GradNorm == 0 {
				t.Errorf("layer %d %s: grad norm %v; TrainBatchWithStats %v", i, ps.Name, ps.GradNorm, ts.Params[j].GradNorm)
			}
			if want := norm(floats(params[j].Value)); ps.WeightNorm != want {
				t.Errorf("layer %d %s: weight norm %v; the weights' is %v", i, ps.Name, ps.WeightNorm, want)
			}
		}
	}
	if !sameBits(weights(measured), before) {
		t.Fatal("BatchStats changed the weights")
	}
	for _, p := range measured.Params() {
		for _, g := range floats(p.Grad) {
			if g != 0 {
				t.Fatalf("BatchStats left grads in %s", p.Name)
			}
		}
	}
	for range 3 {
		if _, err := measured.TrainBatch(x, y); err != nil {
			t.Fatal(err)
		}
		if _, err := twin.TrainBatch(x, y); err != nil {
			t.Fatal(err)
		}
	}
	if !sameBits(weights(measured), weights(twin)) {
		t.Error("a measured model trains differently from one never measured")
	}
}

// TestBatchStatsLeavesLayerStateAndDropout measures a model with
// BatchNormalization and Dropout: the moving averages must not move, and
// no dropout mask may be drawn (the seed's stream would shift), so the
// model trains on exactly as its unmeasured twin.
func TestBatchStatsLeavesLayerStateAndDropout(t *testing.T) {
	s := spec.Model{
		Input: []int{6},
		Layers: []spec.Layer{spec.Dense(8, spec.ActReLU), spec.BatchNormalization(),
			{Type: spec.TypeDropout, Rate: 0.5}, spec.Dense(3, spec.ActSoftmax)},
		Optimizer: spec.Adam(0.01), Loss: spec.LossSparseCategoricalCrossentropy,
		BatchSize: 16, Epochs: 1, Seed: 4, Dataset: spec.DatasetSpiral,
	}
	measured, twin := mustBuild(t, s), mustBuild(t, s)
	x, y := traceBatch(rand.New(rand.NewPCG(8, 8)), 16, 6, 3)
	for range 2 {
		if _, _, err := measured.BatchStats(x, y); err != nil {
			t.Fatal(err)
		}
		if _, err := measured.TrainBatch(x, y); err != nil {
			t.Fatal(err)
		}
		if _, err := twin.TrainBatch(x, y); err != nil {
			t.Fatal(err)
		}
	}
	if !sameBits(weights(measured), weights(twin)) {
		t.Error("measuring moved BatchNormalization's state or drew dropout masks: the runs differ")
	}
}
