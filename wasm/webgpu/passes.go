//go:build js && wasm

package webgpu

import (
	"fmt"
	"math"
	"syscall/js"
	"unsafe"

	"github.com/nnplay/nnplay/engine/kernels"
	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/worker/trainer"
)

// pass is one dispatch of a training step. Its uniform block (a 256-byte
// slot of session.uniforms) depends only on the batch size n, so it is
// rewritten only when n changes.
type pass struct {
	pipeline, bind js.Value
	uniform        func(n int) []uint32 // the block's words
	groups         func(n int) (x, y int)
	readOnly       bool // only on batches whose loss is read back
}

// builder.add's readOnly: which batches run the pass.
const (
	onEveryBatch  = false
	onLossBatches = true // only those whose loss is read back
)

// uniformSlot is the stride of the passes' uniform blocks (WebGPU's
// minUniformBufferOffsetAlignment); each block is at most uniformSize.
const (
	uniformSlot = 256
	uniformSize = 32
)

// Kernel constants: gemm.wgsl's EPILOGUE and act.wgsl's ACT (see activation).
const (
	epilogueNone    = 0
	epilogueBiasAct = 1 // y = act(acc + b)
	epilogueActGrad = 2 // acc ⊙ act'(E)
)

var actCodes = map[string]int{spec.ActLinear: 0, spec.ActReLU: 1, spec.ActSigmoid: 2, spec.ActTanh: 3, spec.ActLeakyReLU: 4}

// activation is an op's activation as act.wgsl's constants pick it.
type activation struct {
	name  string
	alpha float64 // leaky_relu's slope
}

var linear = activation{name: spec.ActLinear}

func actOf(op trainer.GPUOp) activation { return activation{name: op.Act, alpha: op.Alpha} }

// constants are act.wgsl's override constants: ACT, and ALPHA rounded to
// float32 as the CPU layer rounds it.
func (a activation) constants() map[string]any {
	return map[string]any{"ACT": actCodes[a.name], "ALPHA": float64(float32(a.alpha))}
}

// layout (re)makes the batch buffers for capacity examples and the passes
// of one training step, in the order they run:
//
//	forward   each op: Dense = GEMM NN with bias and activation fused;
//	          activation layer = elementwise forward; dropout = x ⊙ mask
//	loss      softmax cross-entropy (dL/dlogits and per-row losses), and
//	          the loss sum on batches that read it
//	backward  from the last op: an activation's gradient (fused into the
//	          next GEMM when the layer is a Dense), dropout's dy ⊙ mask,
//	          dW = xᵀ·dZ (GEMM TN),
//	          db = Σ dZ, dx = dZ·Wᵀ (GEMM NT) while a trainable layer is
//	          further back
//	clip      with global_clipnorm: each trained gradient's Σ g², then the
//	          factor κ the update multiplies the gradients by
//	update    adam, sgd, rmsprop or adagrad on every trainable param
func (s *session) layout(capacity int) error {
	s.makeBatchBuffers(capacity)
	b := newBuilder(s)
	b.forward()
	b.loss()
	b.backward()
	b.clip()
	b.update()
	return b.finish()
}

// makeBatchBuffers destroys the batch buffers and makes them anew for
// capacity examples: the input and labels, each op's output and gradient
// (and dropout mask), and the per-row losses.
func (s *session) makeBatchBuffers(capacity int) {
	for _, b := range s.batchBuffers {
		b.Call("destroy")
	}
	s.batchBuffers = nil
	nb := func(floats int, usage int, label string) js.Value {
		b := s.dev.buffer(4*floats, usage, label)
		s.batchBuffers = append(s.batchBuffers, b)
		return b
	}
	ops := s.plan.Ops
	s.x = nb(capacity*pad4(s.plan.Input), usageStorage|usageCopyDst, "x")
	s.labels = nb(capacity, usageStorage|usageCopyDst, "labels")
	s.act, s.grad, s.mask = make([]js.Value, len(ops)), make([]js.Value, len(ops)), make([]js.Value, len(ops))
	for i, op := range ops {
		s.act[i] = nb(capacity*pad4(op.Out), usageStorage, fmt.Sprintf("op %d output", i))
		s.grad[i] = nb(capacity*pad4(op.Out), usageStorage, fmt.Sprintf("op %d gradient", i))
		if op.Dropout {
			s.mask[i] = nb(capacity*pad4(op.Out), usageStorage|usageCopyDst, fmt.Sprintf("op %d dropout mask", i))
		}
	}
	s.rowLoss = nb(2*capacity, usageStorage, "row losses")
	s.capacity, s.uniformN = capacity, 0
}

// input is op i's input buffer and its row stride in floats.
func (b *builder) input(i int) (js.Value, int) {
	s := b.s
	if i == 0 {
		return s.x, pad4(s.plan.Input)
	}
	return s.act[i-1], pad4(s.plan.Ops[i-1].Out)
}

// forward appends each op's forward pass.
func (b *builder) forward() {
	s := b.s
	for i, op := range s.plan.Ops {
		x, xld := b.input(i)
		if op.Dropout {
			b.elementwise("mul", linear, op.Out, x, s.mask[i], s.act[i])
			continue
		}
		if !op.Dense {
			b.elementwise("forward", actOf(op), op.Out, x, js.Null(), s.act[i])
			continue
		}
		w, out := b.kernel[i], pad4(op.Out)
		b.gemm(kernels.NoTrans, kernels.NoTrans, epilogueBiasAct, actOf(op), func(n int) [6]int { return [6]int{n, op.Out, op.In, xld, w.ld, out} },
			x, w.w, s.act[i], b.bias[i].w)
	}
}

// loss appends the softmax cross-entropy of the last op's output (its
// gradient and the per-row losses) and the loss sum, which runs only on
// batches that read the loss back.
func (b *builder) loss() {
	s := b.s
	last := len(s.plan.Ops) - 1
	classes := s.plan.Classes
	lossUniform := func(n int) []uint32 {
		return []uint32{uint32(n), uint32(classes), uint32(pad4(classes)), math.Float32bits(1 / float32(n))}
	}
	b.add(shaderSoftmaxCE, "main", nil, lossUniform, func(n int) (int, int) { return ceilDiv(n, 64), 1 }, onEveryBatch,
		binding{index: 1, buf: s.act[last]}, binding{index: 2, buf: s.labels}, binding{index: 3, buf: s.grad[last]}, binding{index: 4, buf: s.rowLoss})
	b.add(shaderSoftmaxCE, "loss_sum", nil, lossUniform, func(int) (int, int) { return 1, 1 }, onLossBatches,
		binding{index: 4, buf: s.rowLoss}, binding{index: 5, buf: s.total})
}

// backward appends the backward pass from the last op to the first
// trainable one: the weight and bias gradients of every trained Dense,
// and dL/dx while a trainable op is further back.
func (b *builder) backward() {
	s := b.s
	ops := s.plan.Ops
	premultiplied := make([]bool, len(ops)) // grad[i] is dL/dz already (the act' was fused)
	for i := len(ops) - 1; i >= 0; i-- {
		op := ops[i]
		if !op.Dense {
			switch {
			case i-1 < b.first: // nothing further back learns
			case op.Dropout:
				b.elementwise("mul", linear, op.Out, s.grad[i], s.mask[i], s.grad[i-1])
			default:
				b.elementwise("grad", actOf(op), op.Out, s.grad[i], s.act[i], s.grad[i-1])
			}
			continue
		}
		if op.Act != spec.ActLinear && !premultiplied[i] {
			b.elementwise("grad_inplace", actOf(op), op.Out, js.Null(), s.act[i], s.grad[i])
		}
		x, xld := b.input(i)
		w, out := b.kernel[i], pad4(op.Out)
		if !op.Frozen {
			b.gemm(kernels.Trans, kernels.NoTrans, epilogueNone, linear, func(n int) [6]int { return [6]int{op.In, op.Out, n, xld, out, out} },
				x, s.grad[i], w.g, s.dummyBuffer())
			b.add(shaderBiasGrad, "main", nil, func(n int) []uint32 { return []uint32{uint32(n), uint32(out)} },
				func(int) (int, int) { return ceilDiv(out/4, 64), 1 }, onEveryBatch,
				binding{index: 1, buf: s.grad[i]}, binding{index: 2, buf: b.bias[i].g})
		}
		if i-1 < b.first {
			continue
		}
		epi, act, e := epilogueNone, linear, s.dummyBuffer()
		if prev := ops[i-1]; prev.Dense && prev.Act != spec.ActLinear {
			epi, act, e = epilogueActGrad, actOf(prev), s.act[i-1]
			premultiplied[i-1] = true
		}
		b.gemm(kernels.NoTrans, kernels.Trans, epi, act, func(n int) [6]int { return [6]int{n, op.In, op.Out, out, out, xld} },
			s.grad[i], w.w, s.grad[i-1], e)
	}
}

// clip appends, with global_clipnorm, each trained gradient's Σ g² and
// then the factor κ that the update multiplies the gradients by.
func (b *builder) clip() {
	s := b.s
	c := s.plan.Optimizer.GlobalClipNorm
	if !(c > 0) {
		return
	}
	for k, p := range s.params {
		if !p.trainable {
			continue // its slot in clipParts stays 0
		}
		words := []uint32{uint32(p.floats() / 4), uint32(k), f32(c)}
		b.add(shaderClip, "sum_squares", nil, func(int) []uint32 { return words }, func(int) (int, int) { return 1, 1 }, onEveryBatch,
			binding{index: 1, buf: p.g}, binding{index: 2, buf: s.clipParts})
	}
	words := []uint32{uint32(len(s.params)), 0, f32(c)}
	b.add(shaderClip, "scale", nil, func(int) []uint32 { return words }, func(int) (int, int) { return 1, 1 }, onEveryBatch,
		binding{index: 2, buf: s.clipParts}, binding{index: 3, buf: s.kappa})
}

// update appends the optimizer's update of every trainable param.
func (b *builder) update() {
	s := b.s
	o := s.plan.Optimizer
	for k, p := range s.params {
		if !p.trainable {
			continue
		}
		lambda := float32(0)
		if p.decay {
			lambda = float32(o.WeightDecay)
		}
		nesterov := uint32(0)
		if o.Nesterov {
			nesterov = 1
		}
		count := p.floats() / 4
		// 1−β in float32, as kernels.Adam takes it; ρ and 1−ρ as
		// kernels.RMSProp rounds them.
		c1, c2 := 1-float32(o.Beta1), 1-float32(o.Beta2)
		if o.Name == spec.OptRMSProp {
			c1, c2 = float32(o.Rho), 1-float32(o.Rho)
		}
		words := []uint32{uint32(count), uint32(k), math.Float32bits(c1), math.Float32bits(c2), f32(o.Epsilon), math.Float32bits(lambda), f32(o.Momentum), nesterov}
		bind := []binding{{index: 1, buf: s.hyper}, {index: 2, buf: p.g}, {index: 3, buf: p.w}, {index: 4, buf: p.m}, {index: 6, buf: s.kappa}}
		entry := o.Name // adam, sgd, rmsprop, adagrad: optimizer.wgsl's entry points
		if o.Name == spec.OptAdam {
			bind = append(bind, binding{index: 5, buf: p.v})
		}
		b.add(shaderOptimizer, entry, nil, func(int) []uint32 { return words }, func(int) (int, int) { return strided(count), 1 }, onEveryBatch, bind...)
	}
}

// f32 is a float64 setting as the bits of a float32 uniform.
func f32(v float64) uint32 { return math.Float32bits(float32(v)) }

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// strided is the workgroup count (of 64 threads) for a kernel that
// strides over count items: enough for one item a thread, within
// WebGPU's 65535 per dimension.
func strided(count int) int { return max(1, min(ceilDiv(count, 64), 65535)) }

// builder collects the passes of a layout.
type builder struct {
	s      *session
	passes []pass
	binds  [][]binding
	err    error

	kernel, bias map[int]*param // each Dense op's params, by op index
	first        int            // the first trainable op: gradients are needed from there on
}

// newBuilder returns a builder for s's passes, with its params indexed by op.
func newBuilder(s *session) *builder {
	b := &builder{s: s, kernel: map[int]*param{}, bias: map[int]*param{}, first: len(s.plan.Ops)}
	for _, p := range s.params {
		if p.bias {
			b.bias[p.op] = p
		} else {
			b.kernel[p.op] = p
		}
		if p.trainable {
			b.first = min(b.first, p.op)
		}
	}
	return b
}

// add appends a pass of a shader's entry point; the uniform block is
// bound at binding 0 by finish.
func (b *builder) add(shader, entry string, constants map[string]any, uniform func(int) []uint32, groups func(int) (int, int), readOnly bool, bindings ...binding) {
	if b.err != nil {
		return
	}
	p, err := b.s.dev.pipeline(shader, entry, constants, b.s.broken)
	if err != nil {
		b.err = err
		return
	}
	b.passes = append(b.passes, pass{pipeline: p, uniform: uniform, groups: groups, readOnly: readOnly})
	b.binds = append(b.binds, bindings)
}

// gemm appends C = op(A)·op(B) with an epilogue; dims gives M, N, K,
// lda, ldb, ldc for a batch of n.
func (b *builder) gemm(transA, transB bool, epilogue int, act activation, dims func(n int) [6]int, a, bm, c, e js.Value) {
	constants := act.constants()
	constants["TRANS_A"], constants["TRANS_B"], constants["EPILOGUE"] = boolNum(transA), boolNum(transB), epilogue
	uniform := func(n int) []uint32 {
		d := dims(n)
		return []uint32{uint32(d[0]), uint32(d[1]), uint32(d[2]), uint32(d[3]), uint32(d[4]), uint32(d[5])}
	}
	groups := func(n int) (int, int) {
		d := dims(n)
		return ceilDiv(d[1], 64), ceilDiv(d[0], 64)
	}
	b.add(shaderGemm, "main", constants, uniform, groups, onEveryBatch,
		binding{index: 1, buf: a}, binding{index: 2, buf: bm}, binding{index: 3, buf: c}, binding{index: 4, buf: e})
}

// elementwise appends an elementwise.wgsl entry over n rows of width
// values; x or y is js.Null() where the entry does not read it.
func (b *builder) elementwise(entry string, act activation, width int, x, y, out js.Value) {
	ld := pad4(width)
	var bind []binding
	if !x.IsNull() {
		bind = append(bind, binding{index: 1, buf: x})
	}
	if !y.IsNull() {
		bind = append(bind, binding{index: 2, buf: y})
	}
	bind = append(bind, binding{index: 3, buf: out})
	b.add(shaderElementwise, entry, act.constants(),
		func(n int) []uint32 { return []uint32{uint32(n), uint32(width), uint32(ld)} },
		func(n int) (int, int) { return strided(n * ld / 4), 1 }, onEveryBatch, bind...)
}

// finish makes the uniform buffer and every pass's bind group.
func (b *builder) finish() error {
	if b.err != nil {
		return b.err
	}
	s := b.s
	s.uniforms = s.dev.buffer(uniformSlot*len(b.passes), usageUniform|usageCopyDst, "uniforms")
	s.batchBuffers = append(s.batchBuffers, s.uniforms)
	for i := range b.passes {
		bind := append([]binding{{index: 0, buf: s.uniforms, offset: uniformSlot * i, size: uniformSize}}, b.binds[i]...)
		b.passes[i].bind = s.dev.bindGroup(b.passes[i].pipeline, bind...)
	}
	s.passes = b.passes
	return nil
}

// writeUniforms writes every pass's uniform block for batch size n.
func (s *session) writeUniforms(n int) {
	words := make([]uint32, len(s.passes)*uniformSlot/4)
	for i, p := range s.passes {
		copy(words[i*uniformSlot/4:], p.uniform(n))
	}
	s.dev.write(s.uniforms, 0, uint32Bytes(words))
	s.uniformN = n
}

// uint32Bytes views v as its little-endian bytes (for a copy to JS right away).
func uint32Bytes(v []uint32) []byte {
	if len(v) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&v[0])), 4*len(v))
}

func boolNum(v bool) int {
	if v {
		return 1
	}
	return 0
}
