package main

// The bias kernels of engine/kernels/bias.go on z (rows, k) row-major and
// a bias of k values: four columns at a time, then one at a time for the
// last k%4, row after row (the order of the Go loops, so the same bits).

// eachRow emits: for row := z; row < z + rows·k·4; row += k·4 { body(row) }
// (rows ≥ 1; the Go side returns early on empty matrices).
func eachRow(f *function, z, rows, k *local, body func(row *local)) {
	row, rowEnd, stride := f.local("row", i32), f.local("rowend", i32), f.local("stride", i32)
	f.set(stride, shl(k, 2))
	f.set(rowEnd, add(z, mul(rows, stride)))
	f.set(row, z)
	f.doWhile(func() {
		body(row)
		f.inc(row, stride)
	}, ltU(row, rowEnd))
}

// biasBroadcastKernel: z[i][j] = b[j].
func biasBroadcastKernel() *function {
	f := newFunction("bias_broadcast")
	z, b, rows, k := f.param("z", i32), f.param("b", i32), f.param("rows", i32), f.param("k", i32)
	d := f.local("d", i32) // from b to the row, in bytes
	eachRow(f, z, rows, k, func(row *local) {
		f.set(d, sub(row, b))
		lanes(f, b, k, func(p *local) {
			f.store(at(p, d), 0, load(v128, p, 0))
		}, func(p *local) {
			f.store(at(p, d), 0, load(f32, p, 0))
		})
	})
	return f
}

// biasGradKernel: db[j] += dz[i][j], row i = 0, 1, … in turn.
func biasGradKernel() *function {
	f := newFunction("bias_grad")
	db, dz, rows, k := f.param("db", i32), f.param("dz", i32), f.param("rows", i32), f.param("k", i32)
	d := f.local("d", i32) // from db to the row of dz, in bytes
	eachRow(f, dz, rows, k, func(row *local) {
		f.set(d, sub(row, db))
		lanes(f, db, k, func(p *local) {
			f.store(p, 0, add(load(v128, p, 0), load(v128, at(p, d), 0)))
		}, func(p *local) {
			f.store(p, 0, add(load(f32, p, 0), load(f32, at(p, d), 0)))
		})
	})
	return f
}

// biasModule adds the bias kernels to m, exported.
func biasModule(m *module) {
	m.add(biasBroadcastKernel(), exported)
	m.add(biasGradKernel(), exported)
}
