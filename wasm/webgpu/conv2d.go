//go:build js && wasm

package webgpu

import (
	"github.com/nnplay/nnplay/engine/kernels"
	"github.com/nnplay/nnplay/engine/spec"
)

// conv2DPasses runs a Conv2D layer as nn.Conv2D does, im2col + GEMM
// (conv2d.wgsl moves the data, gemm.wgsl multiplies), with one col
// scratch buffer shared by every Conv2D of the model:
//
//	forward   col = im2col(x),  y = act(col·K + b)   (GEMM NN, bias and act fused)
//	backward  dZ = dY ⊙ act'(y),  col = im2col(x) again,
//	          dK = colᵀ·dZ (GEMM TN),  db = Σ dZ,
//	          dcol = dZ·Kᵀ (GEMM NT),  dx = col2im(dcol)
//
// Without a bias (GPUOp.NoBias) there is no b and no db, as for Dense.
//
// The kernel K (kh, kw, C, F) is the matrix (kh·kw·C) × F, stored as a
// Dense kernel is; a col row is kh·kw·C values with stride pad4 of that.
type conv2DPasses struct{}

var _ opPasses = conv2DPasses{}

func (conv2DPasses) buffers(s *session, i, capacity int) {
	s.outputs(i, capacity)
	g := s.plan.Ops[i].Geom
	s.scratchFloats = max(s.scratchFloats, capacity*g.Positions()*pad4(g.ColWidth()))
}

// convWords is conv2d.wgsl's uniform block for op i and a batch of n.
func (b *builder) convWords(i int) func(n int) []uint32 {
	g := b.s.plan.Ops[i].Geom
	ldx := b.in(i).ld()
	return func(n int) []uint32 {
		return []uint32{uint32(n), uint32(g.H), uint32(g.W), uint32(g.C), uint32(g.KH), uint32(g.KW), uint32(g.SH), uint32(g.SW),
			uint32(g.PadTop), uint32(g.PadLeft), uint32(g.OutH), uint32(g.OutW), uint32(ldx), uint32(pad4(g.ColWidth()))}
	}
}

// im2col appends col = im2col(x) for op i, into the scratch buffer.
func (b *builder) im2col(i int) {
	g := b.s.plan.Ops[i].Geom
	b.each(shaderConv2D, "im2col", g.Positions()*pad4(g.ColWidth()), b.convWords(i),
		binding{index: 1, buf: b.in(i).buf}, binding{index: 2, buf: b.s.scratch})
}

func (conv2DPasses) forward(b *builder, i int) {
	op := b.s.plan.Ops[i]
	g, y := op.Geom, b.out(i)
	k, ldk := g.ColWidth(), pad4(g.ColWidth())
	b.im2col(i)
	epi, bias := b.biasEpilogue(i)
	b.gemm(kernels.NoTrans, kernels.NoTrans, epi, actOf(op), func(n int) [6]int { return [6]int{n * g.Positions(), y.cols, k, ldk, y.ld(), y.ld()} },
		b.s.scratch, b.params[i][0].w, y.buf, bias)
}

func (conv2DPasses) backward(b *builder, i int, inputGrad bool) {
	s := b.s
	op := s.plan.Ops[i]
	g, dy := op.Geom, b.dOut(i)
	k, ldk, f := g.ColWidth(), pad4(g.ColWidth()), dy.cols
	w := b.params[i][0]
	if op.Act != spec.ActLinear {
		b.elementwise("grad_inplace", actOf(op), dy, js0, s.act[i], dy.buf)
	}
	if w.trainable {
		b.im2col(i)
		b.gemm(kernels.Trans, kernels.NoTrans, epilogueNone, linear, func(n int) [6]int { return [6]int{k, f, n * g.Positions(), ldk, dy.ld(), dy.ld()} },
			s.scratch, dy.buf, w.g, s.dummyBuffer())
		b.biasGrad(dy, i)
	}
	if !inputGrad {
		return
	}
	b.gemm(kernels.NoTrans, kernels.Trans, epilogueNone, linear, func(n int) [6]int { return [6]int{n * g.Positions(), k, f, dy.ld(), dy.ld(), ldk} },
		dy.buf, w.w, s.scratch, s.dummyBuffer())
	dx := b.dIn(i)
	b.each(shaderConv2D, "col2im", dx.rows*dx.ld(), b.convWords(i),
		binding{index: 1, buf: s.scratch}, binding{index: 2, buf: dx.buf})
}
