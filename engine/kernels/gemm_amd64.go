//go:build amd64

package kernels

import (
	"math"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// gemm on amd64 hands the work to gonum's Sgemm, which is several times
// faster natively (SSE assembly, and it splits C into blocks over the
// cores) and gives exactly GemmGo's bits: its NN, TN and TT forms add the
// rounded products alpha·a·b to beta·C in the same order p = 0…k-1, without
// FMA, and each block of C is computed by one goroutine, so the result does
// not depend on GOMAXPROCS. Its NT form sums dot products in SIMD lanes (a
// different order), so NT first copies Bᵀ out and runs the NN form.
// TestGemmMatchesGemmGo checks the bit equality on every form.
func gemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	// gonum skips the products of an A(i,p) that is zero, which drops the
	// NaN of 0·Inf and 0·NaN: with a non-finite B the plain loop runs.
	if k == 0 || alpha == 0 || !allFinite(transB, n, k, b, ldb) {
		gemmGo(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	if !transA && transB {
		bt := scratch.Get().(*[]float32)
		defer scratch.Put(bt)
		*bt = transposeInto((*bt)[:0], b, n, k, ldb)
		b, ldb, transB = *bt, n, false
	}
	gonum.Implementation{}.Sgemm(trans(transA), trans(transB), m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// scratch holds buffers for transposed copies of B.
var scratch = sync.Pool{New: func() any { return new([]float32) }}

// transposeInto writes the transpose of the r×c matrix x (row stride ld)
// into dst, reusing its storage, and returns the c×r result.
func transposeInto(dst, x []float32, r, c, ld int) []float32 {
	if cap(dst) < r*c {
		dst = make([]float32, r*c)
	}
	dst = dst[:r*c]
	for i := 0; i < r; i++ {
		for j, v := range x[i*ld : i*ld+c] {
			dst[j*r+i] = v
		}
	}
	return dst
}

// allFinite reports whether op(B), k×n, holds no Inf or NaN.
func allFinite(transB bool, n, k int, b []float32, ldb int) bool {
	rows, cols := k, n
	if transB {
		rows, cols = n, k
	}
	for i := 0; i < rows; i++ {
		for _, v := range b[i*ldb : i*ldb+cols] {
			if v != v || v > math.MaxFloat32 || v < -math.MaxFloat32 {
				return false
			}
		}
	}
	return true
}

func trans(t bool) blas.Transpose {
	if t {
		return blas.Trans
	}
	return blas.NoTrans
}

func platformBackend() string { return "gonum" }
