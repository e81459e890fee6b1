package modelio

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/nn"
	"github.com/nnplay/nnplay/engine/share"
	"github.com/nnplay/nnplay/engine/spec"
)

// bnSpec is a small CNN with every weight kind: Conv2D, BatchNormalization
// (whose moving averages are NonTrainable), Dense, and a frozen layer.
func bnSpec() spec.Model {
	s := spec.LeNet()
	s.Layers = []spec.Layer{
		spec.Conv2D(4, 3, spec.ActReLU),
		spec.BatchNormalization(),
		spec.MaxPool2D(2),
		{Type: spec.TypeFlatten},
		spec.Dense(16, spec.ActTanh),
		spec.Dense(10, spec.ActSoftmax),
	}
	s.Layers[4].Frozen = true
	return s
}

// noBiasSpec is bnSpec with its convolution and first Dense layer built
// without a bias (use_bias false), as Keras models before a
// BatchNormalization have them.
func noBiasSpec() spec.Model {
	s := bnSpec()
	s.Layers[0] = spec.NoBias(s.Layers[0])
	s.Layers[4] = spec.NoBias(s.Layers[4])
	s.Layers[4].Frozen = false
	return s
}

// trained builds s and takes a few steps on random images, so every
// weight (BatchNormalization's moving averages too) is off its initial
// value.
func trained(t *testing.T, s spec.Model) *nn.Sequential {
	t.Helper()
	m, err := nn.Build(s)
	if err != nil {
		t.Fatal(err)
	}
	x, y := randomBatch(s.Input, 32, 1)
	for range 3 {
		if _, err := m.TrainBatch(x, y); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

// randomBatch is n random inputs of the shape in [0, 1) and random labels
// 0–9.
func randomBatch(shape []int, n int, seed uint64) (x, y *tensor.Dense) {
	rng := rand.New(rand.NewPCG(seed, 0x7465737473))
	size := 1
	for _, d := range shape {
		size *= d
	}
	xs, ys := make([]float32, n*size), make([]float32, n)
	for i := range xs {
		xs[i] = rng.Float32()
	}
	for i := range ys {
		ys[i] = float32(rng.IntN(10))
	}
	return tensor.New(tensor.WithShape(append([]int{n}, shape...)...), tensor.WithBacking(xs)),
		tensor.New(tensor.WithShape(n), tensor.WithBacking(ys))
}

func predict(m *nn.Sequential, x *tensor.Dense) []float32 {
	return slices.Clone(m.Predict(x).Float32s())
}

// TestPayloadRoundTrip: ToPayload then FromPayload gives a model with the
// same spec and bit-identical predictions, for the seed MLP, a CNN with
// BatchNormalization and a frozen layer, and one without biases; the
// payload's names are share's.
func TestPayloadRoundTrip(t *testing.T) {
	for _, s := range []spec.Model{spec.Seed(), bnSpec(), noBiasSpec()} {
		m := trained(t, s)
		p := ToPayload(m, 1, 3)
		if p.Epochs != 1 || p.Steps != 3 {
			t.Errorf("progress %d, %d", p.Epochs, p.Steps)
		}
		want, err := share.ExpectedWeights(s)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Weights) != len(want) {
			t.Fatalf("%d tensors in the payload, want %d", len(p.Weights), len(want))
		}
		for i, w := range want {
			if p.Weights[i].Name != w.Name || !slices.Equal(p.Weights[i].Shape, w.Shape) {
				t.Errorf("tensor %d: %s %v, want %s %v", i, p.Weights[i].Name, p.Weights[i].Shape, w.Name, w.Shape)
			}
		}
		back, err := FromPayload(p)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := back.Spec(), m.Spec(); !specEqual(got, want) {
			t.Errorf("spec %+v, want %+v", got, want)
		}
		x, _ := randomBatch(s.Input, 20, 2)
		if !slices.Equal(predict(back, x), predict(m, x)) {
			t.Errorf("%v: the rebuilt model predicts differently", s.Input)
		}
		// The payload is a copy: training on does not change it.
		before := slices.Clone(p.Weights[0].Values)
		xb, yb := randomBatch(s.Input, 8, 3)
		if _, err := m.TrainBatch(xb, yb); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(p.Weights[0].Values, before) {
			t.Errorf("the payload shares the model's weights")
		}
	}
}

// specEqual compares two specs through their JSON.
func specEqual(a, b spec.Model) bool {
	ja, errA := spec.Encode(a)
	jb, errB := spec.Encode(b)
	return errA == nil && errB == nil && string(ja) == string(jb)
}

// TestFromPayloadRecipe: a payload without weights builds the spec's
// initial model, as nn.Build does.
func TestFromPayloadRecipe(t *testing.T) {
	m, err := FromPayload(share.Payload{Spec: spec.Seed()})
	if err != nil {
		t.Fatal(err)
	}
	fresh, _ := nn.Build(spec.Seed())
	x, _ := randomBatch([]int{784}, 4, 1)
	if !slices.Equal(predict(m, x), predict(fresh, x)) {
		t.Errorf("a recipe does not build the seed's initial model")
	}
}

// TestFromPayloadErrors: payloads that do not fit their spec are refused
// with a message naming the tensor, and no model is returned.
func TestFromPayloadErrors(t *testing.T) {
	good := ToPayload(trained(t, spec.Seed()), 0, 0)
	edit := func(f func(p *share.Payload)) share.Payload {
		p := good
		p.Weights = slices.Clone(good.Weights)
		f(&p)
		return p
	}
	bad := spec.Seed()
	bad.Layers[2].Units = 9
	for _, c := range []struct {
		name string
		p    share.Payload
		want string
	}{
		{"invalid spec", share.Payload{Spec: bad}, "the model cannot be built: layer 3 (Dense): outputs 9 values but mnist has 10 classes"},
		{"one tensor missing", edit(func(p *share.Payload) { p.Weights = p.Weights[:5] }), "the model has 6 weight tensors but 5 were given"},
		{"wrong name", edit(func(p *share.Payload) { p.Weights[1].Name = "dense/gamma" }), `weight tensor 2 is named "dense/gamma" but the model's is "dense/bias"`},
		{"wrong shape", edit(func(p *share.Payload) { p.Weights[2].Shape = []int{64, 128} }),
			"weight tensor 3 (dense_1/kernel, layer 2 Dense) has shape [64 128] but the model needs [128 64]"},
		{"too few values", edit(func(p *share.Payload) { p.Weights[3].Values = p.Weights[3].Values[:10] }),
			"weight tensor 4 (dense_1/bias, layer 2 Dense) of shape [64] needs 64 values, got 10"},
		{"NaN", edit(func(p *share.Payload) {
			p.Weights[5].Values = slices.Clone(p.Weights[5].Values)
			p.Weights[5].Values[7] = float32(math.NaN())
		}), "weight tensor 6 (dense_2/bias, layer 3 Dense) holds NaN at index 7; NaN and infinite weights are refused"},
		{"Inf", edit(func(p *share.Payload) {
			p.Weights[0].Values = slices.Clone(p.Weights[0].Values)
			p.Weights[0].Values[0] = float32(math.Inf(-1))
		}), "holds -Inf at index 0"},
	} {
		m, err := FromPayload(c.p)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
		if m != nil {
			t.Errorf("%s: a model came back with the error", c.name)
		}
	}
}
