package protocol

import (
	"fmt"
	"math"

	"github.com/nnplay/nnplay/engine/spec"
)

// checker is a message with rules beyond its JSON shape. Encode and the
// decoders both apply them, so a bad message is caught at either end.
type checker interface {
	check() error
}

func finite(name string, v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("%s is %v; it must be a finite number", name, v)
	}
	return nil
}

func nonNegative(name string, v int64) error {
	if v < 0 {
		return fmt.Errorf("%s is %d; it must not be negative", name, v)
	}
	return nil
}

func validState(s string) error {
	switch s {
	case StateIdle, StateRunning, StatePaused, StateDone, StateStopped:
		return nil
	}
	return fmt.Errorf("unknown state %q (want idle, running, paused, done or stopped)", s)
}

func (m Set) check() error {
	if err := finite("learning_rate", m.LearningRate); err != nil {
		return err
	}
	if m.LearningRate < 0 {
		return fmt.Errorf("learning_rate is %v; it must be positive", m.LearningRate)
	}
	if m.BatchSize < 0 || m.BatchSize > spec.MaxBatchSize {
		return fmt.Errorf("batch_size is %d; it must be between 1 and %d", m.BatchSize, spec.MaxBatchSize)
	}
	if m.LearningRate == 0 && m.BatchSize == 0 {
		return fmt.Errorf("nothing to change: give learning_rate or batch_size")
	}
	return nil
}

func (m Predict) check() error {
	if len(m.Image) != ImageSize {
		return fmt.Errorf("image has %d pixels; want %d (28×28)", len(m.Image), ImageSize)
	}
	for i, v := range m.Image {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return fmt.Errorf("pixel %d is %v; pixels must be finite", i, v)
		}
	}
	return nil
}

func (m DataProgress) check() error {
	if m.Stage != StageDownload && m.Stage != StageParse && m.Stage != StageDecode {
		return fmt.Errorf("unknown stage %q (want download, parse or decode)", m.Stage)
	}
	if err := nonNegative("loaded", m.Loaded); err != nil {
		return err
	}
	return nonNegative("total", m.Total)
}

func (m DataReady) check() error {
	if err := nonNegative("train", int64(m.Train)); err != nil {
		return err
	}
	return nonNegative("test", int64(m.Test))
}

func (m Built) check() error {
	for i, r := range m.Rows {
		if r.Params < 0 {
			return fmt.Errorf("row %d: params is %d; it must not be negative", i+1, r.Params)
		}
	}
	if m.TrainableParams < 0 || m.TrainableParams > m.TotalParams {
		return fmt.Errorf("trainable_params %d must be between 0 and total_params %d", m.TrainableParams, m.TotalParams)
	}
	return nil
}

func (m Progress) check() error {
	for _, f := range []struct {
		name string
		v    float64
	}{{"loss", m.Loss}, {"accuracy", m.Accuracy}, {"samples_per_sec", m.SamplesPerSec}, {"eta_seconds", m.ETASeconds}} {
		if err := finite(f.name, f.v); err != nil {
			return err
		}
	}
	for _, f := range []struct {
		name string
		v    int
	}{{"epoch", m.Epoch}, {"epochs", m.Epochs}, {"batch", m.Batch}, {"batches", m.Batches}, {"global_batch", m.GlobalBatch}} {
		if err := nonNegative(f.name, int64(f.v)); err != nil {
			return err
		}
	}
	return validState(m.State)
}

func (m EpochEnd) check() error {
	for _, f := range []struct {
		name string
		v    float64
	}{{"loss", m.Loss}, {"accuracy", m.Accuracy}, {"val_loss", m.ValLoss}, {"val_accuracy", m.ValAccuracy}, {"val_r2", m.ValR2}} {
		if err := finite(f.name, f.v); err != nil {
			return err
		}
	}
	return nil
}

func (m State) check() error { return validState(m.State) }

func (m Prediction) check() error {
	if len(m.Probs) == 0 {
		return fmt.Errorf("probs is empty")
	}
	return nil
}

func (m Evaluation) check() error {
	if err := finite("loss", m.Loss); err != nil {
		return err
	}
	if err := finite("accuracy", m.Accuracy); err != nil {
		return err
	}
	k := len(m.Confusion)
	for i, row := range m.Confusion {
		if len(row) != k {
			return fmt.Errorf("confusion row %d has %d columns; want %d (a square matrix)", i, len(row), k)
		}
		for j, c := range row {
			if c < 0 {
				return fmt.Errorf("confusion[%d][%d] is %d; counts must not be negative", i, j, c)
			}
		}
	}
	if len(m.Classes) != k {
		return fmt.Errorf("classes has %d entries; want %d, one per confusion row", len(m.Classes), k)
	}
	if len(m.Misclassified) > MaxMisclassified {
		return fmt.Errorf("%d misclassified examples; at most %d are sent", len(m.Misclassified), MaxMisclassified)
	}
	size := ImageSize
	if len(m.Shape) > 0 {
		size = 1
		for _, d := range m.Shape {
			size *= d
		}
	}
	for i, x := range m.Misclassified {
		if len(x.Pixels) != size {
			return fmt.Errorf("misclassified %d has %d pixels; want %d", i, len(x.Pixels), size)
		}
		if x.True < 0 || x.True >= k || x.Predicted < 0 || x.Predicted >= k {
			return fmt.Errorf("misclassified %d: classes %d→%d out of range 0..%d", i, x.True, x.Predicted, k-1)
		}
	}
	return nil
}

func (m Snapshot) check() error { return checkParams(m.Params) }

// checkParams checks that each param's data fits its shape.
func checkParams(params []ParamData) error {
	for i, p := range params {
		n, err := shapeSize(p.Shape)
		if err != nil {
			return fmt.Errorf("param %d (%s): %w", i, p.Name, err)
		}
		if len(p.Data) != 4*n {
			return fmt.Errorf("param %d (%s): %d bytes of data for shape %v; want %d", i, p.Name, len(p.Data), p.Shape, 4*n)
		}
	}
	return nil
}

// shapeSize is the number of values of a shape, checked for negative
// dimensions and sizes no message could hold.
func shapeSize(shape []int) (int, error) {
	n := 1
	for _, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("shape %v has a negative dimension", shape)
		}
		n *= d
		if n > MaxMessageBytes {
			return 0, fmt.Errorf("shape %v is too large", shape)
		}
	}
	return n, nil
}

func (m Error) check() error {
	if m.Message == "" {
		return fmt.Errorf("message is empty")
	}
	if _, ok := requests[m.Request]; m.Request != "" && !ok {
		return fmt.Errorf("it answers an unknown request type %q", m.Request)
	}
	return nonNegative("id", int64(m.ID))
}
