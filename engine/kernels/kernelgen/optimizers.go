package main

// The optimizer updates of engine/kernels/optimizers.go, each exactly the
// loop of its Go version four lanes at a time (the same operations in the
// same order: the same bits), then one value at a time for the rest. Like
// adam (elementwise.go), one pointer walks w and the other slices are at
// fixed distances from it; g' = g + λ·w is the gradient with weight decay.

// updateKernel declares an update kernel's parameters: the slices (w
// first) and n, then the f32 scalars, and returns the function, the
// slices' locals, the scalars' and an element step that loads each
// slice, runs body and stores what body sets. body gets the loaded
// values (as locals it may set: those of the state slices are stored
// back, w's too) and the scalars (splatted for vectors).
type updateKernel struct {
	f       *function
	slices  []*local
	scalars []*local
	splats  map[*local]*local
	dist    []*local // distance of slice k from w, in bytes (nil for w)
	ready   bool     // dist and splats are set
}

func newUpdateKernel(name string, slices, scalars []string) *updateKernel {
	u := &updateKernel{f: newFunction(name), splats: map[*local]*local{}}
	for _, s := range slices {
		u.slices = append(u.slices, u.f.param(s, i32))
	}
	u.f.param("n", i32)
	for _, s := range scalars {
		u.scalars = append(u.scalars, u.f.param(s, f32))
	}
	return u
}

// n is the element count parameter.
func (u *updateKernel) n() *local { return u.f.params[len(u.slices)] }

// run emits the loop: body(t, vals, k) computes the new values of the
// slices listed in writes (indices into the slices) from vals, the loaded
// values, and k, which maps a scalar to itself or its splat.
func (u *updateKernel) run(writes []int, body func(t valType, vals []*local, k func(int) expr)) {
	f := u.f
	u.prepare()
	step := func(t valType) func(p *local) {
		sfx := map[valType]string{v128: "4", f32: ""}[t]
		vals := make([]*local, len(u.slices))
		for i, s := range u.slices {
			vals[i] = f.local(s.name+"i"+sfx, t)
		}
		k := func(i int) expr {
			if t == v128 {
				return u.splats[u.scalars[i]]
			}
			return u.scalars[i]
		}
		return func(p *local) {
			for i := range u.slices {
				f.set(vals[i], load(t, u.addr(p, i), 0))
			}
			body(t, vals, k)
			for _, i := range writes {
				f.store(u.addr(p, i), 0, vals[i])
			}
		}
	}
	lanes(f, u.slices[0], u.n(), step(v128), step(f32))
}

// prepare sets the distances and splats, once, where the code is now
// (before any branch that runs the loop).
func (u *updateKernel) prepare() {
	if u.ready {
		return
	}
	u.ready = true
	u.dist = make([]*local, len(u.slices))
	for i := 1; i < len(u.slices); i++ {
		u.dist[i] = u.f.local("d"+u.slices[i].name, i32)
		u.f.set(u.dist[i], sub(u.slices[i], u.slices[0]))
	}
	for _, s := range u.scalars {
		u.splats[s] = u.f.local("v"+s.name, v128)
		u.f.set(u.splats[s], splat(s))
	}
}

func (u *updateKernel) addr(p *local, i int) expr {
	if i == 0 {
		return p
	}
	return at(p, u.dist[i])
}

// sgdKernel: w ← w − η·(g + λ·w).
func sgdKernel() *function {
	u := newUpdateKernel("sgd", []string{"w", "g"}, []string{"lr", "lambda"})
	u.run([]int{0}, func(t valType, v []*local, k func(int) expr) {
		w, g := v[0], v[1]
		u.f.set(w, sub(w, mul(k(0), add(g, mul(k(1), w)))))
	})
	return u.f
}

// sgdMomentumKernel: g' = g + λ·w; v ← μ·v − η·g'; then w ← w + v, or
// with nesterov ≠ 0, w ← w + (μ·v − η·g').
func sgdMomentumKernel() *function {
	u := newUpdateKernel("sgd_momentum", []string{"w", "g", "v"}, []string{"lr", "momentum", "lambda"})
	nesterov := u.f.param("nesterov", i32)
	const lr, mom, lambda = 0, 1, 2
	update := func(nest bool) func(t valType, v []*local, k func(int) expr) {
		return func(t valType, v []*local, k func(int) expr) {
			w, g, vel := v[0], v[1], v[2]
			u.f.set(g, add(g, mul(k(lambda), w)))
			u.f.set(vel, sub(mul(k(mom), vel), mul(k(lr), g)))
			if nest {
				u.f.set(w, add(w, sub(mul(k(mom), vel), mul(k(lr), g))))
			} else {
				u.f.set(w, add(w, vel))
			}
		}
	}
	u.prepare()
	const withNesterov, plain = true, false // update's nest
	u.f.ifElse(nesterov, func() { u.run([]int{0, 2}, update(withNesterov)) }, func() { u.run([]int{0, 2}, update(plain)) })
	return u.f
}

// rmsPropKernel, with c = 1−ρ: g' = g + λ·w; a ← ρ·a + c·g'²;
// w ← w − η·g' / √(a + ε).
func rmsPropKernel() *function {
	u := newUpdateKernel("rmsprop", []string{"w", "g", "a"}, []string{"lr", "rho", "c", "eps", "lambda"})
	const lr, rho, c, eps, lambda = 0, 1, 2, 3, 4
	u.run([]int{0, 2}, func(t valType, v []*local, k func(int) expr) {
		w, g, a := v[0], v[1], v[2]
		u.f.set(g, add(g, mul(k(lambda), w)))
		u.f.set(a, add(mul(k(rho), a), mul(k(c), mul(g, g))))
		u.f.set(w, sub(w, div(mul(k(lr), g), sqrt(add(a, k(eps))))))
	})
	return u.f
}

// adagradKernel: g' = g + λ·w; s ← s + g'²; w ← w − η·g' / √(s + ε).
func adagradKernel() *function {
	u := newUpdateKernel("adagrad", []string{"w", "g", "s"}, []string{"lr", "eps", "lambda"})
	const lr, eps, lambda = 0, 1, 2
	u.run([]int{0, 2}, func(t valType, v []*local, k func(int) expr) {
		w, g, s := v[0], v[1], v[2]
		u.f.set(g, add(g, mul(k(lambda), w)))
		u.f.set(s, add(s, mul(g, g)))
		u.f.set(w, sub(w, div(mul(k(lr), g), sqrt(add(s, k(eps))))))
	})
	return u.f
}

// optimizerModule adds the optimizer kernels to m, exported.
func optimizerModule(m *module) {
	m.add(sgdKernel(), exported)
	m.add(sgdMomentumKernel(), exported)
	m.add(rmsPropKernel(), exported)
	m.add(adagradKernel(), exported)
}
