package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// naiveGemm is the textbook triple loop in float64, the reference Gemm is
// checked against.
func naiveGemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) []float64 {
	out := make([]float64, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for p := 0; p < k; p++ {
				var av, bv float32
				if transA {
					av = a[p*lda+i]
				} else {
					av = a[i*lda+p]
				}
				if transB {
					bv = b[j*ldb+p]
				} else {
					bv = b[p*ldb+j]
				}
				s += float64(av) * float64(bv)
			}
			old := float64(c[i*ldc+j])
			if beta == 0 {
				old = 0
			}
			out[i*n+j] = float64(alpha)*s + float64(beta)*old
		}
	}
	return out
}

func randSlice(rng *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(rng.Float64()*2 - 1)
	}
	return s
}

// TestGemmMatchesNaive runs every transpose form on odd sizes (not
// multiples of the 4-way unrolling), padded strides, and several alpha/beta.
// Tolerance: float32 sums of k products of values in [-1, 1] carry a
// round-off of about k·2⁻²⁴ relative to the sum of |terms|; 1e-5·(k+1)
// absolute is far above that and far below any indexing mistake (~0.1).
func TestGemmMatchesNaive(t *testing.T) {
	for _, kernel := range []struct {
		name string
		gemm gemmFunc
	}{{"Gemm", Gemm}, {"GemmGo", GemmGo}} {
		t.Run(kernel.name, func(t *testing.T) { testMatchesNaive(t, kernel.gemm) })
	}
}

type gemmFunc func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int)

func testMatchesNaive(t *testing.T, gemm gemmFunc) {
	rng := rand.New(rand.NewPCG(1, 2))
	sizes := [][3]int{{1, 1, 1}, {3, 5, 7}, {4, 4, 4}, {9, 6, 13}, {17, 3, 1}, {8, 33, 20}, {2, 1, 0}}
	coeffs := [][2]float32{{1, 0}, {1, 1}, {-0.5, 2}, {2, 0.25}}
	for _, tA := range []bool{false, true} {
		for _, tB := range []bool{false, true} {
			for _, sz := range sizes {
				for _, ab := range coeffs {
					m, n, k := sz[0], sz[1], sz[2]
					name := fmt.Sprintf("tA=%v tB=%v %dx%dx%d alpha=%g beta=%g", tA, tB, m, n, k, ab[0], ab[1])
					ra, ca := m, k
					if tA {
						ra, ca = k, m
					}
					rb, cb := k, n
					if tB {
						rb, cb = n, k
					}
					lda, ldb, ldc := ca+2, cb+1, n+3 // padded strides
					a := randSlice(rng, max(ra*lda, 1))
					b := randSlice(rng, max(rb*ldb, 1))
					c := randSlice(rng, m*ldc)
					if ab[1] == 0 {
						c[0] = float32(math.NaN()) // beta = 0 must ignore old C
					}
					want := naiveGemm(tA, tB, m, n, k, ab[0], a, lda, b, ldb, ab[1], c, ldc)
					pad := append([]float32(nil), c...)
					gemm(tA, tB, m, n, k, ab[0], a, lda, b, ldb, ab[1], c, ldc)
					tol := 1e-5 * float64(k+1) * 4
					for i := 0; i < m; i++ {
						for j := 0; j < ldc; j++ {
							got := float64(c[i*ldc+j])
							if j >= n { // padding columns must be untouched
								if c[i*ldc+j] != pad[i*ldc+j] {
									t.Fatalf("%s: padding C[%d][%d] changed", name, i, j)
								}
								continue
							}
							if w := want[i*n+j]; !(math.Abs(got-w) <= tol) {
								t.Fatalf("%s: C[%d][%d] = %g, want %g", name, i, j, got, w)
							}
						}
					}
				}
			}
		}
	}
}

// transpose returns the c×r row-major transpose of the r×c matrix x.
func transpose(x []float32, r, c int) []float32 {
	t := make([]float32, r*c)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			t[j*r+i] = x[i*c+j]
		}
	}
	return t
}

// TestGemmBitExact: every transpose form gives exactly the bits of the
// plain i-k-j loop that rounds each product to float32 before adding it
// (the contract a SIMD kernel must keep), and a second call repeats them.
func TestGemmBitExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	m, n, k := 13, 30, 37
	alpha, beta := float32(0.75), float32(0.5)
	a, b, c0 := randSlice(rng, m*k), randSlice(rng, k*n), randSlice(rng, m*n)
	ref := append([]float32(nil), c0...)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			s := ref[i*n+j] * beta
			for p := 0; p < k; p++ {
				s += float32(alpha * a[i*k+p] * b[p*n+j])
			}
			ref[i*n+j] = s
		}
	}
	at, bt := transpose(a, m, k), transpose(b, k, n)
	for _, tA := range []bool{false, true} {
		for _, tB := range []bool{false, true} {
			aa, lda, bb, ldb := a, k, b, n
			if tA {
				aa, lda = at, m
			}
			if tB {
				bb, ldb = bt, k
			}
			for run, gemm := range []gemmFunc{Gemm, Gemm, GemmGo} {
				c := append([]float32(nil), c0...)
				gemm(tA, tB, m, n, k, alpha, aa, lda, bb, ldb, beta, c, n)
				for i := range c {
					if math.Float32bits(c[i]) != math.Float32bits(ref[i]) {
						t.Fatalf("tA=%v tB=%v run %d: element %d = %g, reference %g", tA, tB, run, i, c[i], ref[i])
					}
				}
			}
		}
	}
}

// TestGemmMatchesGemmGo: the platform kernel (gonum's on amd64) gives
// exactly the plain Go kernel's bits in every form, on sizes big enough for
// gonum's blocked, multi-goroutine path and with padded strides.
func TestGemmMatchesGemmGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	sizes := [][3]int{{7, 13, 5}, {64, 10, 64}, {130, 150, 200}, {200, 67, 129}}
	for _, sz := range sizes {
		for _, tA := range []bool{false, true} {
			for _, tB := range []bool{false, true} {
				for _, ab := range [][2]float32{{1, 0}, {1, 1}, {0.7, 0.3}} {
					m, n, k := sz[0], sz[1], sz[2]
					lda, ldb, ldc := k+1, n+2, n+3
					ra, rb := m, k
					if tA {
						lda, ra = m+1, k
					}
					if tB {
						ldb, rb = k+2, n
					}
					a, b, c := randSlice(rng, ra*lda), randSlice(rng, rb*ldb), randSlice(rng, m*ldc)
					want := append([]float32(nil), c...)
					GemmGo(tA, tB, m, n, k, ab[0], a, lda, b, ldb, ab[1], want, ldc)
					Gemm(tA, tB, m, n, k, ab[0], a, lda, b, ldb, ab[1], c, ldc)
					for i := range c {
						if math.Float32bits(c[i]) != math.Float32bits(want[i]) {
							t.Fatalf("%v tA=%v tB=%v alpha,beta=%v: element %d = %g, GemmGo %g", sz, tA, tB, ab, i, c[i], want[i])
						}
					}
				}
			}
		}
	}
}

func TestGemmRejectsShortSlices(t *testing.T) {
	cases := []struct {
		name string
		call func()
		want string
	}{
		{"short a", func() {
			Gemm(false, false, 2, 2, 3, 1, make([]float32, 5), 3, make([]float32, 6), 2, 0, make([]float32, 4), 2)
		}, "a has 5 elements, needs 6"},
		{"short b", func() {
			Gemm(false, true, 2, 2, 3, 1, make([]float32, 6), 3, make([]float32, 5), 3, 0, make([]float32, 4), 2)
		}, "b has 5 elements, needs 6"},
		{"small ldc", func() {
			Gemm(false, false, 2, 2, 3, 1, make([]float32, 6), 3, make([]float32, 6), 2, 0, make([]float32, 4), 1)
		}, "ldc=1 is less than its 2 columns"},
		{"negative", func() { Gemm(false, false, -1, 2, 3, 1, nil, 3, nil, 2, 0, nil, 2) }, "negative size"},
	}
	for _, tc := range cases {
		func() {
			defer func() {
				r := recover()
				if msg, _ := r.(string); !strings.Contains(msg, tc.want) {
					t.Errorf("%s: panic %v, want it to contain %q", tc.name, r, tc.want)
				}
			}()
			tc.call()
		}()
	}
}
