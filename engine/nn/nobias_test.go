package nn

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/nnplay/nnplay/engine/spec"
)

// Dense and Conv2D without a bias (Keras' use_bias=False): no bias param
// at all, the gradients right (finite differences), and the outputs those
// of the same layer with a zero bias, to the bit.

func TestGradCheckDenseWithoutBias(t *testing.T) {
	for i, act := range []string{"", spec.ActTanh, spec.ActSigmoid, spec.ActSoftmax} {
		rng := rand.New(rand.NewPCG(uint64(i), 12))
		d := NewDense(4, 3, act, spec.InitGlorotUniform, rng).WithoutBias()
		if ps := d.Params(); len(ps) != 1 || ps[0] != d.Kernel {
			t.Fatalf("Dense(%q) without bias: params %v, want the kernel alone", act, ps)
		}
		x := randTensor(rng, -1, 1, 5, 4)
		checkLayer(t, fmt.Sprintf("Dense(%q) without bias", act), d, x, rng, trainingForward(d))
	}
}

func TestGradCheckConv2DWithoutBias(t *testing.T) {
	for i, c := range convCases {
		rng := rand.New(rand.NewPCG(uint64(i), 13))
		conv := convLayer(t, c.in, spec.NoBias(c.l), rng)
		if ps := conv.Params(); len(ps) != 1 || ps[0] != conv.Kernel {
			t.Fatalf("Conv2D without bias: params %v, want the kernel alone", ps)
		}
		x := randTensor(rng, -1, 1, append([]int{2}, c.in...)...)
		checkLayer(t, fmt.Sprintf("Conv2D %v %+v without bias", c.in, c.l), conv, x, rng, trainingForward(conv))
	}
}

// TestWithoutBiasIsZeroBias: a layer without a bias computes the bits of
// the same layer with a zero bias, forward and backward (0 + Σ is Σ), in
// several im2col groups too.
func TestWithoutBiasIsZeroBias(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 14))
	x := randTensor(rng, -1, 1, 6, 5)
	dy := randTensor(rng, -1, 1, 6, 4)
	with := NewDense(5, 4, spec.ActTanh, "", rand.New(rand.NewPCG(1, 1)))
	without := NewDense(5, 4, spec.ActTanh, "", rand.New(rand.NewPCG(1, 1))).WithoutBias()
	run := func(l Layer) [][]float32 {
		y := append([]float32(nil), floats(l.Forward(x, true))...)
		dx := append([]float32(nil), floats(l.Backward(dy))...)
		return [][]float32{y, dx, append([]float32(nil), floats(l.Params()[0].Grad)...)}
	}
	if !sameBits(run(with), run(without)) {
		t.Error("Dense: without a bias differs from a zero bias")
	}
	for i, c := range convCases {
		conv := NewConv2D(c.in, withType(c.l), rand.New(rand.NewPCG(uint64(i), 1)))
		bare := NewConv2D(c.in, spec.NoBias(withType(c.l)), rand.New(rand.NewPCG(uint64(i), 1)))
		bare.colFloats = bare.geom.Positions() * bare.geom.ColWidth() // one example per group
		x := randTensor(rng, -1, 1, append([]int{3}, c.in...)...)
		dy := randTensor(rng, -1, 1, append([]int{3}, conv.OutputShape()...)...)
		run := func(l *Conv2D) [][]float32 {
			y := append([]float32(nil), floats(l.Forward(x, true))...)
			dx := append([]float32(nil), floats(l.Backward(dy))...)
			return [][]float32{y, dx, append([]float32(nil), floats(l.Kernel.Grad)...)}
		}
		if !sameBits(run(conv), run(bare)) {
			t.Errorf("Conv2D %v %+v: without a bias differs from a zero bias", c.in, c.l)
		}
	}
}

func withType(l spec.Layer) spec.Layer {
	l.Type = spec.TypeConv2D
	return l
}

// TestBuildWithoutBias: Build honours use_bias for Dense and Conv2D, the
// model's Spec gives it back, the kernels are those of the same model with
// biases (a bias draws nothing from the initializer), and Summary counts
// the weights as Keras does.
func TestBuildWithoutBias(t *testing.T) {
	s := spec.LeNet()
	s.Layers[2] = spec.NoBias(s.Layers[2])
	s.Layers[5] = spec.NoBias(s.Layers[5])
	m, err := Build(s)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Spec(); !reflect.DeepEqual(got.Layers, s.Layers) {
		t.Errorf("Spec() layers:\n got %+v\nwant %+v", got.Layers, s.Layers)
	}
	var names []string
	for _, p := range m.Params() {
		names = append(names, p.Name)
	}
	if want := "kernel bias kernel kernel kernel bias kernel bias"; strings.Join(names, " ") != want {
		t.Errorf("params %q, want %q", strings.Join(names, " "), want)
	}
	base, err := Build(spec.LeNet())
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{2, 5} {
		if !sameBits([][]float32{floats(m.layers[i].Params()[0].Value)}, [][]float32{floats(base.layers[i].Params()[0].Value)}) {
			t.Errorf("layer %d: the kernel differs from the model with a bias", i+1)
		}
	}
	sum := m.Summary()
	for _, want := range []string{"2,400", "48,000", "Total params: 61,570"} {
		if !strings.Contains(sum, want) {
			t.Errorf("summary lacks %q:\n%s", want, sum)
		}
	}
}

// TestReplaceHeadWithoutBias: fine-tuning a model whose Conv2D and Dense
// layers have no bias copies their kernels (the params line up), keeps
// use_bias in the spec, and the new head has a bias, as Keras' default.
func TestReplaceHeadWithoutBias(t *testing.T) {
	s := fineTuneSpec()
	s.Layers[2] = spec.NoBias(s.Layers[2])
	s.Layers[5] = spec.NoBias(s.Layers[5])
	m, err := Build(s)
	if err != nil {
		t.Fatal(err)
	}
	ft, err := ReplaceHead(m, 3, 9)
	if err != nil {
		t.Fatal(err)
	}
	got := ft.Spec()
	if got.Layers[2].HasBias() || got.Layers[5].HasBias() || !got.Layers[6].HasBias() {
		t.Errorf("fine-tuned layers %+v", got.Layers)
	}
	for _, i := range []int{2, 5} {
		a, b := ft.layers[i].Params(), m.layers[i].Params()
		if len(a) != 1 || !sameBits([][]float32{floats(a[0].Value)}, [][]float32{floats(b[0].Value)}) {
			t.Errorf("layer %d: %d params, or its kernel not copied", i+1, len(a))
		}
	}
}
