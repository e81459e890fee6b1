package data

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func isPermutation(p []int) bool {
	seen := make([]bool, len(p))
	for _, v := range p {
		if v < 0 || v >= len(p) || seen[v] {
			return false
		}
		seen[v] = true
	}
	return true
}

func TestPermutationIsPermutation(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3, 10, 1000, 60000} {
		p := Permutation(n, 7, 3)
		if len(p) != n || !isPermutation(p) {
			t.Fatalf("n=%d: not a permutation of 0..n-1", n)
		}
	}
	if p := Permutation(-5, 1, 0); len(p) != 0 {
		t.Fatalf("n=-5 gave %v", p)
	}
}

// The shuffle must be the same on every run and every platform (native and
// wasm), so a model shared by URL retrains identically. These indices were
// computed once (natively) and pin that.
func TestPermutationGolden(t *testing.T) {
	want := []int{2, 6, 0, 7, 1, 8, 9, 3, 4, 5}
	if got := Permutation(10, 42, 0); !slices.Equal(got, want) {
		t.Fatalf("Permutation(10, 42, 0) = %v, want %v", got, want)
	}
	want = []int{48385, 5456, 41844, 27837, 12444, 31195, 56315, 16399}
	if got := Permutation(60000, 1, 5)[:8]; !slices.Equal(got, want) {
		t.Fatalf("Permutation(60000, 1, 5)[:8] = %v, want %v", got, want)
	}
}

func TestPermutationDependsOnSeedAndEpoch(t *testing.T) {
	base := Permutation(100, 1, 0)
	if !slices.Equal(base, Permutation(100, 1, 0)) {
		t.Fatal("same seed and epoch gave different orders")
	}
	if slices.Equal(base, Permutation(100, 2, 0)) {
		t.Fatal("a different seed gave the same order")
	}
	if slices.Equal(base, Permutation(100, 1, 1)) {
		t.Fatal("a different epoch gave the same order")
	}
}

// Every element must be equally likely to land first: over 8000 epochs of
// n=4 each lands first about 2000 times. (A classic bug — swapping with any
// index 0..n-1 instead of 0..i — fails this.) Deterministic, not flaky.
func TestPermutationUniform(t *testing.T) {
	const n, epochs = 4, 8000
	var first [n]int
	for e := range epochs {
		first[Permutation(n, 99, e)[0]]++
	}
	for v, c := range first {
		if c < 1800 || c > 2200 {
			t.Fatalf("element %d came first %d times of %d, want about %d: %v", v, c, epochs, epochs/n, first)
		}
	}
}

func TestUniformInRange(t *testing.T) {
	src := rand.NewPCG(1, 2)
	for _, bound := range []uint64{1, 2, 3, 7, 1 << 40, 1<<63 + 1} {
		for range 1000 {
			if v := uniform(src, bound); v >= bound {
				t.Fatalf("uniform(%d) = %d", bound, v)
			}
		}
	}
}
