//go:build js && wasm

package webgpu

import (
	"encoding/binary"
	"fmt"
	"math"
	"syscall/js"
	"unsafe"

	"github.com/nnplay/nnplay/engine/nn"
	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/jsloop"
	"github.com/nnplay/nnplay/wasm/worker/trainer"
)

// session is one model training on the device (trainer.GPUSession).
//
// Layout: every matrix is row-major with its rows padded to a multiple of
// 4 floats (pad4), so shaders read vec4s; padding holds zeros. A Dense
// kernel W (in × units) is stored in × pad4(units), its bias pad4(units);
// a Conv2D kernel (kh, kw, C, F) as the matrix (kh·kw·C) × F likewise. A
// batch of activations is n examples of trainer.Layout's rows × cols:
// n × pad4(width) for vectors, n·H·W × pad4(C) for images.
type session struct {
	dev  *device
	plan *trainer.GPUPlan

	params []*param // per op with params, in nn.Sequential.Params order

	// Batch buffers, for up to capacity examples (grown on demand).
	capacity  int
	x, labels js.Value
	act, grad []js.Value // per op: its output, and dL/d(output)
	aux       []js.Value // per op, where its kind has one: a dropout mask, max pooling's argmax…
	scratch   js.Value   // the Conv2D ops' im2col matrix
	// scratchFloats is the size scratch needs (opPasses.buffers).
	scratchFloats int
	tooBig        string   // a batch buffer the device cannot bind (see batchBuffer)
	rowLoss       js.Value // per example: (loss, 1 if right)
	// Fixed buffers.
	total, readback js.Value // (mean loss, right) on the GPU, and its mappable copy
	hyper           js.Value // per param: this step's α (adam) or η (the others)
	kappa           js.Value // the gradients' clip factor κ (clip.wgsl): 1 without clipping
	clipParts       js.Value // per param: Σ g² (clip.wgsl), when clipping
	uniforms        js.Value // one 256-byte slot per pass
	dummy           js.Value // bound where a kernel declares a buffer it will not touch

	passes   []pass
	uniformN int        // the batch size the uniforms hold (0: none yet)
	inFlight []js.Value // onSubmittedWorkDone of batches not waited for
	buffers  []js.Value // the params and fixed buffers, to destroy on Close
	// batchBuffers are sized for capacity: destroyed when it grows, and on Close.
	batchBuffers []js.Value
	broken       bool // test hook, for the pipelines
}

// param is one weight tensor on the device.
type param struct {
	op         int // its op in plan.Ops
	index      int // its place in the op's layer's Params
	rows, cols int // as trainer.GPUParam

	ld         int // stored row stride: pad4(cols)
	decay      bool
	trainable  bool
	w, g       js.Value // weights and gradient
	m, v       js.Value // adam's moments; sgd's velocity, rmsprop's mean square or adagrad's sums (m); dummy when unused
	hasM, hasV bool
	step       int // adam's t: steps taken
}

func (p *param) floats() int { return p.rows * p.ld }

func pad4(n int) int { return (n + 3) / 4 * 4 }

// open makes the param buffers from m and uploads its weights and
// optimizer state, then lays out the passes for a first batch of 64.
func (s *session) open(m *nn.Sequential, broken bool) error {
	s.broken = broken
	opt := s.plan.Optimizer
	layers := m.Layers()
	for i, op := range s.plan.Ops {
		shapes := op.Params()
		if len(shapes) == 0 {
			continue
		}
		ps := layers[op.Layer].Params()
		if len(ps) != len(shapes) {
			return fmt.Errorf("layer %d has %d params; want %d", op.Layer+1, len(ps), len(shapes))
		}
		for k, gp := range ps {
			shape := shapes[k]
			if len(gp.Value.Float32s()) != shape.Rows*shape.Cols {
				return fmt.Errorf("layer %d's %s holds %d values; want %d×%d", op.Layer+1, gp.Name, len(gp.Value.Float32s()), shape.Rows, shape.Cols)
			}
			p := &param{op: i, index: k, rows: shape.Rows, cols: shape.Cols, ld: pad4(shape.Cols), decay: gp.Decay, trainable: shape.Trainable}
			label := fmt.Sprintf("layer %d %s", op.Layer+1, gp.Name)
			p.w = s.buffer(4*p.floats(), usageStorage|usageCopySrc|usageCopyDst, label)
			s.dev.write(p.w, 0, floatBytes(padRows(gp.Value.Float32s(), p.rows, p.cols, p.ld)))
			p.g, p.m, p.v = s.dummyBuffer(), s.dummyBuffer(), s.dummyBuffer()
			if p.trainable {
				p.g = s.buffer(4*p.floats(), usageStorage, label+" grad")
				slots, err := nn.SlotsOf(m.Optimizer(), gp)
				if err != nil {
					return err
				}
				p.step = slots.Step
				if slots.M != nil {
					p.hasM = true
					p.m = s.buffer(4*p.floats(), usageStorage|usageCopySrc|usageCopyDst, label+" m")
					s.dev.write(p.m, 0, floatBytes(padRows(slots.M, p.rows, p.cols, p.ld)))
				}
				if opt.Name == spec.OptAdam {
					p.hasV = true
					p.v = s.buffer(4*p.floats(), usageStorage|usageCopySrc|usageCopyDst, label+" v")
					s.dev.write(p.v, 0, floatBytes(padRows(slots.V, p.rows, p.cols, p.ld)))
				}
			}
			s.params = append(s.params, p)
		}
	}
	s.total = s.buffer(8, usageStorage|usageCopySrc, "loss total")
	s.readback = s.buffer(8, usageMapRead|usageCopyDst, "loss readback")
	s.hyper = s.buffer(4*len(s.params), usageStorage|usageCopyDst, "step sizes")
	s.kappa = s.buffer(4, usageStorage|usageCopyDst, "clip factor")
	s.dev.write(s.kappa, 0, floatBytes([]float32{1}))
	s.clipParts = s.buffer(4*len(s.params), usageStorage, "clip: sums of squares")
	return s.layout(64)
}

// buffer creates a buffer that Close destroys.
func (s *session) buffer(size, usage int, label string) js.Value {
	b := s.dev.buffer(size, usage, label)
	s.buffers = append(s.buffers, b)
	return b
}

func (s *session) dummyBuffer() js.Value {
	if !s.dummy.Truthy() {
		s.dummy = s.buffer(16, usageStorage, "unused")
	}
	return s.dummy
}

// TrainBatch runs one step: upload the batch and its dropout masks, then
// forward, loss, backward and update as one command buffer in one submit. With read it
// copies (mean loss, right) to the mappable buffer and waits for it;
// without, it keeps at most two batches in flight.
func (s *session) TrainBatch(x, labels []float32, masks [][]float32, lr float64, read bool) (float64, int, error) {
	if err := s.dev.err(); err != nil {
		return 0, 0, err
	}
	n := len(labels)
	if n == 0 || len(x) != n*s.plan.Input {
		return 0, 0, fmt.Errorf("a batch of %d labels and %d inputs; want %d inputs each", n, len(x), s.plan.Input)
	}
	drop := s.plan.Dropouts()
	if len(masks) != len(drop) {
		return 0, 0, fmt.Errorf("%d dropout masks for %d dropout layers", len(masks), len(drop))
	}
	for k, i := range drop {
		if len(masks[k]) != n*s.plan.Ops[i].Out {
			return 0, 0, fmt.Errorf("dropout mask %d holds %d values; want %d×%d", k, len(masks[k]), n, s.plan.Ops[i].Out)
		}
	}
	if n > s.capacity {
		if err := s.layout(n); err != nil {
			return 0, 0, err
		}
	}
	rows, cols := trainer.Layout(s.plan.InputShape)
	s.dev.write(s.x, 0, floatBytes(padRows(x, n*rows, cols, pad4(cols))))
	ids := make([]uint32, n)
	for i, l := range labels {
		ids[i] = uint32(l)
	}
	s.dev.write(s.labels, 0, uint32Bytes(ids))
	for k, i := range drop {
		rows, cols := trainer.Layout(s.plan.Ops[i].OutShape)
		s.dev.write(s.aux[i], 0, floatBytes(padRows(masks[k], n*rows, cols, pad4(cols))))
	}
	if n != s.uniformN {
		s.writeUniforms(n)
	}
	s.writeHyper(lr)

	enc := s.dev.gpu.Call("createCommandEncoder")
	cp := enc.Call("beginComputePass")
	for _, p := range s.passes {
		if p.readOnly && !read {
			continue
		}
		gx, gy := p.groups(n)
		cp.Call("setPipeline", p.pipeline)
		cp.Call("setBindGroup", 0, p.bind)
		cp.Call("dispatchWorkgroups", gx, gy)
	}
	cp.Call("end")
	if read {
		enc.Call("copyBufferToBuffer", s.total, 0, s.readback, 0, 8)
	}
	s.dev.queue.Call("submit", []any{enc.Call("finish")})
	for _, p := range s.params {
		if p.trainable {
			p.step++
		}
	}
	if !read {
		s.inFlight = append(s.inFlight, s.dev.queue.Call("onSubmittedWorkDone"))
		if len(s.inFlight) > 2 {
			if _, err := jsloop.Await(s.inFlight[0]); err != nil {
				return 0, 0, err
			}
			s.inFlight = s.inFlight[1:]
		}
		return 0, 0, s.dev.err()
	}
	s.inFlight = nil
	if _, err := jsloop.Await(s.readback.Call("mapAsync", mapModeRead, 0, 8)); err != nil {
		if derr := s.dev.err(); derr != nil {
			return 0, 0, derr
		}
		return 0, 0, fmt.Errorf("reading the loss: %v", err)
	}
	b := make([]byte, 8)
	js.CopyBytesToGo(b, js.Global().Get("Uint8Array").New(s.readback.Call("getMappedRange", 0, 8)))
	s.readback.Call("unmap")
	loss := math.Float32frombits(binary.LittleEndian.Uint32(b))
	right := math.Float32frombits(binary.LittleEndian.Uint32(b[4:]))
	return float64(loss), int(right), s.dev.err()
}

// writeHyper writes each param's step size for this batch: Adam's α for
// its next step t+1 (folded bias corrections, as nn.Adam), or SGD's η.
func (s *session) writeHyper(lr float64) {
	h := make([]float32, len(s.params))
	for i, p := range s.params {
		if s.plan.Optimizer.Name == spec.OptAdam {
			h[i] = s.plan.AdamStepSize(lr, p.step+1)
		} else {
			h[i] = float32(lr)
		}
	}
	s.dev.write(s.hyper, 0, floatBytes(h))
}

// Sync reads every param (and its optimizer state) back into m. Weights
// that are not all finite are not copied: trainer.ErrGPUDiverged.
func (s *session) Sync(m *nn.Sequential) error {
	if err := s.dev.err(); err != nil {
		return err
	}
	var copies []readCopy
	at := 0
	add := func(b js.Value, floats int) int {
		copies = append(copies, readCopy{src: b, at: at, size: 4 * floats})
		at += 4 * floats
		return at - 4*floats
	}
	type place struct{ w, m, v int }
	places := make([]place, len(s.params))
	for i, p := range s.params {
		places[i] = place{w: add(p.w, p.floats()), m: -1, v: -1}
		if p.trainable && p.hasM {
			places[i].m = add(p.m, p.floats())
		}
		if p.trainable && p.hasV {
			places[i].v = add(p.v, p.floats())
		}
	}
	raw, err := s.dev.read(copies, at)
	if err != nil {
		return err
	}
	get := func(off int, p *param) []float32 {
		v := make([]float32, p.floats())
		for i := range v {
			v[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[off+4*i:]))
		}
		return unpadRows(v, p.rows, p.cols, p.ld)
	}
	weights := make([][]float32, len(s.params))
	for i, p := range s.params {
		weights[i] = get(places[i].w, p)
		for _, v := range weights[i] {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return fmt.Errorf("%w (layer %d)", trainer.ErrGPUDiverged, s.plan.Ops[p.op].Layer+1)
			}
		}
	}
	layers := m.Layers()
	for i, p := range s.params {
		gp := layers[s.plan.Ops[p.op].Layer].Params()[p.index]
		copy(gp.Value.Float32s(), weights[i])
		if !p.trainable {
			continue
		}
		slots := nn.Slots{Step: p.step}
		if places[i].m >= 0 {
			slots.M = get(places[i].m, p)
		}
		if places[i].v >= 0 {
			slots.V = get(places[i].v, p)
		}
		if err := nn.SetSlots(m.Optimizer(), gp, slots); err != nil {
			return err
		}
	}
	return nil
}

// Close destroys the session's buffers (the device and its compiled
// pipelines stay for the next session).
func (s *session) Close() {
	for _, b := range append(s.buffers, s.batchBuffers...) {
		b.Call("destroy")
	}
	s.buffers, s.batchBuffers = nil, nil
	s.passes = nil
}

// floatBytes views v as its little-endian bytes (for a copy to JS right away).
func floatBytes(v []float32) []byte {
	if len(v) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&v[0])), 4*len(v))
}

// padRows returns rows×cols values v with each row padded with zeros to
// ld values (v itself when ld == cols).
func padRows(v []float32, rows, cols, ld int) []float32 {
	if ld == cols {
		return v[:rows*cols]
	}
	out := make([]float32, rows*ld)
	for r := range rows {
		copy(out[r*ld:r*ld+cols], v[r*cols:(r+1)*cols])
	}
	return out
}

// unpadRows drops padRows' padding.
func unpadRows(v []float32, rows, cols, ld int) []float32 {
	if ld == cols {
		return v
	}
	out := make([]float32, rows*cols)
	for r := range rows {
		copy(out[r*cols:(r+1)*cols], v[r*ld:r*ld+cols])
	}
	return out
}
