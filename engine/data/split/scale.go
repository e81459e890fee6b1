package split

import (
	"fmt"
	"math"
)

// Scaling maps each feature x_j to (x_j − Offset[j]) / Scale[j].
type Scaling struct {
	Offset, Scale []float64
}

// Standardize fits zero mean and unit variance on the rows of x (n rows of
// width values) listed in train: Offset = mean, Scale = the population
// standard deviation σ = √(1/n Σ (x − mean)²), as scikit-learn's
// StandardScaler. A feature with σ = 0 gets Scale 1. Features marked in
// keep (may be nil) are left as they are (Offset 0, Scale 1): one-hot
// columns.
func Standardize(x []float32, width int, train []int, keep []bool) (Scaling, error) {
	if err := check(x, width, train); err != nil {
		return Scaling{}, err
	}
	s := identity(width)
	for j := range width {
		if j < len(keep) && keep[j] {
			continue
		}
		var mean float64
		for _, i := range train {
			mean += float64(x[i*width+j])
		}
		mean /= float64(len(train))
		var ss float64
		for _, i := range train {
			d := float64(x[i*width+j]) - mean
			ss += d * d
		}
		s.Offset[j] = mean
		if sd := math.Sqrt(ss / float64(len(train))); sd > 0 {
			s.Scale[j] = sd
		}
	}
	return s, nil
}

// MinMax fits [0, 1] on the training rows: Offset = min, Scale = max − min
// (1 when max = min), as scikit-learn's MinMaxScaler. Validation and test
// values may fall outside [0, 1].
func MinMax(x []float32, width int, train []int, keep []bool) (Scaling, error) {
	if err := check(x, width, train); err != nil {
		return Scaling{}, err
	}
	s := identity(width)
	for j := range width {
		if j < len(keep) && keep[j] {
			continue
		}
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, i := range train {
			v := float64(x[i*width+j])
			lo, hi = min(lo, v), max(hi, v)
		}
		s.Offset[j] = lo
		if hi > lo {
			s.Scale[j] = hi - lo
		}
	}
	return s, nil
}

// Apply scales every row of x in place.
func (s Scaling) Apply(x []float32) {
	w := len(s.Offset)
	if w == 0 {
		return
	}
	for i := range x {
		j := i % w
		x[i] = float32((float64(x[i]) - s.Offset[j]) / s.Scale[j])
	}
}

func identity(width int) Scaling {
	s := Scaling{Offset: make([]float64, width), Scale: make([]float64, width)}
	for j := range s.Scale {
		s.Scale[j] = 1
	}
	return s
}

func check(x []float32, width int, train []int) error {
	if width < 1 || len(x)%width != 0 {
		return fmt.Errorf("scaling: %d values do not make rows of %d", len(x), width)
	}
	if len(train) == 0 {
		return fmt.Errorf("scaling: no training rows to fit on")
	}
	n := len(x) / width
	for _, i := range train {
		if i < 0 || i >= n {
			return fmt.Errorf("scaling: training row %d outside 0..%d", i, n-1)
		}
	}
	return nil
}
