//go:build !(js && wasm && nnsimd)

package kernels

// The element-wise kernels have no faster exact version outside the
// WebAssembly SIMD build (simd.go): plain Go.

func adam(w, g, m, v []float32, alpha, c1, c2, eps, lambda float32) {
	adamGo(w, g, m, v, alpha, c1, c2, eps, lambda)
}

func relu(y, x []float32) { reluGo(y, x) }

func reluGrad(dx, x, dy []float32) { reluGradGo(dx, x, dy) }
