//go:build js && wasm

package webgpu

import (
	"fmt"
	"syscall/js"
	"time"

	"github.com/nnplay/nnplay/wasm/jsloop"
)

// GemmBench times gemm.wgsl for C (m×n) = op(A)·op(B) with inner size k
// on this browser's WebGPU: after a warm-up window, each of `windows`
// windows encodes reps dispatches in one submit and waits for the GPU.
// It returns each window's GFLOP/s (2·m·n·k per product) and the adapter.
func GemmBench(transA, transB bool, m, n, k, reps, windows int) ([]float64, string, error) {
	// One device for every call, never destroyed: its lost callback must
	// not run after the program has ended.
	d, err := benchGPU.device()
	if err != nil {
		return nil, "", err
	}
	rowsA, colsA := m, k
	if transA {
		rowsA, colsA = k, m
	}
	rowsB, colsB := k, n
	if transB {
		rowsB, colsB = n, k
	}
	fill := func(rows, cols int) []float32 {
		v := make([]float32, rows*pad4(cols))
		for i := range v {
			v[i] = float32(i%7)*0.25 - 0.75
		}
		return v
	}
	buf := func(v []float32, label string) js.Value {
		b := d.buffer(4*len(v), usageStorage|usageCopyDst, label)
		d.write(b, 0, floatBytes(v))
		return b
	}
	a, b := buf(fill(rowsA, colsA), "A"), buf(fill(rowsB, colsB), "B")
	c := d.buffer(4*m*pad4(n), usageStorage, "C")
	e := d.buffer(16, usageStorage, "unused")
	u := d.buffer(uniformSlot, usageUniform|usageCopyDst, "uniform")
	words := []uint32{uint32(m), uint32(n), uint32(k), uint32(pad4(colsA)), uint32(pad4(colsB)), uint32(pad4(n))}
	d.write(u, 0, uint32Bytes(words))
	const broken = false // pipeline's test hook: the shader as written
	p, err := d.pipeline(shaderGemm, "main", map[string]any{"TRANS_A": boolNum(transA), "TRANS_B": boolNum(transB), "EPILOGUE": epilogueNone, "ACT": 0}, broken)
	if err != nil {
		return nil, "", err
	}
	bind := d.bindGroup(p, binding{index: 0, buf: u, size: uniformSize}, binding{index: 1, buf: a}, binding{index: 2, buf: b},
		binding{index: 3, buf: c}, binding{index: 4, buf: e})
	var rates []float64
	for w := 0; w <= windows; w++ { // window 0 warms up
		enc := d.gpu.Call("createCommandEncoder")
		pass := enc.Call("beginComputePass")
		pass.Call("setPipeline", p)
		pass.Call("setBindGroup", 0, bind)
		for range reps {
			pass.Call("dispatchWorkgroups", ceilDiv(n, 64), ceilDiv(m, 64))
		}
		pass.Call("end")
		start := time.Now()
		d.queue.Call("submit", []any{enc.Call("finish")})
		if _, err := jsloop.Await(d.queue.Call("onSubmittedWorkDone")); err != nil {
			return nil, "", err
		}
		if err := d.err(); err != nil {
			return nil, "", err
		}
		if w > 0 {
			rates = append(rates, 2*float64(m)*float64(n)*float64(k)*float64(reps)/time.Since(start).Seconds()/1e9)
		}
	}
	if len(rates) == 0 {
		return nil, "", fmt.Errorf("gemmbench: no windows")
	}
	return rates, benchGPU.adapter.Description, nil
}

// benchGPU is GemmBench's device, shared by its calls.
var benchGPU = New()
