//go:build js && wasm

package webgpu

import (
	"syscall/js"

	"github.com/nnplay/nnplay/engine/kernels"
	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/worker/trainer"
)

// densePasses runs a Dense layer, y = act(x·W + b), with gemm.wgsl:
//
//	forward   GEMM NN with the bias and activation fused in
//	backward  dZ = dY ⊙ act'(y) (fused into the next Dense's dL/dx when
//	          that one is a Dense too), dW = xᵀ·dZ (GEMM TN), db = Σ dZ,
//	          dx = dZ·Wᵀ (GEMM NT), with the previous Dense's act' fused
//
// Without a bias (GPUOp.NoBias) y = act(x·W): the GEMM's sums start at 0
// and there is no db.
type densePasses struct{}

var _ opPasses = densePasses{}

func (densePasses) buffers(s *session, i, capacity int) { s.outputs(i, capacity) }

func (densePasses) forward(b *builder, i int) {
	op := b.s.plan.Ops[i]
	x, y := b.in(i), b.out(i)
	w := b.params[i][0]
	epi, bias := b.biasEpilogue(i)
	b.gemm(kernels.NoTrans, kernels.NoTrans, epi, actOf(op), func(n int) [6]int { return [6]int{n, op.Out, op.In, x.ld(), w.ld, y.ld()} },
		x.buf, w.w, y.buf, bias)
}

func (densePasses) backward(b *builder, i int, inputGrad bool) {
	s := b.s
	op := s.plan.Ops[i]
	x, dy := b.in(i), b.dOut(i)
	w := b.params[i][0]
	out := dy.ld()
	if op.Act != spec.ActLinear && !b.premultiplied[i] {
		b.elementwise("grad_inplace", actOf(op), dy, js0, s.act[i], dy.buf)
	}
	if w.trainable {
		b.gemm(kernels.Trans, kernels.NoTrans, epilogueNone, linear, func(n int) [6]int { return [6]int{op.In, op.Out, n, x.ld(), out, out} },
			x.buf, dy.buf, w.g, s.dummyBuffer())
		b.biasGrad(dy, i)
	}
	if !inputGrad {
		return
	}
	epi, act, e := epilogueNone, linear, s.dummyBuffer()
	if prev := s.plan.Ops[i-1]; prev.Kind == trainer.GPUDense && prev.Act != spec.ActLinear {
		epi, act, e = epilogueActGrad, actOf(prev), s.act[i-1]
		b.premultiplied[i-1] = true
	}
	b.gemm(kernels.NoTrans, kernels.Trans, epi, act, func(n int) [6]int { return [6]int{n, op.In, op.Out, out, out, x.ld()} },
		dy.buf, w.w, b.dIn(i).buf, e)
}

// biasEpilogue is the forward GEMM's epilogue for Dense or Conv2D op i
// and the buffer it reads: its bias (the sums start there, as the CPU's
// do), or none without a bias.
func (b *builder) biasEpilogue(i int) (int, js.Value) {
	if b.s.plan.Ops[i].NoBias {
		return epilogueAct, b.s.dummyBuffer()
	}
	return epilogueBiasAct, b.params[i][1].w
}

// biasGrad appends db = Σ dZ over the batch's rows of dz (every position
// of every example, for a Conv2D) for Dense or Conv2D op i; nothing
// without a bias.
func (b *builder) biasGrad(dz tensor, i int) {
	if b.s.plan.Ops[i].NoBias {
		return
	}
	bias := b.params[i][1]
	ld := dz.ld()
	b.add(shaderBiasGrad, "main", nil, func(n int) []uint32 { return []uint32{uint32(n * dz.rows), uint32(ld)} },
		func(int) (int, int) { return ceilDiv(ld/4, 64), 1 }, onEveryBatch,
		binding{index: 1, buf: dz.buf}, binding{index: 2, buf: bias.g})
}
