package metrics

import (
	"fmt"
	"math"
)

// Regression summarizes how close predictions p are to true values t over
// n pairs:
//
//	MSE = 1/n Σ (p_i − t_i)²
//	MAE = 1/n Σ |p_i − t_i|
//	R²  = 1 − Σ (p_i − t_i)² / Σ (t_i − t̄)²
//
// R² is 1 for perfect predictions, 0 for always predicting the mean t̄,
// and negative for worse. When every t_i is the same, R² is 1 for exact
// predictions and 0 otherwise (scikit-learn's force_finite).
type Regression struct {
	N        int
	MSE, MAE float64
	R2       float64
}

// RMSE is √MSE, in the target's units.
func (r Regression) RMSE() float64 { return math.Sqrt(r.MSE) }

// Regress measures predictions against true values, pair by pair. The
// slices must have the same, non-zero length.
func Regress(pred, truth []float64) (Regression, error) {
	if len(pred) != len(truth) {
		return Regression{}, fmt.Errorf("regression: %d predictions for %d true values", len(pred), len(truth))
	}
	n := len(truth)
	if n == 0 {
		return Regression{}, fmt.Errorf("regression: no values to measure")
	}
	var mean float64
	for _, t := range truth {
		mean += t
	}
	mean /= float64(n)
	var sse, sae, sst float64
	for i, t := range truth {
		d := pred[i] - t
		sse += d * d
		sae += math.Abs(d)
		sst += (t - mean) * (t - mean)
	}
	r := Regression{N: n, MSE: sse / float64(n), MAE: sae / float64(n)}
	switch {
	case sst > 0:
		r.R2 = 1 - sse/sst
	case sse == 0:
		r.R2 = 1
	}
	return r, nil
}

// Histogram counts values into bins equal bins spanning [lo, hi] (the
// last bin includes hi), for a residual histogram. Values outside the
// range, and NaN, are not counted. lo < hi and bins ≥ 1.
func Histogram(values []float64, lo, hi float64, bins int) []int {
	counts := make([]int, bins)
	if !(lo < hi) || bins < 1 {
		return counts
	}
	width := (hi - lo) / float64(bins)
	for _, v := range values {
		if !(v >= lo && v <= hi) {
			continue
		}
		b := min(int((v-lo)/width), bins-1)
		counts[b]++
	}
	return counts
}
