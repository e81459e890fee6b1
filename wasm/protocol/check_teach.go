package protocol

import (
	"fmt"
	"math"
)

// Checks of the inspection and playground messages (see checker).

func (e Example) check() error {
	switch e.Source {
	case SourceTest:
		if e.Index < 0 {
			return fmt.Errorf("index is %d; it must not be negative", e.Index)
		}
		if len(e.Input) > 0 {
			return fmt.Errorf("source test takes an index, not input values")
		}
	case SourceInput:
		if len(e.Input) == 0 || len(e.Input) > ImageSize {
			return fmt.Errorf("input has %d values; want %d pixels (MNIST) or a point's 2 coordinates (playground)", len(e.Input), ImageSize)
		}
		if err := finite32s("input", e.Input); err != nil {
			return err
		}
		if e.Index != 0 {
			return fmt.Errorf("source input takes input values, not an index")
		}
		if e.Label == nil {
			return fmt.Errorf("label is missing; source input needs the true class")
		}
	default:
		return fmt.Errorf("unknown source %q (want test or input)", e.Source)
	}
	if e.Label != nil && (*e.Label < 0 || *e.Label >= MaxLabels) {
		return fmt.Errorf("label is %d; it must be a class from 0 to %d", *e.Label, MaxLabels-1)
	}
	return nil
}

func (m GradCheckRequest) check() error {
	if err := m.Example.check(); err != nil {
		return err
	}
	if len(m.Picks) == 0 || len(m.Picks) > MaxPicks {
		return fmt.Errorf("%d picks; pick 1 to %d weights", len(m.Picks), MaxPicks)
	}
	for i, p := range m.Picks {
		if p.Layer < 0 || p.Index < 0 || p.Name == "" {
			return fmt.Errorf("pick %d (%+v): want a layer and index of at least 0 and a param name", i+1, p)
		}
	}
	if !(m.H >= 0 && m.H <= 1) {
		return fmt.Errorf("h is %v; it must be between 0 (the default) and 1", m.H)
	}
	return nil
}

func (m Trace) check() error {
	if err := finite("loss", m.Loss); err != nil {
		return err
	}
	if err := m.Input.check("input"); err != nil {
		return err
	}
	if err := m.InputGrad.check("input_grad"); err != nil {
		return err
	}
	for i, l := range m.Layers {
		if err := l.Output.check(fmt.Sprintf("layer %d output", i)); err != nil {
			return err
		}
		if err := l.DOutput.check(fmt.Sprintf("layer %d d_output", i)); err != nil {
			return err
		}
		for _, p := range l.Params {
			n, err := shapeSize(p.Shape)
			if err != nil {
				return fmt.Errorf("layer %d %s: %w", i, p.Name, err)
			}
			for _, d := range []struct {
				name string
				b    []byte
			}{{"before", p.Before}, {"grad", p.Grad}, {"update", p.Update}, {"after", p.After}} {
				if len(d.b) != 4*n {
					return fmt.Errorf("layer %d %s: %s has %d bytes for shape %v; want %d", i, p.Name, d.name, len(d.b), p.Shape, 4*n)
				}
			}
		}
	}
	if s := m.Softmax; s != nil {
		k := len(s.Logits)
		if k == 0 || len(s.Exp) != k || len(s.Probs) != k || len(s.Grad) != k {
			return fmt.Errorf("softmax: %d logits, %d exp, %d probs, %d grad; want the same number of each", k, len(s.Exp), len(s.Probs), len(s.Grad))
		}
		if m.Label < 0 || m.Label >= k {
			return fmt.Errorf("label %d is not one of the %d classes", m.Label, k)
		}
	}
	return nil
}

// check says whether t's data fits its shape.
func (t Tensor) check(what string) error {
	n, err := shapeSize(t.Shape)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if len(t.Data) != 4*n {
		return fmt.Errorf("%s: %d bytes of data for shape %v; want %d", what, len(t.Data), t.Shape, 4*n)
	}
	return nil
}

func (m GradCheck) check() error {
	if err := finite("h", m.H); err != nil {
		return err
	}
	for i, r := range m.Results {
		for _, f := range []struct {
			name string
			v    float64
		}{{"analytic", r.Analytic}, {"numeric", r.Numeric}, {"abs_error", r.AbsError}, {"rel_error", r.RelError}} {
			if err := finite(fmt.Sprintf("result %d %s", i+1, f.name), f.v); err != nil {
				return err
			}
		}
	}
	return nil
}

func (m Stats) check() error {
	if err := nonNegative("global_batch", int64(m.GlobalBatch)); err != nil {
		return err
	}
	if err := finite("loss", m.Loss); err != nil {
		return err
	}
	for i, l := range m.Layers {
		if err := finite(fmt.Sprintf("layer %d mean", i), l.Mean); err != nil {
			return err
		}
		if err := finite(fmt.Sprintf("layer %d std", i), l.Std); err != nil {
			return err
		}
		if !(l.Dead >= 0 && l.Dead <= 1) {
			return fmt.Errorf("layer %d: dead is %v; it is a fraction from 0 to 1", i, l.Dead)
		}
		for _, p := range l.Params {
			if !(p.GradNorm >= 0) || !(p.WeightNorm >= 0) || math.IsInf(p.GradNorm, 0) || math.IsInf(p.WeightNorm, 0) {
				return fmt.Errorf("layer %d %s: norms %v and %v; want finite and at least 0", i, p.Name, p.GradNorm, p.WeightNorm)
			}
		}
	}
	return nil
}

func (m PlaygroundBuild) check() error {
	if m.Dataset == "" {
		return fmt.Errorf("dataset is missing; use circle, xor, gauss or spiral")
	}
	if len(m.Features) == 0 || len(m.Features) > MaxFeatures {
		return fmt.Errorf("%d features; choose 1 to %d of x, y, x2, y2, xy, sinx, siny", len(m.Features), MaxFeatures)
	}
	if err := finite("noise", m.Noise); err != nil {
		return err
	}
	if err := finite("train_fraction", m.TrainFraction); err != nil {
		return err
	}
	if !(m.EpochsPerSecond >= 0) || math.IsInf(m.EpochsPerSecond, 0) {
		return fmt.Errorf("epochs_per_second is %v; want 0 (as fast as possible) or a positive number", m.EpochsPerSecond)
	}
	return nil
}

func (m PlaygroundFrameRequest) check() error {
	if m.Grid < MinFrameGrid || m.Grid > MaxFrameGrid {
		return fmt.Errorf("grid is %d; it must be %d to %d", m.Grid, MinFrameGrid, MaxFrameGrid)
	}
	return nil
}

func (m PlaygroundData) check() error {
	if m.Classes < 2 || m.Classes > MaxLabels {
		return fmt.Errorf("classes is %d; want 2 to %d", m.Classes, MaxLabels)
	}
	for _, part := range []struct {
		name   string
		xy     []float32
		labels []int
	}{{"train", m.Train, m.TrainLabels}, {"test", m.Test, m.TestLabels}} {
		if len(part.xy) != 2*len(part.labels) {
			return fmt.Errorf("%s has %d coordinates for %d labels; want 2 a point", part.name, len(part.xy), len(part.labels))
		}
		if err := finite32s(part.name, part.xy); err != nil {
			return err
		}
		for i, l := range part.labels {
			if l < 0 || l >= m.Classes {
				return fmt.Errorf("%s label %d is %d; want a class from 0 to %d", part.name, i, l, m.Classes-1)
			}
		}
	}
	return nil
}

func (m PlaygroundFrame) check() error {
	if m.Grid < MinFrameGrid || m.Grid > MaxFrameGrid {
		return fmt.Errorf("grid is %d; it must be %d to %d", m.Grid, MinFrameGrid, MaxFrameGrid)
	}
	if m.Classes < 1 || m.Classes > MaxLabels {
		return fmt.Errorf("classes is %d; want 1 to %d", m.Classes, MaxLabels)
	}
	points := m.Grid * m.Grid
	if len(m.Probs) != points*m.Classes {
		return fmt.Errorf("probs has %d bytes; want %d (%d×%d points × %d classes)", len(m.Probs), points*m.Classes, m.Grid, m.Grid, m.Classes)
	}
	if len(m.Units) > MaxUnitMaps {
		return fmt.Errorf("%d unit maps; at most %d are sent", len(m.Units), MaxUnitMaps)
	}
	for i, u := range m.Units {
		if len(u.Values) != points {
			return fmt.Errorf("unit map %d has %d values; want %d", i, len(u.Values), points)
		}
		if !(u.Lo <= u.Hi) || math.IsInf(float64(u.Lo), 0) || math.IsInf(float64(u.Hi), 0) {
			return fmt.Errorf("unit map %d: range [%v, %v]; want finite lo ≤ hi", i, u.Lo, u.Hi)
		}
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"train_loss", m.TrainLoss}, {"test_loss", m.TestLoss}, {"train_accuracy", m.TrainAccuracy}, {"test_accuracy", m.TestAccuracy}} {
		if err := finite(f.name, f.v); err != nil {
			return err
		}
	}
	if err := validState(m.State); err != nil {
		return err
	}
	return checkParams(m.Params)
}

// finite32s checks that every value of v is a finite number.
func finite32s(name string, v []float32) error {
	for i, x := range v {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return fmt.Errorf("%s value %d is %v; it must be finite", name, i, x)
		}
	}
	return nil
}
