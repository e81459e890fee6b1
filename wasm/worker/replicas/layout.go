// Package replicas runs data-parallel training (engine/ddp) across Web
// Workers: the training worker is the coordinator (rank 0) and starts
// helper workers (worker.js?replica), each holding a replica of the model.
// Go's WebAssembly memory cannot be shared, so they exchange through one
// SharedArrayBuffer: the coordinator writes the weights, the random state
// and each helper's rows; each helper copies them in, computes its
// share's gradients and copies them into its slot; the coordinator adds
// the slots in rank order and steps. Atomics.wait and Atomics.notify on
// the buffer's control words are the barriers (Atomics.wait is allowed in
// workers). BatchNormalization's sums go the same way, mid-pass.
//
// This file is the buffer's layout, shared by both ends and free of
// syscall/js.
package replicas

import "fmt"

// Control words (Int32 indices) of the buffer.
const (
	ctrlSeq     = 0 // the coordinator's command count; helpers wait for it to change
	ctrlCmd     = 1 // the command of ctrlSeq: cmdStep or cmdDetach
	ctrlAbort   = 2 // the seq of a batch abandoned after a lost helper
	ctrlDown    = 3 // the count of the collective sum whose total is in the down area
	ctrlRandLen = 4 // bytes of random state
	ctrlThrow   = 5 // the rank of a helper to throw in this batch (a test's fault); 0: none
	ctrlHelper  = 8 // helper r's words start at ctrlHelper + helperWords·(r−1)

	// A helper's words.
	hDone       = 0 // the seq whose result it has written
	hUp         = 1 // the count of the collective sum whose values it has written
	hFailed     = 2 // 1 when it failed (its reason is in its reason area)
	hRows       = 3 // its rows of this batch
	hOffset     = 4 // where they start in the batch
	hTotal      = 5 // the batch's size
	hCorrect    = 6 // its correct predictions
	hReason     = 7 // bytes of its reason
	helperWords = 8

	headerBytes = 1024 // room for the control words of MaxHelpers helpers
	randomBytes = 256
	reasonBytes = 512
)

// MaxHelpers is the most helpers one buffer serves (16 training workers).
const MaxHelpers = 15

// Layout is the sizes a buffer is made for; both ends compute the same
// offsets from it.
type Layout struct {
	Helpers int `json:"helpers"`
	Weights int `json:"weights"` // float32s of every param
	Grads   int `json:"grads"`   // float32s of the trainable params
	XWidth  int `json:"x_width"` // float32s of one example's input
	YWidth  int `json:"y_width"` // float32s of one example's target
	YRank   int `json:"y_rank"`  // 1: class indices (N); 2: rows (N, YWidth)
	Rows    int `json:"rows"`    // the most rows of one helper's share
	Collect int `json:"collect"` // the most float64s of one collective sum
}

func (l Layout) check() error {
	if l.Helpers < 1 || l.Helpers > MaxHelpers || l.Weights < 0 || l.Grads < 0 || l.XWidth < 1 || l.YWidth < 1 || l.YRank < 1 || l.YRank > 2 || l.Rows < 1 || l.Collect < 1 {
		return fmt.Errorf("replicas: bad buffer layout %+v", l)
	}
	return nil
}

func align8(n int) int { return (n + 7) &^ 7 }

// Byte offsets of the areas.
func (l Layout) random() int  { return headerBytes }
func (l Layout) weights() int { return l.random() + randomBytes }
func (l Layout) down() int    { return align8(l.weights() + 4*l.Weights) }

// helperBytes is the size of one helper's area: its rows, its targets,
// its gradients, its collective values, its loss and its reason.
func (l Layout) helperBytes() int {
	return align8(4*l.Rows*l.XWidth) + align8(4*l.Rows*l.YWidth) + align8(4*l.Grads) + 8*l.Collect + 8 + reasonBytes
}

func (l Layout) helperArea(r int) int { return l.down() + 8*l.Collect + (r-1)*l.helperBytes() }
func (l Layout) x(r int) int          { return l.helperArea(r) }
func (l Layout) y(r int) int          { return l.x(r) + align8(4*l.Rows*l.XWidth) }
func (l Layout) grads(r int) int      { return l.y(r) + align8(4*l.Rows*l.YWidth) }
func (l Layout) up(r int) int         { return l.grads(r) + align8(4*l.Grads) }
func (l Layout) loss(r int) int       { return l.up(r) + 8*l.Collect }
func (l Layout) reason(r int) int     { return l.loss(r) + 8 }

// Size is the buffer's size in bytes.
func (l Layout) Size() int { return l.helperArea(l.Helpers + 1) }

// word is the control index of helper r's word w.
func word(r, w int) int { return ctrlHelper + helperWords*(r-1) + w }
