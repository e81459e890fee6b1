//go:build js && wasm

package webgpu

import (
	"errors"
	"fmt"
	"math"
	"syscall/js"
	"unsafe"

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
	uniformSize = 64
)

// Kernel constants: gemm.wgsl's EPILOGUE and act.wgsl's ACT (see activation).
const (
	epilogueNone    = 0
	epilogueBiasAct = 1 // y = act(acc + b)
	epilogueActGrad = 2 // acc ⊙ act'(E)
	epilogueAct     = 3 // y = act(acc): a layer without a bias
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
//	forward   each op's forward pass (opPasses.forward)
//	loss      softmax cross-entropy (dL/dlogits and per-row losses), and
//	          the loss sum on batches that read it
//	backward  from the last op to the first that learns, each op's
//	          backward pass: its params' gradients, and dL/dx while an op
//	          that learns is further back (opPasses.backward)
//	clip      with global_clipnorm: each trained gradient's Σ g², then the
//	          factor κ the update multiplies the gradients by
//	update    adam, sgd, rmsprop or adagrad on every trainable param
func (s *session) layout(capacity int) error {
	s.makeBatchBuffers(capacity)
	if s.tooBig != "" {
		return errors.New(s.tooBig)
	}
	b := newBuilder(s)
	b.forward()
	b.loss()
	b.backward()
	b.clip()
	b.update()
	return b.finish()
}

// makeBatchBuffers destroys the batch buffers and makes them anew for
// capacity examples: the input and labels, each op's (opPasses.buffers),
// the im2col scratch of the Conv2D ops, and the per-row losses.
func (s *session) makeBatchBuffers(capacity int) {
	for _, b := range s.batchBuffers {
		b.Call("destroy")
	}
	s.batchBuffers, s.capacity, s.tooBig = nil, capacity, ""
	ops := s.plan.Ops
	rows, cols := trainer.Layout(s.plan.InputShape)
	s.x = s.batchBuffer(4*capacity*rows*pad4(cols), usageStorage|usageCopyDst, "x")
	s.labels = s.batchBuffer(4*capacity, usageStorage|usageCopyDst, "labels")
	s.act, s.grad, s.aux = make([]js.Value, len(ops)), make([]js.Value, len(ops)), make([]js.Value, len(ops))
	s.scratchFloats = 0
	for i, op := range ops {
		passesOf(op.Kind).buffers(s, i, capacity)
	}
	s.scratch = s.dummyBuffer()
	if s.scratchFloats > 0 {
		s.scratch = s.batchBuffer(4*s.scratchFloats, usageStorage, "im2col scratch")
	}
	s.rowLoss = s.batchBuffer(8*capacity, usageStorage, "row losses")
	s.capacity, s.uniformN = capacity, 0
}

// batchBuffer creates a buffer of size bytes that the next layout (or
// Close) destroys. One larger than the device binds is not made: tooBig
// says so, and layout fails with it.
func (s *session) batchBuffer(size, usage int, label string) js.Value {
	if float64(size) > s.dev.maxBinding {
		if s.tooBig == "" {
			s.tooBig = fmt.Sprintf("a batch of %d needs a buffer of %d MiB (%s), more than this GPU binds (%.0f MiB); a smaller batch would fit",
				s.capacity, size>>20, label, s.dev.maxBinding/(1<<20))
		}
		size = 16
	}
	b := s.dev.buffer(size, usage, label)
	s.batchBuffers = append(s.batchBuffers, b)
	return b
}

// perExample is the floats op i's output takes per example, as stored.
func (s *session) perExample(i int) int {
	rows, cols := trainer.Layout(s.plan.Ops[i].OutShape)
	return rows * pad4(cols)
}

// outputs makes op i's output and gradient buffers for capacity examples.
func (s *session) outputs(i, capacity int) {
	size := 4 * capacity * s.perExample(i)
	s.act[i] = s.batchBuffer(size, usageStorage, fmt.Sprintf("op %d output", i))
	s.grad[i] = s.batchBuffer(size, usageStorage, fmt.Sprintf("op %d gradient", i))
}

// tensor is a batch of one op's input or output on the device: each
// example rows × cols values, rows stored with stride pad4(cols).
type tensor struct {
	buf        js.Value
	rows, cols int
}

func (t tensor) ld() int { return pad4(t.cols) }

// in is op i's input: the batch, or op i−1's output.
func (s *session) in(i int) tensor {
	if i == 0 {
		rows, cols := trainer.Layout(s.plan.InputShape)
		return tensor{s.x, rows, cols}
	}
	return s.out(i - 1)
}

// out is op i's output.
func (s *session) out(i int) tensor {
	rows, cols := trainer.Layout(s.plan.Ops[i].OutShape)
	return tensor{s.act[i], rows, cols}
}

func (b *builder) in(i int) tensor  { return b.s.in(i) }
func (b *builder) out(i int) tensor { return b.s.out(i) }

// dOut is dL/d(op i's output).
func (b *builder) dOut(i int) tensor {
	t := b.out(i)
	t.buf = b.s.grad[i]
	return t
}

// dIn is dL/d(op i's input): op i−1's output gradient.
func (b *builder) dIn(i int) tensor { return b.dOut(i - 1) }

// forward appends each op's forward pass.
func (b *builder) forward() {
	for i, op := range b.s.plan.Ops {
		passesOf(op.Kind).forward(b, i)
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

// backward appends the backward passes from the last op to the first
// that learns; each op computes dL/dx while an op that learns is further
// back.
func (b *builder) backward() {
	ops := b.s.plan.Ops
	for i := len(ops) - 1; i >= b.first; i-- {
		passesOf(ops[i].Kind).backward(b, i, i-1 >= b.first)
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

	params map[int][]*param // each op's params, by op index
	first  int              // the first op that learns: gradients are needed from there on
	// premultiplied[i]: grad[i] is dL/dz already (the next Dense fused
	// op i's activation gradient into its dL/dx).
	premultiplied []bool
}

// newBuilder returns a builder for s's passes, with its params indexed by op.
func newBuilder(s *session) *builder {
	b := &builder{s: s, params: map[int][]*param{}, first: len(s.plan.Ops), premultiplied: make([]bool, len(s.plan.Ops))}
	for _, p := range s.params {
		b.params[p.op] = append(b.params[p.op], p)
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
// lda, ldb, ldc for a batch of n. A C at most narrowColumns wide runs
// gemm.wgsl's narrow entry, one thread per four columns of a row; a wider
// one the 64×64 tiles of main.
func (b *builder) gemm(transA, transB bool, epilogue int, act activation, dims func(n int) [6]int, a, bm, c, e js.Value) {
	constants := act.constants()
	constants["TRANS_A"], constants["TRANS_B"], constants["EPILOGUE"] = boolNum(transA), boolNum(transB), epilogue
	uniform := func(n int) []uint32 {
		d := dims(n)
		return []uint32{uint32(d[0]), uint32(d[1]), uint32(d[2]), uint32(d[3]), uint32(d[4]), uint32(d[5])}
	}
	entry, groups := "main", func(n int) (int, int) {
		d := dims(n)
		return ceilDiv(d[1], 64), ceilDiv(d[0], 64)
	}
	if dims(b.s.capacity)[1] <= narrowColumns {
		entry, groups = "narrow", func(n int) (int, int) {
			d := dims(n)
			return strided(d[0] * ceilDiv(d[1], 4)), 1
		}
	}
	b.add(shaderGemm, entry, constants, uniform, groups, onEveryBatch,
		binding{index: 1, buf: a}, binding{index: 2, buf: bm}, binding{index: 3, buf: c}, binding{index: 4, buf: e})
}

// narrowColumns is the widest C that gemm.wgsl's narrow entry computes;
// main's tiles pay off on wider ones.
const narrowColumns = 16

// elementwise appends an elementwise.wgsl entry over the batch's rows of
// t's layout (x, y and out alike); x or y is js.Null() where the entry
// does not read it.
func (b *builder) elementwise(entry string, act activation, t tensor, x, y, out js.Value) {
	var bind []binding
	if !x.IsNull() {
		bind = append(bind, binding{index: 1, buf: x})
	}
	if !y.IsNull() {
		bind = append(bind, binding{index: 2, buf: y})
	}
	bind = append(bind, binding{index: 3, buf: out})
	b.add(shaderElementwise, entry, act.constants(),
		func(n int) []uint32 { return []uint32{uint32(n * t.rows), uint32(t.cols), uint32(t.ld())} },
		func(n int) (int, int) { return strided(n * t.rows * t.ld() / 4), 1 }, onEveryBatch, bind...)
}

// each appends a pass of a kernel that strides over perExample values of
// every example (one thread a value), with the uniform words it takes for
// a batch of n.
func (b *builder) each(shader, entry string, perExample int, words func(n int) []uint32, bindings ...binding) {
	b.add(shader, entry, nil, words, func(n int) (int, int) { return strided(n * perExample), 1 }, onEveryBatch, bindings...)
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
