package nn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/nnplay/nnplay/engine/spec"
)

// initKernel fills w, a (fanIn, fanOut) kernel, with the named initializer
// ("" = glorot_uniform, Keras' default for Dense).
func initKernel(name string, w []float32, fanIn, fanOut int, rng *rand.Rand) error {
	switch name {
	case "", spec.InitGlorotUniform:
		GlorotUniform(w, fanIn, fanOut, rng)
	case spec.InitHeNormal:
		HeNormal(w, fanIn, rng)
	default:
		return fmt.Errorf("unknown kernel initializer %q", name)
	}
	return nil
}

// GlorotUniform fills w with draws from U(-limit, limit), where
// limit = sqrt(6 / (fan_in + fan_out)) (Glorot & Bengio 2010), which keeps
// the variance of activations and gradients about equal across layers.
func GlorotUniform(w []float32, fanIn, fanOut int, rng *rand.Rand) {
	limit := math.Sqrt(6 / float64(fanIn+fanOut))
	for i := range w {
		w[i] = float32((2*rng.Float64() - 1) * limit)
	}
}

// heTruncationCorrection is the standard deviation of a standard normal
// truncated to [-2, 2]. Keras divides by it so the truncated draws end up
// with the intended standard deviation.
const heTruncationCorrection = 0.87962566103423978

// HeNormal fills w as Keras' he_normal does (He et al. 2015): a normal
// distribution with σ₀ = sqrt(2 / fan_in) / 0.8796…, truncated to ±2σ₀ by
// redrawing, whose standard deviation is then sqrt(2 / fan_in). Suited to
// ReLU layers, which zero half their inputs.
func HeNormal(w []float32, fanIn int, rng *rand.Rand) {
	sigma := math.Sqrt(2/float64(fanIn)) / heTruncationCorrection
	for i := range w {
		z := rng.NormFloat64()
		for math.Abs(z) > 2 {
			z = rng.NormFloat64()
		}
		w[i] = float32(z * sigma)
	}
}

// Orthogonal fills w, a (rows, cols) matrix, as Keras' Orthogonal
// initializer (gain 1) does: the Q of the QR decomposition of a matrix of
// standard normal draws, (max, min) of (rows, cols), signed so that R's
// diagonal is positive, and transposed when rows < cols. Its rows (or
// columns) are orthonormal, so h·U neither grows nor shrinks the state at
// first: what a recurrent kernel, applied once per step, needs.
//
// QR here is Gram–Schmidt in float64 (modified: each column is made
// orthogonal to the finished ones one at a time), which gives R a positive
// diagonal by construction.
func Orthogonal(w []float32, rows, cols int, rng *rand.Rand) {
	n, m := max(rows, cols), min(rows, cols)
	q := make([]float64, n*m) // (n, m), row-major: column j is q[j], q[m+j], …
	for i := range q {
		q[i] = rng.NormFloat64()
	}
	for j := 0; j < m; j++ {
		for p := 0; p < j; p++ { // take out the part along finished column p
			dot := 0.0
			for i := 0; i < n; i++ {
				dot += q[i*m+p] * q[i*m+j]
			}
			for i := 0; i < n; i++ {
				q[i*m+j] -= dot * q[i*m+p]
			}
		}
		norm := 0.0
		for i := 0; i < n; i++ {
			norm += q[i*m+j] * q[i*m+j]
		}
		norm = math.Sqrt(norm)
		for i := 0; i < n; i++ {
			q[i*m+j] /= norm
		}
	}
	for i := 0; i < rows; i++ {
		for j := 0; j < cols; j++ {
			if rows >= cols {
				w[i*cols+j] = float32(q[i*m+j])
			} else {
				w[i*cols+j] = float32(q[j*m+i]) // Qᵀ
			}
		}
	}
}
