package main

// The element-wise kernels, each exactly the loop of its Go version in
// engine/kernels/elementwise.go, four lanes at a time (the same operations
// in the same order, so the same bits), then one value at a time for the
// last len%4.

// lanes emits a loop over n float32s at base (an address local) that runs
// vec(p) on each whole group of four at p and then one(p) on the rest.
func lanes(f *function, base, n *local, vec, one func(p *local)) {
	p, end, end4 := f.local("p", i32), f.local("end", i32), f.local("end4", i32)
	f.set(end, add(base, shl(n, 2)))
	f.set(end4, sub(end, i32c(12))) // vectors while p+16 <= end
	f.forPtr(p, base, end4, 16, func() { vec(p) })
	f.forPtr(p, p, end, 4, func() { one(p) })
}

// at is the address of element p of the slice whose distance from the
// walked slice is off bytes.
func at(p, off *local) expr { return add(p, off) }

// adamKernel: for each i, with c1 = 1−β1 and c2 = 1−β2,
//
//	g' = g + λ·w; m += c1·(g' − m); v += c2·(g'² − v); w −= α·m / (√v + ε)
func adamKernel() *function {
	f := newFunction("adam")
	w, g, m, v := f.param("w", i32), f.param("g", i32), f.param("m", i32), f.param("v", i32)
	n := f.param("n", i32)
	alpha, c1, c2 := f.param("alpha", f32), f.param("c1", f32), f.param("c2", f32)
	eps, lambda := f.param("eps", f32), f.param("lambda", f32)
	// One pointer walks w; g, m and v are at fixed distances from it.
	dg, dm, dv := f.local("dg", i32), f.local("dm", i32), f.local("dv", i32)
	f.set(dg, sub(g, w))
	f.set(dm, sub(m, w))
	f.set(dv, sub(v, w))
	consts := []*local{alpha, c1, c2, eps, lambda}
	vc := map[*local]*local{}
	for _, c := range consts {
		vc[c] = f.local("v"+c.name, v128)
		f.set(vc[c], splat(c))
	}
	step := func(t valType, k func(*local) expr) func(p *local) {
		return func(p *local) {
			sfx := map[valType]string{v128: "4", f32: ""}[t] // wi4 for vectors, wi for scalars
			wi, gi, mi, vi := f.local("wi"+sfx, t), f.local("gi"+sfx, t), f.local("mi"+sfx, t), f.local("vi"+sfx, t)
			f.set(wi, load(t, p, 0))
			f.set(gi, add(load(t, at(p, dg), 0), mul(k(lambda), wi)))
			f.set(mi, load(t, at(p, dm), 0))
			f.set(mi, add(mi, mul(k(c1), sub(gi, mi))))
			f.store(at(p, dm), 0, mi)
			f.set(vi, load(t, at(p, dv), 0))
			f.set(vi, add(vi, mul(k(c2), sub(mul(gi, gi), vi))))
			f.store(at(p, dv), 0, vi)
			f.store(p, 0, sub(wi, div(mul(k(alpha), mi), add(sqrt(vi), k(eps)))))
		}
	}
	scalar := func(c *local) expr { return c }
	vector := func(c *local) expr { return vc[c] }
	lanes(f, w, n, step(v128, vector), step(f32, scalar))
	return f
}

// reluKernel: y = max(x, 0).
func reluKernel() *function {
	f := newFunction("relu")
	y, x, n := f.param("y", i32), f.param("x", i32), f.param("n", i32)
	dy := f.local("dy", i32)
	f.set(dy, sub(y, x))
	lanes(f, x, n, func(p *local) {
		f.store(at(p, dy), 0, maxf(load(v128, p, 0), zero4()))
	}, func(p *local) {
		f.store(at(p, dy), 0, maxf(load(f32, p, 0), f32c(0)))
	})
	return f
}

// reluGradKernel: dx = dy where x > 0, else 0.
func reluGradKernel() *function {
	f := newFunction("relu_grad")
	dx, x, dy, n := f.param("dx", i32), f.param("x", i32), f.param("dy", i32), f.param("n", i32)
	ddx, ddy := f.local("ddx", i32), f.local("ddy", i32)
	f.set(ddx, sub(dx, x))
	f.set(ddy, sub(dy, x))
	lanes(f, x, n, func(p *local) {
		f.store(at(p, ddx), 0, and(load(v128, at(p, ddy), 0), gt(load(v128, p, 0), zero4())))
	}, func(p *local) {
		f.store(at(p, ddx), 0, choose(gt(load(f32, p, 0), f32c(0)), load(f32, at(p, ddy), 0), f32c(0)))
	})
	return f
}

// elementwiseModule adds the element-wise kernels to m, exported.
func elementwiseModule(m *module) {
	m.add(adamKernel(), exported)
	m.add(reluKernel(), exported)
	m.add(reluGradKernel(), exported)
	for _, f := range activationKernels() {
		m.add(f, exported)
	}
}

// mapKernel returns a kernel that writes out[i] = op(ins[0][i], ins[1][i],
// …) for i < n: parameters (out, ins…, n, scalars…), the pointers i32 byte
// addresses, the scalars f32. op builds the value for one element (t =
// f32) or four (t = v128) from the inputs, each loaded once, and the
// scalars (already splatted for v128).
func mapKernel(name, out string, ins []string, scalars []string, op func(t valType, in []expr, s []expr) expr) *function {
	f := newFunction(name)
	po := f.param(out, i32)
	pin := make([]*local, len(ins))
	for k, in := range ins {
		pin[k] = f.param(in, i32)
	}
	n := f.param("n", i32)
	sc := make([]*local, len(scalars))
	for k, s := range scalars {
		sc[k] = f.param(s, f32)
	}
	// One pointer walks the first input; the others are at fixed distances.
	dOut := f.local("d"+out, i32)
	f.set(dOut, sub(po, pin[0]))
	dIn := make([]*local, len(ins))
	for k := 1; k < len(ins); k++ {
		dIn[k] = f.local("d"+ins[k], i32)
		f.set(dIn[k], sub(pin[k], pin[0]))
	}
	vs := make([]expr, len(scalars))
	for k, s := range sc {
		v := f.local("v"+s.name, v128)
		f.set(v, splat(s))
		vs[k] = v
	}
	ss := make([]expr, len(scalars))
	for k, s := range sc {
		ss[k] = s
	}
	step := func(t valType, s []expr) func(p *local) {
		sfx := map[valType]string{v128: "4", f32: ""}[t]
		vals := make([]*local, len(ins))
		for k, in := range ins {
			vals[k] = f.local(in+"i"+sfx, t)
		}
		return func(p *local) {
			in := make([]expr, len(ins))
			for k := range ins {
				addr := expr(p)
				if k > 0 {
					addr = at(p, dIn[k])
				}
				f.set(vals[k], load(t, addr, 0))
				in[k] = vals[k]
			}
			f.store(at(p, dOut), 0, op(t, in, s))
		}
	}
	lanes(f, pin[0], n, step(v128, vs), step(f32, ss))
	return f
}

// oneOf is 1 as an f32 or a vector of four.
func oneOf(t valType) expr {
	if t == v128 {
		return f32x4c(1)
	}
	return f32c(1)
}

// ifPositive is x > 0 ? a : b, lane by lane for vectors.
func ifPositive(t valType, x, a, b expr) expr {
	if t == v128 {
		return bitselect(a, b, gt(x, zero4()))
	}
	return choose(gt(x, f32c(0)), a, b)
}

// The activations' kernels (engine/kernels/activations.go): leaky ReLU and
// its gradient, the gradients of σ and tanh from their outputs, and the
// element-wise product dropout uses.
func activationKernels() []*function {
	return []*function{
		// y = x > 0 ? x : α·x
		mapKernel("leaky_relu", "y", []string{"x"}, []string{"alpha"}, func(t valType, in, s []expr) expr {
			return ifPositive(t, in[0], in[0], mul(s[0], in[0]))
		}),
		// dx = x > 0 ? dy : α·dy
		mapKernel("leaky_relu_grad", "dx", []string{"x", "dy"}, []string{"alpha"}, func(t valType, in, s []expr) expr {
			return ifPositive(t, in[0], in[1], mul(s[0], in[1]))
		}),
		// dx = (dy·y)·(1 − y)
		mapKernel("sigmoid_grad", "dx", []string{"y", "dy"}, nil, func(t valType, in, s []expr) expr {
			return mul(mul(in[1], in[0]), sub(oneOf(t), in[0]))
		}),
		// dx = dy·(1 − y·y)
		mapKernel("tanh_grad", "dx", []string{"y", "dy"}, nil, func(t valType, in, s []expr) expr {
			return mul(in[1], sub(oneOf(t), mul(in[0], in[0])))
		}),
		// z = x·y
		mapKernel("mul", "z", []string{"x", "y"}, nil, func(t valType, in, s []expr) expr {
			return mul(in[0], in[1])
		}),
	}
}
