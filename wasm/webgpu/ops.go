//go:build js && wasm

package webgpu

import "github.com/nnplay/nnplay/wasm/worker/trainer"

// opPasses is how the device runs one kind of op (trainer.GPUKind): the
// batch buffers it needs, its forward pass and its backward pass. Each
// kind is in a file of its own, beside its WGSL.
type opPasses interface {
	// buffers makes op i's batch buffers for capacity examples: its
	// output and gradient (session.outputs) and any of its own (a dropout
	// mask, max pooling's argmax…) in session.aux.
	buffers(s *session, i, capacity int)
	// forward appends op i's forward pass: b.in(i) to b.out(i).
	forward(b *builder, i int)
	// backward appends op i's backward pass from b.dOut(i): its params'
	// gradients where they are trained and, with inputGrad, dL/dx into
	// b.dIn(i).
	backward(b *builder, i int, inputGrad bool)
}

// passesOf is the opPasses of a kind of op.
func passesOf(k trainer.GPUKind) opPasses {
	switch k {
	case trainer.GPUDense:
		return densePasses{}
	case trainer.GPUActivation:
		return activationPasses{}
	case trainer.GPUDropout:
		return dropoutPasses{}
	case trainer.GPUConv2D:
		return conv2DPasses{}
	case trainer.GPUMaxPool2D:
		return maxPoolPasses{}
	case trainer.GPUAvgPool2D, trainer.GPUGlobalAvgPool2D:
		return avgPoolPasses{}
	case trainer.GPUBatchNorm:
		return batchNormPasses{}
	case trainer.GPUReshape:
		return reshapePasses{}
	}
	panic("webgpu: no passes for op kind " + k.String())
}
