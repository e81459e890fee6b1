//go:build js && wasm

package finetune

// FineTunePanel is the fine-tuning lesson, "Fine-tune: 0–4 → 5–9".
type FineTunePanel struct {
	P *Place
}

func (c *FineTunePanel) l() *Lesson { return c.P.Lesson }
