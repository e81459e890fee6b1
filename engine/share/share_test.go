package share

import (
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/nnplay/nnplay/engine/spec"
)

// imageModel uses every image layer type: MNIST as (28, 28) images,
// reshaped, through Conv2D (valid and same, with strides),
// BatchNormalization, both pools and global average pooling.
func imageModel() spec.Model {
	conv := spec.Conv2D(6, 3, spec.ActReLU)
	strided := spec.Layer{Type: spec.TypeConv2D, Filters: 5, KernelSize: []int{3, 2}, Strides: []int{2, 1}, Padding: spec.PaddingSame,
		Activation: spec.ActLeakyReLU, Alpha: 0.1, KernelInitializer: spec.InitHeNormal}
	return spec.Model{
		Input: []int{28, 28},
		Layers: []spec.Layer{
			spec.Reshape(28, 28, 1), conv, spec.BatchNormalization(), spec.MaxPool2D(2), strided,
			spec.AveragePooling2D(2), {Type: spec.TypeGlobalAveragePooling2D}, spec.Dense(10, spec.ActSoftmax),
		},
		Optimizer: spec.Adam(0.001), Loss: spec.LossSparseCategoricalCrossentropy,
		BatchSize: 32, Epochs: 1, Seed: 9, Dataset: spec.DatasetMNIST,
	}
}

// flatModel uses every other layer type, BatchNormalization on a flat
// input, and a frozen layer.
func flatModel() spec.Model {
	frozen := spec.Dense(24, spec.ActTanh)
	frozen.Frozen = true
	return spec.Model{
		Input: []int{28, 28, 1},
		Layers: []spec.Layer{
			{Type: spec.TypeFlatten}, frozen, spec.BatchNormalization(), {Type: spec.TypeReLU},
			spec.Dense(16, spec.ActSigmoid), {Type: spec.TypeLeakyReLU, Alpha: 0.3}, {Type: spec.TypeSigmoid},
			{Type: spec.TypeTanh}, {Type: spec.TypeDropout, Rate: 0.25}, spec.Dense(10, ""), {Type: spec.TypeSoftmax},
		},
		Optimizer: spec.Optimizer{Name: spec.OptSGD, LearningRate: 0.05, Momentum: 0.9, Nesterov: true, WeightDecay: 1e-4},
		Loss:      spec.LossCategoricalCrossentropy, BatchSize: 128, Epochs: 3, Seed: -42,
		Dataset: spec.DatasetMNIST, ValidationSplit: 0.1,
	}
}

// toyModel is a small 2-D playground model.
func toyModel() spec.Model {
	return spec.Model{
		Input:     []int{2},
		Layers:    []spec.Layer{spec.Dense(3, spec.ActTanh), spec.Dense(2, "")},
		Optimizer: spec.Optimizer{Name: spec.OptRMSProp, LearningRate: 0.01, Rho: 0.9, Epsilon: 1e-7},
		Loss:      spec.LossSparseCategoricalCrossentropy, FromLogits: true,
		BatchSize: 10, Epochs: 20, Seed: 5, Dataset: spec.DatasetSpiral,
	}
}

// randomWeights fills m's weights with values a trained model could hold,
// and the cases a codec must get right: each output channel at its own
// scale (so per-channel scales matter), an all-zero channel, exact zeros,
// values far below float16's normal range and negative values.
func randomWeights(t testing.TB, m spec.Model, seed uint64) []Tensor {
	t.Helper()
	ws, err := ExpectedWeights(m)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, 1))
	out := make([]Tensor, len(ws))
	for i, w := range ws {
		channels := w.Shape[len(w.Shape)-1]
		channelScale := make([]float64, channels)
		for c := range channelScale {
			channelScale[c] = math.Exp(rng.NormFloat64()) * 0.1
		}
		channelScale[0] = 0 // an all-zero channel
		vs := make([]float32, size(w.Shape))
		for j := range vs {
			vs[j] = float32(rng.NormFloat64() * channelScale[j%channels])
			switch rng.IntN(50) {
			case 0:
				vs[j] = 0
			case 1:
				vs[j] = float32(rng.NormFloat64() * 1e-7) // a float16 subnormal or zero
			}
		}
		out[i] = Tensor{Name: w.Name, Shape: w.Shape, Values: vs}
	}
	return out
}

// roundTrip encodes and decodes p.
func roundTrip(t *testing.T, p Payload, opt Options) (Payload, string) {
	t.Helper()
	link, err := Encode(p, opt)
	if err != nil {
		t.Fatalf("Encode(%+v): %v", opt, err)
	}
	got, err := Decode(link)
	if err != nil {
		t.Fatalf("Decode of an Encode(%+v) link: %v", opt, err)
	}
	if !reflect.DeepEqual(got.Spec, p.Spec) || got.Epochs != p.Epochs || got.Steps != p.Steps {
		t.Fatalf("spec or progress changed:\n got %+v %d %d\nwant %+v %d %d", got.Spec, got.Epochs, got.Steps, p.Spec, p.Epochs, p.Steps)
	}
	return got, link
}

// TestRoundTrip encodes models using every layer type at every precision,
// per tensor and per channel, and checks each decoded value against the
// error its precision allows: float32 exact; float16 half a unit in the
// last place (2^−11 relative, 2^−25 absolute below the normal range);
// int8 and int4 half a scale step, with the scale worked out here from the
// original values. Vectors are stored at float16 unless float32 is asked.
func TestRoundTrip(t *testing.T) {
	for _, m := range []spec.Model{spec.Seed(), imageModel(), flatModel(), toyModel(), spec.LeNet()} {
		weights := randomWeights(t, m, uint64(m.Seed))
		p := Payload{Spec: m, Epochs: 3, Steps: 2811, Weights: weights}
		for _, opt := range []Options{
			{Precision: Float32}, {Precision: Float16},
			{Precision: Int8}, {Precision: Int8, PerChannel: true},
			{Precision: Int4}, {Precision: Int4, PerChannel: true},
			{Precision: Int8, Codec: CodecNone},
		} {
			got, _ := roundTrip(t, p, opt)
			if len(got.Weights) != len(weights) {
				t.Fatalf("%v: %d tensors back, want %d", opt, len(got.Weights), len(weights))
			}
			for i, w := range weights {
				checkTensor(t, opt, w, got.Weights[i])
			}
		}
	}
}

// checkTensor checks one decoded tensor against its original.
func checkTensor(t *testing.T, opt Options, want, got Tensor) {
	t.Helper()
	if got.Name != want.Name || !reflect.DeepEqual(got.Shape, want.Shape) || len(got.Values) != len(want.Values) {
		t.Fatalf("%+v: got tensor %s %v with %d values, want %s %v with %d", opt, got.Name, got.Shape, len(got.Values), want.Name, want.Shape, len(want.Values))
	}
	prec, perChannel := opt.Precision, opt.PerChannel
	if len(want.Shape) == 1 && prec != Float32 {
		prec, perChannel = Float16, false
	}
	if prec < Int8 {
		perChannel = false
	}
	if got.Precision != prec || got.PerChannel != perChannel {
		t.Errorf("%+v: %s stored as %v per-channel=%v, want %v per-channel=%v", opt, want.Name, got.Precision, got.PerChannel, prec, perChannel)
	}
	groups := 1
	if perChannel {
		groups = want.Shape[len(want.Shape)-1]
	}
	levels := map[Precision]float64{Int8: 127, Int4: 7}[prec]
	maxAbs := make([]float64, groups)
	for j, v := range want.Values {
		maxAbs[j%groups] = max(maxAbs[j%groups], math.Abs(float64(v)))
	}
	for j, v := range want.Values {
		w, g := float64(v), float64(got.Values[j])
		var bound float64
		switch prec {
		case Float32:
			if math.Float32bits(v) != math.Float32bits(got.Values[j]) {
				t.Fatalf("%+v: %s[%d] = %v, want exactly %v", opt, want.Name, j, got.Values[j], v)
			}
			continue
		case Float16:
			bound = max(math.Abs(w)*math.Pow(2, -11), math.Pow(2, -25))
		default:
			scale := float64(float32(maxAbs[j%groups] / levels))
			bound = scale/2 + scale*1e-6
		}
		if math.Abs(w-g) > bound {
			t.Fatalf("%+v: %s[%d] = %v, want %v ± %g", opt, want.Name, j, g, w, bound)
		}
		if w == 0 && g != 0 {
			t.Fatalf("%+v: %s[%d]: 0 came back as %v", opt, want.Name, j, g)
		}
	}
}

// TestRecipeLink: spec, seed and progress without weights make a short link
// that decodes to no weights.
func TestRecipeLink(t *testing.T) {
	// The specs the dictionary holds take a few bytes; any other stays
	// far below the 2,000 characters old browsers kept of a URL.
	for _, c := range []struct {
		m     spec.Model
		limit int
	}{{spec.Seed(), 40}, {spec.LeNet(), 40}, {spec.SmallCNN(), 40}, {spec.RowByRowRNN(), 40}, {spec.RowByRowGRU(), 40}, {imageModel(), 400}, {flatModel(), 400}, {toyModel(), 400}} {
		got, link := roundTrip(t, Payload{Spec: c.m, Epochs: 1, Steps: 938}, Options{})
		if got.Weights != nil {
			t.Errorf("recipe link decoded to %d tensors", len(got.Weights))
		}
		t.Logf("recipe link for input %v, %d layers: %d characters", c.m.Input, len(c.m.Layers), len(link))
		if len(link) > c.limit {
			t.Errorf("recipe link of %d characters, want at most %d: %s", len(link), c.limit, link)
		}
	}
}

// TestFloat16Fallback: a tensor with a value beyond float16's range is
// stored at float32, exactly.
func TestFloat16Fallback(t *testing.T) {
	m := toyModel()
	p := Payload{Spec: m, Weights: randomWeights(t, m, 3)}
	p.Weights[0].Values[1] = 70000
	p.Weights[1].Values[2] = -1e6
	got, _ := roundTrip(t, p, Options{Precision: Float16})
	for i := range 2 {
		if got.Weights[i].Precision != Float32 {
			t.Errorf("%s stored at %v, want float32", got.Weights[i].Name, got.Weights[i].Precision)
		}
		checkTensor(t, Options{Precision: Float32}, p.Weights[i], got.Weights[i])
	}
}

// TestFragment finds the m= part of URLs, hashes and bare values.
func TestFragment(t *testing.T) {
	for in, want := range map[string]string{
		"https://nnplay.example/#m=bm5wAQ": "bm5wAQ",
		"http://localhost:8080/?x=1#m=abc": "abc",
		"#m=abc":                           "abc",
		"m=abc":                            "abc",
		"#view=share&m=abc_-":              "abc_-",
		"#m=abc&view=share":                "abc",
	} {
		got, ok := Fragment(in)
		if !ok || got != want {
			t.Errorf("Fragment(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "https://nnplay.example/", "#", "#model=abc", "abc"} {
		if got, ok := Fragment(in); ok {
			t.Errorf("Fragment(%q) = %q, true; want no value", in, got)
		}
	}
	if Hash("abc") != "#m=abc" {
		t.Errorf("Hash(abc) = %q", Hash("abc"))
	}
	// Decode takes the whole URL too, and tolerates base64 padding.
	link, err := Encode(Payload{Spec: spec.Seed()}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []string{"https://nnplay.example/" + Hash(link), link + "=="} {
		if _, err := Decode(in); err != nil {
			t.Errorf("Decode(%q): %v", in, err)
		}
	}
}

// TestPrecisionNames: ParsePrecision reads what String writes.
func TestPrecisionNames(t *testing.T) {
	for _, p := range []Precision{Float32, Float16, Int8, Int4} {
		got, err := ParsePrecision(p.String())
		if err != nil || got != p {
			t.Errorf("ParsePrecision(%q) = %v, %v", p.String(), got, err)
		}
	}
	if _, err := ParsePrecision("int2"); err == nil || !strings.Contains(err.Error(), `unknown precision "int2"`) {
		t.Errorf("ParsePrecision(int2): %v", err)
	}
}
