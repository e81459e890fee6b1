package nn

import (
	"fmt"
	"math/rand/v2"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/kernels"
	"github.com/nnplay/nnplay/engine/spec"
)

// Dropout is inverted dropout. While training it zeroes each input with
// probability rate and scales the kept ones by 1/(1 − rate), so the
// expected output equals the input; at inference it is the identity and
// needs no rescaling.
//
// The mask is drawn from the layer's own rng, which Build seeds from the
// model seed: the same seed drops the same units in every run.
type Dropout struct {
	Rate       float64 // fraction of inputs dropped while training, in [0, 1)
	FreezeFlag         // carried for the spec; Dropout has no params

	rng     *rand.Rand
	src     *rand.PCG // rng's source when Build made it, whose state can be saved
	share   *Share    // the share of a batch training sees (see Share); nil: all of it
	full    []float32 // the whole batch's mask, when training a share
	mask    []float32 // 0 or 1/(1−rate) per input, from the last training Forward
	next    []float32 // the mask SetNextMask gave the next training Forward
	applied bool      // the last Forward used the mask (training and rate > 0)
	y, dx   *tensor.Dense
}

var (
	_ Layer   = (*Dropout)(nil)
	_ Freezer = (*Dropout)(nil)
	_ sharer  = (*Dropout)(nil)
)

// NewDropout returns a Dropout layer that draws its masks from rng.
func NewDropout(rate float64, rng *rand.Rand) *Dropout {
	return &Dropout{Rate: rate, rng: rng}
}

// newDropoutPCG returns a Dropout layer drawing from src, whose state
// RandomState can then save.
func newDropoutPCG(rate float64, src *rand.PCG) *Dropout {
	d := NewDropout(rate, rand.New(src))
	d.src = src
	return d
}

// Forward: y = x · m with m_i = 0 (probability rate) or 1/(1 − rate) while
// training; y = x at inference.
//
// Training a share of a batch, it draws the mask of the whole batch and
// uses the share's rows of it: the same units drop whatever the split.
func (d *Dropout) Forward(x *tensor.Dense, training bool) *tensor.Dense {
	d.applied = training && d.Rate > 0
	if !d.applied {
		return x
	}
	n := x.Shape().TotalSize()
	if s := d.share; s != nil && d.next == nil {
		width := n / x.Shape()[0]
		d.full = d.draw(d.full, s.Total*width)
		d.mask = d.full[s.Offset*width : s.Offset*width+n]
		return d.applyMask(x)
	}
	if d.next != nil {
		mustMatch("Dropout", "the mask SetNextMask gave", tensor.Shape{len(d.next)}, tensor.Shape{n})
		d.mask, d.next = append(d.mask[:0], d.next...), nil
	} else {
		d.mask = d.draw(d.mask, n)
	}
	return d.applyMask(x)
}

// draw fills mask (grown to n values) with the next mask from the rng.
func (d *Dropout) draw(mask []float32, n int) []float32 {
	if cap(mask) < n {
		mask = make([]float32, n)
	}
	mask = mask[:n]
	keep := float32(1 / (1 - d.Rate))
	// Each 64-bit draw gives two uniform 32-bit numbers u, and an input is
	// dropped when u < rate·2³²: half the generator calls of one Float64
	// per input, which under WebAssembly (no 128-bit multiply) was a tenth
	// of a small CNN's step.
	threshold := uint64(d.Rate * (1 << 32))
	var r uint64
	for i := range mask {
		if i%2 == 0 {
			r = d.rng.Uint64()
		} else {
			r >>= 32
		}
		if r&0xFFFFFFFF < threshold {
			mask[i] = 0
		} else {
			mask[i] = keep
		}
	}
	return mask
}

// DrawMask draws the mask the next training Forward of n inputs would
// use, advancing the rng as that Forward would, and returns it (a new
// slice). A backend that trains the layer elsewhere (a GPU) takes its
// masks from here, so a run keeps the CPU's dropout stream.
func (d *Dropout) DrawMask(n int) []float32 {
	return d.draw(nil, n)
}

// SetNextMask makes the next training Forward use mask (one value per
// input) instead of drawing one: for a CPU twin of a layer whose masks
// were drawn with DrawMask.
func (d *Dropout) SetNextMask(mask []float32) { d.next = mask }

// applyMask returns x · mask with the current mask (tests call it to hold
// the mask fixed).
func (d *Dropout) applyMask(x *tensor.Dense) *tensor.Dense {
	d.y = reuse(d.y, x.Shape()...)
	kernels.Mul(floats(d.y), floats(x), d.mask)
	return d.y
}

// Backward: dx = dy · m (the same mask), or dy when Forward was the identity.
func (d *Dropout) Backward(dy *tensor.Dense) *tensor.Dense {
	if !d.applied {
		return dy
	}
	mustMatch("Dropout", "dy", dy.Shape(), d.y.Shape())
	d.dx = reuse(d.dx, dy.Shape()...)
	kernels.Mul(floats(d.dx), floats(dy), d.mask)
	return d.dx
}

func (d *Dropout) setShare(s *Share) { d.share = s }

// randomState returns the generator's state (an error when it was not
// made by Build, whose source can be saved).
func (d *Dropout) randomState() ([]byte, error) {
	if d.src == nil {
		return nil, fmt.Errorf("dropout: its random generator's state cannot be saved (make the model with Build)")
	}
	return d.src.MarshalBinary()
}

// setRandomState sets the generator to a state randomState returned.
func (d *Dropout) setRandomState(b []byte) error {
	if d.src == nil {
		return fmt.Errorf("dropout: its random generator's state cannot be set (make the model with Build)")
	}
	return d.src.UnmarshalBinary(b)
}

// Params returns nil: Dropout has no weights.
func (d *Dropout) Params() []*Param { return nil }

// Spec returns the layer's config.
func (d *Dropout) Spec() spec.Layer {
	return spec.Layer{Type: spec.TypeDropout, Rate: d.Rate, Frozen: d.Frozen}
}
