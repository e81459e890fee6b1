package explain

import (
	"fmt"
	"math"
	"slices"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/data"
	"github.com/nnplay/nnplay/engine/nn"
)

// DefaultNeighbours is how many nearest training examples a view shows.
const DefaultNeighbours = 6

// HiddenLayer is the index of the layer whose output is the model's last
// hidden representation: the layer just before the last layer that has
// weights (the classifier head), so for the seed MLP (Dense 128 relu,
// Dense 64 relu, Dense 10 softmax) it is 1, the 64 ReLU units. Dropout and
// activation layers between them count as part of the representation
// (inference mode: Dropout passes everything on). It is −1 (the input
// itself) for a model whose first layer with weights is its last.
func HiddenLayer(m *nn.Sequential) int {
	layers := m.Layers()
	for i := len(layers) - 1; i >= 0; i-- {
		if len(layers[i].Params()) > 0 {
			return i - 1
		}
	}
	return len(layers) - 1 // no weights at all: the output
}

// Hidden returns the last hidden layer's activations (see HiddenLayer)
// for examples from, from+1, …, to−1 of set, as rows of dim values.
func Hidden(m *nn.Sequential, set *data.Set, from, to int) (rows []float32, dim int, err error) {
	if from < 0 || to < from || to > set.Len() {
		return nil, 0, fmt.Errorf("examples %d to %d: the set has %d", from, to, set.Len())
	}
	layer := HiddenLayer(m)
	const chunk = 2048 // bounds the float32 copy of a Pixels set
	for lo := from; lo < to; lo += chunk {
		hi := min(lo+chunk, to)
		x, _ := set.Slice(lo, hi).Tensors()
		h, err := m.LayerOutput(flat(x), layer)
		if err != nil {
			return nil, 0, err
		}
		v := h.Float32s()
		dim = len(v) / (hi - lo)
		rows = append(rows, v...)
	}
	return rows, dim, nil
}

// flat views a batch (N, ...) as flat rows (N, size), which every model
// takes whatever its input's rank.
func flat(x *tensor.Dense) *tensor.Dense {
	n := x.Shape()[0]
	return tensor.New(tensor.WithShape(n, x.Shape().TotalSize()/n), tensor.WithBacking(x.Float32s()))
}

// Index holds a set's last-hidden-layer activations for nearest-neighbour
// queries.
type Index struct {
	Rows   []float32 // Len × Dim activations
	Dim    int
	Labels []int
}

// NewIndex computes the last hidden layer's activations of every example
// of set (the training set, normally).
func NewIndex(m *nn.Sequential, set *data.Set) (*Index, error) {
	rows, dim, err := Hidden(m, set, 0, set.Len())
	if err != nil {
		return nil, err
	}
	return &Index{Rows: rows, Dim: dim, Labels: set.Labels}, nil
}

// Neighbour is one training example near the query.
type Neighbour struct {
	Index    int     // its index in the set
	Label    int     // its class
	Distance float64 // Euclidean distance in the hidden layer, ‖h(x) − h(q)‖₂
}

// Nearest returns the k examples whose activations are closest to q (a
// Dim-vector, such as Hidden of the query input) in Euclidean distance,
// nearest first, ties broken by the lower index.
func (ix *Index) Nearest(q []float32, k int) ([]Neighbour, error) {
	if len(q) != ix.Dim {
		return nil, fmt.Errorf("nearest: the query has %d values but the index holds %d per example", len(q), ix.Dim)
	}
	if k < 1 {
		return nil, fmt.Errorf("nearest: k = %d; ask for at least 1", k)
	}
	n := len(ix.Labels)
	k = min(k, n)
	// A bounded max-heap would be O(n log k); with k = 6 a sorted insert
	// into the k best is as fast and plainer.
	best := make([]Neighbour, 0, k+1)
	for i := range n {
		row := ix.Rows[i*ix.Dim : (i+1)*ix.Dim]
		var d2 float64
		for j, v := range row {
			d := float64(v) - float64(q[j])
			d2 += d * d
		}
		if len(best) == k && d2 >= best[k-1].Distance {
			continue
		}
		at, _ := slices.BinarySearchFunc(best, d2, func(e Neighbour, t float64) int {
			if e.Distance <= t { // equal distances keep the earlier index first
				return -1
			}
			return 1
		})
		best = slices.Insert(best, at, Neighbour{Index: i, Label: ix.Labels[i], Distance: d2})
		if len(best) > k {
			best = best[:k]
		}
	}
	for i := range best {
		best[i].Distance = math.Sqrt(best[i].Distance)
	}
	return best, nil
}

// NearestTo returns the k training examples nearest to the input x (see
// Index.Nearest), computing x's activations with m.
func (ix *Index) NearestTo(m *nn.Sequential, x []float32, k int) ([]Neighbour, error) {
	xb, err := batch(m, [][]float32{x})
	if err != nil {
		return nil, err
	}
	h, err := m.LayerOutput(xb, HiddenLayer(m))
	if err != nil {
		return nil, err
	}
	return ix.Nearest(h.Float32s(), k)
}
