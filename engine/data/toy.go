package data

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
)

// ToyKinds are the 2-D classification sets of TensorFlow Playground.
var ToyKinds = []string{"circle", "xor", "gauss", "spiral"}

// ToyOptions configure a toy data set.
type ToyOptions struct {
	N             int     // points in all, 10..10000
	Noise         float64 // 0..0.5, like the playground's 0..50%
	Classes       int     // 2; spiral takes 2..5 (one arm per class)
	TrainFraction float64 // share of the points in the training set, 0.1..0.9
	Seed          int64   // fixes the points and the split
}

// DefaultToyOptions are the playground's defaults: 500 points, no noise,
// half of them for training.
func DefaultToyOptions() ToyOptions {
	return ToyOptions{N: 500, Noise: 0, Classes: 2, TrainFraction: 0.5, Seed: 1}
}

// toyRadius bounds every toy point: all lie in [-toyRadius, toyRadius]².
const toyRadius = 6

// toyStream is the PCG stream constant for toy data.
const toyStream = 0x544f59 // "TOY"

// point is one labelled 2-D example.
type point struct {
	x, y  float64
	label int
}

// Toy generates a toy set (circle, xor, gauss or spiral), shuffles it and
// splits it into train and test sets of Shape [2] (X holds x, y per point)
// with labels 0..Classes-1. The same options always give the same sets.
func Toy(kind string, o ToyOptions) (train, test *Set, err error) {
	if err := o.validate(kind); err != nil {
		return nil, nil, err
	}
	rng := rand.New(rand.NewPCG(uint64(o.Seed), toyStream))
	var pts []point
	switch kind {
	case "circle":
		pts = toyCircle(rng, o.N, o.Noise)
	case "xor":
		pts = toyXOR(rng, o.N, o.Noise)
	case "gauss":
		pts = toyGauss(rng, o.N, o.Noise)
	case "spiral":
		pts = toySpiral(rng, o.N, o.Noise, o.Classes)
	}

	// The generators emit points class by class; shuffle before splitting.
	all := &Set{X: make([]float32, 2*o.N), Labels: make([]int, o.N), Shape: []int{2}, Classes: o.Classes}
	for i, j := range rng.Perm(o.N) {
		p := pts[j]
		all.X[2*i], all.X[2*i+1] = float32(p.x), float32(p.y)
		all.Labels[i] = p.label
	}
	nTrain := int(math.Round(float64(o.N) * o.TrainFraction))
	nTrain = min(max(nTrain, 1), o.N-1) // both sets non-empty
	train, test = all.Slice(0, nTrain), all.Slice(nTrain, o.N)
	train.Name, test.Name = kind+"-train", kind+"-test"
	return train, test, nil
}

func (o ToyOptions) validate(kind string) error {
	known := false
	for _, k := range ToyKinds {
		known = known || k == kind
	}
	switch {
	case !known:
		return fmt.Errorf("toy data: unknown kind %q (want %s)", kind, strings.Join(ToyKinds, ", "))
	case kind == "spiral" && (o.Classes < 2 || o.Classes > 5):
		return fmt.Errorf("toy data spiral: classes must be 2..5, got %d", o.Classes)
	case kind != "spiral" && o.Classes != 2:
		return fmt.Errorf("toy data %s: classes must be 2, got %d (only spiral takes more)", kind, o.Classes)
	case o.N < 10 || o.N > 10000:
		return fmt.Errorf("toy data %s: number of points must be 10..10000, got %d", kind, o.N)
	case !(o.Noise >= 0 && o.Noise <= 0.5): // also rejects NaN
		return fmt.Errorf("toy data %s: noise must be in [0, 0.5], got %g", kind, o.Noise)
	case !(o.TrainFraction >= 0.1 && o.TrainFraction <= 0.9):
		return fmt.Errorf("toy data %s: train fraction must be in [0.1, 0.9], got %g", kind, o.TrainFraction)
	}
	return nil
}

// classSizes splits n points over k classes as evenly as possible.
func classSizes(n, k int) []int {
	s := make([]int, k)
	for c := range s {
		s[c] = n / k
		if c < n%k {
			s[c]++
		}
	}
	return s
}

// uniformIn draws uniformly from [a, b).
func uniformIn(rng *rand.Rand, a, b float64) float64 { return a + (b-a)*rng.Float64() }

// toyCircle: a disc of radius 2.5 (class 1) inside a ring 3.5..5 (class 0).
// A point's class is whether it lies within radius 2.5 after a noise offset
// of up to ±5·noise per coordinate, so noise blurs the boundary.
func toyCircle(rng *rand.Rand, n int, noise float64) []point {
	const radius = 5
	sizes := classSizes(n, 2)
	pts := make([]point, 0, n)
	ring := func(count int, rMin, rMax float64) {
		for range count {
			r := uniformIn(rng, rMin, rMax)
			angle := uniformIn(rng, 0, 2*math.Pi)
			x, y := r*math.Sin(angle), r*math.Cos(angle)
			nx := uniformIn(rng, -radius, radius) * noise
			ny := uniformIn(rng, -radius, radius) * noise
			label := 0
			if math.Hypot(x+nx, y+ny) < radius/2.0 {
				label = 1
			}
			pts = append(pts, point{x, y, label})
		}
	}
	ring(sizes[1], 0, radius*0.5)
	ring(sizes[0], radius*0.7, radius)
	return pts
}

// toyXOR: uniform points in [-5,5]², pushed 0.3 away from the axes; class 1
// where x·y ≥ 0 (first and third quadrants), judged after a noise offset
// of up to ±5·noise per coordinate.
func toyXOR(rng *rand.Rand, n int, noise float64) []point {
	const half, padding = 5, 0.3
	pad := func(v float64) float64 {
		if v > 0 {
			return v + padding
		}
		return v - padding
	}
	pts := make([]point, n)
	for i := range pts {
		x := pad(uniformIn(rng, -half, half))
		y := pad(uniformIn(rng, -half, half))
		nx := uniformIn(rng, -half, half) * noise
		ny := uniformIn(rng, -half, half) * noise
		label := 0
		if (x+nx)*(y+ny) >= 0 {
			label = 1
		}
		pts[i] = point{x, y, label}
	}
	return pts
}

// toyGauss: two normal clusters, class 1 around (2, 2) and class 0 around
// (-2, -2). Noise widens them: the variance goes linearly from 0.5 at
// noise 0 to 4 at noise 0.5. Points falling outside [-6,6]² are redrawn.
func toyGauss(rng *rand.Rand, n int, noise float64) []point {
	variance := 0.5 + noise/0.5*3.5
	sd := math.Sqrt(variance)
	sizes := classSizes(n, 2)
	pts := make([]point, 0, n)
	cluster := func(count int, cx, cy float64, label int) {
		for range count {
			for {
				x, y := cx+sd*normal(rng), cy+sd*normal(rng)
				if math.Abs(x) <= toyRadius && math.Abs(y) <= toyRadius {
					pts = append(pts, point{x, y, label})
					break
				}
			}
		}
	}
	cluster(sizes[1], 2, 2, 1)
	cluster(sizes[0], -2, -2, 0)
	return pts
}

// normal draws from N(0, 1) by the Marsaglia polar method: pick (v1, v2)
// uniformly in the unit disc, then v1·sqrt(-2·ln s / s) with s = v1²+v2².
func normal(rng *rand.Rand) float64 {
	for {
		v1, v2 := uniformIn(rng, -1, 1), uniformIn(rng, -1, 1)
		s := v1*v1 + v2*v2
		if s > 0 && s < 1 {
			return v1 * math.Sqrt(-2*math.Log(s)/s)
		}
	}
}

// toySpiral: k interleaved spiral arms, one per class. Point i of an arm
// with m points sits at f = (i+½)/m of the way out, at radius r = 5·f and
// angle t = 1.75 turns · f + 2π·class/k, at (r·sin t, r·cos t), jittered by
// up to ±noise per coordinate. With k = 2 this is the playground's two-arm
// spiral, except that the half step keeps the arms from all starting on
// the same point (0, 0) with different labels.
func toySpiral(rng *rand.Rand, n int, noise float64, k int) []point {
	const maxR, turns = 5, 1.75
	pts := make([]point, 0, n)
	for class, m := range classSizes(n, k) {
		offset := 2 * math.Pi * float64(class) / float64(k)
		for i := range m {
			frac := (float64(i) + 0.5) / float64(m)
			r := maxR * frac
			t := turns*2*math.Pi*frac + offset
			x := r*math.Sin(t) + uniformIn(rng, -1, 1)*noise
			y := r*math.Cos(t) + uniformIn(rng, -1, 1)*noise
			pts = append(pts, point{x, y, class})
		}
	}
	return pts
}
