package nn

import (
	"fmt"
	"math"

	"gorgonia.org/tensor"
)

// Score is which output of the model an input gradient differentiates.
type Score int

const (
	// ScoreLogit is z_c, class c's score before the model's final softmax
	// (the logits). It is what gradient × input explains by default: for
	// a linear softmax model z_c = w_c·x + b_c, so ∂z_c/∂x = w_c exactly,
	// and the logits of the other classes do not leak into class c's map.
	ScoreLogit Score = iota
	// ScoreProbability is p_c = softmax(z)_c, whose gradient
	// ∂p_c/∂x = p_c·(∂z_c/∂x − Σ_j p_j ∂z_j/∂x) also counts what speaks
	// against the other classes.
	ScoreProbability
)

// String is the score's name: "logit" or "probability".
func (s Score) String() string {
	if s == ScoreProbability {
		return "probability"
	}
	return "logit"
}

// InputGradient is the gradient of one output of the model with respect
// to each input example (see Sequential.InputGradient).
type InputGradient struct {
	// Grad is ∂score/∂x, shaped as the x given (N, input...) or (N, size).
	Grad *tensor.Dense
	// Logits are z (N, K): the outputs before the final softmax.
	Logits *tensor.Dense
	// Probs are softmax(z) (N, K), what Predict returns for a model that
	// ends in softmax. A model without a softmax and whose loss does not
	// read logits (a sigmoid output, a regression) has Probs = Logits.
	Probs *tensor.Dense
	// Scores are the differentiated values, one per example: z_c or p_c.
	Scores []float64
}

// InputGradient differentiates, for each example x_n of x (N, input...,
// or flat rows (N, size)), the score of class classes[n] with respect to
// x_n: ∂z_c/∂x for ScoreLogit, ∂p_c/∂x for ScoreProbability (see Score).
// The forward pass runs in inference mode, as Predict: no dropout, and
// BatchNormalization uses its moving averages.
//
// The logits z are the model's outputs before its final softmax (a Dense
// with activation softmax, or a Softmax layer), or the outputs themselves
// when the model has no final softmax; p = softmax(z) then when the loss
// reads logits (from_logits), else p = z (the model's own outputs).
//
// The model is left as it was: weights, grads and layer state are
// unchanged bit for bit; only layers' scratch buffers are reused.
func (m *Sequential) InputGradient(x *tensor.Dense, classes []int, of Score) (*InputGradient, error) {
	if err := m.checkInput(x); err != nil {
		return nil, fmt.Errorf("input gradient: %w", err)
	}
	if len(m.layers) == 0 {
		return nil, fmt.Errorf("input gradient: the model has no layers")
	}
	n := x.Shape()[0]
	if len(classes) != n {
		return nil, fmt.Errorf("input gradient: %d classes given for %d examples; give one class per example", len(classes), n)
	}
	layers, softmax := m.logitLayers()
	grads := m.saveGrads()
	defer grads.restore()

	xin := m.asInput(x)
	res := &InputGradient{Grad: newTensor(x.Shape()...), Scores: make([]float64, n)}
	gradAll, width := floats(res.Grad), len(floats(x))/n
	var logits, probs []float32
	var err error
	forChunks(xin, nil, m.inferenceChunk(), func(from int, xc, _ *tensor.Dense) {
		if err != nil {
			return
		}
		out := xc
		for _, l := range layers {
			out = l.Forward(out, Inference)
		}
		nr, k := rows(out)
		if res.Logits == nil {
			res.Logits, res.Probs = newTensor(n, k), newTensor(n, k)
			logits, probs = floats(res.Logits), floats(res.Probs)
		}
		z := floats(out)
		copy(logits[from*k:], z)
		p := probs[from*k : (from+nr)*k]
		if softmax {
			for r := range nr {
				softmaxRow(z[r*k:(r+1)*k], p[r*k:(r+1)*k])
			}
		} else {
			copy(p, z)
		}
		dz := newTensor(nr, k)
		d := floats(dz)
		for r := range nr {
			c := classes[from+r]
			if c < 0 || c >= k {
				err = fmt.Errorf("input gradient: class %d of example %d is out of range: the model has %d outputs (0 to %d)", c, from+r, k, k-1)
				return
			}
			pr := p[r*k : (r+1)*k]
			if of == ScoreProbability && softmax {
				// ∂p_c/∂z_j = p_c(δ_cj − p_j)
				for j := range k {
					d[r*k+j] = -pr[c] * pr[j]
				}
				d[r*k+c] += pr[c]
				res.Scores[from+r] = float64(pr[c])
			} else {
				d[r*k+c] = 1
				res.Scores[from+r] = float64(z[r*k+c])
				if of == ScoreProbability {
					res.Scores[from+r] = float64(pr[c])
				}
			}
		}
		g := dz
		for i := len(layers) - 1; i >= 0; i-- {
			g = layers[i].Backward(g)
		}
		copy(gradAll[from*width:(from+nr)*width], floats(g))
	})
	if err != nil {
		return nil, err
	}
	for _, v := range gradAll {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return nil, fmt.Errorf("input gradient: the gradient is %v; the model has diverged", v)
		}
	}
	return res, nil
}

// logitLayers returns the layers that compute the logits (the last one
// seen without its softmax when it ends in one) and whether p = softmax(z).
func (m *Sequential) logitLayers() (layers []Layer, softmax bool) {
	last, ok := m.layers[len(m.layers)-1].(SoftmaxEnder)
	if ok && last.EndsInSoftmax() {
		layers = append([]Layer(nil), m.layers...)
		layers[len(layers)-1] = logitsView{last}
		return layers, true
	}
	return m.layers, fromLogits(m.loss)
}

// savedGrads holds copies of every param's grad.
type savedGrads struct {
	params []*Param
	grads  [][]float32
}

func (m *Sequential) saveGrads() savedGrads {
	s := savedGrads{params: m.Params()}
	for _, p := range s.params {
		s.grads = append(s.grads, append([]float32(nil), floats(p.Grad)...))
	}
	return s
}

func (s savedGrads) restore() {
	for i, p := range s.params {
		copy(floats(p.Grad), s.grads[i])
	}
}

// LayerOutput runs x (N, input...) through layers 0 to layer (counted from
// 0) in inference mode, in chunks, and returns that layer's output as a
// new tensor (N, ...). LayerOutput(x, -1) is x in the model's input shape.
func (m *Sequential) LayerOutput(x *tensor.Dense, layer int) (*tensor.Dense, error) {
	if err := m.checkInput(x); err != nil {
		return nil, fmt.Errorf("layer output: %w", err)
	}
	if layer < -1 || layer >= len(m.layers) {
		return nil, fmt.Errorf("layer output: layer %d is out of range: the model has %d layers (0 to %d)", layer, len(m.layers), len(m.layers)-1)
	}
	x = m.asInput(x)
	if layer == -1 {
		return cloneTensor(x), nil
	}
	var result *tensor.Dense
	forChunks(x, nil, m.inferenceChunk(), func(from int, xc, _ *tensor.Dense) {
		out := xc
		for _, l := range m.layers[:layer+1] {
			out = l.Forward(out, Inference)
		}
		if result == nil {
			result = newTensor(append([]int{x.Shape()[0]}, out.Shape()[1:]...)...)
		}
		o := floats(out)
		copy(floats(result)[from*(len(o)/xc.Shape()[0]):], o)
	})
	return result, nil
}
