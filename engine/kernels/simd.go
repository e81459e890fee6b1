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
