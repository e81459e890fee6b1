package nn

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/spec"
)

// layerFromSpec rebuilds a layer from its spec with this file's
// constructors (Build does the same for whole models).
func layerFromSpec(l spec.Layer, in int, rng *rand.Rand) Layer {
	var out Freezer
	switch l.Type {
	case spec.TypeDense:
		out = NewDense(in, l.Units, l.Activation, l.KernelInitializer, rng)
	case spec.TypeReLU:
		out = &ReLU{}
	case spec.TypeLeakyReLU:
		out = &LeakyReLU{Alpha: l.Alpha}
	case spec.TypeSigmoid:
		out = &Sigmoid{}
	case spec.TypeTanh:
		out = &Tanh{}
	case spec.TypeSoftmax:
		out = &Softmax{}
	case spec.TypeDropout:
		out = NewDropout(l.Rate, rng)
	case spec.TypeFlatten:
		out = &Flatten{}
	default:
		return nil
	}
	out.SetFrozen(l.Frozen)
	return out
}

func TestSpecRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	frozenDense := NewDense(3, 2, spec.ActSigmoid, spec.InitHeNormal, rng)
	frozenDense.Frozen = true
	frozenRelu := NewReLU()
	frozenRelu.Frozen = true
	layers := []struct {
		layer Layer
		want  spec.Layer
	}{
		{NewDense(3, 7, "", "", rng), spec.Layer{Type: spec.TypeDense, Units: 7}},
		{NewDense(3, 5, spec.ActReLU, spec.InitGlorotUniform, rng), spec.Layer{Type: spec.TypeDense, Units: 5, Activation: spec.ActReLU, KernelInitializer: spec.InitGlorotUniform}},
		{frozenDense, spec.Layer{Type: spec.TypeDense, Units: 2, Activation: spec.ActSigmoid, KernelInitializer: spec.InitHeNormal, Frozen: true}},
		{NewReLU(), spec.Layer{Type: spec.TypeReLU}},
		{frozenRelu, spec.Layer{Type: spec.TypeReLU, Frozen: true}},
		{NewLeakyReLU(0.25), spec.Layer{Type: spec.TypeLeakyReLU, Alpha: 0.25}},
		{NewSigmoid(), spec.Layer{Type: spec.TypeSigmoid}},
		{NewTanh(), spec.Layer{Type: spec.TypeTanh}},
		{NewSoftmax(), spec.Layer{Type: spec.TypeSoftmax}},
		{NewDropout(0.3, rng), spec.Layer{Type: spec.TypeDropout, Rate: 0.3}},
		{NewFlatten(), spec.Layer{Type: spec.TypeFlatten}},
	}
	for _, tc := range layers {
		got := tc.layer.Spec()
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Spec() = %+v, want %+v", got, tc.want)
		}
		if again := layerFromSpec(got, 3, rng).Spec(); !reflect.DeepEqual(again, got) {
			t.Errorf("rebuilt from %+v, Spec() = %+v", got, again)
		}
		if _, err := (spec.Model{Input: []int{3}, Layers: []spec.Layer{got}}).Infer(); err != nil {
			t.Errorf("spec %+v does not validate: %v", got, err)
		}
	}
}

func TestDenseForwardMatchesDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	d := NewDense(5, 3, "", "", rng)
	for j := range floats(d.Bias.Value) {
		floats(d.Bias.Value)[j] = float32(j) - 1
	}
	w, b := floats(d.Kernel.Value), floats(d.Bias.Value)
	// Batch sizes change between calls: the reused buffers must follow.
	for _, n := range []int{4, 4, 1, 6} {
		x := randTensor(rng, -1, 1, n, 5)
		y := d.Forward(x, false)
		if !y.Shape().Eq(tensor.Shape{n, 3}) {
			t.Fatalf("batch %d: output shape %v", n, y.Shape())
		}
		for i := 0; i < n; i++ {
			for j := 0; j < 3; j++ {
				want := float64(b[j])
				for p := 0; p < 5; p++ {
					want += float64(floats(x)[i*5+p]) * float64(w[p*3+j])
				}
				if got := float64(floats(y)[i*3+j]); math.Abs(got-want) > 1e-5 {
					t.Fatalf("batch %d: y[%d][%d] = %v, want %v", n, i, j, got, want)
				}
			}
		}
	}
}

func TestDenseBackwardAccumulates(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	d := NewDense(4, 2, spec.ActTanh, "", rng)
	x := randTensor(rng, -1, 1, 3, 4)
	dy := randTensor(rng, -1, 1, 3, 2)
	d.Forward(x, true)
	d.Backward(dy)
	once := append([]float32(nil), floats(d.Kernel.Grad)...)
	d.Backward(dy)
	for i, g := range floats(d.Kernel.Grad) {
		if math.Abs(float64(g-2*once[i])) > 1e-6 {
			t.Fatalf("kernel grad %d after two Backwards = %v, want 2×%v", i, g, once[i])
		}
	}
}

func TestInitializers(t *testing.T) {
	const fanIn, fanOut = 300, 200
	rng := rand.New(rand.NewPCG(5, 5))
	w := make([]float32, fanIn*fanOut)

	GlorotUniform(w, fanIn, fanOut, rng)
	limit := math.Sqrt(6.0 / (fanIn + fanOut))
	mean, std := meanStd(w)
	for i, v := range w {
		if math.Abs(float64(v)) > limit {
			t.Fatalf("glorot_uniform w[%d] = %v outside ±%v", i, v, limit)
		}
	}
	// U(-l, l) has standard deviation l/√3; 60 000 draws pin it to ~0.3%.
	if math.Abs(mean) > 0.01*limit || math.Abs(std-limit/math.Sqrt(3)) > 0.02*limit {
		t.Errorf("glorot_uniform mean %v std %v, want 0 and %v", mean, std, limit/math.Sqrt(3))
	}

	HeNormal(w, fanIn, rng)
	sigma := math.Sqrt(2.0 / fanIn)
	mean, std = meanStd(w)
	for i, v := range w {
		if math.Abs(float64(v)) > 2*sigma/heTruncationCorrection {
			t.Fatalf("he_normal w[%d] = %v beyond the truncation at 2σ₀", i, v)
		}
	}
	if math.Abs(mean) > 0.01*sigma || math.Abs(std-sigma) > 0.02*sigma {
		t.Errorf("he_normal mean %v std %v, want 0 and %v", mean, std, sigma)
	}

	// One seed, one set of weights; another seed, others.
	a := NewDense(4, 3, "", spec.InitHeNormal, rand.New(rand.NewPCG(9, 1)))
	b := NewDense(4, 3, "", spec.InitHeNormal, rand.New(rand.NewPCG(9, 1)))
	c := NewDense(4, 3, "", spec.InitHeNormal, rand.New(rand.NewPCG(10, 1)))
	if !reflect.DeepEqual(floats(a.Kernel.Value), floats(b.Kernel.Value)) {
		t.Error("same seed gave different kernels")
	}
	if reflect.DeepEqual(floats(a.Kernel.Value), floats(c.Kernel.Value)) {
		t.Error("different seeds gave the same kernel")
	}
	for _, v := range floats(a.Bias.Value) {
		if v != 0 {
			t.Fatalf("bias starts at %v, want 0", v)
		}
	}
}

func meanStd(w []float32) (mean, std float64) {
	for _, v := range w {
		mean += float64(v)
	}
	mean /= float64(len(w))
	for _, v := range w {
		std += (float64(v) - mean) * (float64(v) - mean)
	}
	return mean, math.Sqrt(std / float64(len(w)))
}

func TestDropout(t *testing.T) {
	const rate, n = 0.25, 20000
	x := newTensor(1, n)
	for i := range floats(x) {
		floats(x)[i] = 2
	}
	d := NewDropout(rate, rand.New(rand.NewPCG(42, 7)))
	if y := d.Forward(x, false); !reflect.DeepEqual(floats(y), floats(x)) {
		t.Fatal("inference Forward is not the identity")
	}
	y := floats(d.Forward(x, true))
	dropped := 0
	for i, v := range y {
		switch v {
		case 0:
			dropped++
		case float32(2 / (1 - rate)):
		default:
			t.Fatalf("y[%d] = %v, want 0 or %v", i, v, 2/(1-rate))
		}
	}
	// Binomial(20000, 0.25): standard deviation ≈ 61 drops, so ±400 is > 6σ.
	if math.Abs(float64(dropped)-rate*n) > 400 {
		t.Errorf("dropped %d of %d, want about %v", dropped, n, rate*n)
	}
	first := append([]float32(nil), y...)
	if again := floats(NewDropout(rate, rand.New(rand.NewPCG(42, 7))).Forward(x, true)); !reflect.DeepEqual(again, first) {
		t.Error("the same seed gave a different mask")
	}
	if next := floats(d.Forward(x, true)); reflect.DeepEqual(next, first) {
		t.Error("two batches got the same mask")
	}
	// Backward at inference passes dy through untouched.
	d.Forward(x, false)
	if dx := d.Backward(x); dx != x {
		t.Error("inference Backward is not the identity")
	}
}

// TestDropoutDrawMaskKeepsTheStream: the masks DrawMask returns are those
// a twin layer's training Forward applies, batch after batch (a GPU run
// keeps the CPU's dropout stream); a mask given by SetNextMask is used
// once, copied, and draws nothing from the rng.
func TestDropoutDrawMaskKeepsTheStream(t *testing.T) {
	const rate, n = 0.3, 1001
	x := newTensor(1, n)
	for i := range floats(x) {
		floats(x)[i] = 1
	}
	drawn, twin := NewDropout(rate, rand.New(rand.NewPCG(5, 9))), NewDropout(rate, rand.New(rand.NewPCG(5, 9)))
	var masks [][]float32
	for batch := range 3 {
		m := drawn.DrawMask(n)
		if y := floats(twin.Forward(x, true)); !reflect.DeepEqual(y, m) {
			t.Fatalf("batch %d: DrawMask's mask differs from the one a twin's Forward applies", batch)
		}
		masks = append(masks, m)
	}
	// The copy the layer keeps is its own: the caller's slice may change.
	given := append([]float32(nil), masks[0]...)
	drawn.SetNextMask(given)
	y := append([]float32(nil), floats(drawn.Forward(x, true))...)
	clear(given)
	if !reflect.DeepEqual(y, masks[0]) || !reflect.DeepEqual(floats(drawn.Backward(x)), masks[0]) {
		t.Fatal("Forward and Backward did not use the mask SetNextMask gave")
	}
	if y := floats(drawn.Forward(x, true)); !reflect.DeepEqual(y, floats(twin.Forward(x, true))) {
		t.Error("after a set mask the stream moved: the next drawn masks differ")
	}
}
