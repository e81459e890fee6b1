package nn

import (
	"fmt"
	"math"

	"gorgonia.org/tensor"
)

// Trace is one example followed through one training step of the model,
// without taking the step: each layer's forward values, the loss, each
// layer's backward values and param gradients, and the update the
// optimizer would make. It is what the backprop step-through and the
// softmax explorer show.
//
// The forward pass runs in inference mode, as Predict does: Dropout passes
// everything on and BatchNormalization uses its moving averages. So the
// outputs equal Predict's, a trace is repeatable, and the gradients are
// those of the function Predict computes.
type Trace struct {
	Input  *tensor.Dense // the example, (1, input...)
	Target *tensor.Dense // its target as the loss reads it: (1,) class index or (1, K)
	Layers []LayerTrace  // one per layer, in order
	Loss   float64       // the loss the model trains with, for this example
	// Softmax takes the output's softmax and cross-entropy apart, when the
	// model ends in softmax or its loss reads logits; nil otherwise.
	Softmax *SoftmaxTrace
}

// LayerTrace is one layer's part of a Trace. Tensors have the batch
// dimension first (of size 1).
type LayerTrace struct {
	Type   string        // the spec type, "Dense", "ReLU", ...
	Input  *tensor.Dense // x, what the layer was given
	Output *tensor.Dense // y = layer(x); probabilities for a final softmax
	// DOutput is dL/dy, what Backward was given — except for the last
	// layer when its softmax is fused into the loss (Softmax.Fused): then
	// it is dL/dz for the logits z, p − onehot(y) (see SoftmaxCrossEntropy).
	DOutput *tensor.Dense
	DInput  *tensor.Dense // dL/dx, what Backward returned
	Params  []ParamTrace  // the layer's params, in Params() order
}

// ParamTrace is one weight tensor's part of a Trace.
type ParamTrace struct {
	Name string
	// Trainable says the optimizer updates it: its layer is not frozen and
	// it is not NonTrainable state.
	Trainable bool
	Before    *tensor.Dense // θ now
	Grad      *tensor.Dense // dL/dθ for this example
	// After is θ after the step the optimizer would take with Grad (its
	// Preview), and Update = After − Before. For a param that is not
	// Trainable, or an optimizer that is not a Previewer, After = Before
	// and Update is zero.
	After  *tensor.Dense
	Update *tensor.Dense
}

// SoftmaxTrace takes apart the output's softmax and cross-entropy:
//
//	p_i = e^(z_i) / Σ_j e^(z_j) = e^(z_i − s) / Σ_j e^(z_j − s)   for any s
//	CE  = −Σ_i t_i log p_i          (= −log p_y for a class index y)
//	dCE/dz_i = (Σ_j t_j)·p_i − t_i  (= p − onehot(y))
//
// The engine subtracts s = max_j z_j before exponentiating, so e^· never
// overflows; Exp and Sum are the shifted values it really computes.
type SoftmaxTrace struct {
	Logits []float32 // z
	Shift  float64   // s = max_j z_j
	Exp    []float64 // e^(z_i − s)
	Sum    float64   // Σ_j e^(z_j − s)
	Probs  []float32 // p, exactly as Predict returns them
	Target []float32 // t: onehot(y) for a class index y
	Label  int       // y: the class the target picks (its argmax)
	// CrossEntropy is −Σ t_i log p_i, computed as Σ t_i (s + log Sum − z_i),
	// which stays exact where p_i rounds to 0.
	CrossEntropy float64
	Grad         []float32 // dCE/dz
	// Fused says the model trains with this softmax and cross-entropy as
	// one step (FuseSoftmax): then Loss = CrossEntropy and the last layer's
	// DOutput = Grad. Otherwise they are shown for teaching, and the loss
	// may differ (mean squared error on the probabilities, say).
	Fused bool
}

// Trace follows one example x (1, input...) with target y through the
// model (see Trace). It leaves the model as it found it: weights, grads,
// layer state and the optimizer's state are unchanged, bit for bit.
func (m *Sequential) Trace(x, y *tensor.Dense) (*Trace, error) {
	if m.opt == nil || m.loss == nil {
		return nil, fmt.Errorf("trace: the model is not compiled")
	}
	if err := m.checkBatch(x, y); err != nil {
		return nil, fmt.Errorf("trace: %w", err)
	}
	if n := x.Shape()[0]; n != 1 {
		return nil, fmt.Errorf("trace: follows one example; got a batch of %d", n)
	}
	x = m.asInput(x)
	saved := m.saveAll()
	defer saved.restore()

	tr := &Trace{Input: cloneTensor(x), Target: cloneTensor(y)}
	// Forward, layer by layer.
	out := x
	for i, l := range m.train {
		in := out
		out = l.Forward(in, Inference)
		tr.Layers = append(tr.Layers, LayerTrace{
			Type: m.layers[i].Spec().Type, Input: cloneTensor(in), Output: cloneTensor(out),
		})
	}
	if err := CheckTarget(m.trainLoss, out, y); err != nil {
		return nil, fmt.Errorf("trace: %w", err)
	}
	tr.Loss = m.trainLoss.Forward(out, y)
	if math.IsNaN(tr.Loss) || math.IsInf(tr.Loss, 0) {
		return nil, fmt.Errorf("trace: the loss is %v; the model has diverged", tr.Loss)
	}
	// Backward, layer by layer, into cleared grads.
	m.clearGrads()
	g := m.trainLoss.Backward()
	for i := len(m.train) - 1; i >= 0; i-- {
		tr.Layers[i].DOutput = cloneTensor(g)
		g = m.train[i].Backward(g)
		tr.Layers[i].DInput = cloneTensor(g)
	}
	m.traceParams(tr)
	if err := m.traceSoftmax(tr); err != nil {
		return nil, err
	}
	return tr, nil
}

// traceParams fills in each layer's params: values, grads and the update
// the optimizer would make.
func (m *Sequential) traceParams(tr *Trace) {
	var trainable []*Param
	for i, l := range m.layers {
		for _, p := range l.Params() {
			pt := ParamTrace{
				Name:      p.Name,
				Trainable: !isFrozen(l) && !p.NonTrainable,
				Before:    cloneTensor(p.Value),
				Grad:      cloneTensor(p.Grad),
				After:     cloneTensor(p.Value),
				Update:    newTensor(p.Value.Shape()...),
			}
			if pt.Trainable {
				trainable = append(trainable, p)
			}
			tr.Layers[i].Params = append(tr.Layers[i].Params, pt)
		}
	}
	prev, ok := m.opt.(Previewer)
	if !ok || len(trainable) == 0 {
		return
	}
	after := prev.Preview(trainable)
	k := 0
	for i := range tr.Layers {
		for j := range tr.Layers[i].Params {
			pt := &tr.Layers[i].Params[j]
			if !pt.Trainable {
				continue
			}
			copy(floats(pt.After), after[k])
			u, b := floats(pt.Update), floats(pt.Before)
			for e, v := range after[k] {
				u[e] = v - b[e]
			}
			k++
		}
	}
}

// traceSoftmax fills in tr.Softmax when the output is a softmax of logits
// the trace can see, and makes the last layer's Output the probabilities
// (when training fuses the softmax, the last layer's training output is
// its logits).
func (m *Sequential) traceSoftmax(tr *Trace) error {
	last := &tr.Layers[len(tr.Layers)-1]
	var logits []float32
	fused := false
	switch {
	case isLogitsView(m.train[len(m.train)-1]): // fused: the last training output is z
		logits, fused = floats(last.Output), true
	case fromLogits(m.loss): // the model outputs z and the loss applies softmax
		logits = floats(last.Output)
	default:
		ender, ok := m.layers[len(m.layers)-1].(SoftmaxEnder)
		if !ok || !ender.EndsInSoftmax() {
			return nil
		}
		logits = floats(ender.ForwardLogits(last.Input, Inference))
	}
	k := len(logits)
	target, err := targetRow(tr.Target, k)
	if err != nil {
		return fmt.Errorf("trace: %w", err)
	}
	s := &SoftmaxTrace{
		Logits: append([]float32(nil), logits...),
		Exp:    make([]float64, k),
		Probs:  make([]float32, k),
		Target: target,
		Grad:   make([]float32, k),
		Fused:  fused,
	}
	lse := softmaxRow(s.Logits, s.Probs) // the engine's own softmax
	top := s.Logits[0]
	for j, z := range s.Logits {
		top = max(top, z)
		if target[j] > target[s.Label] {
			s.Label = j
		}
	}
	s.Shift = float64(top)
	var tsum float64
	for j, z := range s.Logits {
		s.Exp[j] = math.Exp(float64(z - top)) // as softmaxRow computes it
		s.Sum += s.Exp[j]
		tsum += float64(target[j])
		s.CrossEntropy += float64(target[j]) * (lse - float64(z))
	}
	for j, p := range s.Probs {
		s.Grad[j] = float32(tsum*float64(p) - float64(target[j]))
	}
	if fused {
		last.Output = tensor.New(tensor.WithShape(1, k), tensor.WithBacking(append([]float32(nil), s.Probs...)))
	}
	tr.Softmax = s
	return nil
}

func isLogitsView(l Layer) bool {
	_, ok := l.(logitsView)
	return ok
}

// fromLogits reports whether loss is a cross-entropy that reads logits.
func fromLogits(loss Loss) bool {
	if l, ok := loss.(NamedLoss); ok {
		_, logits := l.Spec()
		return logits
	}
	return false
}

// targetRow returns a one-example target as a row of k values: onehot(y)
// for a class index, the row itself otherwise.
func targetRow(y *tensor.Dense, k int) ([]float32, error) {
	v := floats(y)
	if len(y.Shape()) == 1 {
		c := int(v[0])
		if float32(c) != v[0] || c < 0 || c >= k {
			return nil, fmt.Errorf("target %v is not a class index from 0 to %d", v[0], k-1)
		}
		row := make([]float32, k)
		row[c] = 1
		return row, nil
	}
	if len(v) != k {
		return nil, fmt.Errorf("target has %d values for %d classes", len(v), k)
	}
	return append([]float32(nil), v...), nil
}

// Activations runs x (N, input...) through the model in inference mode
// and returns every layer's output, as copies (N, ...): the last one is
// what Predict returns. Everything is kept at once, so keep N small (a
// grid of points, one image).
func (m *Sequential) Activations(x *tensor.Dense) ([]*tensor.Dense, error) {
	if err := m.checkInput(x); err != nil {
		return nil, fmt.Errorf("activations: %w", err)
	}
	out := m.asInput(x)
	acts := make([]*tensor.Dense, len(m.layers))
	for i, l := range m.layers {
		out = l.Forward(out, Inference)
		acts[i] = cloneTensor(out)
	}
	return acts, nil
}

// cloneTensor returns a contiguous copy of t.
func cloneTensor(t *tensor.Dense) *tensor.Dense {
	c := newTensor(t.Shape()...)
	copy(floats(c), floats(t))
	return c
}

// clearGrads zeroes every param's grad (Backward adds to them).
func (m *Sequential) clearGrads() {
	for _, p := range m.Params() {
		clear(floats(p.Grad))
	}
}

// savedModel holds copies of every param's value and grad.
type savedModel struct {
	params        []*Param
	values, grads [][]float32
}

// saveAll copies every param's value and grad (layer state included), so
// a trace or a gradient check can put the model back exactly.
func (m *Sequential) saveAll() savedModel {
	s := savedModel{params: m.Params()}
	for _, p := range s.params {
		s.values = append(s.values, append([]float32(nil), floats(p.Value)...))
		s.grads = append(s.grads, append([]float32(nil), floats(p.Grad)...))
	}
	return s
}

// restore puts back the values and grads saveAll copied.
func (s savedModel) restore() {
	for i, p := range s.params {
		copy(floats(p.Value), s.values[i])
		copy(floats(p.Grad), s.grads[i])
	}
}
