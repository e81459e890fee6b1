//go:build js && wasm && nnsimd

package kernels

import (
	"sync"
	"sync/atomic"
	"unsafe"
)

// The WebAssembly SIMD kernels live in a second module, static/kernels.wasm
// (written by ./kernelgen), that imports this Go instance's memory. The
// page's JS glue, static/kernels.js, provides these imports: tiny functions
// forwarding to that module's exports. Pointers travel as i32 byte offsets
// into the shared memory; strides in elements.
//
// This file is built only with -tags nnsimd, because its imports make the
// Go module fail to instantiate unless the loader attached them
// (nnkernels.attach; Go's plain go_js_wasm_exec does not). For tests under
// Node use nodeexec/go_js_wasm_exec, which does.

// simdAvailable returns 1 once the kernel module has been validated and
// instantiated, else 0 (no SIMD in this engine, or not loaded yet).
//
//go:wasmimport nnkernels available
func simdAvailable() int32

//go:wasmimport nnkernels gemm_work_bytes
func simdGemmWorkBytes(transA, transB, m, n, k int32, alpha float32) int32

//go:wasmimport nnkernels gemm
func simdGemm(transA, transB, m, n, k int32, alpha float32, a unsafe.Pointer, lda int32, b unsafe.Pointer, ldb int32, beta float32, c unsafe.Pointer, ldc int32, work unsafe.Pointer)

// simdLoaded caches a 1 from simdAvailable: the JS glue may load the module
// after Go has started, and once loaded it stays.
var simdLoaded atomic.Bool

func simdOn() bool {
	if !simdLoaded.Load() && simdAvailable() == 1 {
		simdLoaded.Store(true)
	}
	return simdLoaded.Load()
}

func platformBackend() string {
	if simdOn() {
		return "simd"
	}
	return "go"
}

// work holds the kernel's scratch memory (Bᵀ for the NT form).
var work = sync.Pool{New: func() any { return new([]float32) }}

// gemm runs the SIMD GEMM, which gives exactly GemmGo's bits (the module
// keeps its order of operations; TestBackendsMatchGemmGo checks it).
func gemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if !simdOn() || k == 0 || alpha == 0 {
		gemmGo(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	tA, tB := boolInt(transA), boolInt(transB)
	need := int(simdGemmWorkBytes(tA, tB, int32(m), int32(n), int32(k), alpha)) / 4
	buf := work.Get().(*[]float32)
	if cap(*buf) < need {
		*buf = make([]float32, need)
	}
	simdGemm(tA, tB, int32(m), int32(n), int32(k), alpha,
		ptr(a), int32(lda), ptr(b), int32(ldb), beta, ptr(c), int32(ldc), ptr((*buf)[:cap(*buf)]))
	work.Put(buf)
}

func ptr(s []float32) unsafe.Pointer { return unsafe.Pointer(unsafe.SliceData(s)) }

func boolInt(b bool) int32 {
	if b {
		return 1
	}
	return 0
}

//go:wasmimport nnkernels adam
func simdAdam(w, g, m, v unsafe.Pointer, n int32, alpha, c1, c2, eps, lambda float32)

//go:wasmimport nnkernels relu
func simdReLU(y, x unsafe.Pointer, n int32)

//go:wasmimport nnkernels relu_grad
func simdReLUGrad(dx, x, dy unsafe.Pointer, n int32)

func adam(w, g, m, v []float32, alpha, c1, c2, eps, lambda float32) {
	if !simdOn() {
		adamGo(w, g, m, v, alpha, c1, c2, eps, lambda)
		return
	}
	simdAdam(ptr(w), ptr(g), ptr(m), ptr(v), int32(len(w)), alpha, c1, c2, eps, lambda)
}

func relu(y, x []float32) {
	if !simdOn() {
		reluGo(y, x)
		return
	}
	simdReLU(ptr(y), ptr(x), int32(len(x)))
}

func reluGrad(dx, x, dy []float32) {
	if !simdOn() {
		reluGradGo(dx, x, dy)
		return
	}
	simdReLUGrad(ptr(dx), ptr(x), ptr(dy), int32(len(x)))
}

//go:wasmimport nnkernels bias_broadcast
func simdBiasBroadcast(z, b unsafe.Pointer, rows, k int32)

//go:wasmimport nnkernels bias_grad
func simdBiasGrad(db, dz unsafe.Pointer, rows, k int32)

//go:wasmimport nnkernels leaky_relu
func simdLeakyReLU(y, x unsafe.Pointer, n int32, alpha float32)

//go:wasmimport nnkernels leaky_relu_grad
func simdLeakyReLUGrad(dx, x, dy unsafe.Pointer, n int32, alpha float32)

//go:wasmimport nnkernels sigmoid_grad
func simdSigmoidGrad(dx, y, dy unsafe.Pointer, n int32)

//go:wasmimport nnkernels tanh_grad
func simdTanhGrad(dx, y, dy unsafe.Pointer, n int32)

//go:wasmimport nnkernels mul
func simdMul(z, x, y unsafe.Pointer, n int32)

//go:wasmimport nnkernels sgd
func simdSGD(w, g unsafe.Pointer, n int32, lr, lambda float32)

//go:wasmimport nnkernels sgd_momentum
func simdSGDMomentum(w, g, v unsafe.Pointer, n int32, lr, momentum, lambda float32, nesterov int32)

//go:wasmimport nnkernels rmsprop
func simdRMSProp(w, g, a unsafe.Pointer, n int32, lr, rho, c, eps, lambda float32)

//go:wasmimport nnkernels adagrad
func simdAdagrad(w, g, s unsafe.Pointer, n int32, lr, eps, lambda float32)

//go:wasmimport nnkernels maxpool
func simdMaxPool(x, y, argmax unsafe.Pointer, n, h, w, c, kh, kw, sh, sw, padTop, padLeft, outH, outW int32)

//go:wasmimport nnkernels maxpool_grad
func simdMaxPoolGrad(dy, argmax, dx unsafe.Pointer, n, imageSize, perImage int32)

// The kernels below fall back to plain Go until the module is loaded; the
// callers (bias.go, activations.go, optimizers.go, pool.go) have checked
// the lengths and handled empty slices.

func biasBroadcast(z, b []float32) {
	if !simdOn() {
		biasBroadcastGo(z, b)
		return
	}
	simdBiasBroadcast(ptr(z), ptr(b), int32(len(z)/len(b)), int32(len(b)))
}

func biasGrad(db, dz []float32) {
	if !simdOn() {
		biasGradGo(db, dz)
		return
	}
	simdBiasGrad(ptr(db), ptr(dz), int32(len(dz)/len(db)), int32(len(db)))
}

func leakyReLU(y, x []float32, alpha float32) {
	if !simdOn() {
		leakyReLUGo(y, x, alpha)
		return
	}
	simdLeakyReLU(ptr(y), ptr(x), int32(len(x)), alpha)
}

func leakyReLUGrad(dx, x, dy []float32, alpha float32) {
	if !simdOn() {
		leakyReLUGradGo(dx, x, dy, alpha)
		return
	}
	simdLeakyReLUGrad(ptr(dx), ptr(x), ptr(dy), int32(len(x)), alpha)
}

func sigmoidGrad(dx, y, dy []float32) {
	if !simdOn() {
		sigmoidGradGo(dx, y, dy)
		return
	}
	simdSigmoidGrad(ptr(dx), ptr(y), ptr(dy), int32(len(y)))
}

func tanhGrad(dx, y, dy []float32) {
	if !simdOn() {
		tanhGradGo(dx, y, dy)
		return
	}
	simdTanhGrad(ptr(dx), ptr(y), ptr(dy), int32(len(y)))
}

func mul(z, x, y []float32) {
	if !simdOn() {
		mulGo(z, x, y)
		return
	}
	simdMul(ptr(z), ptr(x), ptr(y), int32(len(x)))
}

func sgd(w, g []float32, lr, lambda float32) {
	if !simdOn() {
		sgdGo(w, g, lr, lambda)
		return
	}
	simdSGD(ptr(w), ptr(g), int32(len(w)), lr, lambda)
}

func sgdMomentum(w, g, v []float32, lr, momentum, lambda float32, nesterov bool) {
	if !simdOn() {
		sgdMomentumGo(w, g, v, lr, momentum, lambda, nesterov)
		return
	}
	simdSGDMomentum(ptr(w), ptr(g), ptr(v), int32(len(w)), lr, momentum, lambda, boolInt(nesterov))
}

func rmsProp(w, g, a []float32, lr, rho, c, eps, lambda float32) {
	if !simdOn() {
		rmsPropGo(w, g, a, lr, rho, c, eps, lambda)
		return
	}
	simdRMSProp(ptr(w), ptr(g), ptr(a), int32(len(w)), lr, rho, c, eps, lambda)
}

func adagrad(w, g, s []float32, lr, eps, lambda float32) {
	if !simdOn() {
		adagradGo(w, g, s, lr, eps, lambda)
		return
	}
	simdAdagrad(ptr(w), ptr(g), ptr(s), int32(len(w)), lr, eps, lambda)
}

func maxPool(g ConvGeometry, n int, x, y []float32, argmax []int32) {
	if !simdOn() {
		maxPoolGo(g, n, x, y, argmax)
		return
	}
	simdMaxPool(ptr(x), ptr(y), unsafe.Pointer(unsafe.SliceData(argmax)), int32(n), int32(g.H), int32(g.W), int32(g.C),
		int32(g.KH), int32(g.KW), int32(g.SH), int32(g.SW), int32(g.PadTop), int32(g.PadLeft), int32(g.OutH), int32(g.OutW))
}

func maxPoolGrad(g ConvGeometry, n int, dy []float32, argmax []int32, dx []float32) {
	if !simdOn() {
		maxPoolGradGo(g, n, dy, argmax, dx)
		return
	}
	simdMaxPoolGrad(ptr(dy), unsafe.Pointer(unsafe.SliceData(argmax)), ptr(dx), int32(n), int32(g.ImageSize()), int32(g.Positions()*g.C))
}
