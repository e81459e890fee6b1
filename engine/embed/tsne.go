package embed

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
)

// t-SNE defaults.
const (
	DefaultPerplexity   = 30
	DefaultIterations   = 750
	DefaultExaggeration = 12
	// exaggerated is how many of the first iterations exaggerate P (and use
	// momentum 0.5 instead of 0.8).
	exaggerated = 250
)

// Caps on the points of a t-SNE. An exact one keeps the n × n affinities
// (8n² bytes: 32 MB at 2,000 points) and each iteration visits every
// pair; Barnes-Hut keeps 3·perplexity neighbours a point, but finding them
// still compares every pair once.
const (
	MaxTSNEPoints      = 5000
	MaxBarnesHutPoints = 20000
)

// DefaultTheta is Barnes-Hut's accuracy: a cell of width w at distance r
// counts as one point when w/r < θ (0 would visit every point).
const DefaultTheta = 0.5

// Init is how t-SNE places the points before it starts.
type Init int

const (
	// InitPCA (the default) starts from the first two principal
	// components scaled to a standard deviation of 1e-4: deterministic,
	// and it keeps the global layout (Kobak & Berens, 2019).
	InitPCA Init = iota
	// InitRandom starts from N(0, 1e-4²) draws from the seed.
	InitRandom
)

// ErrStopped is returned when Progress asked t-SNE to stop.
var ErrStopped = errors.New("t-sne: stopped")

// TSNEOptions configure TSNE; zero fields take the defaults.
type TSNEOptions struct {
	// Perplexity is the effective number of neighbours each point's
	// Gaussian covers (DefaultPerplexity; at most (n − 1)/3).
	Perplexity float64
	// Iterations of gradient descent (DefaultIterations).
	Iterations int
	// LearningRate η; 0 means max(n/Exaggeration/4, 50) (Belkina et al.,
	// 2019, as scikit-learn's "auto").
	LearningRate float64
	// Exaggeration multiplies P for the first 250 iterations
	// (DefaultExaggeration).
	Exaggeration float64
	// Init and Seed choose the starting layout; Seed matters only for
	// InitRandom.
	Init Init
	Seed uint64
	// Exact computes every pair's affinity and repulsion (O(n²) an
	// iteration) instead of Barnes-Hut's approximation (O(n log n)), the
	// default; Theta is Barnes-Hut's accuracy (DefaultTheta when 0).
	Exact bool
	Theta float64
	// Progress, when set, is called every 10 iterations and after the
	// last with how many are done; returning false stops TSNE, which then
	// returns ErrStopped.
	Progress func(done, total int) bool
}

// TSNE embeds n points of d values (rows, n × d) in two dimensions by
// t-SNE (van der Maaten & Hinton, 2008) and returns n × 2 coordinates:
//
//	p_j|i ∝ exp(−β_i ‖x_i − x_j‖²), β_i set by bisection so that the
//	        entropy of p_·|i is log(Perplexity) (Barnes-Hut: over the
//	        ⌊3·Perplexity⌋ nearest j only, 0 for the others)
//	p_ij  = (p_j|i + p_i|j) / 2n
//	q_ij  = (1 + ‖y_i − y_j‖²)⁻¹ / Σ_{k≠l} (1 + ‖y_k − y_l‖²)⁻¹
//	∂KL/∂y_i = 4 Σ_j (p_ij − q_ij)(1 + ‖y_i − y_j‖²)⁻¹ (y_i − y_j)
//
// descended with momentum (0.5, then 0.8) and per-coordinate gains
// (+0.2 when the gradient changes sign, ×0.8 otherwise, at least 0.01),
// P exaggerated for the first 250 iterations, the layout kept centred.
// By default the repulsion is Barnes-Hut's (barnes_hut.go); Exact sums
// every pair. The result depends only on the points and the options.
func TSNE(rows []float32, n, d int, o TSNEOptions) ([]float64, error) {
	if err := checkRows(rows, n, d); err != nil {
		return nil, fmt.Errorf("t-sne: %w", err)
	}
	if n < 4 {
		return nil, fmt.Errorf("t-sne: %d points; give at least 4", n)
	}
	if o.Exact && n > MaxTSNEPoints {
		return nil, fmt.Errorf("t-sne: %d points, more than the %d an exact t-SNE handles here; use Barnes-Hut or embed a sample", n, MaxTSNEPoints)
	}
	if n > MaxBarnesHutPoints {
		return nil, fmt.Errorf("t-sne: %d points, more than the %d t-SNE handles here; embed a sample", n, MaxBarnesHutPoints)
	}
	theta := o.Theta
	if theta == 0 {
		theta = DefaultTheta
	}
	if !(theta > 0) || theta > 2 {
		return nil, fmt.Errorf("t-sne: θ = %v; use 0 (the default, %v) up to 2", o.Theta, DefaultTheta)
	}
	perp, iters, ex := o.Perplexity, o.Iterations, o.Exaggeration
	if perp == 0 {
		perp = min(DefaultPerplexity, float64(n-1)/3)
	}
	if iters == 0 {
		iters = DefaultIterations
	}
	if ex == 0 {
		ex = DefaultExaggeration
	}
	switch {
	case !(perp >= 1) || perp > float64(n-1)/3:
		return nil, fmt.Errorf("t-sne: perplexity %v; use 1 to (n − 1)/3 = %.4g for %d points", perp, float64(n-1)/3, n)
	case iters < 1 || iters > 100000:
		return nil, fmt.Errorf("t-sne: %d iterations; use 1 to 100000", iters)
	case !(ex >= 1) || math.IsInf(ex, 0):
		return nil, fmt.Errorf("t-sne: exaggeration %v; use 1 or more", ex)
	case o.LearningRate < 0 || math.IsNaN(o.LearningRate) || math.IsInf(o.LearningRate, 0):
		return nil, fmt.Errorf("t-sne: learning rate %v; use a positive number (0 picks one)", o.LearningRate)
	}
	lr := o.LearningRate
	if lr == 0 {
		lr = max(float64(n)/ex/4, 50)
	}
	var p []float64
	var sp *sparseP
	var tree quadtree
	if o.Exact {
		p = affinities(rows, n, d, perp)
	} else {
		sp = sparseAffinities(rows, n, d, perp)
	}
	y, err := initLayout(rows, n, d, o)
	if err != nil {
		return nil, err
	}
	grad := make([]float64, 2*n)
	update := make([]float64, 2*n)
	gains := make([]float64, 2*n)
	for i := range gains {
		gains[i] = 1
	}
	for it := range iters {
		exag, momentum := 1.0, 0.8
		if it < exaggerated {
			exag, momentum = ex, 0.5
		}
		if o.Exact {
			gradient(grad, p, y, n, exag)
		} else {
			bhGradient(grad, sp, y, n, exag, theta, &tree)
		}
		for i := range y {
			if (grad[i] > 0) != (update[i] > 0) {
				gains[i] += 0.2
			} else {
				gains[i] = max(gains[i]*0.8, 0.01)
			}
			update[i] = momentum*update[i] - lr*gains[i]*grad[i]
			y[i] += update[i]
		}
		centre(y, n)
		if o.Progress != nil && ((it+1)%10 == 0 || it+1 == iters) && !o.Progress(it+1, iters) {
			return nil, ErrStopped
		}
	}
	return y, nil
}

// affinities returns the symmetric joint probabilities p_ij (n × n,
// row-major, zero diagonal) for the perplexity.
func affinities(rows []float32, n, d int, perp float64) []float64 {
	p := make([]float64, n*n)
	d2 := make([]float64, n)
	target := math.Log(perp)
	for i := range n {
		xi := rows[i*d : (i+1)*d]
		for j := range n {
			var s float64
			for k, v := range rows[j*d : (j+1)*d] {
				t := float64(v) - float64(xi[k])
				s += t * t
			}
			d2[j] = s
		}
		row := p[i*n : (i+1)*n]
		calibrate(row, d2, i, target)
	}
	// Symmetrise: p_ij = (p_j|i + p_i|j) / 2n.
	for i := range n {
		for j := i + 1; j < n; j++ {
			s := (p[i*n+j] + p[j*n+i]) / float64(2*n)
			p[i*n+j], p[j*n+i] = s, s
		}
	}
	return p
}

// calibrate fills row with p_j|i ∝ exp(−β d2_j) (row[i] = 0), β found by
// bisection on the entropy H = log Σ e + β Σ p d2, to within 1e-5 of
// target (or 100 halvings).
func calibrate(row, d2 []float64, i int, target float64) {
	beta, lo, hi := 1.0, 0.0, math.Inf(1)
	// Distances are shifted by the nearest one so exp never underflows
	// all together: p is unchanged by the shift.
	minD := math.Inf(1)
	for j, v := range d2 {
		if j != i {
			minD = min(minD, v)
		}
	}
	for range 100 {
		var sum, dot float64
		for j, v := range d2 {
			if j == i {
				row[j] = 0
				continue
			}
			e := math.Exp(-beta * (v - minD))
			row[j] = e
			sum += e
			dot += e * (v - minD)
		}
		h := math.Log(sum) + beta*dot/sum
		for j := range row {
			row[j] /= sum
		}
		diff := h - target
		if math.Abs(diff) < 1e-5 {
			return
		}
		if diff > 0 { // too flat: sharpen
			lo = beta
			if math.IsInf(hi, 1) {
				beta *= 2
			} else {
				beta = (beta + hi) / 2
			}
		} else {
			hi = beta
			beta = (beta + lo) / 2
		}
	}
}

// initLayout is the starting layout (see Init).
func initLayout(rows []float32, n, d int, o TSNEOptions) ([]float64, error) {
	y := make([]float64, 2*n)
	switch o.Init {
	case InitPCA:
		if d < 2 {
			copy(y, make([]float64, 2*n))
			for i := range n {
				y[2*i] = float64(rows[i])
			}
		} else {
			pca, err := NewPCA(rows, n, d, 2)
			if err != nil {
				return nil, fmt.Errorf("t-sne: %w", err)
			}
			copy(y, pca.Points)
		}
		var s float64
		for i := range n {
			s += y[2*i] * y[2*i]
		}
		sd := math.Sqrt(s / float64(n))
		if sd == 0 {
			sd = 1
		}
		for i := range y {
			y[i] *= 1e-4 / sd
		}
	case InitRandom:
		rng := rand.New(rand.NewPCG(o.Seed, 0x7e5e))
		for i := range y {
			y[i] = 1e-4 * rng.NormFloat64()
		}
	default:
		return nil, fmt.Errorf("t-sne: unknown init %d", o.Init)
	}
	return y, nil
}

// gradient sets grad to ∂KL/∂y for P multiplied by exag.
func gradient(grad, p, y []float64, n int, exag float64) {
	clear(grad)
	rep := make([]float64, 2*n) // Σ_j num² (y_i − y_j), before the 1/Z
	var z float64
	for i := range n {
		yi0, yi1 := y[2*i], y[2*i+1]
		prow := p[i*n : (i+1)*n]
		var a0, a1, r0, r1 float64
		for j := i + 1; j < n; j++ {
			d0, d1 := yi0-y[2*j], yi1-y[2*j+1]
			num := 1 / (1 + d0*d0 + d1*d1)
			z += 2 * num
			pa := exag * prow[j] * num
			nn := num * num
			a0 += pa * d0
			a1 += pa * d1
			r0 += nn * d0
			r1 += nn * d1
			grad[2*j] -= pa * d0
			grad[2*j+1] -= pa * d1
			rep[2*j] -= nn * d0
			rep[2*j+1] -= nn * d1
		}
		grad[2*i] += a0
		grad[2*i+1] += a1
		rep[2*i] += r0
		rep[2*i+1] += r1
	}
	for i := range grad {
		grad[i] = 4 * (grad[i] - rep[i]/z)
	}
}

// centre subtracts the layout's mean.
func centre(y []float64, n int) {
	var m0, m1 float64
	for i := range n {
		m0 += y[2*i]
		m1 += y[2*i+1]
	}
	m0 /= float64(n)
	m1 /= float64(n)
	for i := range n {
		y[2*i] -= m0
		y[2*i+1] -= m1
	}
}
