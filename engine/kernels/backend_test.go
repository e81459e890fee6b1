package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
)

// TestBackendInUse: the backend is one that Backends lists, and, when the
// test runner says which one it loaded (NNPLAY_KERNELS, set by
// nodeexec/go_js_wasm_exec), it is that one, so a SIMD run cannot quietly
// fall back to Go.
func TestBackendInUse(t *testing.T) {
	got := Backend()
	if !slices.Contains(Backends(), got) {
		t.Fatalf("Backend() = %q, not in Backends() = %v", got, Backends())
	}
	if want := os.Getenv("NNPLAY_KERNELS"); want != "" && got != want {
		t.Fatalf("Backend() = %q, but the runner set NNPLAY_KERNELS=%q", got, want)
	}
	if last := Backends()[len(Backends())-1]; last != "go" {
		t.Fatalf("Backends() = %v: want go last", Backends())
	}
}

func TestSetBackend(t *testing.T) {
	defer SetBackend("auto")
	fastest := Backends()[0]
	if err := SetBackend("go"); err != nil {
		t.Fatal(err)
	}
	if got := Backend(); got != "go" {
		t.Fatalf(`after SetBackend("go"), Backend() = %q`, got)
	}
	if err := SetBackend("auto"); err != nil {
		t.Fatal(err)
	}
	if got := Backend(); got != fastest {
		t.Fatalf(`after SetBackend("auto"), Backend() = %q, want %q`, got, fastest)
	}
	SetBackend("go")
	if err := SetBackend(fastest); err != nil || Backend() != fastest {
		t.Fatalf("SetBackend(%q) = %v, Backend() = %q", fastest, err, Backend())
	}
	err := SetBackend("cuda")
	if err == nil || !strings.Contains(err.Error(), `backend "cuda" is not available`) {
		t.Fatalf(`SetBackend("cuda") = %v, want an error naming it`, err)
	}
	if Backend() != fastest {
		t.Fatalf("a rejected SetBackend changed the backend to %q", Backend())
	}
}

// TestBackendsMatchGemmGo runs every backend available here (the SIMD
// module under nodeexec, gonum natively) against GemmGo and wants the same
// bits: each kernel adds the rounded products alpha·A·B to beta·C in the
// order p = 0…k-1 and without FMA. Sizes cover the kernel's edges (m not a
// multiple of its 4 rows, n not a multiple of 8 or 4, k = 1), tiny and
// larger than a cache-sized block; strides are padded and the padding must
// stay untouched.
func TestBackendsMatchGemmGo(t *testing.T) {
	defer SetBackend("auto")
	sizes := [][3]int{
		{1, 1, 1}, {1, 9, 3}, {2, 3, 1}, {3, 7, 2}, {4, 4, 4}, {5, 8, 1}, {4, 12, 9},
		{7, 13, 5}, {9, 10, 64}, {13, 30, 37}, {31, 17, 33}, {64, 10, 128},
		{33, 67, 129}, {130, 150, 200}, {128, 128, 784},
	}
	coeffs := [][2]float32{{1, 0}, {1, 1}, {0.7, 0.3}, {-2, 0}, {0.5, 1}, {0, 0.5}, {1, -1}}
	rng := rand.New(rand.NewPCG(7, 8))
	for _, backend := range Backends() {
		if err := SetBackend(backend); err != nil {
			t.Fatal(err)
		}
		for _, sz := range sizes {
			for _, tA := range []bool{false, true} {
				for _, tB := range []bool{false, true} {
					for ci, ab := range coeffs {
						if sz[0]*sz[1]*sz[2] > 1e5 && ci > 2 { // big: fewer coefficient pairs
							continue
						}
						name := fmt.Sprintf("%s %v tA=%v tB=%v alpha=%g beta=%g", backend, sz, tA, tB, ab[0], ab[1])
						checkAgainstGemmGo(t, name, rng, sz[0], sz[1], sz[2], tA, tB, ab[0], ab[1])
					}
				}
			}
		}
	}
}

// checkAgainstGemmGo runs Gemm and GemmGo on the same random operands
// (padded strides; a NaN in C when beta is 0, which must not leak) and
// fails on the first element whose bits differ.
func checkAgainstGemmGo(t *testing.T, name string, rng *rand.Rand, m, n, k int, tA, tB bool, alpha, beta float32) {
	t.Helper()
	lda, ldb, ldc := k+1, n+2, n+3
	ra, rb := m, k
	if tA {
		lda, ra = m+3, k
	}
	if tB {
		ldb, rb = k+2, n
	}
	a, b, c := randSlice(rng, ra*lda), randSlice(rng, rb*ldb), randSlice(rng, m*ldc)
	if beta == 0 {
		c[0] = float32(math.NaN())
	}
	want := slices.Clone(c)
	GemmGo(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, want, ldc)
	Gemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	for i := range c {
		if math.Float32bits(c[i]) != math.Float32bits(want[i]) {
			t.Fatalf("%s: C[%d][%d] = %g (%#x), GemmGo %g (%#x)", name, i/ldc, i%ldc,
				c[i], math.Float32bits(c[i]), want[i], math.Float32bits(want[i]))
		}
	}
}

// TestGemmDeterministic: the same call twice, on fresh copies, gives the
// same bits on every backend (scratch memory reused between calls must not
// leak into results).
func TestGemmDeterministic(t *testing.T) {
	defer SetBackend("auto")
	rng := rand.New(rand.NewPCG(9, 10))
	m, n, k := 37, 45, 53
	a, b, c0 := randSlice(rng, m*k), randSlice(rng, n*k), randSlice(rng, m*n)
	for _, backend := range Backends() {
		SetBackend(backend)
		var first []float32
		for run := 0; run < 3; run++ {
			c := slices.Clone(c0)
			Gemm(false, true, m, n, k, 0.9, a, k, b, k, 0.5, c, n)
			// A different call in between reuses the scratch buffer.
			Gemm(true, true, 5, 6, 7, 1, randSlice(rng, 35), 5, randSlice(rng, 42), 7, 0, make([]float32, 30), 6)
			if first == nil {
				first = c
				continue
			}
			for i := range c {
				if math.Float32bits(c[i]) != math.Float32bits(first[i]) {
					t.Fatalf("%s run %d: element %d = %g, first run %g", backend, run, i, c[i], first[i])
				}
			}
		}
	}
}

// TestGemmSpecialValues: Inf and NaN in A or B propagate as in GemmGo,
// and signed zeros come out the same (beta = 0 writes +0 before adding).
func TestGemmSpecialValues(t *testing.T) {
	defer SetBackend("auto")
	inf, nan := float32(math.Inf(1)), float32(math.NaN())
	m, n, k := 5, 9, 6
	a := make([]float32, m*k)
	b := make([]float32, k*n)
	for i := range a {
		a[i] = float32(i%3) - 1
	}
	for i := range b {
		b[i] = -float32(i % 2) // -0 and -1
	}
	a[3], b[10], b[20] = inf, nan, -inf
	for _, backend := range Backends() {
		SetBackend(backend)
		c := make([]float32, m*n)
		want := make([]float32, m*n)
		GemmGo(false, false, m, n, k, 1, a, k, b, n, 0, want, n)
		Gemm(false, false, m, n, k, 1, a, k, b, n, 0, c, n)
		for i := range c {
			same := math.Float32bits(c[i]) == math.Float32bits(want[i]) || (c[i] != c[i] && want[i] != want[i])
			if !same {
				t.Fatalf("%s: element %d = %g, GemmGo %g", backend, i, c[i], want[i])
			}
		}
	}
}

// TestGemmAfterMemoryGrows: under js/wasm the SIMD module shares Go's
// memory object, so it must see data allocated after memory grew (a
// module that captured the old buffer would read stale or out of bounds).
func TestGemmAfterMemoryGrows(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	Gemm(false, false, 4, 8, 4, 1, randSlice(rng, 16), 4, randSlice(rng, 32), 8, 0, make([]float32, 32), 8)
	big := make([]float32, 48<<20) // 192 MiB: Go must grow its memory
	m, n, k := 9, 11, 13
	a, b := big[len(big)-m*k:], big[len(big)-m*k-k*n:len(big)-m*k]
	copy(a, randSlice(rng, m*k))
	copy(b, randSlice(rng, k*n))
	c, want := make([]float32, m*n), make([]float32, m*n)
	GemmGo(false, false, m, n, k, 1, a, k, b, n, 0, want, n)
	Gemm(false, false, m, n, k, 1, a, k, b, n, 0, c, n)
	if !slices.Equal(c, want) {
		t.Fatalf("after growing memory: Gemm = %v, GemmGo %v", c[:4], want[:4])
	}
}
