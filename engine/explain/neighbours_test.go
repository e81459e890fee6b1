package explain

import (
	"math"
	"slices"
	"testing"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/nn"
)

// TestNearestEqualsBruteForce: the six nearest of 5,000 training images to
// ten test digits, in the seed MLP's 64-unit hidden layer, are those a
// brute-force computation finds: every distance from Activations (one
// example at a time), sorted by distance then index.
func TestNearestEqualsBruteForce(t *testing.T) {
	m, train, test := seedMLP(t)
	if got := HiddenLayer(m); got != 1 {
		t.Fatalf("HiddenLayer of the seed MLP = %d, want 1 (the Dense 64 relu)", got)
	}
	set := train.Slice(0, 5000)
	ix, err := NewIndex(m, set)
	if err != nil {
		t.Fatal(err)
	}
	if ix.Dim != 64 {
		t.Fatalf("index dimension %d, want 64", ix.Dim)
	}
	hidden := func(x []float32) []float32 {
		acts, err := m.Activations(tensor.New(tensor.WithShape(1, len(x)), tensor.WithBacking(x)))
		if err != nil {
			t.Fatal(err)
		}
		return acts[1].Float32s()
	}
	brute := make([][]float32, set.Len())
	for i := range brute {
		brute[i] = hidden(example(set, i))
	}
	sameLabel := 0
	for q := range 10 {
		x := example(test, q)
		hq := hidden(x)
		type cand struct {
			i int
			d float64
		}
		all := make([]cand, len(brute))
		for i, h := range brute {
			var d2 float64
			for j := range h {
				d := float64(h[j]) - float64(hq[j])
				d2 += d * d
			}
			all[i] = cand{i, math.Sqrt(d2)}
		}
		slices.SortStableFunc(all, func(a, b cand) int {
			if a.d < b.d {
				return -1
			} else if a.d > b.d {
				return 1
			}
			return a.i - b.i
		})
		got, err := ix.NearestTo(m, x, DefaultNeighbours)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != DefaultNeighbours {
			t.Fatalf("test digit %d: %d neighbours, want %d", q, len(got), DefaultNeighbours)
		}
		for r, nb := range got {
			if nb.Index != all[r].i || math.Abs(nb.Distance-all[r].d) > 1e-9*(1+all[r].d) || nb.Label != set.Labels[nb.Index] {
				t.Errorf("test digit %d, neighbour %d: got #%d (label %d) at %.9g, brute force #%d at %.9g", q, r, nb.Index, nb.Label, nb.Distance, all[r].i, all[r].d)
			}
			if nb.Label == test.Labels[q] {
				sameLabel++
			}
		}
	}
	t.Logf("%d of 60 neighbours share the test digit's label", sameLabel)
}

// TestNearestTies: equal distances keep the lower index first, k is
// capped at the index's size, and bad queries are refused.
func TestNearestTies(t *testing.T) {
	ix := &Index{Rows: []float32{1, 0, 0, 1, 1, 0, 5, 5}, Dim: 2, Labels: []int{0, 1, 2, 3}}
	got, err := ix.Nearest([]float32{1, 0}, 10)
	if err != nil {
		t.Fatal(err)
	}
	var order []int
	for _, n := range got {
		order = append(order, n.Index)
	}
	if !slices.Equal(order, []int{0, 2, 1, 3}) || got[1].Distance != 0 || got[2].Distance != math.Sqrt2 {
		t.Errorf("nearest to (1, 0): %+v; want indices 0, 2, 1, 3 at 0, 0, √2, …", got)
	}
	if _, err := ix.Nearest([]float32{1}, 3); err == nil {
		t.Error("a 1-value query to a 2-value index was accepted")
	}
	if _, err := ix.Nearest([]float32{1, 0}, 0); err == nil {
		t.Error("k = 0 was accepted")
	}
}

// TestHiddenLayer: the layer before the last one with weights.
func TestHiddenLayer(t *testing.T) {
	single := linearSoftmax(4, 2, 1)
	if got := HiddenLayer(single); got != -1 {
		t.Errorf("a single Dense: HiddenLayer = %d, want -1 (the input)", got)
	}
	rngModel := nn.NewSequential([]int{4}, single.Layers()[0], nn.NewReLU(), nn.NewSoftmax())
	if got := HiddenLayer(rngModel); got != -1 {
		t.Errorf("Dense, ReLU, Softmax: HiddenLayer = %d, want -1", got)
	}
}
