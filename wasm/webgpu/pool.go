//go:build js && wasm

package webgpu

import "fmt"

// poolWords is the uniform block of maxpool.wgsl and avgpool.wgsl for
// op i's window and a batch of n.
func (b *builder) poolWords(i int) func(n int) []uint32 {
	g := b.s.plan.Ops[i].Geom
	ld := b.in(i).ld()
	return func(n int) []uint32 {
		return []uint32{uint32(n), uint32(g.H), uint32(g.W), uint32(g.C), uint32(g.KH), uint32(g.KW), uint32(g.SH), uint32(g.SW),
			uint32(g.PadTop), uint32(g.PadLeft), uint32(g.OutH), uint32(g.OutW), uint32(ld)}
	}
}

// maxPoolPasses runs a MaxPool2D layer with maxpool.wgsl: the forward
// pass keeps where each max came from (in aux), the backward pass sends
// each dy there.
type maxPoolPasses struct{}

var _ opPasses = maxPoolPasses{}

func (maxPoolPasses) buffers(s *session, i, capacity int) {
	s.outputs(i, capacity)
	s.aux[i] = s.batchBuffer(4*capacity*s.perExample(i), usageStorage, fmt.Sprintf("op %d argmax", i))
}

func (maxPoolPasses) forward(b *builder, i int) {
	y := b.out(i)
	b.each(shaderMaxPool, "forward", y.rows*y.ld(), b.poolWords(i),
		binding{index: 1, buf: b.in(i).buf}, binding{index: 2, buf: y.buf}, binding{index: 3, buf: b.s.aux[i]})
}

func (maxPoolPasses) backward(b *builder, i int, inputGrad bool) {
	if !inputGrad {
		return
	}
	dx := b.dIn(i)
	b.each(shaderMaxPool, "backward", dx.rows*dx.ld(), b.poolWords(i),
		binding{index: 1, buf: b.s.grad[i]}, binding{index: 2, buf: dx.buf}, binding{index: 3, buf: b.s.aux[i]})
}

// avgPoolPasses runs an AveragePooling2D layer, and a
// GlobalAveragePooling2D as one window over the whole image (PlanGPU
// gives it that geometry), with avgpool.wgsl.
type avgPoolPasses struct{}

var _ opPasses = avgPoolPasses{}

func (avgPoolPasses) buffers(s *session, i, capacity int) { s.outputs(i, capacity) }

func (avgPoolPasses) forward(b *builder, i int) {
	y := b.out(i)
	b.each(shaderAvgPool, "forward", y.rows*y.ld(), b.poolWords(i),
		binding{index: 1, buf: b.in(i).buf}, binding{index: 2, buf: y.buf})
}

func (avgPoolPasses) backward(b *builder, i int, inputGrad bool) {
	if !inputGrad {
		return
	}
	dx := b.dIn(i)
	b.each(shaderAvgPool, "backward", dx.rows*dx.ld(), b.poolWords(i),
		binding{index: 1, buf: b.s.grad[i]}, binding{index: 2, buf: dx.buf})
}
