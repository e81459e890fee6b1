package kernels

import "fmt"

// The bias of a Dense or Conv2D layer, on z (rows, k) stored row-major and
// a bias b of k values: every row of z is one example (or one output
// position of a convolution), every column one unit (or filter).

// BiasBroadcast sets every row of z to b:
//
//	z[i][j] = b[j]
//
// A layer then lets Gemm add x·W on top (beta = 1), so z = b + Σ_p x·W is
// summed from the bias up. len(z) must be a multiple of len(b) (a caller
// bug otherwise: it panics).
func BiasBroadcast(z, b []float32) {
	checkRows("BiasBroadcast", "z", len(z), "b", len(b))
	if len(z) == 0 {
		return
	}
	if forceGo.Load() {
		biasBroadcastGo(z, b)
		return
	}
	biasBroadcast(z, b)
}

func biasBroadcastGo(z, b []float32) {
	for i := 0; i < len(z); i += len(b) {
		copy(z[i:i+len(b)], b)
	}
}

// BiasGrad adds the column sums of dz to db, the bias gradient:
//
//	db[j] += Σ_i dz[i][j]
//
// adding row i = 0, 1, … in turn to each db[j] (every backend keeps that
// order, so the bits agree). len(dz) must be a multiple of len(db).
func BiasGrad(db, dz []float32) {
	checkRows("BiasGrad", "dz", len(dz), "db", len(db))
	if len(dz) == 0 {
		return
	}
	if forceGo.Load() {
		biasGradGo(db, dz)
		return
	}
	biasGrad(db, dz)
}

func biasGradGo(db, dz []float32) {
	k := len(db)
	for i := 0; i < len(dz); i += k {
		for j, v := range dz[i : i+k] {
			db[j] += v
		}
	}
}

// checkRows panics unless a matrix of lm values splits into rows of lr
// values (lr ≥ 1; lm may be 0).
func checkRows(kernel, matrix string, lm int, row string, lr int) {
	if lr == 0 && lm == 0 {
		return
	}
	if lr == 0 || lm%lr != 0 {
		panic(fmt.Sprintf("kernels.%s: %s has %d values, not a whole number of rows of len(%s) = %d", kernel, matrix, lm, row, lr))
	}
}
