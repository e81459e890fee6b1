package ui

import (
	"fmt"
	"strconv"
)

// FineTunePanel is the fine-tuning lesson, "Fine-tune: 0–4 → 5–9".
type FineTunePanel struct {
	App *App
}

func (c *FineTunePanel) l() *Lesson { return c.App.lesson() }

func (c *FineTunePanel) baseWhat() string {
	return fmt.Sprintf("%s batches of 64 images of 0–4", thousands(LessonBaseBatches))
}

func (c *FineTunePanel) tuneWhat() string {
	return fmt.Sprintf("%s batches of 64 images of 5–9; only the Dense layers learn", thousands(LessonTuneBatches))
}

// accAttr is an accuracy for a data attribute, full precision ("" when none).
func accAttr(ok bool, v float64) string {
	if !ok {
		return ""
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

func (c *FineTunePanel) baseAcc() string {
	b := c.l().Base
	if b == nil {
		return ""
	}
	return accAttr(true, b.Accuracy)
}

func (c *FineTunePanel) beforeAcc() string {
	h := c.l().Head
	if h == nil {
		return ""
	}
	return accAttr(true, h.Accuracy)
}

func (c *FineTunePanel) afterAcc() string {
	t := c.l().Tune
	if t == nil {
		return ""
	}
	return accAttr(true, t.Accuracy)
}
