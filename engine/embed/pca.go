// Package embed projects points of many dimensions (a model's hidden-layer
// activations, say) to two for a scatter plot: principal component
// analysis (PCA) and t-distributed stochastic neighbour embedding (t-SNE).
//
// Points are given as rows: n × d float32 values, row-major. It holds no
// tensor code and no randomness beyond a seed, so the same points and
// options give the same picture, bit for bit, on every run of a build.
package embed

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// PCA is a principal component analysis of n points.
type PCA struct {
	// Mean is the points' mean (d values).
	Mean []float64
	// Components are the k principal directions, unit vectors of d values,
	// by decreasing variance. Each one's sign is fixed so that its entry
	// of largest magnitude is positive (the first such entry on a tie),
	// so the picture does not flip between runs or builds.
	Components [][]float64
	// Variance is the variance of the points along each component (the
	// covariance matrix's eigenvalues, with the n − 1 divisor), and
	// Explained its share of the total variance.
	Variance, Explained []float64
	// Points are the n points projected: k coordinates per point,
	// (x_i − Mean)·Components[j].
	Points []float64
}

// NewPCA finds the k leading principal components of n points of d
// values (rows, n × d) and projects the points onto them.
//
// It takes the eigenvectors of the covariance C = XᵀX/(n − 1) of the
// centred points X by subspace iteration on k + 6 vectors (Y ← C·Q,
// Q ← orthonormal basis of Y, never forming C, so d may be large) until
// their Rayleigh-Ritz values change by less than 1e-12 relatively, then
// diagonalises QᵀCQ with Jacobi rotations.
func NewPCA(rows []float32, n, d, k int) (*PCA, error) {
	if err := checkRows(rows, n, d); err != nil {
		return nil, fmt.Errorf("pca: %w", err)
	}
	if k < 1 || k > d {
		return nil, fmt.Errorf("pca: %d components asked of %d-dimensional points; use 1 to %d", k, d, d)
	}
	if n < 2 {
		return nil, fmt.Errorf("pca: %d point; give at least 2", n)
	}
	mean := make([]float64, d)
	for i := range n {
		for j, v := range rows[i*d : (i+1)*d] {
			mean[j] += float64(v)
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	x := make([]float64, n*d) // centred
	var total float64
	for i := range n {
		for j, v := range rows[i*d : (i+1)*d] {
			c := float64(v) - mean[j]
			x[i*d+j] = c
			total += c * c
		}
	}
	total /= float64(n - 1)

	m := min(k+6, d)
	rng := rand.New(rand.NewPCG(1, 2)) // a fixed start: deterministic
	q := make([]float64, d*m)          // d × m, column-major: column c at q[c*d:]
	for i := range q {
		q[i] = rng.NormFloat64()
	}
	orthonormalise(q, d, m)
	xq := make([]float64, n*m) // n × m, column-major
	var ritz []float64
	var vecs []float64
	for iter := 0; iter < 1000; iter++ {
		mulXQ(xq, x, q, n, d, m)
		b := gram(xq, n, m) // QᵀCQ·(n−1)
		vals, v := jacobiEigen(b, m)
		done := ritz != nil
		for c := 0; c < k && done; c++ {
			done = math.Abs(vals[c]-ritz[c]) <= 1e-12*math.Max(math.Abs(vals[c]), 1e-300)
		}
		ritz, vecs = vals, v
		if done {
			break
		}
		// Q ← orth(Xᵀ(XQ)).
		for c := range m {
			col := q[c*d : (c+1)*d]
			clear(col)
			xc := xq[c*n : (c+1)*n]
			for i := range n {
				if s := xc[i]; s != 0 {
					row := x[i*d : (i+1)*d]
					for j, v := range row {
						col[j] += s * v
					}
				}
			}
		}
		orthonormalise(q, d, m)
	}
	p := &PCA{Mean: mean, Points: make([]float64, n*k)}
	for c := range k {
		comp := make([]float64, d)
		for r := range m {
			if w := vecs[r*m+c]; w != 0 {
				for j := range d {
					comp[j] += w * q[r*d+j]
				}
			}
		}
		normalise(comp)
		fixSign(comp)
		variance := ritz[c] / float64(n-1)
		p.Components = append(p.Components, comp)
		p.Variance = append(p.Variance, variance)
		p.Explained = append(p.Explained, variance/total)
		for i := range n {
			var s float64
			for j, v := range x[i*d : (i+1)*d] {
				s += v * comp[j]
			}
			p.Points[i*k+c] = s
		}
	}
	return p, nil
}

// checkRows checks that rows holds n × d finite values.
func checkRows(rows []float32, n, d int) error {
	if n < 1 || d < 1 {
		return fmt.Errorf("%d points of %d values; give at least one point of at least one value", n, d)
	}
	if len(rows) != n*d {
		return fmt.Errorf("%d values given for %d points of %d (want %d)", len(rows), n, d, n*d)
	}
	for i, v := range rows {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return fmt.Errorf("point %d, value %d is %v; points must be finite", i/d, i%d, v)
		}
	}
	return nil
}

// mulXQ sets xq (n × m, column-major) to X·Q for X (n × d, row-major) and
// Q (d × m, column-major).
func mulXQ(xq, x, q []float64, n, d, m int) {
	for c := range m {
		col := q[c*d : (c+1)*d]
		for i := range n {
			var s float64
			for j, v := range x[i*d : (i+1)*d] {
				s += v * col[j]
			}
			xq[c*n+i] = s
		}
	}
}

// gram returns AᵀA (m × m, row-major) for A (n × m, column-major).
func gram(a []float64, n, m int) []float64 {
	g := make([]float64, m*m)
	for r := range m {
		for c := r; c < m; c++ {
			var s float64
			ar, ac := a[r*n:(r+1)*n], a[c*n:(c+1)*n]
			for i := range n {
				s += ar[i] * ac[i]
			}
			g[r*m+c], g[c*m+r] = s, s
		}
	}
	return g
}

// orthonormalise makes the m columns of q (d × m, column-major)
// orthonormal by modified Gram-Schmidt, twice for accuracy. A column that
// vanishes is replaced by a unit vector orthogonal to the others.
func orthonormalise(q []float64, d, m int) {
	for range 2 {
		for c := range m {
			col := q[c*d : (c+1)*d]
			for p := range c {
				prev := q[p*d : (p+1)*d]
				var dot float64
				for j := range d {
					dot += prev[j] * col[j]
				}
				for j := range d {
					col[j] -= dot * prev[j]
				}
			}
			if normalise(col) == 0 {
				for e := range d { // the first basis vector that is independent
					clear(col)
					col[e] = 1
					for p := range c {
						prev := q[p*d : (p+1)*d]
						dot := prev[e]
						for j := range d {
							col[j] -= dot * prev[j]
						}
					}
					if normalise(col) > 1e-6 {
						break
					}
				}
			}
		}
	}
}

// normalise scales v to unit length and returns its length before.
func normalise(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x * x
	}
	s = math.Sqrt(s)
	if s > 0 {
		for i := range v {
			v[i] /= s
		}
	}
	return s
}

// fixSign makes v's entry of largest magnitude positive.
func fixSign(v []float64) {
	best := 0
	for i, x := range v {
		if math.Abs(x) > math.Abs(v[best]) {
			best = i
		}
	}
	if v[best] < 0 {
		for i := range v {
			v[i] = -v[i]
		}
	}
}

// jacobiEigen diagonalises the symmetric m × m matrix a (row-major) by
// cyclic Jacobi rotations and returns its eigenvalues in decreasing order
// and the eigenvectors as the columns of v (row-major, v[r*m+c] is entry r
// of vector c).
func jacobiEigen(a []float64, m int) (vals, v []float64) {
	a = append([]float64(nil), a...)
	v = make([]float64, m*m)
	for i := range m {
		v[i*m+i] = 1
	}
	for sweep := 0; sweep < 100; sweep++ {
		var off, diag float64
		for r := range m {
			diag += a[r*m+r] * a[r*m+r]
			for c := r + 1; c < m; c++ {
				off += a[r*m+c] * a[r*m+c]
			}
		}
		if off <= 1e-30*diag || off == 0 {
			break
		}
		for p := range m {
			for q := p + 1; q < m; q++ {
				apq := a[p*m+q]
				if apq == 0 {
					continue
				}
				theta := (a[q*m+q] - a[p*m+p]) / (2 * apq)
				t := math.Copysign(1, theta) / (math.Abs(theta) + math.Sqrt(theta*theta+1))
				c := 1 / math.Sqrt(t*t+1)
				s := t * c
				for k := range m { // rotate columns p and q
					akp, akq := a[k*m+p], a[k*m+q]
					a[k*m+p], a[k*m+q] = c*akp-s*akq, s*akp+c*akq
				}
				for k := range m { // and rows p and q
					apk, aqk := a[p*m+k], a[q*m+k]
					a[p*m+k], a[q*m+k] = c*apk-s*aqk, s*apk+c*aqk
				}
				for k := range m {
					vkp, vkq := v[k*m+p], v[k*m+q]
					v[k*m+p], v[k*m+q] = c*vkp-s*vkq, s*vkp+c*vkq
				}
			}
		}
	}
	// Sort by decreasing eigenvalue (selection sort: m is small).
	vals = make([]float64, m)
	for i := range m {
		vals[i] = a[i*m+i]
	}
	for i := range m {
		best := i
		for j := i + 1; j < m; j++ {
			if vals[j] > vals[best] {
				best = j
			}
		}
		if best != i {
			vals[i], vals[best] = vals[best], vals[i]
			for r := range m {
				v[r*m+i], v[r*m+best] = v[r*m+best], v[r*m+i]
			}
		}
	}
	return vals, v
}
