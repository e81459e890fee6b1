package nn

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/spec"
)

// Gradient checks of the image layers against finite differences, with the
// helpers and tolerances of gradcheck_test.go.

// convLayer builds a Conv2D for input in with a non-zero bias (if l has
// one).
func convLayer(t *testing.T, in []int, l spec.Layer, rng *rand.Rand) *Conv2D {
	t.Helper()
	l.Type = spec.TypeConv2D
	if _, err := (spec.Model{Input: in, Layers: []spec.Layer{l}}).Infer(); err != nil {
		t.Fatalf("test spec %+v: %v", l, err)
	}
	c := NewConv2D(in, l, rng)
	if c.Bias != nil {
		for i := range floats(c.Bias.Value) {
			floats(c.Bias.Value)[i] = float32(rng.Float64() - 0.5)
		}
	}
	return c
}

// convCases cover both paddings, strides 1 and 2, non-square kernels and
// strides, a kernel larger than its input (same) and each smooth
// activation.
var convCases = []struct {
	in []int
	l  spec.Layer
}{
	{[]int{5, 6, 2}, spec.Layer{Filters: 3, KernelSize: []int{3, 3}}},
	{[]int{5, 6, 2}, spec.Layer{Filters: 3, KernelSize: []int{3, 3}, Padding: spec.PaddingSame}},
	{[]int{6, 7, 2}, spec.Layer{Filters: 2, KernelSize: []int{3, 3}, Strides: []int{2, 2}, Padding: spec.PaddingValid}},
	{[]int{6, 7, 2}, spec.Layer{Filters: 2, KernelSize: []int{3, 3}, Strides: []int{2, 2}, Padding: spec.PaddingSame, Activation: spec.ActTanh}},
	{[]int{5, 5, 1}, spec.Layer{Filters: 4, KernelSize: []int{2, 3}, Strides: []int{2, 1}, Padding: spec.PaddingSame, Activation: spec.ActSigmoid}},
	{[]int{3, 3, 2}, spec.Layer{Filters: 2, KernelSize: []int{5, 4}, Padding: spec.PaddingSame, KernelInitializer: spec.InitHeNormal}},
	{[]int{4, 4, 3}, spec.Layer{Filters: 3, KernelSize: []int{1, 1}, Activation: spec.ActSoftmax}},
}

func TestGradCheckConv2D(t *testing.T) {
	for i, c := range convCases {
		rng := rand.New(rand.NewPCG(uint64(i), 5))
		conv := convLayer(t, c.in, c.l, rng)
		x := randTensor(rng, -1, 1, append([]int{2}, c.in...)...)
		name := fmt.Sprintf("Conv2D %v %+v", c.in, c.l)
		checkLayer(t, name, conv, x, rng, trainingForward(conv))
	}
}

// TestConv2DGroupsChangeNothing: going through im2col one example at a
// time, or two, gives the same bits as the whole batch at once.
func TestConv2DGroupsChangeNothing(t *testing.T) {
	for i, c := range convCases {
		rng := rand.New(rand.NewPCG(uint64(i), 6))
		conv := convLayer(t, c.in, c.l, rng)
		x := randTensor(rng, -1, 1, append([]int{5}, c.in...)...)
		dy := randTensor(rng, -1, 1, append([]int{5}, conv.OutputShape()...)...)
		run := func(colFloats int) [][]float32 {
			conv.colFloats = colFloats
			for _, p := range conv.Params() {
				clear(floats(p.Grad))
			}
			y := append([]float32(nil), floats(conv.Forward(x, true))...)
			dx := append([]float32(nil), floats(conv.Backward(dy))...)
			return [][]float32{y, dx, append([]float32(nil), floats(conv.Kernel.Grad)...)}
		}
		per := conv.geom.Positions() * conv.geom.ColWidth()
		whole := run(0)
		for _, budget := range []int{1, 2 * per, 3 * per} {
			if got := run(budget); !sameBits(got, whole) {
				t.Errorf("%v %+v: groups of %d examples differ from the whole batch", c.in, c.l, conv.group(5))
			}
		}
	}
}

// distinctValues fills a tensor with a shuffle of values 0.05 apart, so
// no two in a pooling window are within a finite-difference step of each
// other (the max never switches while differencing).
func distinctValues(rng *rand.Rand, shape ...int) *tensor.Dense {
	t := newTensor(shape...)
	v := floats(t)
	for i, j := range rng.Perm(len(v)) {
		v[i] = float32(j)*0.05 - float32(len(v))*0.025
	}
	return t
}

var poolCases = []struct {
	in            []int
	pool, strides []int
	padding       string
}{
	{[]int{4, 4, 2}, []int{2, 2}, nil, ""},
	{[]int{5, 5, 2}, []int{2, 2}, nil, spec.PaddingSame},
	{[]int{5, 6, 1}, []int{3, 3}, []int{2, 2}, spec.PaddingSame},
	{[]int{4, 5, 2}, []int{2, 3}, []int{1, 1}, spec.PaddingValid}, // overlapping windows
	{[]int{3, 3, 3}, []int{3, 3}, []int{1, 1}, spec.PaddingSame},
}

func TestGradCheckMaxPool2D(t *testing.T) {
	for i, c := range poolCases {
		rng := rand.New(rand.NewPCG(uint64(i), 7))
		p := NewMaxPool2D(c.pool, c.strides, c.padding)
		x := distinctValues(rng, append([]int{2}, c.in...)...)
		checkLayer(t, fmt.Sprintf("MaxPool2D %+v", c), p, x, rng, trainingForward(p))
	}
}

func TestGradCheckAveragePooling2D(t *testing.T) {
	for i, c := range poolCases {
		rng := rand.New(rand.NewPCG(uint64(i), 8))
		p := NewAveragePooling2D(c.pool, c.strides, c.padding)
		x := randTensor(rng, -1, 1, append([]int{2}, c.in...)...)
		checkLayer(t, fmt.Sprintf("AveragePooling2D %+v", c), p, x, rng, trainingForward(p))
	}
}

func TestGradCheckGlobalAveragePooling2D(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 9))
	p := NewGlobalAveragePooling2D()
	checkLayer(t, "GlobalAveragePooling2D", p, randTensor(rng, -1, 1, 3, 4, 5, 2), rng, trainingForward(p))
}

func TestGradCheckReshape(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 9))
	r := NewReshape(3, -1, 2)
	x := randTensor(rng, -1, 1, 2, 12)
	if got := r.Forward(x, true).Shape(); !got.Eq(tensor.Shape{2, 3, 2, 2}) {
		t.Fatalf("Reshape(3, -1, 2) of (2, 12): %v", got)
	}
	checkLayer(t, "Reshape", r, x, rng, trainingForward(r))
}

// randomBatchNorm returns a BatchNormalization with γ, β and the moving
// statistics away from their starting values.
func randomBatchNorm(rng *rand.Rand, channels int) *BatchNormalization {
	b := NewBatchNormalization(channels, 0.9, 1e-3)
	for i := range channels {
		floats(b.Gamma.Value)[i] = float32(0.5 + rng.Float64())
		floats(b.Beta.Value)[i] = float32(rng.Float64() - 0.5)
		floats(b.MovingMean.Value)[i] = float32(rng.Float64() - 0.5)
		floats(b.MovingVariance.Value)[i] = float32(0.5 + rng.Float64())
	}
	return b
}

// trainableOnly shows a layer with only its trainable params, for
// checks where the NonTrainable ones (moving statistics, which get no
// gradient) do affect the output.
type trainableOnly struct{ Layer }

func (l trainableOnly) Params() []*Param {
	var ps []*Param
	for _, p := range l.Layer.Params() {
		if !p.NonTrainable {
			ps = append(ps, p)
		}
	}
	return ps
}

// TestGradCheckBatchNormalization checks training mode (batch statistics:
// dx runs through μ and σ²) on images and on flat inputs, and inference
// mode (moving statistics), which a frozen layer also uses in training.
func TestGradCheckBatchNormalization(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 9))
	for _, shape := range [][]int{{2, 3, 3, 2}, {6, 4}} {
		c := shape[len(shape)-1]
		b := randomBatchNorm(rng, c)
		x := randTensor(rng, -2, 2, shape...)
		// In training mode the output does not depend on the moving
		// statistics: their numeric gradient is 0, as is their Grad.
		checkLayer(t, fmt.Sprintf("BatchNormalization training %v", shape), b, x, rng, trainingForward(b))

		b = randomBatchNorm(rng, c)
		inference := func(x *tensor.Dense) *tensor.Dense { return b.Forward(x, false) }
		checkLayer(t, fmt.Sprintf("BatchNormalization inference %v", shape), trainableOnly{b}, x, rng, inference)

		b = randomBatchNorm(rng, c)
		b.Frozen = true
		checkLayer(t, fmt.Sprintf("BatchNormalization frozen %v", shape), trainableOnly{b}, x, rng, trainingForward(b))
	}
}
