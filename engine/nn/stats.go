package nn

import (
	"fmt"
	"math"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/spec"
)

// LayerStats describe one layer during one training batch: how its
// outputs are spread and how large its gradients are. Charted batch after
// batch they show vanishing or exploding gradients and dying ReLUs.
type LayerStats struct {
	Type string // the spec type
	// Mean and Std are over every output value of the batch (all units,
	// all examples). For the last layer of a model that trains with its
	// softmax fused into the loss, they describe the logits.
	Mean, Std float64
	// ReLU says the output is a ReLU's (a ReLU layer, or activation relu);
	// then Dead is the fraction of output units that are 0 for every
	// example of the batch: units that pass no gradient back and so no
	// longer learn.
	ReLU bool
	Dead float64
	// Params has one entry per trained param (not NonTrainable state).
	Params []ParamStats
}

// ParamStats are the sizes of one param tensor and of its gradient.
type ParamStats struct {
	Name       string
	GradNorm   float64 // ‖dL/dθ‖₂ for the batch's mean loss
	WeightNorm float64 // ‖θ‖₂ after the batch's update
}

// TrainBatchWithStats is TrainBatch that also measures every layer's
// LayerStats, from the tensors the batch left behind (its layers' outputs
// and the params' grads). That costs about one more pass over the layer
// outputs and params; ask for it now and then (when a chart redraws), not
// on every batch.
func (m *Sequential) TrainBatchWithStats(x, y *tensor.Dense) (loss float64, stats []LayerStats, err error) {
	loss, _, err = m.trainBatch(x, y)
	if err != nil {
		return loss, nil, err
	}
	return loss, m.layerStats(), nil
}

// BatchStats measures every layer's LayerStats on a batch at the current
// weights without training: a forward pass in inference mode (as Trace
// does: no dropout, BatchNormalization's moving averages), the loss, and
// the backward pass into the grads. WeightNorm is then of the weights as
// they are. It leaves weights, grads and layer state as it found them, bit
// for bit. It is for batches that train elsewhere (on a GPU), whose
// statistics the CPU measures now and then from the weights read back.
func (m *Sequential) BatchStats(x, y *tensor.Dense) (loss float64, stats []LayerStats, err error) {
	if m.loss == nil {
		return 0, nil, fmt.Errorf("batch stats: the model is not compiled")
	}
	if err := m.checkBatch(x, y); err != nil {
		return 0, nil, fmt.Errorf("batch stats: %w", err)
	}
	x = m.asInput(x)
	saved := m.saveAll()
	defer saved.restore()
	out := x
	m.outs = m.outs[:0]
	for _, l := range m.train {
		out = l.Forward(out, Inference)
		m.outs = append(m.outs, out)
	}
	if err := CheckTarget(m.trainLoss, out, y); err != nil {
		return 0, nil, fmt.Errorf("batch stats: %w", err)
	}
	loss = m.trainLoss.Forward(out, y)
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		return loss, nil, fmt.Errorf("batch stats: the loss is %v; the model has diverged", loss)
	}
	m.clearGrads()
	g := m.trainLoss.Backward()
	for i := len(m.train) - 1; i >= m.firstTrained(); i-- {
		g = m.train[i].Backward(g)
	}
	return loss, m.layerStats(), nil
}

// layerStats measures each layer's outputs (m.outs, from the last forward
// pass) and its trained params' values and grads.
func (m *Sequential) layerStats() []LayerStats {
	stats := make([]LayerStats, len(m.layers))
	for i, l := range m.layers {
		s := l.Spec()
		st := LayerStats{Type: s.Type, ReLU: s.Type == spec.TypeReLU || s.Activation == spec.ActReLU}
		st.Mean, st.Std = meanAndStd(floats(m.outs[i]))
		if st.ReLU {
			st.Dead = deadFraction(m.outs[i])
		}
		for _, p := range l.Params() {
			if !p.NonTrainable {
				st.Params = append(st.Params, ParamStats{Name: p.Name, GradNorm: norm(floats(p.Grad)), WeightNorm: norm(floats(p.Value))})
			}
		}
		stats[i] = st
	}
	return stats
}

// meanAndStd returns the mean and the (population) standard deviation of v,
// in two passes in float64.
func meanAndStd(v []float32) (mean, std float64) {
	if len(v) == 0 {
		return 0, 0
	}
	for _, x := range v {
		mean += float64(x)
	}
	mean /= float64(len(v))
	var sq float64
	for _, x := range v {
		d := float64(x) - mean
		sq += d * d
	}
	return mean, math.Sqrt(sq / float64(len(v)))
}

// deadFraction is the fraction of units (values of one example) that are
// 0 in every example of the batch out (N, ...).
func deadFraction(out *tensor.Dense) float64 {
	n, width := rows(out)
	alive := make([]bool, width)
	v := floats(out)
	for i := 0; i < n; i++ {
		for u, x := range v[i*width : (i+1)*width] {
			if x != 0 {
				alive[u] = true
			}
		}
	}
	dead := 0
	for _, a := range alive {
		if !a {
			dead++
		}
	}
	return float64(dead) / float64(width)
}

// norm is the Euclidean norm √Σv², summed in float64.
func norm(v []float32) float64 {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	return math.Sqrt(s)
}
