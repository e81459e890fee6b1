package build

import (
	"strconv"

	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// The Evaluate panel of a regression (issue 14): MSE, MAE, R² and RMSE on
// the test split in the target's units, a predicted-vs-true scatter and a
// histogram of the residuals.

// regression says whether the edited model predicts a number.
func (p *Place) regression() bool {
	d := p.S.Model.Data()
	return d != nil && d.Task == spec.TaskRegression
}

// digits says whether the model reads MNIST digits (the pad is its Try it).
func (p *Place) digits() bool { return p.S.Model.Data() == nil }

// RegressionResults are what the regression view shows (R nil: none yet).
type RegressionResults struct {
	R      *protocol.RegressionEvaluation
	Target string
}

// Metric formats one metric: "mse", "mae", "r2" or "rmse" ("" before an
// evaluation).
func (r RegressionResults) Metric(name string) string {
	if r.R == nil {
		return ""
	}
	v := map[string]float64{"mse": r.R.MSE, "mae": r.R.MAE, "r2": r.R.R2, "rmse": r.R.RMSE}[name]
	return strconv.FormatFloat(v, 'f', 3, 64)
}

// Bounds are the scatter's common range of predicted and true values,
// padded by 5 %.
func (r RegressionResults) Bounds() (lo, hi float64) {
	if r.R == nil || len(r.R.Pairs) == 0 {
		return 0, 1
	}
	lo, hi = r.R.Pairs[0][0], r.R.Pairs[0][0]
	for _, p := range r.R.Pairs {
		lo, hi = min(lo, p[0], p[1]), max(hi, p[0], p[1])
	}
	pad := (hi - lo) * 0.05
	if pad == 0 {
		pad = 1
	}
	return lo - pad, hi + pad
}
