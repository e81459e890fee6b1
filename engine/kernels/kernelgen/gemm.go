package main

import "fmt"

// The GEMM kernels: C = alpha·op(A)·op(B) + beta·C on row-major float32
// matrices in Go's memory, computed exactly as kernels.GemmGo computes it,
// so the two agree bit for bit:
//
//	C = beta·C                      (C = 0 when beta is 0)
//	for each i, j: for p = 0 … k-1:  C[i][j] += float32(float32(alpha·A(i,p))·B(p,j))
//
// The SIMD speed comes from doing that for a block of MR rows × 4·NV
// columns at once: the block's sums stay in MR·NV f32x4 registers for the
// whole p loop, and each step loads NV vectors of B's row p, splats each of
// the MR values A(i+r, p) and does MR·NV vector multiplies and adds — four
// columns per lane, still in order p = 0 … k-1 and without fused
// multiply-add, so every lane rounds exactly like the scalar loop.
//
// gemm walks C by panels of MR rows (panel_MR), each by blocks of 4·NV
// columns (micro_MRx4NV), then narrower blocks and single columns for the
// ragged edges. A is read in place through strides (row-major or, for
// transA, column-major: both are strided splat loads) unless alpha ≠ 1,
// when each panel is first packed as float32(alpha·A). B must be read by
// rows, so the NT form first transposes it into scratch memory (4×4 blocks
// through shuffles); that costs k·n moves against m·n·k multiply-adds.
//
// Addresses are byte offsets into the imported memory (Go's); strides ending
// in 4 (lda4, ldc4) are in bytes, others in elements.

// Block shape of the register-blocked micro-kernel: MR rows × 4·NV columns
// need MR·NV accumulators + NV vectors of B + 1 splat of A in V8's 15
// usable xmm registers. 4×8 is among the fastest shapes under Node; shapes
// with eight loads a step (8×4, 1×32) are slower, and every shape with
// more than 8 accumulators is slower too, as V8 then spills registers
// (GFLOP/s per shape in the README's performance section). The -mr and
// -nv flags override these for such experiments; `make kernels` uses the
// defaults.
var (
	MR = 4
	NV = 2
)

// microKernel is the inner loop for an mr × 4·nv block of C (nv = 0: a
// single column, in scalar f32 arithmetic):
//
//	for p := 0; p < k; p++ { C[r][s] += A(r,p)·B(p,s) }   for r < mr, s < width
//
// with A(r,p) at pa + r·ars + p·acs (already multiplied by alpha) and row p
// of B at pb + p·ldb4. k must be at least 1.
func microKernel(mr, nv int) *function {
	width := 4 * nv
	t := v128
	if nv == 0 {
		width, nv, t = 1, 1, f32
	}
	f := newFunction(fmt.Sprintf("micro_%dx%d", mr, width))
	pa, ars, acs := f.param("pa", i32), f.param("ars", i32), f.param("acs", i32)
	pb, ldb4, k := f.param("pb", i32), f.param("ldb4", i32), f.param("k", i32)
	pc, ldc4 := f.param("pc", i32), f.param("ldc4", i32)

	// Row r of the block: A at pa + aOff[r], C at cRow[r].
	aOff := make([]expr, mr)
	cRow := make([]*local, mr)
	aOff[0] = i32c(0)
	cRow[0] = pc
	for r := 1; r < mr; r++ {
		off := f.local(fmt.Sprintf("aoff%d", r), i32)
		f.set(off, mul(ars, i32c(int32(r))))
		aOff[r] = off
		cRow[r] = f.local(fmt.Sprintf("crow%d", r), i32)
		f.set(cRow[r], add(cRow[r-1], ldc4))
	}
	acc := make([][]*local, mr)
	for r := range acc {
		acc[r] = make([]*local, nv)
		for v := range acc[r] {
			acc[r][v] = f.local(fmt.Sprintf("c%d_%d", r, v), t)
			f.set(acc[r][v], load(t, cRow[r], uint32(16*v)))
		}
	}
	bv := make([]*local, nv)
	for v := range bv {
		bv[v] = f.local(fmt.Sprintf("b%d", v), t)
	}
	aSplat := f.local("a", t)
	pbEnd := f.local("pbend", i32)
	f.set(pbEnd, add(pb, mul(k, ldb4)))

	f.doWhile(func() {
		for v := range bv {
			f.set(bv[v], load(t, pb, uint32(16*v)))
		}
		for r := 0; r < mr; r++ {
			if t == v128 {
				f.set(aSplat, loadSplat(add(pa, aOff[r]), 0))
			} else {
				f.set(aSplat, load(f32, add(pa, aOff[r]), 0))
			}
			for v := range bv {
				f.set(acc[r][v], add(acc[r][v], mul(aSplat, bv[v])))
			}
		}
		f.inc(pa, acs)
		f.inc(pb, ldb4)
	}, ne(pb, pbEnd))

	for r := range acc {
		for v := range acc[r] {
			f.store(cRow[r], uint32(16*v), acc[r][v])
		}
	}
	return f
}

// panelKernel computes mr rows of C, all n columns, by blocks of 4·NV
// columns, then 4·nv for the rest, then one column at a time.
func panelKernel(mr int, micro map[[2]int]*function) *function {
	f := newFunction(fmt.Sprintf("panel_%d", mr))
	pa, ars, acs := f.param("pa", i32), f.param("ars", i32), f.param("acs", i32)
	pb, ldb4, k := f.param("pb", i32), f.param("ldb4", i32), f.param("k", i32)
	pc, ldc4, n := f.param("pc", i32), f.param("ldc4", i32), f.param("n", i32)
	j := f.local("j", i32)
	at := func(p *local) expr { return add(p, shl(j, 2)) } // &X[j]

	f.forRange(j, i32c(0), sub(n, i32c(int32(4*NV-1))), int32(4*NV), func() {
		f.call(micro[[2]int{mr, NV}], pa, ars, acs, at(pb), ldb4, k, at(pc), ldc4)
	})
	// forRange leaves j at the first column not yet done (0 if none were).
	for nv := NV - 1; nv >= 1; nv-- {
		f.ifThen(le(add(j, i32c(int32(4*nv))), n), func() {
			f.call(micro[[2]int{mr, nv}], pa, ars, acs, at(pb), ldb4, k, at(pc), ldc4)
			f.inc(j, i32c(int32(4*nv)))
		})
	}
	f.forRange(j, j, n, 1, func() {
		f.call(micro[[2]int{mr, 0}], pa, ars, acs, at(pb), ldb4, k, at(pc), ldc4)
	})
	return f
}

// scaleKernel sets C = beta·C, or C = 0 when beta is 0 (so NaNs in the old
// C do not leak through, as in BLAS).
func scaleKernel() *function {
	f := newFunction("scale")
	m, n, beta := f.param("m", i32), f.param("n", i32), f.param("beta", f32)
	c, ldc4 := f.param("c", i32), f.param("ldc4", i32)
	i, p := f.local("i", i32), f.local("p", i32)
	row, end4, end := f.local("row", i32), f.local("end4", i32), f.local("end", i32)
	vbeta := f.local("vbeta", v128)
	f.set(vbeta, splat(beta))
	f.forRange(i, i32c(0), m, 1, func() {
		f.set(row, add(c, mul(i, ldc4)))
		f.set(end, add(row, shl(n, 2)))
		f.set(end4, sub(end, i32c(12))) // vectors while p+16 <= end
		f.ifElse(eq(beta, f32c(0)), func() {
			f.forPtr(p, row, end4, 16, func() { f.store(p, 0, zero4()) })
			f.forPtr(p, p, end, 4, func() { f.store(p, 0, f32c(0)) })
		}, func() {
			f.forPtr(p, row, end4, 16, func() { f.store(p, 0, mul(load(v128, p, 0), vbeta)) })
			f.forPtr(p, p, end, 4, func() { f.store(p, 0, mul(load(f32, p, 0), beta)) })
		})
	})
	return f
}

// transposeKernel writes the cols×rows transpose of the rows×cols matrix at
// src (row stride lds4 bytes) to dst, densely: dst[j·rows + i] = src[i][j].
// Blocks of 4×4 go through registers (four loads, eight shuffles, four
// stores); the ragged edges are copied one value at a time.
func transposeKernel() *function {
	f := newFunction("transpose")
	src, rows, cols := f.param("src", i32), f.param("rows", i32), f.param("cols", i32)
	lds4, dst := f.param("lds4", i32), f.param("dst", i32)
	i, j, rows4, cols4, ldd4 := f.local("i", i32), f.local("j", i32), f.local("rows4", i32), f.local("cols4", i32), f.local("ldd4", i32)
	s, d := f.local("s", i32), f.local("d", i32)
	r := [4]*local{f.local("r0", v128), f.local("r1", v128), f.local("r2", v128), f.local("r3", v128)}
	t := [4]*local{f.local("t0", v128), f.local("t1", v128), f.local("t2", v128), f.local("t3", v128)}
	f.set(ldd4, shl(rows, 2))
	f.set(rows4, sub(rows, i32c(3)))
	f.set(cols4, sub(cols, i32c(3)))
	srcAt := func(i, j expr) expr { return add(add(src, mul(i, lds4)), shl(j, 2)) }
	dstAt := func(i, j expr) expr { return add(add(dst, mul(j, ldd4)), shl(i, 2)) }

	f.forRange(i, i32c(0), rows4, 4, func() {
		f.forRange(j, i32c(0), cols4, 4, func() {
			f.set(s, srcAt(i, j))
			for q := range r {
				f.set(r[q], load(v128, s, 0))
				f.inc(s, lds4)
			}
			f.set(t[0], shuffle(r[0], r[1], 0, 4, 1, 5)) // a0 b0 a1 b1
			f.set(t[1], shuffle(r[0], r[1], 2, 6, 3, 7)) // a2 b2 a3 b3
			f.set(t[2], shuffle(r[2], r[3], 0, 4, 1, 5)) // c0 d0 c1 d1
			f.set(t[3], shuffle(r[2], r[3], 2, 6, 3, 7)) // c2 d2 c3 d3
			f.set(d, dstAt(i, j))
			f.store(d, 0, shuffle(t[0], t[2], 0, 1, 4, 5)) // a0 b0 c0 d0
			f.inc(d, ldd4)
			f.store(d, 0, shuffle(t[0], t[2], 2, 3, 6, 7)) // a1 b1 c1 d1
			f.inc(d, ldd4)
			f.store(d, 0, shuffle(t[1], t[3], 0, 1, 4, 5)) // a2 b2 c2 d2
			f.inc(d, ldd4)
			f.store(d, 0, shuffle(t[1], t[3], 2, 3, 6, 7)) // a3 b3 c3 d3
		})
		// The columns past the last block of 4, for these 4 rows.
		f.forRange(j, j, cols, 1, func() {
			for q := int32(0); q < 4; q++ {
				iq := add(i, i32c(q))
				f.store(dstAt(iq, j), 0, load(f32, srcAt(iq, j), 0))
			}
		})
	})
	// The rows past the last block of 4 (i is where the loop stopped).
	f.forRange(i, i, rows, 1, func() {
		f.forRange(j, i32c(0), cols, 1, func() {
			f.store(dstAt(i, j), 0, load(f32, srcAt(i, j), 0))
		})
	})
	return f
}

// packKernel copies rows of A, times alpha, into dst in the layout the
// micro-kernels read with ars = 4 and acs = 4·MR: dst[p·MR + r] =
// float32(alpha·A(r,p)), A(r,p) at a + r·ars + p·acs. Used only when
// alpha ≠ 1, so the rounding of alpha·A happens once, as in GemmGo.
func packKernel() *function {
	f := newFunction("pack")
	a, ars, acs, rows := f.param("a", i32), f.param("ars", i32), f.param("acs", i32), f.param("rows", i32)
	k, alpha, dst := f.param("k", i32), f.param("alpha", f32), f.param("dst", i32)
	p, r, src, d := f.local("p", i32), f.local("r", i32), f.local("src", i32), f.local("d", i32)
	f.forRange(p, i32c(0), k, 1, func() {
		f.set(src, add(a, mul(p, acs)))
		f.set(d, add(dst, mul(p, i32c(int32(4*MR)))))
		f.forRange(r, i32c(0), rows, 1, func() {
			f.store(d, 0, mul(alpha, load(f32, src, 0)))
			f.inc(src, ars)
			f.inc(d, i32c(4))
		})
	})
	return f
}

// gemmWorkBytes is how much scratch memory gemm needs for these arguments:
// room for Bᵀ when transB (the kernels read B by rows) and for one packed
// panel of A when alpha ≠ 1.
func gemmWorkBytes() *function {
	f := newFunction("gemm_work_bytes", i32)
	f.param("transA", i32)
	transB := f.param("transB", i32)
	f.param("m", i32)
	n, k, alpha := f.param("n", i32), f.param("k", i32), f.param("alpha", f32)
	bytes := f.local("bytes", i32)
	f.set(bytes, i32c(0))
	f.ifThen(transB, func() { f.set(bytes, shl(mul(n, k), 2)) })
	f.ifThen(ne(alpha, f32c(1)), func() { f.inc(bytes, shl(mul(k, i32c(int32(MR))), 2)) })
	f.ret(bytes)
	return f
}

// gemmKernel is the exported entry point, with kernels.Gemm's arguments
// (strides in elements) plus work, gemm_work_bytes of scratch memory.
func gemmKernel(scale, transpose, pack *function, panel []*function) *function {
	f := newFunction("gemm")
	transA, transB := f.param("transA", i32), f.param("transB", i32)
	m, n, k, alpha := f.param("m", i32), f.param("n", i32), f.param("k", i32), f.param("alpha", f32)
	a, lda, b, ldb := f.param("a", i32), f.param("lda", i32), f.param("b", i32), f.param("ldb", i32)
	beta, c, ldc, work := f.param("beta", f32), f.param("c", i32), f.param("ldc", i32), f.param("work", i32)
	ldb4, ldc4 := f.local("ldb4", i32), f.local("ldc4", i32)
	ars, acs := f.local("ars", i32), f.local("acs", i32)
	i, rows, pa, pars, pacs := f.local("i", i32), f.local("rows", i32), f.local("pa", i32), f.local("pars", i32), f.local("pacs", i32)

	f.set(ldb4, shl(ldb, 2))
	f.set(ldc4, shl(ldc, 2))
	f.ifThen(ne(beta, f32c(1)), func() { f.call(scale, m, n, beta, c, ldc4) })
	f.returnIf(or(eq(k, i32c(0)), eq(alpha, f32c(0))))
	f.ifThen(transB, func() { // B is n×k: make the k×n Bᵀ in work
		f.call(transpose, b, n, k, ldb4, work)
		f.set(b, work)
		f.set(ldb4, shl(n, 2))
		f.inc(work, shl(mul(n, k), 2))
	})
	// A(i,p) = a + i·ars + p·acs.
	f.ifElse(transA, func() {
		f.set(ars, i32c(4))
		f.set(acs, shl(lda, 2))
	}, func() {
		f.set(ars, shl(lda, 2))
		f.set(acs, i32c(4))
	})
	f.forRange(i, i32c(0), m, int32(MR), func() {
		f.set(rows, sub(m, i))
		f.ifThen(lt(i32c(int32(MR)), rows), func() { f.set(rows, i32c(int32(MR))) })
		f.set(pa, add(a, mul(i, ars)))
		f.set(pars, ars)
		f.set(pacs, acs)
		f.ifThen(ne(alpha, f32c(1)), func() {
			f.call(pack, pa, ars, acs, rows, k, alpha, work)
			f.set(pa, work)
			f.set(pars, i32c(4))
			f.set(pacs, i32c(int32(4*MR)))
		})
		pc := add(c, mul(i, ldc4))
		// One panel kernel per row count: the full MR, then the last rows.
		for mr := MR; mr >= 1; mr-- {
			f.ifThen(eq(rows, i32c(int32(mr))), func() {
				f.call(panel[mr], pa, pars, pacs, b, ldb4, k, pc, ldc4, n)
			})
		}
	})
	return f
}

// gemmModule adds the GEMM functions to m.
func gemmModule(m *module) {
	micro := map[[2]int]*function{}
	for mr := 1; mr <= MR; mr++ {
		for nv := 0; nv <= NV; nv++ {
			micro[[2]int{mr, nv}] = m.add(microKernel(mr, nv), internal)
		}
	}
	panel := make([]*function, MR+1)
	for mr := 1; mr <= MR; mr++ {
		panel[mr] = m.add(panelKernel(mr, micro), internal)
	}
	scale := m.add(scaleKernel(), internal)
	transpose := m.add(transposeKernel(), internal)
	pack := m.add(packKernel(), internal)
	m.add(gemmWorkBytes(), exported)
	m.add(gemmKernel(scale, transpose, pack, panel), exported)
}
