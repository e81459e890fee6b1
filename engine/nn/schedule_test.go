package nn

import (
	"math"
	"testing"

	"github.com/nnplay/nnplay/engine/spec"
)

func TestScheduledLearningRate(t *testing.T) {
	exp := spec.Optimizer{LearningRate: 0.004, Schedule: spec.ScheduleExponential, DecayRate: 0.25}
	cos := spec.Optimizer{LearningRate: 0.004, Schedule: spec.ScheduleCosine}
	for _, c := range []struct {
		name                   string
		o                      spec.Optimizer
		step, perEpoch, epochs int
		want                   float64
	}{
		{"constant", spec.Optimizer{LearningRate: 0.004}, 500, 100, 3, 0.004},
		{"exponential start", exp, 0, 100, 3, 0.004},
		{"exponential half an epoch", exp, 50, 100, 3, 0.002}, // 0.25^½ = ½
		{"exponential one epoch", exp, 100, 100, 3, 0.001},
		{"exponential two epochs", exp, 200, 100, 3, 0.00025},
		{"cosine start", cos, 0, 100, 3, 0.004},
		{"cosine middle", cos, 150, 100, 3, 0.002},
		{"cosine quarter", cos, 75, 100, 3, 0.004 * 0.5 * (1 + math.Sqrt2/2)},
		{"cosine end", cos, 300, 100, 3, 0},
		{"cosine past the end stays at 0", cos, 400, 100, 3, 0},
		{"no batches: base rate", cos, 5, 0, 3, 0.004},
	} {
		if got := ScheduledLearningRate(c.o, c.step, c.perEpoch, c.epochs); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("%s: got %g, want %g", c.name, got, c.want)
		}
	}
}

// TestFitFollowsTheSchedule: Fit sets the optimizer's rate before every
// batch, ends one batch short of the full decay, and Spec keeps the base
// rate and schedule (so Build(m.Spec()) repeats the run).
func TestFitFollowsTheSchedule(t *testing.T) {
	s := smallSpec(1)
	s.Epochs = 2
	s.Optimizer.LearningRate = 0.01
	s.Optimizer.Schedule, s.Optimizer.DecayRate = spec.ScheduleExponential, 0.1
	train, _ := loadMNIST(t)
	x, y := train.Slice(0, 256).Tensors()
	m := mustBuild(t, s)
	cfg := FitConfigFor(s)
	var rates []float64
	cfg.OnBatch = func(BatchEnd) bool { rates = append(rates, m.Optimizer().LearningRate()); return true }
	if _, err := m.Fit(x, y, cfg); err != nil {
		t.Fatal(err)
	}
	// 256 examples / 32 = 8 batches an epoch, 16 in all.
	if len(rates) != 16 {
		t.Fatalf("%d batches, want 16", len(rates))
	}
	for i, r := range rates {
		want := 0.01 * math.Pow(0.1, float64(i)/8)
		if math.Abs(r-want) > 1e-12 {
			t.Errorf("batch %d: rate %g, want %g", i, r, want)
		}
	}
	got := m.Spec().Optimizer
	if got.LearningRate != 0.01 || got.Schedule != spec.ScheduleExponential || got.DecayRate != 0.1 {
		t.Errorf("Spec().Optimizer = %+v, want the base rate 0.01 with the exponential schedule", got)
	}
	// The scheduled run differs from a constant-rate one.
	c := smallSpec(1)
	c.Epochs, c.Optimizer.LearningRate = 2, 0.01
	mc := mustBuild(t, c)
	if _, err := mc.Fit(x, y, FitConfigFor(c)); err != nil {
		t.Fatal(err)
	}
	if sameBits(weights(m), weights(mc)) {
		t.Error("the scheduled and constant runs gave the same weights")
	}
}
