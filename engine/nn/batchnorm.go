package nn

import (
	"math"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/spec"
)

// BatchNormalization normalizes each channel (the last axis) and then
// scales and shifts it by learned γ and β, as Keras does. With μ and σ²
// the channel's mean and (biased) variance:
//
//	x̂ = (x − μ) / √(σ² + ε),   y = γ·x̂ + β
//
// While training, μ and σ² are the batch's, over every example and
// position, and the layer keeps moving averages of them:
//
//	moving_mean ← momentum·moving_mean + (1 − momentum)·μ
//
// (likewise moving_variance with σ²). At inference, and while the layer is
// frozen (Keras runs a frozen BatchNormalization in inference mode), it
// uses the moving averages instead and leaves them alone.
//
// γ and β are trainable; the moving averages are NonTrainable params: saved
// with the model, never touched by the optimizer.
type BatchNormalization struct {
	Momentum, Epsilon float64
	FreezeFlag        // frozen: not trained, and in inference mode (see above)

	Gamma, Beta                *Param // γ (starts at 1), β (starts at 0), (C)
	MovingMean, MovingVariance *Param // start at 0 and 1, (C), NonTrainable

	share      *Share    // the share of a batch training sees (see Share); nil: all of it
	count      float64   // values per channel of the last Forward's batch (every share's)
	batchStats bool      // the last Forward used the batch's statistics
	invStd     []float64 // 1/√(σ² + ε) per channel, of the last Forward
	xhat       *tensor.Dense
	y, dx      *tensor.Dense
}

var (
	_ Layer   = (*BatchNormalization)(nil)
	_ Freezer = (*BatchNormalization)(nil)
	_ sharer  = (*BatchNormalization)(nil)
)

// NewBatchNormalization returns a BatchNormalization layer over channels
// channels, with the given momentum (Keras: 0.99) and epsilon (Keras: 1e-3).
func NewBatchNormalization(channels int, momentum, epsilon float64) *BatchNormalization {
	b := &BatchNormalization{
		Momentum: momentum, Epsilon: epsilon,
		Gamma:          &Param{Name: "gamma", Value: newTensor(channels), Grad: newTensor(channels)},
		Beta:           &Param{Name: "beta", Value: newTensor(channels), Grad: newTensor(channels)},
		MovingMean:     &Param{Name: "moving_mean", Value: newTensor(channels), Grad: newTensor(channels), NonTrainable: true},
		MovingVariance: &Param{Name: "moving_variance", Value: newTensor(channels), Grad: newTensor(channels), NonTrainable: true},
		invStd:         make([]float64, channels),
	}
	for i := range channels {
		floats(b.Gamma.Value)[i] = 1
		floats(b.MovingVariance.Value)[i] = 1
	}
	return b
}

// Forward: y = γ·(x − μ)/√(σ² + ε) + β with the batch's μ, σ² (training,
// not frozen; the moving averages are updated) or the moving ones.
//
// Sums run in float64; products are rounded explicitly (float64(a·b)) so
// no platform fuses them into FMA and every platform gives the same bits.
// Training a share of a batch, the sums are the whole batch's (Share.Sync).
func (b *BatchNormalization) Forward(x *tensor.Dense, training bool) *tensor.Dense {
	c := len(b.invStd)
	s := x.Shape()
	mustMatch("BatchNormalization", "channels", tensor.Shape{s[len(s)-1]}, tensor.Shape{c})
	xs := floats(x)
	mean := make([]float64, c)
	b.batchStats = training && !b.Frozen
	if b.batchStats {
		// mean holds the channel sums and, last, the count of values per
		// channel, summed over the shares in one step.
		sums := make([]float64, c+1)
		for at := 0; at < len(xs); at += c {
			for ch, v := range xs[at : at+c] {
				sums[ch] += float64(v)
			}
		}
		sums[c] = float64(len(xs) / c)
		b.allSum(sums)
		b.count = sums[c]
		for ch := range mean {
			mean[ch] = sums[ch] / b.count
		}
		variance := make([]float64, c)
		for at := 0; at < len(xs); at += c {
			for ch, v := range xs[at : at+c] {
				d := float64(v) - mean[ch]
				variance[ch] += float64(d * d)
			}
		}
		b.allSum(variance)
		mm, mv := floats(b.MovingMean.Value), floats(b.MovingVariance.Value)
		for ch := range variance {
			variance[ch] /= b.count
			b.invStd[ch] = 1 / math.Sqrt(variance[ch]+b.Epsilon)
			mm[ch] = float32(float64(b.Momentum*float64(mm[ch])) + float64((1-b.Momentum)*mean[ch]))
			mv[ch] = float32(float64(b.Momentum*float64(mv[ch])) + float64((1-b.Momentum)*variance[ch]))
		}
	} else {
		for ch, v := range floats(b.MovingMean.Value) {
			mean[ch] = float64(v)
			b.invStd[ch] = 1 / math.Sqrt(float64(floats(b.MovingVariance.Value)[ch])+b.Epsilon)
		}
	}
	b.xhat = reuse(b.xhat, s...)
	b.y = reuse(b.y, s...)
	xh, ys := floats(b.xhat), floats(b.y)
	gamma, beta := floats(b.Gamma.Value), floats(b.Beta.Value)
	for at := 0; at < len(xs); at += c {
		for ch, v := range xs[at : at+c] {
			i := at + ch
			xh[i] = float32((float64(v) - mean[ch]) * b.invStd[ch])
			ys[i] = float32(gamma[ch]*xh[i]) + beta[ch]
		}
	}
	return b.y
}

// Backward, with m values per channel and sums over them:
//
//	dβ += Σ dy,   dγ += Σ dy·x̂
//	dx = γ/(m·√(σ²+ε)) · (m·dy − Σ dy − x̂·Σ dy·x̂)   (batch statistics)
//	dx = γ/√(σ²+ε) · dy                              (moving statistics)
//
// The first form is the chain rule through μ and σ², which depend on
// every x of the channel.
func (b *BatchNormalization) Backward(dy *tensor.Dense) *tensor.Dense {
	mustMatch("BatchNormalization", "dy", dy.Shape(), b.y.Shape())
	c := len(b.invStd)
	g, xh := floats(dy), floats(b.xhat)
	// sums holds Σ dy then Σ dy·x̂ per channel: this share's for dγ and dβ
	// (the shares' grads are added up later), the whole batch's for dx.
	sums := make([]float64, 2*c)
	sumDy, sumDyXhat := sums[:c], sums[c:]
	for at := 0; at < len(g); at += c {
		for ch, v := range g[at : at+c] {
			sumDy[ch] += float64(v)
			sumDyXhat[ch] += float64(float64(v) * float64(xh[at+ch]))
		}
	}
	dgamma, dbeta, gamma := floats(b.Gamma.Grad), floats(b.Beta.Grad), floats(b.Gamma.Value)
	for ch := range c {
		dgamma[ch] += float32(sumDyXhat[ch])
		dbeta[ch] += float32(sumDy[ch])
	}
	m := float64(len(g) / c)
	if b.batchStats {
		b.allSum(sums)
		m = b.count
	}
	b.dx = reuse(b.dx, dy.Shape()...)
	dx := floats(b.dx)
	for at := 0; at < len(g); at += c {
		for ch, v := range g[at : at+c] {
			i := at + ch
			scale := float64(gamma[ch]) * b.invStd[ch]
			if !b.batchStats {
				dx[i] = float32(scale * float64(v))
				continue
			}
			inner := float64(m*float64(v)) - sumDy[ch] - float64(float64(xh[i])*sumDyXhat[ch])
			dx[i] = float32(scale / m * inner)
		}
	}
	return b.dx
}

func (b *BatchNormalization) setShare(s *Share) { b.share = s }

// allSum sums v over the shares of the batch (nothing to do without any).
func (b *BatchNormalization) allSum(v []float64) {
	if b.share != nil && b.share.Sync != nil {
		b.share.Sync.AllSum(v)
	}
}

// Params returns γ, β, the moving mean and the moving variance (Keras'
// order); the last two are NonTrainable.
func (b *BatchNormalization) Params() []*Param {
	return []*Param{b.Gamma, b.Beta, b.MovingMean, b.MovingVariance}
}

// Spec returns the layer's config.
func (b *BatchNormalization) Spec() spec.Layer {
	return spec.Layer{Type: spec.TypeBatchNormalization, Momentum: b.Momentum, Epsilon: b.Epsilon, Frozen: b.Frozen}
}
