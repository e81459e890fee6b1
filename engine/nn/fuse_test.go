package nn

import (
	"math"
	"math/rand/v2"
	"testing"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/spec"
)

// runModel does one forward and backward pass over layers with loss and
// returns the loss and a copy of every param gradient.
func runModel(layers []Layer, loss Loss, x, y *tensor.Dense) (float64, [][]float32) {
	h := x
	for _, l := range layers {
		for _, p := range l.Params() {
			clear(floats(p.Grad))
		}
		h = l.Forward(h, true)
	}
	value := loss.Forward(h, y)
	g := loss.Backward()
	for i := len(layers) - 1; i >= 0; i-- {
		g = layers[i].Backward(g)
	}
	var grads [][]float32
	for _, l := range layers {
		for _, p := range l.Params() {
			grads = append(grads, append([]float32(nil), floats(p.Grad)...))
		}
	}
	return value, grads
}

func TestFuseSoftmaxChoosesWhenToFuse(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	dense := func(act string) Layer { return NewDense(4, 3, act, "", rng) }
	sparse := &SparseCategoricalCrossentropy{}
	cases := []struct {
		name   string
		last   Layer
		loss   Loss
		fused  bool
		sparse bool
	}{
		{"Dense softmax + sparse CE", dense(spec.ActSoftmax), sparse, true, true},
		{"Softmax layer + categorical CE", NewSoftmax(), &CategoricalCrossentropy{}, true, false},
		{"from logits already", dense(spec.ActSoftmax), &SparseCategoricalCrossentropy{FromLogits: true}, false, false},
		{"MSE", dense(spec.ActSoftmax), &MeanSquaredError{}, false, false},
		{"Dense relu", dense(spec.ActReLU), sparse, false, false},
		{"Dense linear", dense(""), sparse, false, false},
		{"Dropout last", NewDropout(0.5, rng), sparse, false, false},
	}
	for _, tc := range cases {
		layers := []Layer{NewReLU(), tc.last}
		train, trainLoss, fused := FuseSoftmax(layers, tc.loss)
		if fused != tc.fused {
			t.Errorf("%s: fused = %v, want %v", tc.name, fused, tc.fused)
			continue
		}
		if !fused {
			if trainLoss != tc.loss || &train[0] != &layers[0] {
				t.Errorf("%s: not fused, but layers or loss changed", tc.name)
			}
			continue
		}
		if sce, ok := trainLoss.(*SoftmaxCrossEntropy); !ok || sce.Sparse != tc.sparse {
			t.Errorf("%s: train loss %#v, want SoftmaxCrossEntropy{Sparse: %v}", tc.name, trainLoss, tc.sparse)
		}
		if layers[1] != tc.last {
			t.Errorf("%s: FuseSoftmax changed the caller's slice", tc.name)
		}
		if train[0] != layers[0] || len(train[1].Params()) != len(tc.last.Params()) {
			t.Errorf("%s: the fused layers are not the model's layers", tc.name)
		}
		for i, p := range train[1].Params() {
			if p != tc.last.Params()[i] {
				t.Errorf("%s: the logits view has its own params", tc.name)
			}
		}
	}
	if train, loss, fused := FuseSoftmax(nil, sparse); fused || train != nil || loss != sparse {
		t.Error("an empty model was fused")
	}
}

// TestFusedMatchesUnfused: for moderate logits, training through the fused
// path gives the same loss and the same gradients as softmax followed by
// the cross-entropy from probabilities, both as Dense(softmax) and as a
// separate Softmax layer.
func TestFusedMatchesUnfused(t *testing.T) {
	for _, separate := range []bool{false, true} {
		rng := rand.New(rand.NewPCG(3, 3))
		act := spec.ActSoftmax
		if separate {
			act = ""
		}
		layers := []Layer{NewDense(5, 6, spec.ActTanh, "", rng), NewDense(6, 4, act, "", rng)}
		if separate {
			layers = append(layers, NewSoftmax())
		}
		x := randTensor(rng, -1, 1, 7, 5)
		y := sparseTargets(rng, 7, 4)
		loss := &SparseCategoricalCrossentropy{}
		wantLoss, want := runModel(layers, loss, x, y)
		train, trainLoss, fused := FuseSoftmax(layers, loss)
		if !fused {
			t.Fatal("not fused")
		}
		gotLoss, got := runModel(train, trainLoss, x, y)
		if math.Abs(gotLoss-wantLoss) > 1e-5 {
			t.Errorf("separate=%v: fused loss %v, unfused %v", separate, gotLoss, wantLoss)
		}
		for i := range want {
			for j := range want[i] {
				if !closeGrad(float64(got[i][j]), float64(want[i][j])) {
					t.Errorf("separate=%v: param %d grad %d fused %v, unfused %v", separate, i, j, got[i][j], want[i][j])
				}
			}
		}
	}
}

// TestFusedExtremeLogits: with logits of ±1000 the unfused path's softmax
// rounds to exactly 0 and 1; the clipped loss then passes no gradient. The
// fused path still gives the exact loss and a finite, useful gradient.
func TestFusedExtremeLogits(t *testing.T) {
	d := NewDense(1, 2, spec.ActSoftmax, "", rand.New(rand.NewPCG(1, 1)))
	copy(floats(d.Kernel.Value), []float32{1000, -1000})
	x := tensor.New(tensor.WithShape(1, 1), tensor.WithBacking([]float32{1}))
	y := tensor.New(tensor.WithShape(1), tensor.WithBacking([]float32{1})) // the class scored −1000
	loss := &SparseCategoricalCrossentropy{}

	unfusedLoss, unfused := runModel([]Layer{d}, loss, x, y)
	train, trainLoss, _ := FuseSoftmax([]Layer{d}, loss)
	fusedLoss, fused := runModel(train, trainLoss, x, y)

	if want := -math.Log(epsilon); math.Abs(unfusedLoss-want) > 1e-6 {
		t.Errorf("unfused loss %v, want the clipped %v", unfusedLoss, want)
	}
	if fusedLoss != 2000 {
		t.Errorf("fused loss %v, want lse(1000, −1000) − (−1000) = 2000", fusedLoss)
	}
	// dL/dz = p − onehot = (1, −1); dW = xᵀ·dz = (1, −1); db = (1, −1).
	for i, g := range [][]float32{{1, -1}, {1, -1}} {
		for j, v := range g {
			if fused[i][j] != v {
				t.Errorf("fused grad[%d][%d] = %v, want %v", i, j, fused[i][j], v)
			}
			if unfused[i][j] != 0 {
				t.Errorf("unfused grad[%d][%d] = %v; expected the clip to stop it", i, j, unfused[i][j])
			}
		}
	}
}
