// Package explain answers "why does the model say this?" for one input of
// an engine/nn model: attribution maps (gradient × input, integrated
// gradients, occlusion), the nearest training examples in the last hidden
// layer, the smallest gradient change that flips the prediction to a
// chosen class, and the examples behind one cell of a confusion matrix.
//
// An input is one example as a flat []float32 of the model's input size,
// row-major (an MNIST image is 784 values in [0, 1]; a table row is one
// value per feature). Attributions have the same layout: one value per
// pixel or feature. Nothing here changes the model's weights or state.
package explain

import (
	"fmt"
	"math"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/nn"
	"github.com/nnplay/nnplay/engine/spec"
)

// Target is what an attribution explains: the score of one class.
type Target struct {
	// Class is the class whose score is explained (0 to K−1).
	Class int
	// Score is which score: nn.ScoreLogit (the zero value) explains z_c,
	// the class's logit before the final softmax; nn.ScoreProbability
	// explains p_c. Logits add up across the input (for a linear model
	// z_c = w_c·x + b_c, so gradient × input is exactly w_c ⊙ x), while
	// p_c also moves with every other class's score.
	Score nn.Score
}

// Attribution is one value per input value saying how much it pushed the
// target's score up (positive) or down (negative).
type Attribution struct {
	Method string    // "gradient_x_input", "integrated_gradients" or "occlusion"
	Target Target    // what was explained
	Values []float64 // one per input value, in the input's layout
	// Score is the target's score f(x) at the input; Probs are the
	// model's probabilities there (see nn.InputGradient).
	Score float64
	Probs []float32
	// Baseline is f(baseline), for integrated gradients and occlusion.
	Baseline float64
}

// Sum is Σ Values.
func (a *Attribution) Sum() float64 {
	var s float64
	for _, v := range a.Values {
		s += v
	}
	return s
}

// GradientTimesInput is a_i = x_i · ∂f/∂x_i for f the target's score at
// x: a first-order estimate of how much x_i contributes to f, exact for a
// model linear in its input (then Σ a_i = f(x) − f(0)).
func GradientTimesInput(m *nn.Sequential, x []float32, t Target) (*Attribution, error) {
	g, err := gradients(m, [][]float32{x}, t)
	if err != nil {
		return nil, err
	}
	grad := g.Grad.Float32s()
	a := &Attribution{Method: "gradient_x_input", Target: t, Values: make([]float64, len(x)),
		Score: g.Scores[0], Probs: g.Probs.Float32s()}
	for i, v := range x {
		a.Values[i] = float64(v) * float64(grad[i])
	}
	return a, nil
}

// DefaultIGSteps is how many points integrated gradients averages the
// gradient over when IGOptions.Steps is 0.
const DefaultIGSteps = 64

// IGOptions configure IntegratedGradients.
type IGOptions struct {
	// Steps is the number of points on the path from the baseline to x
	// (DefaultIGSteps when 0). More steps, smaller completeness error.
	Steps int
	// Baseline is the input that stands for "nothing": all zeros (a blank
	// image, every feature 0) when nil.
	Baseline []float32
}

// IntegratedGradients (Sundararajan et al., 2017) is
//
//	a_i = (x_i − b_i) · ∫₀¹ ∂f/∂x_i (b + α(x − b)) dα
//
// for f the target's score and b the baseline, the integral taken by the
// midpoint rule over Steps points α_k = (k + ½)/Steps. Its completeness:
// Σ a_i = f(x) − f(b), up to the rule's error (Attribution.Baseline holds
// f(b), so a view can show the gap).
func IntegratedGradients(m *nn.Sequential, x []float32, t Target, o IGOptions) (*Attribution, error) {
	steps := o.Steps
	if steps == 0 {
		steps = DefaultIGSteps
	}
	if steps < 1 || steps > 1024 {
		return nil, fmt.Errorf("integrated gradients: %d steps; use 1 to 1024", steps)
	}
	b := o.Baseline
	if b == nil {
		b = make([]float32, len(x))
	}
	if len(b) != len(x) {
		return nil, fmt.Errorf("integrated gradients: the baseline has %d values but the input has %d", len(b), len(x))
	}
	path := make([][]float32, steps+2)
	for k := range steps {
		alpha := (float64(k) + 0.5) / float64(steps)
		p := make([]float32, len(x))
		for i := range x {
			p[i] = float32(float64(b[i]) + alpha*float64(x[i]-b[i]))
		}
		path[k] = p
	}
	path[steps], path[steps+1] = x, b
	g, err := gradients(m, path, t)
	if err != nil {
		return nil, err
	}
	grad, n := g.Grad.Float32s(), len(x)
	probs := g.Probs.Float32s()
	k := len(probs) / len(path)
	a := &Attribution{Method: "integrated_gradients", Target: t, Values: make([]float64, n),
		Score: g.Scores[steps], Baseline: g.Scores[steps+1], Probs: probs[steps*k : (steps+1)*k]}
	for k := range steps {
		for i, v := range grad[k*n : (k+1)*n] {
			a.Values[i] += float64(v)
		}
	}
	for i := range a.Values {
		a.Values[i] *= float64(x[i]-b[i]) / float64(steps)
	}
	return a, nil
}

// OcclusionOptions configure Occlusion.
type OcclusionOptions struct {
	// Image is the input read as an image, [height, width] (channels are
	// the rest, last). nil reads it from the model: its input shape when
	// that has rank 2 or 3 (such as [28, 28, 1]); an image data set's
	// shape (spec.Data of kind image); 28 × 28 for flat mnist rows; else
	// one row of features, [1, size], each feature occluded alone.
	Image []int
	// Patch is the side of the square covered at a time, in pixels: 0
	// means 4 for an image and 1 for a row of features (each feature
	// alone).
	Patch int
	// Stride is the step between patches: 0 means Patch/2 (at least 1),
	// so most pixels are covered by several patches.
	Stride int
	// Baseline is the value a covered pixel or feature takes (0: black).
	Baseline float32
}

// Occlusion (Zeiler & Fergus, 2014) covers the input with a patch at
// every stride and measures how the target's score drops:
//
//	a_i = mean over the patches P ∋ i of  f(x) − f(x with P set to the baseline)
//
// so a_i > 0 where covering the input lowers the score (the model relied
// on it). Patches are clipped at the edges; every pixel is covered by at
// least one. Baseline holds f(x with everything covered).
func Occlusion(m *nn.Sequential, x []float32, t Target, o OcclusionOptions) (*Attribution, error) {
	h, w, ch, err := ImageShape(m, len(x), o.Image)
	if err != nil {
		return nil, err
	}
	patch := o.Patch
	if patch == 0 {
		patch = 4
		if h == 1 {
			patch = 1
		}
	}
	if patch < 1 || patch > max(h, w) {
		return nil, fmt.Errorf("occlusion: patch size %d; use 1 to %d for a %d×%d input", patch, max(h, w), h, w)
	}
	stride := o.Stride
	if stride == 0 {
		stride = max(1, patch/2)
	}
	if stride < 1 || stride > patch {
		return nil, fmt.Errorf("occlusion: stride %d; use 1 to the patch size %d (a larger stride leaves pixels uncovered)", stride, patch)
	}
	type box struct{ r0, r1, c0, c1 int }
	var boxes []box
	for _, r := range starts(h, min(patch, h), stride) {
		for _, c := range starts(w, min(patch, w), stride) {
			boxes = append(boxes, box{r, min(r+patch, h), c, min(c+patch, w)})
		}
	}
	inputs := make([][]float32, 0, len(boxes)+2)
	for _, bx := range boxes {
		p := append([]float32(nil), x...)
		for r := bx.r0; r < bx.r1; r++ {
			for c := bx.c0; c < bx.c1; c++ {
				for k := range ch {
					p[(r*w+c)*ch+k] = o.Baseline
				}
			}
		}
		inputs = append(inputs, p)
	}
	blank := make([]float32, len(x))
	for i := range blank {
		blank[i] = o.Baseline
	}
	inputs = append(inputs, x, blank)
	scores, probs, err := forward(m, inputs, t)
	if err != nil {
		return nil, err
	}
	fx := scores[len(boxes)]
	a := &Attribution{Method: "occlusion", Target: t, Values: make([]float64, len(x)),
		Score: fx, Baseline: scores[len(boxes)+1], Probs: probs[len(boxes)]}
	cover := make([]int, h*w)
	for j, bx := range boxes {
		drop := fx - scores[j]
		for r := bx.r0; r < bx.r1; r++ {
			for c := bx.c0; c < bx.c1; c++ {
				cover[r*w+c]++
				for k := range ch {
					a.Values[(r*w+c)*ch+k] += drop
				}
			}
		}
	}
	for i := range a.Values {
		a.Values[i] /= float64(cover[i/ch])
	}
	return a, nil
}

// starts are the first rows (or columns) of patches of size p every
// stride s along n, the last one flush with the end so all are covered.
func starts(n, p, s int) []int {
	var out []int
	for r := 0; ; r += s {
		if r+p >= n {
			out = append(out, n-p)
			return out
		}
		out = append(out, r)
	}
}

// ImageShape reads an input of size values of model m as height × width ×
// channels, as Occlusion does (see OcclusionOptions.Image): a table row is
// 1 × size × 1.
func ImageShape(m *nn.Sequential, size int, image []int) (h, w, ch int, err error) {
	switch in := m.Input(); {
	case image != nil:
		if len(image) != 2 || image[0] < 1 || image[1] < 1 {
			return 0, 0, 0, fmt.Errorf("occlusion: image shape %v; give [height, width]", image)
		}
		h, w = image[0], image[1]
	case len(in) == 3 || len(in) == 2:
		h, w = in[0], in[1]
	case m.Spec().Data != nil && m.Spec().Data.Kind == spec.KindImage && len(m.Spec().Data.Shape) == 3:
		h, w = m.Spec().Data.Shape[0], m.Spec().Data.Shape[1]
	case m.Spec().Dataset == spec.DatasetMNIST && size == 28*28:
		h, w = 28, 28
	default:
		h, w = 1, size
	}
	if size%(h*w) != 0 {
		return 0, 0, 0, fmt.Errorf("occlusion: an input of %d values is not a %d×%d image", size, h, w)
	}
	return h, w, size / (h * w), nil
}

// gradients runs nn.InputGradient on the inputs (each the model's input
// size) for the target class.
func gradients(m *nn.Sequential, inputs [][]float32, t Target) (*nn.InputGradient, error) {
	x, err := batch(m, inputs)
	if err != nil {
		return nil, err
	}
	classes := make([]int, len(inputs))
	for i := range classes {
		classes[i] = t.Class
	}
	return m.InputGradient(x, classes, t.Score)
}

// forward returns the target's score and the probabilities for each input.
func forward(m *nn.Sequential, inputs [][]float32, t Target) (scores []float64, probs [][]float32, err error) {
	g, err := gradients(m, inputs, t)
	if err != nil {
		return nil, nil, err
	}
	p := g.Probs.Float32s()
	k := len(p) / len(inputs)
	for i := range inputs {
		probs = append(probs, p[i*k:(i+1)*k])
	}
	return g.Scores, probs, nil
}

// batch stacks inputs into one tensor (N, size), checking each one's size
// and values.
func batch(m *nn.Sequential, inputs [][]float32) (*tensor.Dense, error) {
	size := 1
	for _, d := range m.Input() {
		size *= d
	}
	xs := make([]float32, 0, len(inputs)*size)
	for _, in := range inputs {
		if len(in) != size {
			return nil, fmt.Errorf("the input has %d values but the model takes %d (shape %v)", len(in), size, m.Input())
		}
		for i, v := range in {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return nil, fmt.Errorf("input value %d is %v; inputs must be finite", i, v)
			}
		}
		xs = append(xs, in...)
	}
	return tensor.New(tensor.WithShape(len(inputs), size), tensor.WithBacking(xs)), nil
}
