package playground

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/engine/units"
	"github.com/nnplay/nnplay/ui/session"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// The texts the playground shows, from its state.

// LayersText is "2 hidden layers".
func (p *Place) LayersText() string {
	switch n := len(p.Config.NetColumns()); n {
	case 0:
		return "No hidden layer"
	case 1:
		return "1 hidden layer"
	default:
		return fmt.Sprintf("%d hidden layers", n)
	}
}

// SummaryText describes the network, Keras-style shapes in words:
// "7 inputs → 8 relu → 8 relu → 3 softmax · 163 parameters".
func (p *Place) SummaryText() string {
	c := p.Config
	if msg := c.FeaturesProblem(); msg != "" {
		return msg
	}
	parts := []string{fmt.Sprintf("%d inputs", len(c.Features))}
	for _, k := range c.NetColumns() {
		parts = append(parts, fmt.Sprintf("%d %s", k.Units, k.Label))
	}
	parts = append(parts, fmt.Sprintf("%d softmax", c.Classes))
	s := strings.Join(parts, " → ")
	if infos, err := c.Model().Infer(); err == nil {
		total := 0
		for _, in := range infos {
			total += in.Params
		}
		s += fmt.Sprintf(" · %s parameters · cross-entropy loss", units.Thousands(total))
	}
	return s
}

// ErrorText is the playground's banner text.
func (p *Place) ErrorText() string {
	if p.Fatal != "" {
		return p.Fatal
	}
	return p.Error
}

// EpochText is the epochs trained (fractions dropped) and the batch:
// "12 (batch 300)"; "–" before the first frame.
func (p *Place) EpochText() string {
	if p.Frame == nil {
		return "–"
	}
	return fmt.Sprintf("%s (batch %s)", units.Thousands(int(p.epochs)), units.Thousands(p.Frame.GlobalBatch))
}

// LossText is the last frame's loss on every training (train) or test
// point: "0.123".
func (p *Place) LossText(train bool) string {
	if p.Frame == nil {
		return "–"
	}
	if train {
		return strconv.FormatFloat(p.Frame.TrainLoss, 'f', 3, 64)
	}
	return strconv.FormatFloat(p.Frame.TestLoss, 'f', 3, 64)
}

// AccText is the last frame's accuracy on the training (train) or test
// points: "97.5%".
func (p *Place) AccText(train bool) string {
	if p.Frame == nil {
		return "–"
	}
	a := p.Frame.TestAccuracy
	if train {
		a = p.Frame.TrainAccuracy
	}
	return strconv.FormatFloat(a*100, 'f', 1, 64) + "%"
}

// FPSText is the frame rate while training: "58 frames/s".
func (p *Place) FPSText() string {
	if p.State != protocol.StateRunning {
		return "–"
	}
	return fmt.Sprintf("%.0f frames/s", p.FPS())
}

// StatusText says what the playground is doing.
func (p *Place) StatusText() string {
	switch {
	case p.Worker == session.WorkerDead:
		return "Stopped."
	case p.Config.FeaturesProblem() != "":
		return "Waiting for a choice of features."
	case p.State == "":
		return "Building…"
	case p.State == protocol.StateRunning:
		return "Training…"
	case p.State == protocol.StatePaused:
		return "Paused."
	}
	return "Ready: press Play."
}

// ClassIndexes are 0..classes-1, for the legend.
func (p *Place) ClassIndexes() []int {
	out := make([]int, p.Config.Classes)
	for i := range out {
		out[i] = i
	}
	return out
}

// ClassChoices are the class counts offered (only the spiral has more
// than 2).
func (p *Place) ClassChoices() []int {
	if p.Config.Dataset != spec.DatasetSpiral {
		return []int{2}
	}
	var out []int
	for k := 2; k <= MaxClasses; k++ {
		out = append(out, k)
	}
	return out
}

// LRChoices are the learning rates offered, as the select writes them,
// with the current one added when a link set another.
func (p *Place) LRChoices() []string {
	opts := slices.Clone(LearningRates)
	if cur := p.Config.LR; !slices.Contains(opts, cur) {
		opts = append(opts, cur)
		slices.Sort(opts)
	}
	out := make([]string, len(opts))
	for i, v := range opts {
		out[i] = fmtFloat(v)
	}
	return out
}

// withInt adds v to a list of choices when a link set another value, so
// the select shows it.
func withInt(opts []int, v int) []int {
	if slices.Contains(opts, v) {
		return opts
	}
	out := append(slices.Clone(opts), v)
	slices.Sort(out)
	return out
}

// DismissProblems hides the message about a bad link.
func (p *Place) DismissProblems() { p.Problems = nil }

// DismissError hides the worker's latest non-fatal error.
func (p *Place) DismissError() { p.Error = "" }

// nodeText names node j of column col (0: the inputs) and, for a hidden
// unit, the range of its values over the plane in the last frame.
func (p *Place) nodeText(col, j int) string {
	c := p.Config
	hidden := c.NetColumns()
	switch {
	case col == 0 && j < len(c.Features):
		return "Showing input " + FeatureLabel(c.Features[j]) + " over the plane"
	case col == len(hidden)+1:
		return fmt.Sprintf("Showing the probability of class %d", j)
	case col > 0 && col <= len(hidden):
		s := fmt.Sprintf("Showing hidden layer %d, unit %d (%s)", col, j+1, hidden[col-1].Label)
		if f := p.Frame; f != nil {
			for _, m := range f.Units {
				if m.Layer == hidden[col-1].Shown && m.Unit == j {
					s += fmt.Sprintf(": %.3g to %.3g", m.Lo, m.Hi)
				}
			}
		}
		return s
	}
	return ""
}

// pointText describes the plot's point at fractions (fx, fy) of its size:
// coordinates, then each class's probability in the last frame.
func (p *Place) pointText(fx, fy float64) string {
	span := float64(protocol.PlaneHi - protocol.PlaneLo)
	s := fmt.Sprintf("x %.2f, y %.2f", protocol.PlaneLo+fx*span, protocol.PlaneHi-fy*span)
	f := p.Frame
	if f == nil || f.Grid < 1 || f.Classes < 1 {
		return s
	}
	c, r := min(int(fx*float64(f.Grid)), f.Grid-1), min(int(fy*float64(f.Grid)), f.Grid-1)
	i := (max(r, 0)*f.Grid + max(c, 0)) * f.Classes
	if i+f.Classes > len(f.Probs) {
		return s
	}
	parts := []string{s}
	for k := 0; k < f.Classes; k++ {
		parts = append(parts, fmt.Sprintf("class %d %.0f%%", k, float64(f.Probs[i+k])/2.55))
	}
	return strings.Join(parts, " · ")
}

// LossText and AccText's argument: the training points or the test points.
const (
	trainSet = true
	testSet  = false
)
