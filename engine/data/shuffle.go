package data

import (
	"math/bits"
	"math/rand/v2"
)

// shuffleStream is the PCG stream constant for shuffling; the epoch is added
// to it so that every (seed, epoch) pair gets its own independent sequence.
const shuffleStream = 0x53485546464c45 // "SHUFFLE"

// Permutation returns a random ordering of 0..n-1 that depends only on
// (seed, epoch): the same on every run and on every platform (native and
// wasm), so a seed fixes the order in which every epoch visits the data.
//
// It is the Fisher–Yates shuffle: for i = n-1 down to 1, swap element i
// with a uniformly chosen element j in 0..i. The random numbers come from a
// PCG generator (math/rand/v2) seeded with (seed, shuffleStream+epoch); j is
// drawn with Lemire's multiply-and-reject method on PCG's raw 64-bit output,
// so the result does not depend on how the standard library maps random
// bits to ranges.
func Permutation(n int, seed int64, epoch int) []int {
	if n < 0 {
		n = 0
	}
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	src := rand.NewPCG(uint64(seed), shuffleStream+uint64(epoch))
	for i := n - 1; i > 0; i-- {
		j := int(uniform(src, uint64(i+1)))
		p[i], p[j] = p[j], p[i]
	}
	return p
}

// uniform draws an integer uniformly from 0..bound-1 (bound > 0).
// Lemire (2019): the high word of r·bound is uniform once the low word
// avoids the first (2^64 mod bound) values, which are rejected.
func uniform(src *rand.PCG, bound uint64) uint64 {
	hi, lo := bits.Mul64(src.Uint64(), bound)
	if lo < bound {
		threshold := -bound % bound // 2^64 mod bound
		for lo < threshold {
			hi, lo = bits.Mul64(src.Uint64(), bound)
		}
	}
	return hi
}
