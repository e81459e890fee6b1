//go:build !amd64 && !(js && wasm && nnsimd)

package kernels

// gemm is the plain Go kernel where no faster exact one is wired in
// (js/wasm without the nnsimd tag among others; see gemm_amd64.go and
// gemm_simd.go).
func gemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	gemmGo(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

func platformBackend() string { return "go" }
