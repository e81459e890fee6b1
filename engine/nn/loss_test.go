package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/spec"
)

// softmaxRows returns row-wise softmax(z) of U(-2, 2) logits: probabilities
// well inside (ε, 1 − ε), where the clipped losses are smooth.
func softmaxRows(rng *rand.Rand, n, k int) *tensor.Dense {
	z := randTensor(rng, -2, 2, n, k)
	p := newTensor(n, k)
	for i := 0; i < n; i++ {
		softmaxRow(floats(z)[i*k:(i+1)*k], floats(p)[i*k:(i+1)*k])
	}
	return p
}

func sparseTargets(rng *rand.Rand, n, k int) *tensor.Dense {
	y := newTensor(n)
	for i := range floats(y) {
		floats(y)[i] = float32(rng.IntN(k))
	}
	return y
}

// softTargets are rows of non-negative weights; the first row is scaled
// so it does not sum to 1, which exercises the Σ_k t_ik term of the
// from-logits gradient.
func softTargets(rng *rand.Rand, n, k int) *tensor.Dense {
	t := randTensor(rng, 0, 1, n, k)
	for i := 0; i < n; i++ {
		row := floats(t)[i*k : (i+1)*k]
		var s float32
		for _, v := range row {
			s += v
		}
		scale := 1 / s
		if i == 0 {
			scale *= 1.5
		}
		for j := range row {
			row[j] *= scale
		}
	}
	return t
}

func checkLoss(t *testing.T, name string, l Loss, pred, target *tensor.Dense) {
	t.Helper()
	l.Forward(pred, target)
	analytic := append([]float32(nil), floats(l.Backward())...)
	numeric := numericGrad(floats(pred), lossH, func() float64 { return l.Forward(pred, target) })
	compareGrads(t, name, analytic, numeric)
}

func TestGradCheckLosses(t *testing.T) {
	const n, k = 4, 5
	rng := rand.New(rand.NewPCG(11, 5))
	for _, fromLogits := range []bool{false, true} {
		pred := func() *tensor.Dense {
			if fromLogits {
				return randTensor(rng, -3, 3, n, k)
			}
			return softmaxRows(rng, n, k)
		}
		sparse, _ := NewLoss(spec.LossSparseCategoricalCrossentropy, fromLogits)
		checkLoss(t, fmt.Sprintf("sparse fromLogits=%v", fromLogits), sparse, pred(), sparseTargets(rng, n, k))
		cat, _ := NewLoss(spec.LossCategoricalCrossentropy, fromLogits)
		onehot, err := OneHot(sparseTargets(rng, n, k), k)
		if err != nil {
			t.Fatal(err)
		}
		checkLoss(t, fmt.Sprintf("categorical one-hot fromLogits=%v", fromLogits), cat, pred(), onehot)
		checkLoss(t, fmt.Sprintf("categorical soft fromLogits=%v", fromLogits), cat, pred(), softTargets(rng, n, k))
	}
	mse, _ := NewLoss(spec.LossMeanSquaredError, false)
	checkLoss(t, "mse", mse, randTensor(rng, -2, 2, n, k), randTensor(rng, -2, 2, n, k))
	mae, _ := NewLoss(spec.LossMeanAbsoluteError, false)
	checkLoss(t, "mae", mae, randTensor(rng, -2, 2, n, k), randTensor(rng, -2, 2, n, k))
	// Errors up to ±4 reach both sides of δ = 1 and of δ = 0.5.
	huber, _ := NewLoss(spec.LossHuber, false)
	checkLoss(t, "huber", huber, randTensor(rng, -2, 2, n, k), randTensor(rng, -2, 2, n, k))
	checkLoss(t, "huber δ=0.5", &Huber{Delta: 0.5}, randTensor(rng, -2, 2, n, k), randTensor(rng, -2, 2, n, k))
	checkLoss(t, "SoftmaxCrossEntropy sparse", &SoftmaxCrossEntropy{Sparse: true}, randTensor(rng, -3, 3, n, k), sparseTargets(rng, n, k))
	checkLoss(t, "SoftmaxCrossEntropy dense", &SoftmaxCrossEntropy{}, randTensor(rng, -3, 3, n, k), softTargets(rng, n, k))
}

// TestSoftmaxCrossEntropyExtremeLogits: logits of ±1000 overflow a naive
// e^z; the fused loss must stay finite and exact. Expected values come from
// the definitions: L_i = lse(z_i) − z_{i,y_i}, dL/dz = (softmax(z) − onehot(y))/N,
// with lse and softmax evaluated in float64 after subtracting the row max.
func TestSoftmaxCrossEntropyExtremeLogits(t *testing.T) {
	z := tensor.New(tensor.WithShape(3, 3), tensor.WithBacking([]float32{
		1000, -1000, 0, // the target class is hopelessly wrong: loss 2000
		-1000, 1000, 500, // confidently right: loss ≈ 0
		1000, 1000, -1000, // a tie between two classes
	}))
	y := tensor.New(tensor.WithShape(3), tensor.WithBacking([]float32{1, 1, 0}))
	onehot, _ := OneHot(y, 3)
	losses := map[string]Loss{
		"sparse from logits":      &SparseCategoricalCrossentropy{FromLogits: true},
		"categorical from logits": &CategoricalCrossentropy{FromLogits: true},
		"fused sparse":            &SoftmaxCrossEntropy{Sparse: true},
	}
	var wantLoss float64
	wantGrad := make([]float64, 9)
	for i := 0; i < 3; i++ {
		row := floats(z)[i*3 : i*3+3]
		m := math.Inf(-1)
		for _, v := range row {
			m = max(m, float64(v))
		}
		var s float64
		for _, v := range row {
			s += math.Exp(float64(v) - m)
		}
		cls := int(floats(y)[i])
		wantLoss += (m + math.Log(s) - float64(row[cls])) / 3
		for j, v := range row {
			p := math.Exp(float64(v)-m) / s
			if j == cls {
				p--
			}
			wantGrad[i*3+j] = p / 3
		}
	}
	for name, l := range losses {
		target := y
		if _, ok := l.(*CategoricalCrossentropy); ok {
			target = onehot
		}
		got := l.Forward(z, target)
		if math.IsNaN(got) || math.IsInf(got, 0) || math.Abs(got-wantLoss) > 1e-9*wantLoss {
			t.Errorf("%s: loss %v, want %v", name, got, wantLoss)
		}
		for i, g := range floats(l.Backward()) {
			if math.IsNaN(float64(g)) || math.Abs(float64(g)-wantGrad[i]) > 1e-6 {
				t.Errorf("%s: grad[%d] = %v, want %v", name, i, g, wantGrad[i])
			}
		}
	}
}

func TestLossValues(t *testing.T) {
	// Small cases worked by hand from the doc-comment formulas.
	p := tensor.New(tensor.WithShape(2, 2), tensor.WithBacking([]float32{0.25, 0.75, 0, 1}))
	y := tensor.New(tensor.WithShape(2), tensor.WithBacking([]float32{1, 0}))
	sparse := &SparseCategoricalCrossentropy{}
	// Row 2's p = 0 is clipped to ε = 1e-7: −log(1e-7) ≈ 16.118.
	if got, want := sparse.Forward(p, y), (-math.Log(0.75)-math.Log(1e-7))/2; math.Abs(got-want) > 1e-6 {
		t.Errorf("sparse CE = %v, want %v", got, want)
	}
	// Clipped entries pass no gradient (TensorFlow's clip_by_value).
	if g := floats(sparse.Backward()); g[2] != 0 || math.Abs(float64(g[1])+1/(2*0.75)) > 1e-6 {
		t.Errorf("sparse CE grad = %v, want [0 %v 0 0]", g, -1/(2*0.75))
	}
	onehot, _ := OneHot(y, 2)
	if got, want := (&CategoricalCrossentropy{}).Forward(p, onehot), (-math.Log(0.75)-math.Log(1e-7))/2; math.Abs(got-want) > 1e-6 {
		t.Errorf("categorical CE = %v, want %v", got, want)
	}
	mse := &MeanSquaredError{}
	// (0.25² + 0.25² + 1² + 1²)/4 = 0.53125.
	if got := mse.Forward(p, onehot); math.Abs(got-0.53125) > 1e-7 {
		t.Errorf("mse = %v, want 0.53125", got)
	}
	// (0.25 + 0.25 + 1 + 1)/4 = 0.625.
	if got := (&MeanAbsoluteError{}).Forward(p, onehot); math.Abs(got-0.625) > 1e-7 {
		t.Errorf("mae = %v, want 0.625", got)
	}
	// δ = 0.5: ½·0.25² twice, then 0.5·(1 − 0.25) twice: (0.0625 + 0.75)/4.
	if got := (&Huber{Delta: 0.5}).Forward(p, onehot); math.Abs(got-0.203125) > 1e-7 {
		t.Errorf("huber δ=0.5 = %v, want 0.203125", got)
	}
	// δ = 1 (the default): ½·0.25² twice, ½·1² twice: (0.0625 + 1)/4.
	if got := (&Huber{}).Forward(p, onehot); math.Abs(got-0.265625) > 1e-7 {
		t.Errorf("huber = %v, want 0.265625", got)
	}
}

func TestNewLossAndSpec(t *testing.T) {
	for _, name := range []string{spec.LossSparseCategoricalCrossentropy, spec.LossCategoricalCrossentropy, spec.LossMeanSquaredError, spec.LossMeanAbsoluteError, spec.LossHuber} {
		for _, fromLogits := range []bool{false, true} {
			l, err := NewLoss(name, fromLogits)
			if spec.IsRegressionLoss(name) && fromLogits {
				if err == nil || !strings.Contains(err.Error(), "from_logits") {
					t.Errorf("mse with from_logits: error %v, want one about from_logits", err)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			gotName, gotLogits := l.Spec()
			if gotName != name || gotLogits != fromLogits {
				t.Errorf("NewLoss(%q, %v).Spec() = %q, %v", name, fromLogits, gotName, gotLogits)
			}
		}
	}
	for _, tc := range []struct{ name, want string }{
		{"hinge", `unknown loss "hinge"`},
		{"", "loss is missing"},
	} {
		if _, err := NewLoss(tc.name, false); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("NewLoss(%q): error %v, want %q", tc.name, err, tc.want)
		}
	}
}

func TestCheckTargetRejectsBadTargets(t *testing.T) {
	pred := newTensor(2, 3)
	vec := func(v ...float32) *tensor.Dense { return tensor.New(tensor.WithShape(len(v)), tensor.WithBacking(v)) }
	mat := func(r, c int, v ...float32) *tensor.Dense {
		return tensor.New(tensor.WithShape(r, c), tensor.WithBacking(v))
	}
	sparse, cat, mse := &SparseCategoricalCrossentropy{}, &CategoricalCrossentropy{FromLogits: true}, &MeanSquaredError{}
	cases := []struct {
		name   string
		loss   Loss
		target *tensor.Dense
		want   string
	}{
		{"class too big", sparse, vec(0, 3), "target 1 is 3, want a class index from 0 to 2"},
		{"negative class", sparse, vec(-1, 0), "target 0 is -1"},
		{"fractional class", sparse, vec(0, 1.5), "target 1 is 1.5"},
		{"NaN class", sparse, vec(float32(math.NaN()), 0), "target 0 is NaN"},
		{"wrong count", sparse, vec(0, 1, 2), "targets have shape (3), want (2,)"},
		{"one-hot given indices", cat, vec(0, 1), "need sparse_categorical_crossentropy, or OneHot"},
		{"wrong columns", mse, mat(2, 2, 0, 0, 0, 0), "want (2, 3) like the predictions"},
		{"infinite target", mse, mat(2, 3, 0, 0, 0, 0, float32(math.Inf(1)), 0), "target 1, column 1 is +Inf"},
	}
	for _, tc := range cases {
		err := CheckTarget(tc.loss, pred, tc.target)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to contain %q", tc.name, err, tc.want)
		}
	}
	if err := CheckTarget(sparse, pred, vec(2, 0)); err != nil {
		t.Errorf("valid sparse target rejected: %v", err)
	}
	if _, err := OneHot(vec(0, 5), 3); err == nil || !strings.Contains(err.Error(), "label 1 is 5") {
		t.Errorf("OneHot out of range: error %v", err)
	}
}
