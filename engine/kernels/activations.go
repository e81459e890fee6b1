package kernels

import (
	"fmt"
	"math"
)

// Activations other than ReLU (elementwise.go) and their gradients,
// element-wise on slices of one length. The gradients take the layer's
// output y where the derivative is a function of it (σ' = σ(1 − σ),
// tanh' = 1 − tanh²), so the forward pass need not be recomputed.
//
// σ and tanh themselves are computed in float64 (math.Exp, math.Tanh)
// and rounded once: WebAssembly has no exp or tanh instruction, and a
// SIMD polynomial would not give these bits, so they run in plain Go on
// every backend. Their gradients and leaky ReLU are plain arithmetic and
// have SIMD versions.

// LeakyReLU sets y = x for x > 0, else α·x. y and x may be the same slice.
func LeakyReLU(y, x []float32, alpha float32) {
	sameLen("LeakyReLU", "y", len(y), len(x))
	if len(x) == 0 {
		return
	}
	if forceGo.Load() {
		leakyReLUGo(y, x, alpha)
		return
	}
	leakyReLU(y, x, alpha)
}

func leakyReLUGo(y, x []float32, alpha float32) {
	y = y[:len(x)]
	for i, v := range x {
		if v > 0 {
			y[i] = v
		} else {
			y[i] = alpha * v
		}
	}
}

// LeakyReLUGrad sets dx = dy where x > 0, else α·dy.
func LeakyReLUGrad(dx, x, dy []float32, alpha float32) {
	sameLen("LeakyReLUGrad", "dx", len(dx), len(x))
	sameLen("LeakyReLUGrad", "dy", len(dy), len(x))
	if len(x) == 0 {
		return
	}
	if forceGo.Load() {
		leakyReLUGradGo(dx, x, dy, alpha)
		return
	}
	leakyReLUGrad(dx, x, dy, alpha)
}

func leakyReLUGradGo(dx, x, dy []float32, alpha float32) {
	dx, dy = dx[:len(x)], dy[:len(x)]
	for i, v := range x {
		if v > 0 {
			dx[i] = dy[i]
		} else {
			dx[i] = alpha * dy[i]
		}
	}
}

// Sigmoid sets y = σ(x) = 1 / (1 + e^(−x)), computed in float64 as
// e^x / (1 + e^x) for x < 0 so that e^(−x) never overflows, then rounded.
// Plain Go on every backend (see above).
func Sigmoid(y, x []float32) {
	sameLen("Sigmoid", "y", len(y), len(x))
	y = y[:len(x)]
	for i, v := range x {
		y[i] = float32(sigmoid64(float64(v)))
	}
}

func sigmoid64(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

// SigmoidGrad sets dx = dy·y·(1 − y) from the sigmoid's output y
// (σ'(x) = σ(x)(1 − σ(x))), rounding dy·y before the second product.
func SigmoidGrad(dx, y, dy []float32) {
	sameLen("SigmoidGrad", "dx", len(dx), len(y))
	sameLen("SigmoidGrad", "dy", len(dy), len(y))
	if len(y) == 0 {
		return
	}
	if forceGo.Load() {
		sigmoidGradGo(dx, y, dy)
		return
	}
	sigmoidGrad(dx, y, dy)
}

func sigmoidGradGo(dx, y, dy []float32) {
	dx, dy = dx[:len(y)], dy[:len(y)]
	for i, v := range y {
		dx[i] = float32(dy[i]*v) * (1 - v)
	}
}

// Tanh sets y = tanh(x), math.Tanh in float64 rounded once. Plain Go on
// every backend (see above).
func Tanh(y, x []float32) {
	sameLen("Tanh", "y", len(y), len(x))
	y = y[:len(x)]
	for i, v := range x {
		y[i] = float32(math.Tanh(float64(v)))
	}
}

// TanhGrad sets dx = dy·(1 − y²) from tanh's output y
// (tanh'(x) = 1 − tanh²(x)), y² rounded before it is subtracted (no FMA).
func TanhGrad(dx, y, dy []float32) {
	sameLen("TanhGrad", "dx", len(dx), len(y))
	sameLen("TanhGrad", "dy", len(dy), len(y))
	if len(y) == 0 {
		return
	}
	if forceGo.Load() {
		tanhGradGo(dx, y, dy)
		return
	}
	tanhGrad(dx, y, dy)
}

func tanhGradGo(dx, y, dy []float32) {
	dx, dy = dx[:len(y)], dy[:len(y)]
	for i, v := range y {
		dx[i] = dy[i] * (1 - float32(v*v))
	}
}

// Mul sets z = x·y element-wise: dropout applies its mask m (0 or
// 1/(1 − rate)) with it forward, y = x·m, and backward, dx = dy·m. z may
// be x or y.
func Mul(z, x, y []float32) {
	sameLen("Mul", "z", len(z), len(x))
	sameLen("Mul", "y", len(y), len(x))
	if len(x) == 0 {
		return
	}
	if forceGo.Load() {
		mulGo(z, x, y)
		return
	}
	mul(z, x, y)
}

func mulGo(z, x, y []float32) {
	z, y = z[:len(x)], y[:len(x)]
	for i, v := range x {
		z[i] = v * y[i]
	}
}

// sameLen panics unless the slice called name has want values (the
// kernel's other slices' length): a caller bug.
func sameLen(kernel, name string, got, want int) {
	if got != want {
		panic(fmt.Sprintf("kernels.%s: lengths differ: %s has %d values, want %d", kernel, name, got, want))
	}
}
