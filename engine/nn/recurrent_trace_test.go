package nn

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/spec"
)

// digit is a random 784-pixel example in [0, 1).
func digit(seed uint64) *tensor.Dense {
	return randTensor(rand.New(rand.NewPCG(seed, 3)), 0, 1, 1, 784)
}

func near32(a, b float32) bool { return math.Abs(float64(a-b)) <= 1e-6 }

// TestRecurrentTraceLSTM: the trace of the LSTM preset has 28 steps, each
// reading one row of the digit; its values obey the LSTM's equations; each
// step's output is a probability vector; and the last step's output is
// the model's prediction.
func TestRecurrentTraceLSTM(t *testing.T) {
	m := mustBuild(t, spec.RowByRowRNN())
	x := digit(1)
	tr, err := m.RecurrentTrace(x)
	if err != nil {
		t.Fatal(err)
	}
	if tr.Layer != 1 || tr.Type != spec.TypeLSTM || len(tr.Steps) != 28 || tr.Units != 64 || strings.Join(tr.GateNames, "") != "ifgo" {
		t.Fatalf("trace of layer %d (%s), %d steps, %d units, gates %v", tr.Layer, tr.Type, len(tr.Steps), tr.Units, tr.GateNames)
	}
	prev := make([]float32, 64)
	for ti, s := range tr.Steps {
		if s.InputFrom != 28*ti || s.InputTo != 28*(ti+1) || !equal32(s.X, floats(x)[28*ti:28*(ti+1)]) {
			t.Fatalf("step %d reads [%d, %d): %v", ti, s.InputFrom, s.InputTo, s.X)
		}
		i, f, g, o := s.Gates[0], s.Gates[1], s.Gates[2], s.Gates[3]
		for j := range s.H {
			c := f[j]*prev[j] + i[j]*g[j]
			if !near32(s.C[j], c) || !near32(s.H[j], o[j]*tanh32(c)) || i[j] <= 0 || i[j] >= 1 {
				t.Fatalf("step %d unit %d: c %v h %v; the equations give c %v h %v", ti, j, s.C[j], s.H[j], c, o[j]*tanh32(c))
			}
		}
		prev = s.C
		checkProbabilities(t, ti, s.Output)
	}
	want := floats(m.Predict(x))
	if got := tr.Steps[27].Output; !closeAll(got, want) {
		t.Errorf("the last step's output %v is not the prediction %v", got, want)
	}
}

// TestRecurrentTraceSequences: with a first layer that returns sequences
// (GRU → SimpleRNN), step t's output is the model's prediction for the
// digit with the rows after t blank, and the GRU's gates are in (0, 1).
func TestRecurrentTraceSequences(t *testing.T) {
	s := spec.RowByRowGRU()
	s.Layers = []spec.Layer{spec.Reshape(28, 28), spec.GRU(8, true), spec.SimpleRNN(6, false), spec.Dense(10, spec.ActSoftmax)}
	m := mustBuild(t, s)
	x := digit(2)
	tr, err := m.RecurrentTrace(x)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(tr.GateNames, "") != "zr" || tr.Steps[0].C != nil || len(tr.Steps[5].Gates) != 2 {
		t.Fatalf("GRU trace: gates %v, c %v", tr.GateNames, tr.Steps[0].C)
	}
	for _, ti := range []int{0, 9, 27} {
		blank := tensor.New(tensor.WithShape(1, 784), tensor.WithBacking(make([]float32, 784)))
		copy(floats(blank), floats(x)[:28*(ti+1)])
		checkProbabilities(t, ti, tr.Steps[ti].Output)
		if want := floats(m.Predict(blank)); !closeAll(tr.Steps[ti].Output, want) {
			t.Errorf("step %d: output %v, the prediction with later rows blank %v", ti, tr.Steps[ti].Output, want)
		}
		for _, g := range tr.Steps[ti].Gates {
			for _, v := range g {
				if v <= 0 || v >= 1 {
					t.Fatalf("step %d: a gate value %v outside (0, 1)", ti, v)
				}
			}
		}
	}
}

// TestRecurrentTraceRefuses: a model without a recurrent layer, and a
// batch, are refused; a Dense before the recurrent layer leaves the input
// spans unknown.
func TestRecurrentTraceRefuses(t *testing.T) {
	if _, err := mustBuild(t, spec.Seed()).RecurrentTrace(digit(1)); err == nil || err.Error() != "recurrent trace: the model has no recurrent layer (SimpleRNN, LSTM or GRU)" {
		t.Errorf("seed model: %v", err)
	}
	m := mustBuild(t, spec.RowByRowRNN())
	two := tensor.New(tensor.WithShape(2, 784), tensor.WithBacking(make([]float32, 2*784)))
	if _, err := m.RecurrentTrace(two); err == nil || !strings.Contains(err.Error(), "one example; got a batch of 2") {
		t.Errorf("batch of 2: %v", err)
	}
	s := spec.RowByRowRNN()
	s.Layers = []spec.Layer{spec.Dense(56, spec.ActReLU), spec.Reshape(4, 14), spec.SimpleRNN(5, false), spec.Dense(10, spec.ActSoftmax)}
	tr, err := mustBuild(t, s).RecurrentTrace(digit(3))
	if err != nil {
		t.Fatal(err)
	}
	if tr.Layer != 2 || len(tr.Steps) != 4 || tr.Steps[1].InputFrom != -1 || tr.Steps[0].Gates != nil {
		t.Errorf("Dense first: layer %d, %d steps, span from %d", tr.Layer, len(tr.Steps), tr.Steps[1].InputFrom)
	}
}

func checkProbabilities(t *testing.T, step int, p []float32) {
	t.Helper()
	sum := 0.0
	for _, v := range p {
		if v < 0 || v > 1 {
			t.Fatalf("step %d: probability %v", step, v)
		}
		sum += float64(v)
	}
	if len(p) != 10 || math.Abs(sum-1) > 1e-5 {
		t.Fatalf("step %d: %d probabilities summing to %v", step, len(p), sum)
	}
}

func equal32(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func closeAll(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !near32(a[i], b[i]) {
			return false
		}
	}
	return true
}
