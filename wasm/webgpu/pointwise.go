//go:build js && wasm

package webgpu

import (
	"fmt"
	"syscall/js"
)

// js0 stands for a buffer an elementwise entry does not read.
var js0 = js.Null()

// activationPasses runs an activation layer with elementwise.wgsl:
// y = act(x), and dx = dy ⊙ act'(y).
type activationPasses struct{}

var _ opPasses = activationPasses{}

func (activationPasses) buffers(s *session, i, capacity int) { s.outputs(i, capacity) }

func (activationPasses) forward(b *builder, i int) {
	y := b.out(i)
	b.elementwise("forward", actOf(b.s.plan.Ops[i]), y, b.in(i).buf, js0, y.buf)
}

func (activationPasses) backward(b *builder, i int, inputGrad bool) {
	if inputGrad {
		dy := b.dOut(i)
		b.elementwise("grad", actOf(b.s.plan.Ops[i]), dy, dy.buf, b.s.act[i], b.dIn(i).buf)
	}
}

// dropoutPasses runs a Dropout layer with the mask the CPU drew for the
// batch (uploaded into aux by TrainBatch): y = x ⊙ mask, dx = dy ⊙ mask.
type dropoutPasses struct{}

var _ opPasses = dropoutPasses{}

func (dropoutPasses) buffers(s *session, i, capacity int) {
	s.outputs(i, capacity)
	s.aux[i] = s.batchBuffer(4*capacity*s.perExample(i), usageStorage|usageCopyDst, fmt.Sprintf("op %d dropout mask", i))
}

func (dropoutPasses) forward(b *builder, i int) {
	y := b.out(i)
	b.elementwise("mul", linear, y, b.in(i).buf, b.s.aux[i], y.buf)
}

func (dropoutPasses) backward(b *builder, i int, inputGrad bool) {
	if inputGrad {
		dy := b.dOut(i)
		b.elementwise("mul", linear, dy, dy.buf, b.s.aux[i], b.dIn(i).buf)
	}
}
