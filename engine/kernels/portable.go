//go:build !(js && wasm && nnsimd)

package kernels

// The element-wise kernels have no faster exact version outside the
// WebAssembly SIMD build (simd.go): plain Go.

func adam(w, g, m, v []float32, alpha, c1, c2, eps, lambda float32) {
	adamGo(w, g, m, v, alpha, c1, c2, eps, lambda)
}

func relu(y, x []float32) { reluGo(y, x) }

func reluGrad(dx, x, dy []float32) { reluGradGo(dx, x, dy) }

func biasBroadcast(z, b []float32) { biasBroadcastGo(z, b) }

func biasGrad(db, dz []float32) { biasGradGo(db, dz) }

func leakyReLU(y, x []float32, alpha float32) { leakyReLUGo(y, x, alpha) }

func leakyReLUGrad(dx, x, dy []float32, alpha float32) { leakyReLUGradGo(dx, x, dy, alpha) }

func sigmoidGrad(dx, y, dy []float32) { sigmoidGradGo(dx, y, dy) }

func tanhGrad(dx, y, dy []float32) { tanhGradGo(dx, y, dy) }

func mul(z, x, y []float32) { mulGo(z, x, y) }

func sgd(w, g []float32, lr, lambda float32) { sgdGo(w, g, lr, lambda) }

func sgdMomentum(w, g, v []float32, lr, momentum, lambda float32, nesterov bool) {
	sgdMomentumGo(w, g, v, lr, momentum, lambda, nesterov)
}

func rmsProp(w, g, a []float32, lr, rho, c, eps, lambda float32) {
	rmsPropGo(w, g, a, lr, rho, c, eps, lambda)
}

func adagrad(w, g, s []float32, lr, eps, lambda float32) { adagradGo(w, g, s, lr, eps, lambda) }

func maxPool(g ConvGeometry, n int, x, y []float32, argmax []int32) {
	maxPoolGo(g, n, x, y, argmax)
}

func maxPoolGrad(g ConvGeometry, n int, dy []float32, argmax []int32, dx []float32) {
	maxPoolGradGo(g, n, dy, argmax, dx)
}
