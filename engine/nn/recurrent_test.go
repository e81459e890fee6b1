package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/spec"
)

// recurrentLayer builds a recurrent layer for input (T, F) = (4, 3) with
// random non-zero biases, so every gradient path carries real values.
func recurrentLayer(t *testing.T, l spec.Layer, in []int, seed uint64) Layer {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 5))
	built := buildLayer(l, in, seed, 0)
	for _, p := range built.Params() {
		if p.Name == "bias" {
			for i := range floats(p.Value) {
				floats(p.Value)[i] = float32(rng.Float64() - 0.5)
			}
		}
	}
	return built
}

// recurrentCases are the configurations every recurrent check runs.
func recurrentCases() []spec.Layer {
	noBias := func(l spec.Layer) spec.Layer { l.UseBias = spec.Bool(false); return l }
	with := func(l spec.Layer, act, gate string) spec.Layer {
		l.Activation, l.RecurrentActivation = act, gate
		return l
	}
	gruBefore := spec.GRU(3, true)
	gruBefore.ResetAfter = spec.Bool(false)
	return []spec.Layer{
		spec.SimpleRNN(3, false),
		spec.SimpleRNN(3, true),
		with(spec.SimpleRNN(3, false), spec.ActSigmoid, ""),
		with(spec.SimpleRNN(3, true), spec.ActLinear, ""),
		noBias(spec.SimpleRNN(3, false)),
		spec.LSTM(3, false),
		spec.LSTM(3, true),
		with(spec.LSTM(3, false), spec.ActSigmoid, spec.ActTanh),
		noBias(spec.LSTM(3, true)),
		spec.GRU(3, false),
		spec.GRU(3, true),
		gruBefore,
		noBias(gruBefore),
		noBias(spec.GRU(3, false)),
		with(spec.GRU(3, true), spec.ActLinear, spec.ActSigmoid),
	}
}

func describe(l spec.Layer) string {
	return fmt.Sprintf("%s(act=%q gate=%q seq=%v bias=%v resetAfter=%v)", l.Type, l.Activation, l.RecurrentActivation, l.ReturnSequences, l.HasBias(), l.GRUResetAfter())
}

// TestGradCheckRecurrent checks dL/dx and every param's gradient of
// SimpleRNN, LSTM and GRU (both reset_after forms, with and without bias,
// every output form) against central differences: backpropagation
// through time over all 4 steps.
func TestGradCheckRecurrent(t *testing.T) {
	for i, l := range recurrentCases() {
		rng := rand.New(rand.NewPCG(uint64(i), 11))
		layer := recurrentLayer(t, l, []int{4, 3}, uint64(i+1))
		x := randTensor(rng, -1, 1, 2, 4, 3)
		checkLayer(t, describe(l), layer, x, rng, trainingForward(layer))
	}
}

// stack runs two layers one after the other as one, so checkLayer checks
// the gradient that flows from the second into the first.
type stack struct{ a, b Layer }

func (s stack) Forward(x *tensor.Dense, training bool) *tensor.Dense {
	return s.b.Forward(s.a.Forward(x, training), training)
}
func (s stack) Backward(dy *tensor.Dense) *tensor.Dense { return s.a.Backward(s.b.Backward(dy)) }
func (s stack) Params() []*Param                        { return append(s.a.Params(), s.b.Params()...) }
func (s stack) Spec() spec.Layer                        { return s.b.Spec() }

// TestGradCheckStackedRecurrent checks two stacked recurrent layers, the
// first with return_sequences (its every state feeds the second), for
// each pair of types, and the second returning sequences too.
func TestGradCheckStackedRecurrent(t *testing.T) {
	types := []func(int, bool) spec.Layer{spec.SimpleRNN, spec.LSTM, spec.GRU}
	for i, first := range types {
		for j, second := range types {
			a := first(4, true)
			b := second(3, (i+j)%2 == 0)
			rng := rand.New(rand.NewPCG(uint64(3*i+j), 12))
			s := stack{recurrentLayer(t, a, []int{5, 2}, uint64(i+7)), recurrentLayer(t, b, []int{5, 4}, uint64(j+9))}
			x := randTensor(rng, -1, 1, 2, 5, 2)
			checkLayer(t, describe(a)+" → "+describe(b), s, x, rng, trainingForward(s))
		}
	}
}

// TestRecurrentKerasParams: Build's weights, Infer's counts and the
// Summary agree with Keras' counts for Reshape(28, 28) and 64 units.
func TestRecurrentKerasParams(t *testing.T) {
	gruBefore := spec.GRU(64, false)
	gruBefore.ResetAfter = spec.Bool(false)
	for _, c := range []struct {
		layer  spec.Layer
		params int
		name   string
	}{
		{spec.SimpleRNN(64, false), 5952, "simple_rnn (SimpleRNN)"},
		{spec.LSTM(64, false), 23808, "lstm (LSTM)"},
		{spec.GRU(64, false), 18048, "gru (GRU)"},
		{gruBefore, 17856, "gru (GRU)"},
	} {
		s := spec.Seed()
		s.Layers = []spec.Layer{spec.Reshape(28, 28), c.layer, spec.Dense(10, spec.ActSoftmax)}
		infos, err := s.Infer()
		if err != nil {
			t.Fatal(err)
		}
		m := mustBuild(t, s)
		got := 0
		for _, p := range m.Layers()[1].Params() {
			got += p.Value.Shape().TotalSize()
		}
		if got != c.params || infos[1].Params != c.params {
			t.Errorf("%s: built %d weights, Infer says %d; Keras has %d", describe(c.layer), got, infos[1].Params, c.params)
		}
		row := fmt.Sprintf("%s   (None, 64)", c.name)
		if sum := m.Summary(); !strings.Contains(strings.Join(strings.Fields(sum), " "), strings.Join(strings.Fields(row), " ")) {
			t.Errorf("summary lacks %q:\n%s", row, sum)
		}
	}
}

// TestRecurrentInit: the recurrent kernel has orthonormal rows (U·Uᵀ = I),
// the kernel stays within Glorot's limit, the LSTM forget bias is 1 and
// every other bias 0, and the same seed gives the same weights.
func TestRecurrentInit(t *testing.T) {
	for _, l := range []spec.Layer{spec.SimpleRNN(8, false), spec.LSTM(8, false), spec.GRU(8, false)} {
		layer := buildLayer(l, []int{5, 6}, 3, 0)
		again := buildLayer(l, []int{5, 6}, 3, 0)
		k, u := spec.Gates(l.Type), 8
		params := layer.Params()
		w, rec, bias := floats(params[0].Value), floats(params[1].Value), floats(params[2].Value)
		limit := math.Sqrt(6 / float64(6+k*u))
		for _, v := range w {
			if math.Abs(float64(v)) > limit {
				t.Fatalf("%s: kernel value %v beyond Glorot's limit %v", l.Type, v, limit)
			}
		}
		for i := 0; i < u; i++ {
			for j := 0; j < u; j++ {
				dot := 0.0
				for c := 0; c < k*u; c++ {
					dot += float64(rec[i*k*u+c]) * float64(rec[j*k*u+c])
				}
				want := 0.0
				if i == j {
					want = 1
				}
				if math.Abs(dot-want) > 1e-5 {
					t.Fatalf("%s: (U·Uᵀ)[%d][%d] = %v, want %v", l.Type, i, j, dot, want)
				}
			}
		}
		for j, v := range bias {
			want := float32(0)
			if l.Type == spec.TypeLSTM && j >= u && j < 2*u {
				want = 1
			}
			if v != want {
				t.Fatalf("%s: bias[%d] = %v, want %v", l.Type, j, v, want)
			}
		}
		for i, p := range again.Params() {
			if !reflect.DeepEqual(floats(p.Value), floats(params[i].Value)) {
				t.Errorf("%s: %s differs between two builds from one seed", l.Type, p.Name)
			}
		}
	}
}

// TestRecurrentSpecRoundTrip: each layer gives back the spec it was built
// from, and Build(m.Spec()) rebuilds the same model.
func TestRecurrentSpecRoundTrip(t *testing.T) {
	for _, l := range recurrentCases() {
		l.Units = 8
		s := spec.Seed()
		s.Layers = []spec.Layer{spec.Reshape(28, 28), l, {Type: spec.TypeFlatten}, spec.Dense(10, spec.ActSoftmax)}
		m := mustBuild(t, s)
		if got := m.Layers()[1].Spec(); !reflect.DeepEqual(got, l) {
			t.Errorf("%s: Spec() = %+v", describe(l), got)
		}
		again := mustBuild(t, m.Spec())
		if !reflect.DeepEqual(again.Spec(), m.Spec()) {
			t.Errorf("%s: Build(m.Spec()).Spec() differs from m.Spec()", describe(l))
		}
	}
}

// TestRecurrentReadsInOrder: an LSTM's last state depends on the order of
// the steps (reversing the sequence changes it), and on the first step
// too (the state carries it through every step).
func TestRecurrentReadsInOrder(t *testing.T) {
	for _, l := range []spec.Layer{spec.SimpleRNN(4, false), spec.LSTM(4, false), spec.GRU(4, false)} {
		layer := recurrentLayer(t, l, []int{6, 2}, 4)
		x := randTensor(rand.New(rand.NewPCG(1, 1)), -1, 1, 1, 6, 2)
		base := append([]float32(nil), floats(layer.Forward(x, false))...)
		rev := newTensor(1, 6, 2)
		for s := 0; s < 6; s++ {
			copy(floats(rev)[2*s:2*s+2], floats(x)[2*(5-s):2*(5-s)+2])
		}
		if reflect.DeepEqual(floats(layer.Forward(rev, false)), base) {
			t.Errorf("%s: reversing the sequence leaves the output as it was", l.Type)
		}
		floats(x)[0] += 0.5
		if reflect.DeepEqual(floats(layer.Forward(x, false)), base) {
			t.Errorf("%s: changing the first step leaves the last state as it was", l.Type)
		}
	}
}

// TestFloat32Activations: exp32, tanh32 and sigmoid32 stay within a few
// float32 rounding steps of float64 math over their whole range
// (including where e^x overflows or underflows), and the slice forms give
// the same bits as the scalar ones.
func TestFloat32Activations(t *testing.T) {
	var xs []float32
	for x := -100.0; x < 100; x += 0.00731 {
		xs = append(xs, float32(x))
	}
	xs = append(xs, 0, float32(math.Copysign(0, -1)), 1e-30, -1e-30, math.MaxFloat32, -math.MaxFloat32)
	worstExp, worstTanh, worstSigmoid := 0.0, 0.0, 0.0
	for _, f := range xs {
		x := float64(f)
		if want := math.Exp(x); want > 1e-37 && want < 1e38 {
			worstExp = max(worstExp, math.Abs(float64(exp32(f))-want)/want)
		}
		worstTanh = max(worstTanh, math.Abs(float64(tanh32(f))-math.Tanh(x)))
		worstSigmoid = max(worstSigmoid, math.Abs(float64(sigmoid32(f))-sigmoid(x)))
	}
	t.Logf("worst: exp relative %.2g, tanh absolute %.2g, sigmoid absolute %.2g", worstExp, worstTanh, worstSigmoid)
	if worstExp > 2.5e-7 || worstTanh > 2.5e-7 || worstSigmoid > 2.5e-7 {
		t.Errorf("errors beyond a few float32 steps: exp %.2g, tanh %.2g, sigmoid %.2g", worstExp, worstTanh, worstSigmoid)
	}
	if exp32(88.8) != float32(math.Inf(1)) || exp32(-88) != 0 || tanh32(-50) != -1 || sigmoid32(-200) != 0 || sigmoid32(200) != 1 {
		t.Error("wrong limits far out")
	}
	s, th := append([]float32(nil), xs...), append([]float32(nil), xs...)
	sigmoidAll(s)
	tanhAll(th)
	for i, x := range xs {
		if s[i] != sigmoid32(x) || th[i] != tanh32(x) {
			t.Fatalf("x = %v: sigmoidAll %v, sigmoid32 %v; tanhAll %v, tanh32 %v", x, s[i], sigmoid32(x), th[i], tanh32(x))
		}
	}
}

// TestGRUResetAfterFormula checks the GRU's forward pass with reset_after
// (Keras' default, which TF.js cannot run, so the TF.js tests do not
// cover it) against Keras' GRUCell written out in float64:
//
//	x_z, x_r, x_h = x·W + b_in;  r_z, r_r, r_h = h·U + b_rec
//	z = σ(x_z + r_z);  r = σ(x_r + r_r);  ĥ = tanh(x_h + r ⊙ r_h)
//	h = z ⊙ h + (1 − z) ⊙ ĥ
func TestGRUResetAfterFormula(t *testing.T) {
	const T, F, U = 5, 3, 4
	layer := recurrentLayer(t, spec.GRU(U, true), []int{T, F}, 6).(*GRU)
	x := randTensor(rand.New(rand.NewPCG(2, 2)), -1, 1, 2, T, F)
	out := floats(layer.Forward(x, false))
	w, rec, b := floats(layer.Kernel.Value), floats(layer.RecurrentKernel.Value), floats(layer.Bias.Value)
	for e := 0; e < 2; e++ {
		h := make([]float64, U)
		for s := 0; s < T; s++ {
			xs := floats(x)[(e*T+s)*F:]
			proj := func(j int) (fromX, fromH float64) {
				fromX, fromH = float64(b[j]), float64(b[3*U+j])
				for f := 0; f < F; f++ {
					fromX += float64(xs[f]) * float64(w[f*3*U+j])
				}
				for k := 0; k < U; k++ {
					fromH += h[k] * float64(rec[k*3*U+j])
				}
				return
			}
			next := make([]float64, U)
			for j := 0; j < U; j++ {
				xz, rz := proj(j)
				xr, rr := proj(U + j)
				xh, rh := proj(2*U + j)
				z, r := sigmoid(xz+rz), sigmoid(xr+rr)
				next[j] = z*h[j] + (1-z)*math.Tanh(xh+r*rh)
			}
			h = next
			for j := 0; j < U; j++ {
				if got := float64(out[((e*T)+s)*U+j]); math.Abs(got-h[j]) > 1e-5 {
					t.Fatalf("example %d step %d unit %d: h = %v, Keras' formula gives %v", e, s, j, got, h[j])
				}
			}
		}
	}
}

// TestGradientCheckRowByRow runs the model-level gradient check
// (GradientCheck, as the backprop panel's) on both row-by-row presets:
// through the fused softmax, the Dense layer, 28 steps back in time and
// the Reshape.
func TestGradientCheckRowByRow(t *testing.T) {
	for _, s := range []spec.Model{spec.RowByRowRNN(), spec.RowByRowGRU()} {
		m := mustBuild(t, s)
		x, y := oneExample(3)
		res, err := GradientCheck(m, x, y, seedPicks(t, m, x, y, 3), 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res {
			if !closeGrad(r.Analytic, r.Numeric) {
				t.Errorf("%s %+v: analytic %.6g, numeric %.6g", s.Layers[1].Type, r.ParamIndex, r.Analytic, r.Numeric)
			}
		}
	}
}
