package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/spec"
)

func image(shape []int, values ...float32) *tensor.Dense {
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(values))
}

func closeTo(a, b float32, tol float64) bool {
	return math.Abs(float64(a)-float64(b)) <= tol*(1+math.Abs(float64(b)))
}

// TestConv2DMatchesDefinition compares Conv2D's output with the sum in its
// doc comment, written as plain loops, with TensorFlow's padding rule
// (half the padding, rounded down, above and to the left).
func TestConv2DMatchesDefinition(t *testing.T) {
	for i, c := range convCases {
		if c.l.Activation != "" {
			continue
		}
		rng := rand.New(rand.NewPCG(uint64(i), 10))
		conv := convLayer(t, c.in, c.l, rng)
		x := randTensor(rng, -1, 1, append([]int{2}, c.in...)...)
		y := floats(conv.Forward(x, false))
		h, w, ch := c.in[0], c.in[1], c.in[2]
		kh, kw, sh, sw := conv.KernelH, conv.KernelW, conv.StrideH, conv.StrideW
		same := c.l.Padding == spec.PaddingSame
		oh, ow := spec.OutputSize(h, kh, sh, same), spec.OutputSize(w, kw, sw, same)
		pt, pl := 0, 0
		if same {
			pt, pl = max((oh-1)*sh+kh-h, 0)/2, max((ow-1)*sw+kw-w, 0)/2
		}
		K, b, xs := floats(conv.Kernel.Value), floats(conv.Bias.Value), floats(x)
		f := conv.Filters
		for n := 0; n < 2; n++ {
			for i := 0; i < oh; i++ {
				for j := 0; j < ow; j++ {
					for o := 0; o < f; o++ {
						sum := float64(b[o])
						for u := 0; u < kh; u++ {
							for v := 0; v < kw; v++ {
								iy, ix := i*sh+u-pt, j*sw+v-pl
								if iy < 0 || iy >= h || ix < 0 || ix >= w {
									continue
								}
								for cc := 0; cc < ch; cc++ {
									sum += float64(xs[((n*h+iy)*w+ix)*ch+cc]) * float64(K[((u*kw+v)*ch+cc)*f+o])
								}
							}
						}
						if got := y[((n*oh+i)*ow+j)*f+o]; !closeTo(got, float32(sum), 1e-5) {
							t.Fatalf("%v %+v: y[%d,%d,%d,%d] = %v, want %v", c.in, c.l, n, i, j, o, got, sum)
						}
					}
				}
			}
		}
	}
}

// TestConv2DPaddingSame works TensorFlow's padding out by hand: a 2×2
// kernel of ones with stride 2 over a 3×3 image pads one row below and one
// column to the right, none above or to the left.
func TestConv2DPaddingSame(t *testing.T) {
	l := spec.Layer{Type: spec.TypeConv2D, Filters: 1, KernelSize: []int{2, 2}, Strides: []int{2, 2}, Padding: spec.PaddingSame}
	conv := NewConv2D([]int{3, 3, 1}, l, rand.New(rand.NewPCG(1, 1)))
	for i := range floats(conv.Kernel.Value) {
		floats(conv.Kernel.Value)[i] = 1
	}
	x := image([]int{1, 3, 3, 1}, 1, 2, 3, 4, 5, 6, 7, 8, 9)
	want := []float32{1 + 2 + 4 + 5, 3 + 6, 7 + 8, 9}
	if got := floats(conv.Forward(x, false)); !reflect.DeepEqual(got, want) {
		t.Errorf("Conv2D 2×2 ones, stride 2, same, over 1…9: %v, want %v", got, want)
	}
}

// TestPoolsByHand: max and average pooling of 1…9 as a 3×3 image. With
// padding same, the windows at the bottom and right cover fewer values,
// and the average is over those only (TensorFlow's rule).
func TestPoolsByHand(t *testing.T) {
	x := image([]int{1, 3, 3, 1}, 1, 2, 3, 4, 5, 6, 7, 8, 9)
	cases := []struct {
		layer Layer
		want  []float32
	}{
		{NewMaxPool2D([]int{2, 2}, nil, ""), []float32{5}},
		{NewMaxPool2D([]int{2, 2}, nil, spec.PaddingSame), []float32{5, 6, 8, 9}},
		{NewMaxPool2D([]int{2, 2}, []int{1, 1}, spec.PaddingValid), []float32{5, 6, 8, 9}},
		{NewMaxPool2D([]int{3, 1}, []int{1, 2}, spec.PaddingSame), []float32{4, 6, 7, 9, 7, 9}},
		{NewAveragePooling2D([]int{2, 2}, nil, ""), []float32{3}},
		{NewAveragePooling2D([]int{2, 2}, nil, spec.PaddingSame), []float32{3, 4.5, 7.5, 9}},
		{NewAveragePooling2D([]int{3, 3}, []int{1, 1}, spec.PaddingSame), []float32{3, 3.5, 4, 4.5, 5, 5.5, 6, 6.5, 7}},
		{NewGlobalAveragePooling2D(), []float32{5}},
	}
	for _, c := range cases {
		if got := floats(c.layer.Forward(x, false)); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%+v: %v, want %v", c.layer.Spec(), got, c.want)
		}
	}
	// Channels pool separately; the gradient goes to each max's position.
	two := image([]int{1, 2, 2, 2}, 1, 8, 4, 5, 3, 6, 2, 7)
	p := NewMaxPool2D([]int{2, 2}, nil, "")
	if got := floats(p.Forward(two, true)); !reflect.DeepEqual(got, []float32{4, 8}) {
		t.Errorf("max over 2 channels: %v, want [4 8]", got)
	}
	if got := floats(p.Backward(image([]int{1, 1, 1, 2}, 10, 20))); !reflect.DeepEqual(got, []float32{0, 20, 10, 0, 0, 0, 0, 0}) {
		t.Errorf("max pool gradient: %v", got)
	}
}

// channelStats returns each channel's mean and biased variance in float64.
func channelStats(x []float32, c int) (mean, variance []float64) {
	mean, variance = make([]float64, c), make([]float64, c)
	m := float64(len(x) / c)
	for i, v := range x {
		mean[i%c] += float64(v) / m
	}
	for i, v := range x {
		d := float64(v) - mean[i%c]
		variance[i%c] += d * d / m
	}
	return mean, variance
}

// TestBatchNormalizationTraining: in training, each channel comes out with
// mean β and standard deviation γ·σ/√(σ²+ε), and the moving statistics move
// by (1 − momentum) towards the batch's.
func TestBatchNormalizationTraining(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 10))
	b := randomBatchNorm(rng, 3)
	x := randTensor(rng, -3, 5, 4, 2, 2, 3)
	mm0 := append([]float32(nil), floats(b.MovingMean.Value)...)
	mv0 := append([]float32(nil), floats(b.MovingVariance.Value)...)
	mean, variance := channelStats(floats(x), 3)
	y := floats(b.Forward(x, true))
	outMean, outVar := channelStats(y, 3)
	for c := range 3 {
		gamma, beta := float64(floats(b.Gamma.Value)[c]), float64(floats(b.Beta.Value)[c])
		wantStd := gamma * math.Sqrt(variance[c]/(variance[c]+b.Epsilon))
		if math.Abs(outMean[c]-beta) > 1e-5 || math.Abs(math.Sqrt(outVar[c])-wantStd) > 1e-5 {
			t.Errorf("channel %d: output mean %v, std %v; want %v, %v", c, outMean[c], math.Sqrt(outVar[c]), beta, wantStd)
		}
		wantMM := 0.9*float64(mm0[c]) + 0.1*mean[c]
		wantMV := 0.9*float64(mv0[c]) + 0.1*variance[c]
		if !closeTo(floats(b.MovingMean.Value)[c], float32(wantMM), 1e-6) || !closeTo(floats(b.MovingVariance.Value)[c], float32(wantMV), 1e-6) {
			t.Errorf("channel %d: moving mean %v, variance %v; want %v, %v", c,
				floats(b.MovingMean.Value)[c], floats(b.MovingVariance.Value)[c], wantMM, wantMV)
		}
	}
	// Fed the same batch again and again, the moving statistics converge to
	// the batch's: 0.9^200 of the start is left.
	for range 200 {
		b.Forward(x, true)
	}
	for c := range 3 {
		if !closeTo(floats(b.MovingMean.Value)[c], float32(mean[c]), 1e-5) || !closeTo(floats(b.MovingVariance.Value)[c], float32(variance[c]), 1e-5) {
			t.Errorf("channel %d after 200 steps: moving %v, %v; batch %v, %v", c,
				floats(b.MovingMean.Value)[c], floats(b.MovingVariance.Value)[c], mean[c], variance[c])
		}
	}
}

// TestBatchNormalizationInference: at inference, and in training while
// frozen, y = γ·(x − moving_mean)/√(moving_variance + ε) + β, and the
// moving statistics stay as they are.
func TestBatchNormalizationInference(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 10))
	for _, frozen := range []bool{false, true} {
		b := randomBatchNorm(rng, 2)
		b.Frozen = frozen
		x := randTensor(rng, -3, 5, 3, 2, 2)
		mm := append([]float32(nil), floats(b.MovingMean.Value)...)
		mv := append([]float32(nil), floats(b.MovingVariance.Value)...)
		y := floats(b.Forward(x, frozen)) // a frozen layer is asked to train
		for i, v := range floats(x) {
			c := i % 2
			want := float64(floats(b.Gamma.Value)[c])*(float64(v)-float64(mm[c]))/math.Sqrt(float64(mv[c])+b.Epsilon) + float64(floats(b.Beta.Value)[c])
			if !closeTo(y[i], float32(want), 1e-6) {
				t.Errorf("frozen=%v: y[%d] = %v, want %v", frozen, i, y[i], want)
			}
		}
		if !reflect.DeepEqual(floats(b.MovingMean.Value), mm) || !reflect.DeepEqual(floats(b.MovingVariance.Value), mv) {
			t.Errorf("frozen=%v: the moving statistics changed", frozen)
		}
	}
}

// TestImageLayerSpecRoundTrip: each layer built from a spec gives that
// spec back, and a rebuild from it gives it again.
func TestImageLayerSpecRoundTrip(t *testing.T) {
	in := []int{8, 8, 3}
	layers := []spec.Layer{
		spec.Conv2D(4, 3, spec.ActReLU),
		{Type: spec.TypeConv2D, Filters: 2, KernelSize: []int{3, 1}},
		{Type: spec.TypeConv2D, Filters: 2, KernelSize: []int{5, 5}, Strides: []int{2, 3}, Padding: spec.PaddingSame,
			Activation: spec.ActLeakyReLU, Alpha: 0.05, KernelInitializer: spec.InitHeNormal, Frozen: true},
		spec.MaxPool2D(2),
		{Type: spec.TypeMaxPool2D, PoolSize: []int{3, 2}, Padding: spec.PaddingSame, Frozen: true},
		spec.AveragePooling2D(4),
		{Type: spec.TypeAveragePooling2D, PoolSize: []int{2, 2}, Strides: []int{1, 1}},
		{Type: spec.TypeGlobalAveragePooling2D},
		{Type: spec.TypeGlobalAveragePooling2D, Frozen: true},
		spec.BatchNormalization(),
		{Type: spec.TypeBatchNormalization, Momentum: 0, Epsilon: 1e-5, Frozen: true},
		spec.Reshape(-1),
		{Type: spec.TypeReshape, TargetShape: []int{4, 2, 24}, Frozen: true},
	}
	for i, l := range layers {
		if _, err := (spec.Model{Input: in, Layers: []spec.Layer{l}}).Infer(); err != nil {
			t.Fatalf("%+v: %v", l, err)
		}
		built := buildLayer(l, in, 1, uint64(i))
		got := built.Spec()
		if !reflect.DeepEqual(got, l) {
			t.Errorf("Spec() = %+v\n     want %+v", got, l)
		}
		if again := buildLayer(got, in, 1, uint64(i)).Spec(); !reflect.DeepEqual(again, got) {
			t.Errorf("rebuilt from %+v: %+v", got, again)
		}
		// The layer runs on a batch and gives the shape the spec infers.
		infos, _ := (spec.Model{Input: in, Layers: []spec.Layer{l}}).Infer()
		y := built.Forward(newTensor(append([]int{2}, in...)...), true)
		if want := append([]int{2}, infos[0].Output...); !sameShape(y.Shape(), want) {
			t.Errorf("%+v: output %v, spec infers %v", l, y.Shape(), want)
		}
		if fmt.Sprint(built.Backward(y).Shape()) != fmt.Sprint(tensor.Shape(append([]int{2}, in...))) {
			t.Errorf("%+v: dx shape differs from the input's", l)
		}
	}
}
