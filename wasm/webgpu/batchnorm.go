//go:build js && wasm

package webgpu

import (
	"fmt"
	"math"
)

// batchNormPasses runs a BatchNormalization layer with batchnorm.wgsl,
// over the batch's rows (every position of every example) per channel:
//
//	forward   the batch's μ and 1/√(σ² + ε) per channel, updating the
//	          moving statistics (a frozen layer: the moving ones, not
//	          updated), then y = γ·x̂ + β
//	backward  dβ = Σ dy, dγ = Σ dy·x̂ (where trained), then dx
//
// Its params are γ, β, the moving mean and the moving variance, each one
// row of C. aux holds (μ, 1/√(σ² + ε)) per channel, and after it the
// sums (Σ dy, Σ dy·x̂).
type batchNormPasses struct{}

var _ opPasses = batchNormPasses{}

func (batchNormPasses) buffers(s *session, i, capacity int) {
	s.outputs(i, capacity)
	c := s.out(i).cols
	s.aux[i] = s.batchBuffer(align256(8*c)+8*c, usageStorage, fmt.Sprintf("op %d batch statistics", i))
}

// bnWords is batchnorm.wgsl's uniform block for op i and a batch of n.
func (b *builder) bnWords(i int) func(n int) []uint32 {
	op := b.s.plan.Ops[i]
	x := b.in(i)
	stats := uint32(0)
	if !op.Frozen {
		stats = 1
	}
	return func(n int) []uint32 {
		return []uint32{uint32(n * x.rows), uint32(x.cols), uint32(x.ld()),
			f32(op.Momentum), math.Float32bits(float32(1 - op.Momentum)), f32(op.Epsilon), stats}
	}
}

// bnStats and bnSums are the parts of op i's aux buffer.
func (b *builder) bnStats(i int) binding {
	return binding{index: 2, buf: b.s.aux[i], offset: 0, size: 8 * b.out(i).cols}
}

func (b *builder) bnSums(i int) binding {
	c := b.out(i).cols
	return binding{index: 9, buf: b.s.aux[i], offset: align256(8 * c), size: 8 * c}
}

func (batchNormPasses) forward(b *builder, i int) {
	op, x, y := b.s.plan.Ops[i], b.in(i), b.out(i)
	ps := b.params[i] // γ, β, moving mean, moving variance
	words := b.bnWords(i)
	moving := []binding{b.bnStats(i), {index: 3, buf: ps[2].w}, {index: 4, buf: ps[3].w}}
	if op.Frozen {
		b.add(shaderBatchNorm, "stats_moving", nil, words, func(int) (int, int) { return ceilDiv(x.cols, 64), 1 }, onEveryBatch, moving...)
	} else {
		b.add(shaderBatchNorm, "stats_batch", nil, words, func(int) (int, int) { return x.cols, 1 }, onEveryBatch,
			append(moving, binding{index: 1, buf: x.buf})...)
	}
	b.each(shaderBatchNorm, "forward", y.rows*y.ld(), words,
		binding{index: 1, buf: x.buf}, b.bnStats(i), binding{index: 5, buf: ps[0].w}, binding{index: 6, buf: ps[1].w}, binding{index: 7, buf: y.buf})
}

func (batchNormPasses) backward(b *builder, i int, inputGrad bool) {
	op, x, dy := b.s.plan.Ops[i], b.in(i), b.dOut(i)
	ps := b.params[i]
	words := b.bnWords(i)
	if !op.Frozen {
		b.add(shaderBatchNorm, "grad_sums", nil, words, func(int) (int, int) { return x.cols, 1 }, onEveryBatch,
			binding{index: 1, buf: x.buf}, b.bnStats(i), binding{index: 8, buf: dy.buf}, b.bnSums(i),
			binding{index: 10, buf: ps[0].g}, binding{index: 11, buf: ps[1].g})
	}
	if inputGrad {
		b.each(shaderBatchNorm, "backward", x.rows*x.ld(), words,
			binding{index: 1, buf: x.buf}, b.bnStats(i), binding{index: 5, buf: ps[0].w}, binding{index: 7, buf: b.dIn(i).buf},
			binding{index: 8, buf: dy.buf}, b.bnSums(i))
	}
}

// align256 rounds a buffer offset up to WebGPU's storage binding
// alignment.
func align256(n int) int { return (n + 255) / 256 * 256 }
