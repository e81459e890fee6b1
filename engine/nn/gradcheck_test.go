package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/spec"
)

// Gradient checks compare each analytic gradient with central finite
// differences, (f(θ+h) − f(θ−h)) / (2h), of the float32 code evaluated in
// float64.
//
// Tolerance: |analytic − numeric| ≤ gradAbsTol + gradRelTol·max(|analytic|, |numeric|).
// The outputs are float32, so f carries round-off of about 1e-7 relative per
// term; divided by 2h (h = 1e-2 for layers, 1e-3 for losses, whose value is
// accumulated in float64) that is ~1e-5 to 1e-4 absolute, and the O(h²)
// truncation error on these smooth, O(1) functions is of the same order.
// 1e-2 relative with a 1e-3 floor sits well above both, and far below what
// a real bug gives (a wrong sign, factor or index is off by ≥ 50%).
const (
	gradRelTol = 1e-2
	gradAbsTol = 1e-3
	layerH     = 1e-2
	lossH      = 1e-3
)

func closeGrad(analytic, numeric float64) bool {
	return math.Abs(analytic-numeric) <= gradAbsTol+gradRelTol*max(math.Abs(analytic), math.Abs(numeric))
}

// randTensor fills a tensor of the given shape with U(lo, hi) draws.
func randTensor(rng *rand.Rand, lo, hi float64, shape ...int) *tensor.Dense {
	t := newTensor(shape...)
	for i := range floats(t) {
		floats(t)[i] = float32(lo + (hi-lo)*rng.Float64())
	}
	return t
}

// awayFromZero moves every value at least 0.1 from 0, so ReLU-style kinks
// stay further than h from the points being differenced.
func awayFromZero(t *tensor.Dense) *tensor.Dense {
	for i, v := range floats(t) {
		floats(t)[i] = float32(math.Copysign(0.1+math.Abs(float64(v)), float64(v)))
	}
	return t
}

// weightedSum is f = Σ r·y in float64: a scalar whose gradient with
// respect to y is r, so Backward(r) must return df/dx.
func weightedSum(y, r *tensor.Dense) float64 {
	var s float64
	rv := floats(r)
	for i, v := range floats(y) {
		s += float64(v) * float64(rv[i])
	}
	return s
}

// numericGrad differences f with respect to every element of v.
func numericGrad(v []float32, h float64, f func() float64) []float64 {
	g := make([]float64, len(v))
	for i := range v {
		old := v[i]
		v[i] = float32(float64(old) + h)
		plus, up := f(), v[i]
		v[i] = float32(float64(old) - h)
		minus, down := f(), v[i]
		v[i] = old
		g[i] = (plus - minus) / float64(up-down) // the step actually taken in float32
	}
	return g
}

func compareGrads(t *testing.T, what string, analytic []float32, numeric []float64) {
	t.Helper()
	if len(analytic) != len(numeric) {
		t.Fatalf("%s: %d analytic values, %d numeric", what, len(analytic), len(numeric))
	}
	for i, a := range analytic {
		if !closeGrad(float64(a), numeric[i]) {
			t.Errorf("%s[%d]: analytic %.6g, numeric %.6g", what, i, a, numeric[i])
		}
	}
}

// checkLayer gradient-checks a layer's input gradient and every param
// gradient on x, with forward the function that runs the layer (normally
// Forward with training = true).
func checkLayer(t *testing.T, name string, l Layer, x *tensor.Dense, rng *rand.Rand, forward func(*tensor.Dense) *tensor.Dense) {
	t.Helper()
	y := forward(x)
	r := randTensor(rng, -1, 1, y.Shape()...)
	for _, p := range l.Params() {
		clear(floats(p.Grad))
	}
	dx := l.Backward(r)
	mustMatch(name, "dx", dx.Shape(), x.Shape())
	analyticX := append([]float32(nil), floats(dx)...)
	analyticP := make([][]float32, len(l.Params()))
	for i, p := range l.Params() {
		analyticP[i] = append([]float32(nil), floats(p.Grad)...)
	}
	f := func() float64 { return weightedSum(forward(x), r) }
	compareGrads(t, name+" dx", analyticX, numericGrad(floats(x), layerH, f))
	for i, p := range l.Params() {
		compareGrads(t, name+" d"+p.Name, analyticP[i], numericGrad(floats(p.Value), layerH, f))
	}
}

func trainingForward(l Layer) func(*tensor.Dense) *tensor.Dense {
	return func(x *tensor.Dense) *tensor.Dense { return l.Forward(x, true) }
}

func TestGradCheckActivations(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 1))
	layers := []Layer{NewReLU(), NewLeakyReLU(0.3), NewSigmoid(), NewTanh(), NewSoftmax()}
	for _, l := range layers {
		x := awayFromZero(randTensor(rng, -2, 2, 3, 5))
		checkLayer(t, l.Spec().Type, l, x, rng, trainingForward(l))
	}
}

func TestGradCheckDense(t *testing.T) {
	acts := []string{"", spec.ActLinear, spec.ActReLU, spec.ActLeakyReLU, spec.ActSigmoid, spec.ActTanh, spec.ActSoftmax}
	for i, act := range acts {
		rng := rand.New(rand.NewPCG(uint64(i), 2))
		d := NewDense(4, 3, act, spec.InitGlorotUniform, rng)
		// A non-zero bias, so its gradient path is exercised with real values.
		for j := range floats(d.Bias.Value) {
			floats(d.Bias.Value)[j] = float32(rng.Float64() - 0.5)
		}
		x := randTensor(rng, -1, 1, 5, 4)
		if act == spec.ActReLU || act == spec.ActLeakyReLU {
			// Keep pre-activations away from the kink at 0: differencing
			// across it measures neither side's slope.
			for trial := 0; ; trial++ {
				if minAbs(floats(d.ForwardLogits(x, true))) > 0.05 {
					break
				}
				x = randTensor(rng, -1, 1, 5, 4)
				if trial > 100 {
					t.Fatal("no input with pre-activations away from 0")
				}
			}
		}
		checkLayer(t, fmt.Sprintf("Dense(%q)", act), d, x, rng, trainingForward(d))
	}
}

func minAbs(v []float32) float64 {
	m := math.Inf(1)
	for _, x := range v {
		m = min(m, math.Abs(float64(x)))
	}
	return m
}

func TestGradCheckDropoutFixedMask(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 3))
	d := NewDropout(0.4, rand.New(rand.NewPCG(1, 1)))
	x := randTensor(rng, -1, 1, 4, 6)
	d.Forward(x, true) // draws the mask, then hold it fixed
	dropped := 0
	for _, m := range d.mask {
		if m == 0 {
			dropped++
		}
	}
	if dropped == 0 || dropped == len(d.mask) {
		t.Fatalf("mask drops %d of %d: the check would not cover both cases", dropped, len(d.mask))
	}
	checkLayer(t, "Dropout", d, x, rng, d.applyMask)
}

func TestGradCheckFlatten(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	f := NewFlatten()
	checkLayer(t, "Flatten", f, randTensor(rng, -1, 1, 2, 3, 2, 1), rng, trainingForward(f))
}
