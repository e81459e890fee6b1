package nn

import "math"

// clipGlobalNorm scales every param's gradient by c/‖g‖ when their joint
// L2 norm ‖g‖ = √(Σ_p Σ_i g_pi²) exceeds c, keeping the update's direction
// while bounding its size (Pascanu et al., 2013: the cure for exploding
// gradients through time). It returns ‖g‖ before clipping.
func clipGlobalNorm(params []*Param, c float64) float64 {
	var sum float64
	for _, p := range params {
		for _, g := range p.Grad.Float32s() {
			sum += float64(g) * float64(g)
		}
	}
	norm := math.Sqrt(sum)
	if c <= 0 || !(norm > c) { // a NaN norm is left for the divergence check
		return norm
	}
	scale := float32(c / norm)
	for _, p := range params {
		g := p.Grad.Float32s()
		for i := range g {
			g[i] *= scale
		}
	}
	return norm
}
