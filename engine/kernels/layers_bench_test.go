package kernels

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// The layer kernels' benchmarks, each run once per backend available here
// (under nodeexec: simd, then go), at the sizes the seed MLP (batch 64,
// Dense 128) and the small CNN (batch 64, Conv2D 64 filters on 24×24,
// MaxPool 2 → 12×12×64) give them. Gvalues/s counts the values of the
// largest operand per second.

// eachBackend runs bench as the sub-benchmark name/backend for every
// backend here but gonum (natively these kernels are plain Go either way).
func eachBackend(b *testing.B, name string, values int, bench func()) {
	defer SetBackend("auto")
	for _, backend := range Backends() {
		if backend == "gonum" {
			continue
		}
		if err := SetBackend(backend); err != nil {
			b.Fatal(err)
		}
		b.Run(name+"/"+backend, func(b *testing.B) {
			for b.Loop() {
				bench()
			}
			b.ReportMetric(float64(values)*float64(b.N)/b.Elapsed().Seconds()/1e9, "Gvalues/s")
		})
	}
}

func BenchmarkBias(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, sz := range []struct {
		name    string
		rows, k int
	}{{"mlp_64x128", 64, 128}, {"conv_36864x64", 64 * 24 * 24, 64}, {"out_64x10", 64, 10}} {
		z, bias := randSlice(rng, sz.rows*sz.k), randSlice(rng, sz.k)
		eachBackend(b, "BiasBroadcast/"+sz.name, len(z), func() { BiasBroadcast(z, bias) })
		eachBackend(b, "BiasGrad/"+sz.name, len(z), func() { BiasGrad(bias, z) })
	}
}

func BenchmarkActivations(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	const n = 64 * 128
	x, y, dy, out := randSlice(rng, n), randSlice(rng, n), randSlice(rng, n), make([]float32, n)
	eachBackend(b, "LeakyReLU", n, func() { LeakyReLU(out, x, 0.2) })
	eachBackend(b, "LeakyReLUGrad", n, func() { LeakyReLUGrad(out, x, dy, 0.2) })
	eachBackend(b, "Sigmoid", n, func() { Sigmoid(out, x) })
	eachBackend(b, "SigmoidGrad", n, func() { SigmoidGrad(out, y, dy) })
	eachBackend(b, "Tanh", n, func() { Tanh(out, x) })
	eachBackend(b, "TanhGrad", n, func() { TanhGrad(out, y, dy) })
	// Dropout's mask after the small CNN's pool: 64×12×12×64 values.
	const big = 64 * 12 * 12 * 64
	bx, mask := randSlice(rng, big), randSlice(rng, big)
	bout := make([]float32, big)
	eachBackend(b, "Mul/dropout_64x12x12x64", big, func() { Mul(bout, bx, mask) })
}

// BenchmarkOptimizers times one update over the seed MLP's 109,386 weights.
func BenchmarkOptimizers(b *testing.B) {
	const n = 784*128 + 128 + 128*64 + 64 + 64*10 + 10
	rng := rand.New(rand.NewPCG(1, 1))
	w, g, s := randSlice(rng, n), randSlice(rng, n), make([]float32, n)
	for i := range s {
		s[i] = 0.1
	}
	// Tiny steps: a million calls must not blow the weights up.
	eachBackend(b, "SGD", n, func() { SGD(w, g, 1e-9, 1e-4) })
	eachBackend(b, "SGDMomentum", n, func() { SGDMomentum(w, g, s, 1e-9, 0.9, 1e-4, false) })
	eachBackend(b, "SGDNesterov", n, func() { SGDMomentum(w, g, s, 1e-9, 0.9, 1e-4, true) })
	eachBackend(b, "RMSProp", n, func() { RMSProp(w, g, s, 1e-9, 0.9, 1e-7, 1e-4) })
	eachBackend(b, "Adagrad", n, func() { Adagrad(w, g, s, 1e-9, 1e-7, 1e-4) })
	m, v := make([]float32, n), make([]float32, n)
	eachBackend(b, "Adam", n, func() { Adam(w, g, m, v, 1e-9, 0.9, 0.999, 1e-7, 1e-4) })
}

// BenchmarkPool times the small CNN's 2×2 pool on a batch of 64 images of
// 24×24×64, forward and backward (Gvalues/s of the input).
func BenchmarkPool(b *testing.B) {
	const n = 64
	g := NewConvGeometry(24, 24, 64, 2, 2, 2, 2, false)
	rng := rand.New(rand.NewPCG(1, 1))
	x, dx := randSlice(rng, n*g.ImageSize()), make([]float32, n*g.ImageSize())
	y, dy := make([]float32, n*g.Positions()*g.C), randSlice(rng, n*g.Positions()*g.C)
	arg := make([]int32, len(y))
	MaxPool(g, n, x, y, arg)
	size := fmt.Sprintf("%dx24x24x64", n)
	eachBackend(b, "MaxPool/"+size, len(x), func() { MaxPool(g, n, x, y, arg) })
	eachBackend(b, "MaxPoolGrad/"+size, len(x), func() { MaxPoolGrad(g, n, dy, arg, dx) })
	eachBackend(b, "AvgPool/"+size, len(x), func() { AvgPool(g, n, x, y) })
	eachBackend(b, "AvgPoolGrad/"+size, len(x), func() { AvgPoolGrad(g, n, dy, dx) })
}

// BenchmarkSoftmaxCrossEntropy times the fused loss, forward and backward,
// on the seed MLP's logits (64×10, sparse targets).
func BenchmarkSoftmaxCrossEntropy(b *testing.B) {
	const n, k = 64, 10
	rng := rand.New(rand.NewPCG(1, 1))
	z, p, g := randSlice(rng, n*k), make([]float32, n*k), make([]float32, n*k)
	t := make([]float32, n)
	for i := range t {
		t[i] = float32(rng.IntN(k))
	}
	eachBackend(b, "64x10", n*k, func() {
		SoftmaxCrossEntropy(p, z, t, k, true)
		SoftmaxCrossEntropyGrad(g, p, t, k, true, 1.0/n)
	})
}
