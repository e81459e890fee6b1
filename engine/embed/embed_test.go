package embed

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// anisotropic draws n points of d values with very different spreads per
// direction, rotated so no axis is a principal one.
func anisotropic(n, d int, seed uint64) []float32 {
	rng := rand.New(rand.NewPCG(seed, 3))
	rot := make([]float64, d*d)
	for i := range rot {
		rot[i] = rng.NormFloat64()
	}
	orthonormalise(rot, d, d)
	rows := make([]float32, n*d)
	for i := range n {
		for a := range d {
			z := rng.NormFloat64() * 10 / float64(a+1) // spreads 10, 5, 3.3, …
			for j := range d {
				rows[i*d+j] += float32(z * rot[a*d+j])
			}
		}
		for j := range d {
			rows[i*d+j] += float32(j) // an offset, which the mean removes
		}
	}
	return rows
}

// TestPCAAgainstCovarianceEigen compares NewPCA with a brute-force
// decomposition: the covariance matrix formed explicitly and diagonalised
// by gonum's EigenSym (LAPACK's dsyev), for points with more dimensions
// than points too.
func TestPCAAgainstCovarianceEigen(t *testing.T) {
	for _, tc := range []struct{ n, d, k int }{{300, 12, 2}, {300, 12, 5}, {20, 50, 2}, {2000, 64, 2}} {
		rows := anisotropic(tc.n, tc.d, uint64(tc.n+tc.d))
		p, err := NewPCA(rows, tc.n, tc.d, tc.k)
		if err != nil {
			t.Fatal(err)
		}
		cov := mat.NewSymDense(tc.d, nil)
		mean := make([]float64, tc.d)
		for i := range tc.n {
			for j := range tc.d {
				mean[j] += float64(rows[i*tc.d+j]) / float64(tc.n)
			}
		}
		for a := range tc.d {
			for b := a; b < tc.d; b++ {
				var s float64
				for i := range tc.n {
					s += (float64(rows[i*tc.d+a]) - mean[a]) * (float64(rows[i*tc.d+b]) - mean[b])
				}
				cov.SetSym(a, b, s/float64(tc.n-1))
			}
		}
		var eig mat.EigenSym
		if !eig.Factorize(cov, true) {
			t.Fatal("EigenSym failed")
		}
		vals := eig.Values(nil) // ascending
		var vecs mat.Dense
		eig.VectorsTo(&vecs)
		var total float64
		for _, v := range vals {
			total += v
		}
		worstVal, worstVec := 0.0, 0.0
		for c := range tc.k {
			col := tc.d - 1 - c
			want := vals[col]
			worstVal = max(worstVal, math.Abs(p.Variance[c]-want)/want)
			if math.Abs(p.Variance[c]-want) > 1e-9*want || math.Abs(p.Explained[c]-want/total) > 1e-9 {
				t.Errorf("n %d d %d: component %d variance %.12g (explained %.9g), eigenvalue %.12g (%.9g)", tc.n, tc.d, c, p.Variance[c], p.Explained[c], want, want/total)
			}
			var dot float64
			best := 0
			for j := range tc.d {
				dot += p.Components[c][j] * vecs.At(j, col)
				if math.Abs(p.Components[c][j]) > math.Abs(p.Components[c][best]) {
					best = j
				}
			}
			worstVec = max(worstVec, 1-math.Abs(dot))
			if math.Abs(math.Abs(dot)-1) > 1e-9 {
				t.Errorf("n %d d %d: component %d · eigenvector = %.12g, want ±1", tc.n, tc.d, c, dot)
			}
			if p.Components[c][best] <= 0 {
				t.Errorf("n %d d %d: component %d's largest entry %v is not positive", tc.n, tc.d, c, p.Components[c][best])
			}
			for i := range tc.n {
				var s float64
				for j := range tc.d {
					s += (float64(rows[i*tc.d+j]) - mean[j]) * p.Components[c][j]
				}
				if math.Abs(p.Points[i*tc.k+c]-s) > 1e-9*(1+math.Abs(s)) {
					t.Fatalf("n %d d %d: point %d coordinate %d = %v, projection %v", tc.n, tc.d, i, c, p.Points[i*tc.k+c], s)
				}
			}
		}
		t.Logf("n %d, d %d, k %d: eigenvalues within %.1e relative, |cos| of eigenvectors within %.1e of 1", tc.n, tc.d, tc.k, worstVal, worstVec)
	}
}

// TestPCASignIsDeterministic: negating the data's direction does not flip
// the picture: the sign rule fixes each component.
func TestPCASignIsDeterministic(t *testing.T) {
	rows := anisotropic(100, 6, 1)
	a, err := NewPCA(rows, 100, 6, 2)
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewPCA(rows, 100, 6, 2)
	if err != nil {
		t.Fatal(err)
	}
	for i := range a.Points {
		if a.Points[i] != b.Points[i] {
			t.Fatal("two PCAs of the same points differ")
		}
	}
}

func TestPCAErrors(t *testing.T) {
	rows := anisotropic(10, 3, 1)
	for _, tc := range []struct {
		rows    []float32
		n, d, k int
	}{{rows, 10, 3, 4}, {rows, 10, 3, 0}, {rows, 9, 3, 2}, {rows[:3], 1, 3, 1}, {append(rows[:29:29], float32(math.Inf(1))), 10, 3, 2}} {
		if _, err := NewPCA(tc.rows, tc.n, tc.d, tc.k); err == nil {
			t.Errorf("n %d d %d k %d (%d values) was accepted", tc.n, tc.d, tc.k, len(tc.rows))
		}
	}
}

// kl is KL(P‖Q) for the layout y, with P exaggerated by exag.
func kl(p, y []float64, n int, exag float64) float64 {
	var z float64
	for i := range n {
		for j := range n {
			if i != j {
				d0, d1 := y[2*i]-y[2*j], y[2*i+1]-y[2*j+1]
				z += 1 / (1 + d0*d0 + d1*d1)
			}
		}
	}
	var s float64
	for i := range n {
		for j := range n {
			if pij := exag * p[i*n+j]; i != j && pij > 0 {
				d0, d1 := y[2*i]-y[2*j], y[2*i+1]-y[2*j+1]
				s += pij * math.Log(pij/((1/(1+d0*d0+d1*d1))/z))
			}
		}
	}
	return s
}

// TestTSNEGradient checks the gradient against central differences of the
// KL divergence, exaggeration's effect on it, and the calibrated rows'
// perplexity.
func TestTSNEGradient(t *testing.T) {
	const n, d = 15, 4
	rows := anisotropic(n, d, 5)
	p := affinities(rows, n, d, 4)
	// Each row p_·|i had perplexity 4: recompute one before symmetrising.
	d2 := make([]float64, n)
	row := make([]float64, n)
	for j := range n {
		for k := range d {
			v := float64(rows[j*d+k] - rows[k])
			d2[j] += v * v
		}
	}
	calibrate(row, d2, 0, math.Log(4))
	var h float64
	for _, v := range row {
		if v > 0 {
			h -= v * math.Log(v)
		}
	}
	if math.Abs(math.Exp(h)-4) > 1e-3 {
		t.Errorf("row 0's perplexity is %v, want 4", math.Exp(h))
	}
	rng := rand.New(rand.NewPCG(1, 1))
	y := make([]float64, 2*n)
	for i := range y {
		y[i] = rng.NormFloat64()
	}
	grad := make([]float64, 2*n)
	gradient(grad, p, y, n, 1)
	for i := range y {
		old := y[i]
		y[i] = old + 1e-6
		plus := kl(p, y, n, 1)
		y[i] = old - 1e-6
		minus := kl(p, y, n, 1)
		y[i] = old
		if num := (plus - minus) / 2e-6; math.Abs(num-grad[i]) > 1e-6*(1+math.Abs(num)) {
			t.Errorf("∂KL/∂y[%d] = %.9g, numerically %.9g", i, grad[i], num)
		}
	}
	// Exaggeration multiplies the attractive part only: the gradient with
	// exag is the plain one plus (exag − 1)·4Σ_j p_ij num_ij (y_i − y_j).
	ex := make([]float64, 2*n)
	gradient(ex, p, y, n, 12)
	for i := range n {
		var a0 float64
		for j := range n {
			if j != i {
				d0, d1 := y[2*i]-y[2*j], y[2*i+1]-y[2*j+1]
				a0 += 4 * p[i*n+j] / (1 + d0*d0 + d1*d1) * d0
			}
		}
		if want := grad[2*i] + 11*a0; math.Abs(ex[2*i]-want) > 1e-12*(1+math.Abs(want)) {
			t.Errorf("exaggerated ∂/∂y[%d] = %.12g, want %.12g", 2*i, ex[2*i], want)
		}
	}
}

// clusters draws k well-separated Gaussian clusters of per points in d
// dimensions: centres 20 apart per axis, spread 1.
func clusters(k, per, d int, seed uint64) (rows []float32, labels []int) {
	rng := rand.New(rand.NewPCG(seed, 9))
	centres := make([]float64, k*d)
	for i := range centres {
		centres[i] = 20 * rng.NormFloat64()
	}
	for c := range k {
		for range per {
			for j := range d {
				rows = append(rows, float32(centres[c*d+j]+rng.NormFloat64()))
			}
			labels = append(labels, c)
		}
	}
	return rows, labels
}

// TestTSNEKeepsClustersApart: three well-separated clusters in 20
// dimensions stay apart in the embedding: every point is nearer its own
// cluster's centre than any other's, and the closest two centres are
// further apart than three times the widest cluster's RMS radius.
func TestTSNEKeepsClustersApart(t *testing.T) {
	const k, per, d = 3, 40, 20
	rows, labels := clusters(k, per, d, 4)
	for _, exact := range []bool{false, true} {
		clustersApart(t, rows, labels, exact)
	}
}

func clustersApart(t *testing.T, rows []float32, labels []int, exact bool) {
	const k, per, d = 3, 40, 20
	n := k * per
	calls := 0
	y, err := TSNE(rows, n, d, TSNEOptions{Exact: exact, Perplexity: 15, Iterations: 500, Progress: func(done, total int) bool {
		calls++
		if total != 500 || done != 10*calls {
			t.Errorf("progress %d of %d at call %d", done, total, calls)
		}
		return true
	}})
	if err != nil {
		t.Fatal(err)
	}
	if calls != 50 {
		t.Errorf("progress called %d times, want 50", calls)
	}
	cent := make([]float64, 2*k)
	for i, c := range labels {
		cent[2*c] += y[2*i] / per
		cent[2*c+1] += y[2*i+1] / per
	}
	radius := 0.0
	for c := range k {
		var s float64
		for i, l := range labels {
			if l == c {
				s += sq(y[2*i]-cent[2*c]) + sq(y[2*i+1]-cent[2*c+1])
			}
		}
		radius = max(radius, math.Sqrt(s/per))
	}
	gap := math.Inf(1)
	for a := range k {
		for b := a + 1; b < k; b++ {
			gap = min(gap, math.Sqrt(sq(cent[2*a]-cent[2*b])+sq(cent[2*a+1]-cent[2*b+1])))
		}
	}
	for i, l := range labels {
		for c := range k {
			if c != l && sq(y[2*i]-cent[2*c])+sq(y[2*i+1]-cent[2*c+1]) <= sq(y[2*i]-cent[2*l])+sq(y[2*i+1]-cent[2*l+1]) {
				t.Errorf("point %d of cluster %d is as near cluster %d's centre", i, l, c)
			}
		}
	}
	if gap < 3*radius {
		t.Errorf("closest cluster centres %.3g apart, widest cluster radius %.3g: not separated", gap, radius)
	}
	t.Logf("exact %v: 3 clusters of 40 in 20-D: closest centres %.2f apart, widest RMS radius %.2f (ratio %.1f)", exact, gap, radius, gap/radius)

	// Deterministic: the same run gives the same bits; a random start
	// depends on its seed only.
	again, err := TSNE(rows, n, d, TSNEOptions{Exact: exact, Perplexity: 15, Iterations: 500})
	if err != nil {
		t.Fatal(err)
	}
	for i := range y {
		if y[i] != again[i] {
			t.Fatalf("two runs differ at %d: %v vs %v", i, y[i], again[i])
		}
	}
	r1, _ := TSNE(rows, n, d, TSNEOptions{Exact: exact, Perplexity: 15, Iterations: 20, Init: InitRandom, Seed: 1})
	r2, _ := TSNE(rows, n, d, TSNEOptions{Exact: exact, Perplexity: 15, Iterations: 20, Init: InitRandom, Seed: 1})
	r3, _ := TSNE(rows, n, d, TSNEOptions{Exact: exact, Perplexity: 15, Iterations: 20, Init: InitRandom, Seed: 2})
	same, differ := true, false
	for i := range r1 {
		same = same && r1[i] == r2[i]
		differ = differ || r1[i] != r3[i]
	}
	if !same || !differ {
		t.Errorf("random starts: seed 1 twice same = %v, seeds 1 and 2 differ = %v", same, differ)
	}
}

func sq(x float64) float64 { return x * x }

// TestTSNEStops: a progress callback returning false stops the run.
func TestTSNEStops(t *testing.T) {
	rows, _ := clusters(2, 10, 3, 1)
	calls := 0
	_, err := TSNE(rows, 20, 3, TSNEOptions{Perplexity: 5, Progress: func(done, total int) bool {
		calls++
		return done < 30
	}})
	if err != ErrStopped || calls != 3 {
		t.Errorf("stopped after %d calls with %v; want 3 calls and ErrStopped", calls, err)
	}
	for _, o := range []TSNEOptions{{Perplexity: 7}, {Perplexity: 5, Iterations: -1}, {Perplexity: 5, LearningRate: math.NaN()}, {Perplexity: 5, Exaggeration: 0.5}} {
		if _, err := TSNE(rows, 20, 3, o); err == nil {
			t.Errorf("options %+v were accepted", o)
		}
	}
}

// BenchmarkTSNE2000 is the embedding view's size: 2,000 points of a
// 64-unit hidden layer, 750 iterations, Barnes-Hut and exact.
func BenchmarkTSNE2000(b *testing.B) {
	rows, _ := clusters(10, 200, 64, 1)
	for _, exact := range []bool{false, true} {
		b.Run(map[bool]string{false: "barnes-hut", true: "exact"}[exact], func(b *testing.B) {
			for b.Loop() {
				if _, err := TSNE(rows, 2000, 64, TSNEOptions{Exact: exact}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// dense is the sparse P as an n × n matrix.
func dense(p *sparseP, n int) []float64 {
	m := make([]float64, n*n)
	for i := range n {
		for e := p.start[i]; e < p.start[i+1]; e++ {
			m[i*n+int(p.col[e])] = p.val[e]
		}
	}
	return m
}

// TestBarnesHut: the sparse P is symmetric, sums to 1 and keeps each
// point's 3·perplexity nearest neighbours; with θ → 0 the Barnes-Hut
// gradient is the exact one for that P, and at the default θ close to it.
func TestBarnesHut(t *testing.T) {
	const n, d, perp = 300, 10, 5
	rows, _ := clusters(3, n/3, d, 8)
	p := sparseAffinities(rows, n, d, perp)
	m := dense(p, n)
	var sum float64
	for i := range n {
		if got := p.start[i+1] - p.start[i]; got < 15 {
			t.Fatalf("row %d has %d entries; want at least its 15 neighbours", i, got)
		}
		for j := range n {
			sum += m[i*n+j]
			if m[i*n+j] != m[j*n+i] || m[i*n+i] != 0 {
				t.Fatalf("P is not symmetric with a zero diagonal at (%d, %d)", i, j)
			}
		}
	}
	if math.Abs(sum-1) > 1e-12 || len(p.col) > 2*n*15 {
		t.Errorf("Σ P = %v (want 1), %d entries (at most %d)", sum, len(p.col), 2*n*15)
	}
	rng := rand.New(rand.NewPCG(4, 4))
	y := make([]float64, 2*n)
	for i := range y {
		y[i] = 3 * rng.NormFloat64()
	}
	y[2], y[3] = y[0], y[1] // two points in the same place
	want := make([]float64, 2*n)
	gradient(want, m, y, n, 12)
	var tree quadtree
	for _, tc := range []struct{ theta, tol float64 }{{1e-9, 1e-10}, {DefaultTheta, 0.05}} {
		got := make([]float64, 2*n)
		bhGradient(got, p, y, n, 12, tc.theta, &tree)
		var diff, norm float64
		for i := range got {
			diff += sq(got[i] - want[i])
			norm += sq(want[i])
		}
		rel := math.Sqrt(diff / norm)
		if rel > tc.tol {
			t.Errorf("θ = %v: ‖Barnes-Hut − exact‖/‖exact‖ = %.3g, want ≤ %v", tc.theta, rel, tc.tol)
		}
		t.Logf("θ = %v: gradient within %.2g of the exact one (relative L2)", tc.theta, rel)
	}
}
