package main

// Max pooling (engine/kernels/pool.go) over channels-last images: the
// forward pass four channels at a time, the window's values compared lane
// by lane (f32x4.gt, then bitselect keeps the larger value and its
// index), in the Go loop's order with its strict >, so the same maxima
// and the same argmax; the backward pass is a scatter, one value at a
// time in dy's order (each dy lands at its own argmax; lanes cannot
// scatter), which keeps Go's order of additions where windows overlap.
// Sizes are element counts, addresses byte offsets.

// maxPoolKernel: for each image e, output position (oy, ox) and channel c,
// y = the max over the window (less the padding) and argmax = its index in
// the image.
func maxPoolKernel() *function {
	f := newFunction("maxpool")
	x, y, argmax := f.param("x", i32), f.param("y", i32), f.param("argmax", i32)
	n, h, w, c := f.param("n", i32), f.param("h", i32), f.param("w", i32), f.param("c", i32)
	kh, kw, sh, sw := f.param("kh", i32), f.param("kw", i32), f.param("sh", i32), f.param("sw", i32)
	padTop, padLeft := f.param("pad_top", i32), f.param("pad_left", i32)
	outH, outW := f.param("out_h", i32), f.param("out_w", i32)

	e, oy, ox, ch := f.local("e", i32), f.local("oy", i32), f.local("ox", i32), f.local("ch", i32)
	img, out, c4 := f.local("img", i32), f.local("out", i32), f.local("c4", i32)
	top, left := f.local("top", i32), f.local("left", i32)
	y0, y1, x0, x1 := f.local("y0", i32), f.local("y1", i32), f.local("x0", i32), f.local("x1", i32)
	iy, ix, idx, first := f.local("iy", i32), f.local("ix", i32), f.local("idx", i32), f.local("first", i32)
	best, where, v, mask := f.local("best", v128), f.local("where", v128), f.local("v", v128), f.local("mask", v128)
	bestS, whereS, vS := f.local("best1", f32), f.local("where1", i32), f.local("v1", f32)
	rowStep := f.local("rowstep", i32) // from the end of a window row to the start of the next, in elements

	f.set(c4, sub(c, node{t: i32, args: []expr{c, i32c(3)}, op: []byte{0x71}})) // c − c&3
	f.set(img, x)
	f.set(out, i32c(0)) // index of the current output position's first channel
	elem := func(base, i expr) expr { return add(base, shl(i, 2)) }

	// window scans the window for channel ch: it calls visit with idx at
	// each of its values, in row-major order.
	window := func(visit func()) {
		f.set(rowStep, mul(sub(w, sub(x1, x0)), c))
		f.set(idx, add(mul(add(mul(y0, w), x0), c), ch))
		f.forRange(iy, y0, y1, 1, func() {
			f.forRange(ix, x0, x1, 1, func() {
				visit()
				f.inc(idx, c)
			})
			f.inc(idx, rowStep)
		})
	}

	f.forRange(e, i32c(0), n, 1, func() {
		f.forRange(oy, i32c(0), outH, 1, func() {
			f.set(top, sub(mul(oy, sh), padTop))
			f.set(y0, maxI(top, i32c(0)))
			f.set(y1, minI(add(top, kh), h))
			f.forRange(ox, i32c(0), outW, 1, func() {
				f.set(left, sub(mul(ox, sw), padLeft))
				f.set(x0, maxI(left, i32c(0)))
				f.set(x1, minI(add(left, kw), w))
				f.set(first, mul(add(mul(y0, w), x0), c))
				f.forRange(ch, i32c(0), c4, 4, func() {
					f.set(best, load(v128, elem(img, add(first, ch)), 0))
					f.set(where, addI4(splatI4(add(first, ch)), iotaI4()))
					window(func() {
						f.set(v, load(v128, elem(img, idx), 0))
						f.set(mask, gt(v, best))
						f.set(best, bitselect(v, best, mask))
						f.set(where, bitselect(addI4(splatI4(idx), iotaI4()), where, mask))
					})
					f.store(elem(y, add(out, ch)), 0, best)
					f.store(elem(argmax, add(out, ch)), 0, where)
				})
				f.forRange(ch, c4, c, 1, func() {
					f.set(bestS, load(f32, elem(img, add(first, ch)), 0))
					f.set(whereS, add(first, ch))
					window(func() {
						f.set(vS, load(f32, elem(img, idx), 0))
						f.ifThen(gt(vS, bestS), func() {
							f.set(bestS, vS)
							f.set(whereS, idx)
						})
					})
					f.store(elem(y, add(out, ch)), 0, bestS)
					f.store(elem(argmax, add(out, ch)), 0, whereS)
				})
				f.inc(out, c)
			})
		})
		f.inc(img, shl(mul(mul(h, w), c), 2))
	})
	return f
}

// maxPoolGradKernel: dx[e, argmax[i]] += dy[i] for each image e and its
// outputs i in order (dx cleared by the caller). isz is one image's size,
// per one image's number of outputs.
func maxPoolGradKernel() *function {
	f := newFunction("maxpool_grad")
	dy, argmax, dx := f.param("dy", i32), f.param("argmax", i32), f.param("dx", i32)
	n, isz, per := f.param("n", i32), f.param("isz", i32), f.param("per", i32)
	e, p, end, darg, base, addr := f.local("e", i32), f.local("p", i32), f.local("end", i32), f.local("darg", i32), f.local("base", i32), f.local("addr", i32)
	f.set(darg, sub(argmax, dy))
	f.set(p, dy)
	f.set(base, dx)
	f.forRange(e, i32c(0), n, 1, func() {
		f.set(end, add(p, shl(per, 2)))
		f.forPtr(p, p, end, 4, func() {
			f.set(addr, add(base, shl(load(i32, at(p, darg), 0), 2)))
			f.store(addr, 0, add(load(f32, addr, 0), load(f32, p, 0)))
		})
		f.inc(base, shl(isz, 2))
	})
	return f
}

// poolModule adds the pooling kernels to m, exported.
func poolModule(m *module) {
	m.add(maxPoolKernel(), exported)
	m.add(maxPoolGradKernel(), exported)
}
