package kernels

import "math"

// The optimizer updates other than Adam (elementwise.go), element by
// element, in place on the weights w from their gradient g (g is not
// changed), with L2 weight decay λ folded into the gradient first
// (g' = g + λ·w; λ = 0 for none). Every product is rounded to float32
// before it is added (float32(a·b)), so no platform fuses it into an FMA;
// square roots are the correctly rounded float32 ones. The SIMD versions
// do the same operations in the same order: same bits.

// SGD applies plain gradient descent: w ← w − η·(g + λ·w).
func SGD(w, g []float32, lr, lambda float32) {
	sameLen("SGD", "g", len(g), len(w))
	if len(w) == 0 {
		return
	}
	if forceGo.Load() {
		sgdGo(w, g, lr, lambda)
		return
	}
	sgd(w, g, lr, lambda)
}

func sgdGo(w, g []float32, lr, lambda float32) {
	g = g[:len(w)]
	for i, gi := range g {
		w[i] -= float32(lr * (gi + float32(lambda*w[i])))
	}
}

// SGDMomentum applies gradient descent with momentum μ and velocity v
// (Keras' form), updating v in place:
//
//	g' = g + λ·w
//	v ← μ·v − η·g'
//	w ← w + v             (classical)
//	w ← w + (μ·v − η·g')  (Nesterov: with the new v, one step further)
func SGDMomentum(w, g, v []float32, lr, momentum, lambda float32, nesterov bool) {
	sameLen("SGDMomentum", "g", len(g), len(w))
	sameLen("SGDMomentum", "v", len(v), len(w))
	if len(w) == 0 {
		return
	}
	if forceGo.Load() {
		sgdMomentumGo(w, g, v, lr, momentum, lambda, nesterov)
		return
	}
	sgdMomentum(w, g, v, lr, momentum, lambda, nesterov)
}

func sgdMomentumGo(w, g, v []float32, lr, momentum, lambda float32, nesterov bool) {
	g, v = g[:len(w)], v[:len(w)]
	for i, gi := range g {
		gi += float32(lambda * w[i])
		v[i] = float32(momentum*v[i]) - float32(lr*gi)
		if nesterov {
			w[i] += float32(momentum*v[i]) - float32(lr*gi)
		} else {
			w[i] += v[i]
		}
	}
}

// RMSProp applies one RMSProp step (Keras' form: no momentum, not
// centred), updating the mean square a in place:
//
//	g' = g + λ·w
//	a ← ρ·a + (1−ρ)·g'²
//	w ← w − η·g' / √(a + ε)
func RMSProp(w, g, a []float32, lr, rho, eps, lambda float32) {
	sameLen("RMSProp", "g", len(g), len(w))
	sameLen("RMSProp", "a", len(a), len(w))
	if len(w) == 0 {
		return
	}
	if forceGo.Load() {
		rmsPropGo(w, g, a, lr, rho, 1-rho, eps, lambda)
		return
	}
	rmsProp(w, g, a, lr, rho, 1-rho, eps, lambda)
}

// rmsPropGo is RMSProp with c = 1−ρ (rounded to float32 once).
func rmsPropGo(w, g, a []float32, lr, rho, c, eps, lambda float32) {
	g, a = g[:len(w)], a[:len(w)]
	for i, gi := range g {
		gi += float32(lambda * w[i])
		a[i] = float32(rho*a[i]) + float32(c*float32(gi*gi))
		w[i] -= float32(lr*gi) / sqrt32(a[i]+eps)
	}
}

// Adagrad applies one Adagrad step (Keras' form), adding to the sum of
// squares s in place:
//
//	g' = g + λ·w
//	s ← s + g'²
//	w ← w − η·g' / √(s + ε)
func Adagrad(w, g, s []float32, lr, eps, lambda float32) {
	sameLen("Adagrad", "g", len(g), len(w))
	sameLen("Adagrad", "s", len(s), len(w))
	if len(w) == 0 {
		return
	}
	if forceGo.Load() {
		adagradGo(w, g, s, lr, eps, lambda)
		return
	}
	adagrad(w, g, s, lr, eps, lambda)
}

func adagradGo(w, g, s []float32, lr, eps, lambda float32) {
	g, s = g[:len(w)], s[:len(w)]
	for i, gi := range g {
		gi += float32(lambda * w[i])
		s[i] += float32(gi * gi)
		w[i] -= float32(lr*gi) / sqrt32(s[i]+eps)
	}
}

// sqrt32 is the correctly rounded float32 square root: √ in float64 is
// exact enough that rounding it to float32 gives the nearest float32.
func sqrt32(x float32) float32 { return float32(math.Sqrt(float64(x))) }
