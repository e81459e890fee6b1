package session

import (
	"fmt"
	"math"
	"strconv"

	"github.com/nnplay/nnplay/engine/units"

	"github.com/nnplay/nnplay/wasm/protocol"
)

// ProgressFraction is how much of the run is done, in [0,1].
func (s *Session) ProgressFraction() float64 {
	p := s.Progress
	if p.Epochs <= 0 || p.Batches <= 0 {
		return 0
	}
	return math.Min(1, (float64(p.Epoch-1)+float64(p.Batch)/float64(p.Batches))/float64(p.Epochs))
}

// ProgressText is "Epoch 1/2 · batch 123/938 · 41,000 samples/s · 12 s left"
// (and "· lr 0.000731" while a schedule moves the learning rate).
func (s *Session) ProgressText() string {
	p := s.Progress
	if p.GlobalBatch == 0 {
		return "Not started."
	}
	t := fmt.Sprintf("Epoch %d/%d · batch %d/%d · %s samples/s", p.Epoch, p.Epochs, p.Batch, p.Batches, units.Thousands(int(math.Round(p.SamplesPerSec))))
	if s.Training == protocol.StateRunning && p.ETASeconds > 0 {
		t += " · " + durationText(p.ETASeconds) + " left"
	}
	if p.LearningRate > 0 {
		t += " · lr " + strconv.FormatFloat(p.LearningRate, 'g', 3, 64)
	}
	return t
}

// LossText is the smoothed training loss, or a dash before training.
func (s *Session) LossText() string {
	if s.Progress.GlobalBatch == 0 {
		return "–"
	}
	return fmt.Sprintf("%.4f", s.Progress.Loss)
}

// AccText is the smoothed training accuracy, or a dash before training.
func (s *Session) AccText() string {
	if s.Progress.GlobalBatch == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f%%", s.Progress.Accuracy*100)
}

// durationText formats seconds as "12 s", "3 min 5 s" or "1 h 4 min".
func durationText(sec float64) string {
	s := int(math.Round(sec))
	switch {
	case s < 60:
		return fmt.Sprintf("%d s", s)
	case s < 3600:
		return fmt.Sprintf("%d min %d s", s/60, s%60)
	}
	return fmt.Sprintf("%d h %d min", s/3600, (s%3600)/60)
}
