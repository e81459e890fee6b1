package trainer

import (
	"fmt"
	"math"
	"time"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/data"
	"github.com/nnplay/nnplay/engine/nn"
	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// playground is the worker's state in the 2-D playground.
type playground struct {
	features     []string
	classes      int
	train, test  *data.Set // the points as features
	trainX       *tensor.Dense
	trainY       *tensor.Dense // class indices
	testX, testY *tensor.Dense
	grids        map[int]*tensor.Dense // the frame grids, as features, by size

	// Pacing: at most epochsPerSecond epochs a second (0: no limit),
	// counted as batches trained since paceStart.
	epochsPerSecond float64
	paceStart       time.Time
	paced           int
}

// playgroundBuild makes a toy data set and a model for it, to switch the
// worker to the playground.
func (t *Trainer) playgroundBuild(r protocol.PlaygroundBuild) (*replacement, error) {
	train, test, err := data.Toy(r.Dataset, data.ToyOptions{N: r.Points, Noise: r.Noise, Classes: r.Classes, TrainFraction: r.TrainFraction, Seed: r.Seed})
	if err != nil {
		return nil, fmt.Errorf("playground_build: %v", err)
	}
	ftrain, err := data.ExpandFeatures(train, r.Features)
	if err != nil {
		return nil, fmt.Errorf("playground_build: %v", err)
	}
	ftest, err := data.ExpandFeatures(test, r.Features)
	if err != nil {
		return nil, fmt.Errorf("playground_build: %v", err)
	}
	p := &playground{
		features: append([]string(nil), r.Features...), classes: r.Classes,
		train: ftrain, test: ftest, grids: map[int]*tensor.Dense{},
		epochsPerSecond: r.EpochsPerSecond,
	}
	p.trainX, p.trainY = ftrain.Tensors()
	p.testX, p.testY = ftest.Tensors()
	m := r.Spec
	m.Input = []int{len(r.Features)}
	m.Dataset = r.Dataset
	m, model, infos, err := playgroundModel(m, r.Classes)
	if err != nil {
		return nil, err
	}
	points := protocol.PlaygroundData{
		Dataset: r.Dataset, Classes: r.Classes, Features: p.features,
		Train: train.X, TrainLabels: train.Labels, Test: test.X, TestLabels: test.Labels,
	}
	return &replacement{spec: m, model: model, infos: infos, play: p, news: []protocol.Event{points}}, nil
}

// resetPlayground makes the playground's model afresh from its spec
// (fresh weights from the seed), on the same data.
func (t *Trainer) resetPlayground() (*replacement, error) {
	m, model, infos, err := playgroundModel(t.spec, t.play.classes)
	if err != nil {
		return nil, err
	}
	return &replacement{spec: m, model: model, infos: infos, play: t.play}, nil
}

// playgroundModel builds m (with defaults filled in) and checks that it
// outputs one value per class.
func playgroundModel(m spec.Model, classes int) (spec.Model, *nn.Sequential, []spec.LayerInfo, error) {
	m = m.Defaults()
	model, err := nn.Build(m)
	if err != nil {
		return m, nil, nil, fmt.Errorf("playground_build: %v", err)
	}
	infos, err := m.Infer()
	if err != nil {
		return m, nil, nil, fmt.Errorf("playground_build: %v", err)
	}
	if last := infos[len(infos)-1]; last.Output[0] != classes {
		return m, nil, nil, fmt.Errorf("playground_build: layer %d (%s) outputs %d values but the data set has %d classes; set its units to %d",
			len(infos), last.Type, last.Output[0], classes, classes)
	}
	return m, model, infos, nil
}

// resetPace restarts the pace count (at start, resume, step and set).
func (t *Trainer) resetPace() {
	if t.play != nil {
		t.play.paceStart, t.play.paced = t.env.Now(), 0
	}
}

// paceWait is how long to wait before the next batch to keep to the
// playground's pace: 0 when training may go on.
func (t *Trainer) paceWait() time.Duration {
	p := t.play
	if p == nil || p.epochsPerSecond <= 0 {
		return 0
	}
	batchesPerEpoch := float64((p.train.Len() + t.spec.BatchSize - 1) / t.spec.BatchSize)
	due := p.paceStart.Add(time.Duration(float64(p.paced) / (p.epochsPerSecond * batchesPerEpoch) * float64(time.Second)))
	return max(due.Sub(t.env.Now()), 0)
}

// grid returns the frame grid of n×n points as the model's features.
func (p *playground) grid(n int) (*tensor.Dense, error) {
	if g, ok := p.grids[n]; ok {
		return g, nil
	}
	set, err := data.Grid(n, protocol.PlaneLo, protocol.PlaneHi, p.features)
	if err != nil {
		return nil, err
	}
	g, _ := set.Tensors()
	p.grids[n] = g
	return g, nil
}

// frame answers one frame: the class probabilities and the hidden units
// over the grid, the losses and the weights.
func (t *Trainer) frame(r protocol.PlaygroundFrameRequest) error {
	if t.play == nil || t.model == nil {
		return fmt.Errorf("playground_frame: send playground_build first")
	}
	grid, err := t.play.grid(r.Grid)
	if err != nil {
		return fmt.Errorf("playground_frame: %v", err)
	}
	acts, err := t.model.Activations(grid)
	if err != nil {
		return fmt.Errorf("playground_frame: %v", err)
	}
	probs := acts[len(acts)-1].Float32s()
	k := t.play.classes
	if t.spec.FromLogits {
		for i := 0; i < len(probs); i += k {
			softmax(probs[i : i+k])
		}
	}
	out := protocol.PlaygroundFrame{
		ID: r.ID, Grid: r.Grid, Classes: k, Probs: quantizeProbs(probs),
		Units: unitMaps(acts[:len(acts)-1]), Epoch: t.pos.epoch, GlobalBatch: t.pos.global,
		State: t.state, Params: t.paramData(),
	}
	train, err := t.model.Evaluate(t.play.trainX, t.targets(t.play.trainY))
	if err != nil {
		return fmt.Errorf("playground_frame: %v", err)
	}
	test, err := t.model.Evaluate(t.play.testX, t.targets(t.play.testY))
	if err != nil {
		return fmt.Errorf("playground_frame: %v", err)
	}
	out.TrainLoss, out.TrainAccuracy = train.Loss, train.Accuracy
	out.TestLoss, out.TestAccuracy = test.Loss, test.Accuracy
	t.post(out)
	return nil
}

// quantizeProbs maps each probability p in [0, 1] to the byte round(p·255).
func quantizeProbs(p []float32) []byte {
	b := make([]byte, len(p))
	for i, v := range p {
		b[i] = byte(min(max(v, 0), 1)*255 + 0.5)
	}
	return b
}

// unitMaps are the heatmaps of the hidden units: every unit of every
// layer whose output is a vector, at most MaxUnitMaps in all. Each is
// quantized over its own range [lo, hi] to bytes.
func unitMaps(acts []*tensor.Dense) []protocol.UnitMap {
	maps := []protocol.UnitMap{}
	for li, a := range acts {
		if len(a.Shape()) != 2 {
			continue
		}
		n, width := a.Shape()[0], a.Shape()[1]
		v := a.Float32s()
		for u := 0; u < width && len(maps) < protocol.MaxUnitMaps; u++ {
			lo, hi := float32(math.Inf(1)), float32(math.Inf(-1))
			for i := 0; i < n; i++ {
				lo, hi = min(lo, v[i*width+u]), max(hi, v[i*width+u])
			}
			if math.IsInf(float64(lo), 0) || math.IsInf(float64(hi), 0) || lo != lo || hi != hi {
				lo, hi = 0, 0 // a diverged model: draw it flat rather than fail the frame
			}
			values := make([]byte, n)
			if scale := hi - lo; scale > 0 {
				for i := 0; i < n; i++ {
					values[i] = byte((v[i*width+u]-lo)/scale*255 + 0.5)
				}
			}
			maps = append(maps, protocol.UnitMap{Layer: li, Unit: u, Lo: lo, Hi: hi, Values: values})
		}
	}
	return maps
}
