package metrics

import (
	"math"
	"testing"
)

// TestRegress against values worked by hand.
func TestRegress(t *testing.T) {
	truth := []float64{1, 2, 3, 4}  // mean 2.5, Σ(t − t̄)² = 5
	pred := []float64{1.5, 2, 2, 5} // errors 0.5, 0, −1, 1
	r, err := Regress(pred, truth)
	if err != nil {
		t.Fatal(err)
	}
	// SSE = 0.25 + 0 + 1 + 1 = 2.25; SAE = 2.5.
	if r.N != 4 || math.Abs(r.MSE-0.5625) > 1e-15 || math.Abs(r.MAE-0.625) > 1e-15 || math.Abs(r.R2-(1-2.25/5)) > 1e-15 {
		t.Errorf("Regress = %+v, want MSE 0.5625, MAE 0.625, R² 0.55", r)
	}
	if math.Abs(r.RMSE()-0.75) > 1e-15 {
		t.Errorf("RMSE = %v, want 0.75", r.RMSE())
	}
	perfect, _ := Regress(truth, truth)
	if perfect.R2 != 1 || perfect.MSE != 0 {
		t.Errorf("perfect predictions: %+v", perfect)
	}
	mean, _ := Regress([]float64{2.5, 2.5, 2.5, 2.5}, truth)
	if mean.R2 != 0 {
		t.Errorf("predicting the mean: R² = %v, want 0", mean.R2)
	}
	flat, _ := Regress([]float64{1, 2}, []float64{3, 3})
	exact, _ := Regress([]float64{3, 3}, []float64{3, 3})
	if flat.R2 != 0 || exact.R2 != 1 {
		t.Errorf("constant truth: R² = %v and %v when exact, want 0 and 1 (scikit-learn's force_finite)", flat.R2, exact.R2)
	}
	if _, err := Regress([]float64{1}, []float64{1, 2}); err == nil {
		t.Error("mismatched lengths: no error")
	}
	if _, err := Regress(nil, nil); err == nil {
		t.Error("no values: no error")
	}
}

func TestHistogram(t *testing.T) {
	got := Histogram([]float64{-1, -0.5, 0, 0.49, 0.5, 1, 2, math.NaN()}, -1, 1, 4)
	want := []int{1, 1, 2, 2} // [-1,-0.5) [-0.5,0) [0,0.5) [0.5,1]
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("Histogram = %v, want %v", got, want)
		}
	}
}
