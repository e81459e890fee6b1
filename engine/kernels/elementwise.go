package kernels

import (
	"fmt"
	"math"
)

// The element-wise kernels of a training step: the Adam update and ReLU
// with its gradient. Each rounds every operation to float32 in the order
// written here, so the WebAssembly SIMD versions (four lanes at a time, same
// operations) give the same bits; only the payload bits of a NaN may differ.

// Adam applies one Adam step to the weights w, in place, from their
// gradient g, updating the moment estimates m and v, element by element:
//
//	g' = g + λ·w                   (L2 weight decay; λ = 0 for none)
//	m ← m + (1−β1)·(g' − m)
//	v ← v + (1−β2)·(g'² − v)
//	w ← w − α·m / (√v + ε)
//
// α is the step size with both bias corrections folded in (Keras' form:
// η·√(1−β2^t)/(1−β1^t)). g is not changed. The four slices must have the
// same length (a caller bug otherwise: it panics).
func Adam(w, g, m, v []float32, alpha, beta1, beta2, eps, lambda float32) {
	if len(g) != len(w) || len(m) != len(w) || len(v) != len(w) {
		panic(fmt.Sprintf("kernels.Adam: lengths differ: w %d, g %d, m %d, v %d", len(w), len(g), len(m), len(v)))
	}
	if len(w) == 0 {
		return
	}
	if forceGo.Load() {
		adamGo(w, g, m, v, alpha, 1-beta1, 1-beta2, eps, lambda)
		return
	}
	adam(w, g, m, v, alpha, 1-beta1, 1-beta2, eps, lambda)
}

// adamGo is Adam in plain Go, with c1 = 1−β1 and c2 = 1−β2.
func adamGo(w, g, m, v []float32, alpha, c1, c2, eps, lambda float32) {
	g, m, v = g[:len(w)], m[:len(w)], v[:len(w)]
	for i, gi := range g {
		gi += float32(lambda * w[i])
		m[i] += float32(c1 * (gi - m[i]))
		v[i] += float32(c2 * (float32(gi*gi) - v[i]))
		// √ in float64 rounded to float32 is the correctly rounded float32 √.
		w[i] -= float32(alpha*m[i]) / (float32(math.Sqrt(float64(v[i]))) + eps)
	}
}

// ReLU sets y = max(x, 0) element-wise (−0 and 0 give 0; NaN stays NaN).
// y and x may be the same slice; they must have the same length.
func ReLU(y, x []float32) {
	if len(y) != len(x) {
		panic(fmt.Sprintf("kernels.ReLU: lengths differ: y %d, x %d", len(y), len(x)))
	}
	if len(x) == 0 {
		return
	}
	if forceGo.Load() {
		reluGo(y, x)
		return
	}
	relu(y, x)
}

func reluGo(y, x []float32) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] = max(v, 0)
	}
}

// ReLUGrad sets dx = dy where x > 0, else 0: the gradient of ReLU, with
// the subgradient at 0 taken as 0 (as TensorFlow does). dx may share
// storage with dy; all three must have the same length.
func ReLUGrad(dx, x, dy []float32) {
	if len(dx) != len(x) || len(dy) != len(x) {
		panic(fmt.Sprintf("kernels.ReLUGrad: lengths differ: dx %d, x %d, dy %d", len(dx), len(x), len(dy)))
	}
	if len(x) == 0 {
		return
	}
	if forceGo.Load() {
		reluGradGo(dx, x, dy)
		return
	}
	reluGrad(dx, x, dy)
}

func reluGradGo(dx, x, dy []float32) {
	dx, dy = dx[:len(x)], dy[:len(x)]
	for i, v := range x {
		if v > 0 {
			dx[i] = dy[i]
		} else {
			dx[i] = 0
		}
	}
}
