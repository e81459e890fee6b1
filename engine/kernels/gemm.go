// Package kernels holds the engine's heavy inner loops on plain float32
// slices, so the layers stay readable and faster implementations sit
// behind the same functions: gonum natively, and under js/wasm (built with
// -tags nnsimd) a WebAssembly SIMD module, static/kernels.wasm, generated
// by ./kernelgen and loaded by static/kernels.js. Backend and SetBackend
// say and choose which one runs.
//
// Every kernel is deterministic: the same inputs give the same bits on every
// run and every platform. Products are rounded to float32 before they are
// added (the explicit float32(...) conversion), which forbids the compiler
// from fusing them into FMA instructions on some CPUs and not on others.
package kernels

import "fmt"

// Gemm's transA and transB, as BLAS names them.
const (
	NoTrans = false // the operand as stored
	Trans   = true  // its transpose
)

// Gemm computes C = alpha·op(A)·op(B) + beta·C on row-major matrices, like
// BLAS sgemm: op(A) is m×k, op(B) is k×n and C is m×n.
//
// A is stored m×k (row stride lda ≥ k) when transA is false and k×m
// (lda ≥ m) when it is true; likewise B is k×n (ldb ≥ n) or n×k (ldb ≥ k).
// C has row stride ldc ≥ n. With beta == 0, C's old contents are ignored
// (NaNs in it do not leak through), as in BLAS.
//
// Every element of C is computed exactly as the plain loop
//
//	c := beta·C[i][j]; for p := 0; p < k; p++ { c += float32(alpha·A(i,p)·B(p,j)) }
//
// does it, in every transpose form, so the forms agree to the bit, and so
// do the backends (see Backend): gonum's on amd64 and the WebAssembly SIMD
// module (f32x4 lanes over j, mul then add, no FMA) give GemmGo's bits.
//
// Gemm panics when a slice is too short for the sizes given: that is a bug
// in the caller, not bad user input.
func Gemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	checkGemm(transA, transB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc)
	if m == 0 || n == 0 {
		return
	}
	if forceGo.Load() {
		gemmGo(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// GemmGo is Gemm in plain Go on every platform: the reference that the
// platform kernels (gonum's on amd64, WebAssembly SIMD) must match bit for
// bit.
func GemmGo(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	checkGemm(transA, transB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc)
	if m == 0 || n == 0 {
		return
	}
	gemmGo(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// gemmGo is GemmGo after the argument checks.
func gemmGo(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	scaleRows(m, n, beta, c, ldc)
	if k == 0 || alpha == 0 {
		return
	}
	// Walk A and B through (row, column) strides so one loop serves all four
	// transpose forms: A(i,p) = a[i·ars + p·acs], B(p,j) = b[p·brs + j·bcs].
	ars, acs := lda, 1
	if transA {
		ars, acs = 1, lda
	}
	brs, bcs := ldb, 1
	if transB {
		brs, bcs = 1, ldb
	}
	m4, n4 := m-m%4, n-n%4
	for i := 0; i < m4; i += 4 {
		for j := 0; j < n4; j += 4 {
			block4x4(k, alpha, a[i*ars:], ars, acs, b[j*bcs:], brs, bcs, c[i*ldc+j:], ldc)
		}
	}
	// The edges: the last m%4 rows and n%4 columns, one element at a time.
	for i := 0; i < m; i++ {
		j0 := n4
		if i >= m4 {
			j0 = 0
		}
		for j := j0; j < n; j++ {
			s := c[i*ldc+j]
			for p := 0; p < k; p++ {
				s += float32(alpha * a[i*ars+p*acs] * b[p*brs+j*bcs])
			}
			c[i*ldc+j] = s
		}
	}
}

// scaleRows sets C = beta·C (C = 0 when beta is 0).
func scaleRows(m, n int, beta float32, c []float32, ldc int) {
	if beta == 1 {
		return
	}
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= beta
		}
	}
}

// block4x4 adds alpha·Σ_p A(r,p)·B(p,s) to the 4×4 block of C at c[0]
// (row stride ldc), with A(r,p) = a[r·ars + p·acs], B(p,s) = b[p·brs + s·bcs].
//
// The sixteen sums live in local variables for the whole k loop, so each
// step loads 4 values of A and 4 of B for 16 multiply-adds instead of
// reading and writing C. This is what makes it fast under wasm, where Go
// emits no SIMD. Each sum still adds its products in order p = 0…k-1,
// exactly as the plain i-k-j loop does.
func block4x4(k int, alpha float32, a []float32, ars, acs int, b []float32, brs, bcs int, c []float32, ldc int) {
	r0 := c[0:4]
	r1 := c[ldc : ldc+4]
	r2 := c[2*ldc : 2*ldc+4]
	r3 := c[3*ldc : 3*ldc+4]
	c00, c01, c02, c03 := r0[0], r0[1], r0[2], r0[3]
	c10, c11, c12, c13 := r1[0], r1[1], r1[2], r1[3]
	c20, c21, c22, c23 := r2[0], r2[1], r2[2], r2[3]
	c30, c31, c32, c33 := r3[0], r3[1], r3[2], r3[3]
	ia, ib := 0, 0
	for p := 0; p < k; p++ {
		b0, b1, b2, b3 := b[ib], b[ib+bcs], b[ib+2*bcs], b[ib+3*bcs]
		v := alpha * a[ia]
		c00 += float32(v * b0)
		c01 += float32(v * b1)
		c02 += float32(v * b2)
		c03 += float32(v * b3)
		v = alpha * a[ia+ars]
		c10 += float32(v * b0)
		c11 += float32(v * b1)
		c12 += float32(v * b2)
		c13 += float32(v * b3)
		v = alpha * a[ia+2*ars]
		c20 += float32(v * b0)
		c21 += float32(v * b1)
		c22 += float32(v * b2)
		c23 += float32(v * b3)
		v = alpha * a[ia+3*ars]
		c30 += float32(v * b0)
		c31 += float32(v * b1)
		c32 += float32(v * b2)
		c33 += float32(v * b3)
		ia += acs
		ib += brs
	}
	r0[0], r0[1], r0[2], r0[3] = c00, c01, c02, c03
	r1[0], r1[1], r1[2], r1[3] = c10, c11, c12, c13
	r2[0], r2[1], r2[2], r2[3] = c20, c21, c22, c23
	r3[0], r3[1], r3[2], r3[3] = c30, c31, c32, c33
}

// checkGemm panics with a message naming the argument when the sizes and
// strides do not fit the slices.
func checkGemm(transA, transB bool, m, n, k, la, lda, lb, ldb, lc, ldc int) {
	if m < 0 || n < 0 || k < 0 {
		panic(fmt.Sprintf("kernels.Gemm: negative size m=%d n=%d k=%d", m, n, k))
	}
	rowsA, colsA := m, k
	if transA {
		rowsA, colsA = k, m
	}
	rowsB, colsB := k, n
	if transB {
		rowsB, colsB = n, k
	}
	need := func(name string, l, rows, cols, ld int) {
		if rows == 0 || cols == 0 {
			return
		}
		if ld < cols {
			panic(fmt.Sprintf("kernels.Gemm: ld%s=%d is less than its %d columns", name, ld, cols))
		}
		if l < (rows-1)*ld+cols {
			panic(fmt.Sprintf("kernels.Gemm: %s has %d elements, needs %d for %d×%d with stride %d", name, l, (rows-1)*ld+cols, rows, cols, ld))
		}
	}
	need("a", la, rowsA, colsA, lda)
	need("b", lb, rowsB, colsB, ldb)
	need("c", lc, m, n, ldc)
}
