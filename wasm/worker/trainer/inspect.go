package trainer

import (
	"fmt"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/data"
	"github.com/nnplay/nnplay/engine/nn"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// measured is the per-layer statistics of one training batch.
type measured struct {
	global int // the batch's global number
	loss   float64
	layers []nn.LayerStats
}

// trace answers the trace of one example: forward, loss, backward and the
// update the optimizer would make, without making it.
func (t *Trainer) trace(r protocol.TraceRequest) error {
	if t.model == nil {
		return fmt.Errorf("trace: build a model first")
	}
	x, y, label, err := t.example("trace", r.Example)
	if err != nil {
		return err
	}
	tr, err := t.model.Trace(x, y)
	if err != nil {
		return err
	}
	names := layerNames(t.spec)
	out := protocol.Trace{
		ID: r.ID, Label: label, Loss: tr.Loss,
		Input:        tensorData(tr.Input),
		InputGrad:    tensorData(tr.Layers[0].DInput),
		Optimizer:    t.spec.Optimizer.Name,
		LearningRate: t.model.Optimizer().LearningRate(),
	}
	for i, l := range tr.Layers {
		tl := protocol.TraceLayer{
			Layer: i, Name: names[i], Type: l.Type, Activation: t.spec.Layers[i].Activation,
			Output: tensorData(l.Output), DOutput: tensorData(l.DOutput),
			Params: []protocol.TraceParam{},
		}
		for _, p := range l.Params {
			tl.Params = append(tl.Params, protocol.TraceParam{
				Name: p.Name, Shape: append([]int(nil), p.Before.Shape()...), Trainable: p.Trainable,
				Before: protocol.FloatsToBytes(p.Before.Float32s()), Grad: protocol.FloatsToBytes(p.Grad.Float32s()),
				Update: protocol.FloatsToBytes(p.Update.Float32s()), After: protocol.FloatsToBytes(p.After.Float32s()),
			})
		}
		out.Layers = append(out.Layers, tl)
	}
	if s := tr.Softmax; s != nil {
		out.Softmax = &protocol.SoftmaxTrace{
			Logits: s.Logits, Shift: s.Shift, Exp: s.Exp, Sum: s.Sum, Probs: s.Probs,
			CrossEntropy: s.CrossEntropy, Grad: s.Grad, Fused: s.Fused,
		}
	}
	t.post(out)
	return nil
}

// tensorData is one example's tensor (1, ...) without its batch dimension.
func tensorData(v *tensor.Dense) protocol.Tensor {
	return protocol.Tensor{Shape: append([]int(nil), v.Shape()[1:]...), Data: protocol.FloatsToBytes(v.Float32s())}
}

// gradCheck compares backprop's gradients of the picked weights with
// central differences on one example.
func (t *Trainer) gradCheck(r protocol.GradCheckRequest) error {
	if t.model == nil {
		return fmt.Errorf("gradcheck: build a model first")
	}
	x, y, _, err := t.example("gradcheck", r.Example)
	if err != nil {
		return err
	}
	picks := make([]nn.ParamIndex, len(r.Picks))
	for i, p := range r.Picks {
		picks[i] = nn.ParamIndex{Layer: p.Layer, Param: p.Name, Index: p.Index}
	}
	h := r.H
	if h == 0 {
		h = nn.DefaultGradCheckH
	}
	res, err := nn.GradientCheck(t.model, x, y, picks, h)
	if err != nil {
		return err
	}
	out := protocol.GradCheck{ID: r.ID, H: h, Results: []protocol.GradCheckResult{}}
	for i, c := range res {
		out.Results = append(out.Results, protocol.GradCheckResult{
			ParamPick: r.Picks[i], Analytic: c.Analytic, Numeric: c.Numeric, AbsError: c.AbsErr, RelError: c.RelErr,
		})
	}
	t.post(out)
	return nil
}

// postStats answers the statistics of the last measured batch (none, with
// global batch 0, before the first).
func (t *Trainer) postStats(id int) error {
	if t.model == nil {
		return fmt.Errorf("stats: build a model first")
	}
	t.gpuMeasure()
	out := protocol.Stats{ID: id, Layers: []protocol.LayerStats{}}
	if m := t.measured; m != nil {
		out.GlobalBatch, out.Loss = m.global, m.loss
		names := layerNames(t.spec)
		for i, l := range m.layers {
			ls := protocol.LayerStats{Layer: i, Name: names[i], Type: l.Type, Mean: l.Mean, Std: l.Std, ReLU: l.ReLU, Dead: l.Dead, Params: []protocol.ParamStats{}}
			for _, p := range l.Params {
				ls.Params = append(ls.Params, protocol.ParamStats{Name: p.Name, GradNorm: p.GradNorm, WeightNorm: p.WeightNorm})
			}
			out.Layers = append(out.Layers, ls)
		}
	}
	t.post(out)
	return nil
}

// example resolves a request's example into the model's input x (1,
// input...) and target y, and the true class.
func (t *Trainer) example(what string, e protocol.Example) (x, y *tensor.Dense, label int, err error) {
	var values []float32
	switch e.Source {
	case protocol.SourceTest:
		test := t.testSet()
		if test == nil {
			if err := t.loadData(t.dataBase); err != nil {
				return nil, nil, 0, err
			}
			test = t.testSet()
		}
		if e.Index >= test.Len() {
			return nil, nil, 0, fmt.Errorf("%s: test example %d does not exist; the test set has %d (0 to %d)", what, e.Index, test.Len(), test.Len()-1)
		}
		values = test.AppendExample(values, e.Index)
		label = test.Labels[e.Index]
	case protocol.SourceInput:
		if values, err = t.inputValues(what, e.Input); err != nil {
			return nil, nil, 0, err
		}
	}
	if e.Label != nil {
		label = *e.Label
	}
	if label >= t.classes() {
		return nil, nil, 0, fmt.Errorf("%s: label %d is not a class of this data set (0 to %d)", what, label, t.classes()-1)
	}
	x = t.inputs(tensor.New(tensor.WithShape(1, len(values)), tensor.WithBacking(values)))
	y = t.targets(tensor.New(tensor.WithShape(1), tensor.WithBacking([]float32{float32(label)})))
	return x, y, label, nil
}

// inputValues turns a request's input into the model's input values: an
// MNIST image as it is, a playground point (x, y) expanded to features.
func (t *Trainer) inputValues(what string, in []float32) ([]float32, error) {
	if t.play == nil {
		if len(in) != protocol.ImageSize {
			return nil, fmt.Errorf("%s: input has %d values; an MNIST image has %d pixels", what, len(in), protocol.ImageSize)
		}
		return append([]float32(nil), in...), nil
	}
	if len(in) != 2 {
		return nil, fmt.Errorf("%s: input has %d values; a playground point has 2, x and y", what, len(in))
	}
	pt := &data.Set{X: append([]float32(nil), in...), Labels: []int{0}, Shape: []int{2}}
	f, err := data.ExpandFeatures(pt, t.play.features)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", what, err)
	}
	return f.X, nil
}

// resetStats forgets the run's statistics (a new model, or a rewound
// run): the progress averages, and the layers measured or to measure.
func (t *Trainer) resetStats() { t.stats, t.measured, t.gpu.reported = stats{}, nil, nil }
