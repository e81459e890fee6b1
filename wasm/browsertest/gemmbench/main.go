//go:build js && wasm

// Command gemmbench times the engine's GEMM (engine/kernels.Gemm) in a
// browser, for BenchmarkBrowserGemm: the three forms a Dense layer with
// 784 inputs and 128 units runs on a batch of 128 (as engine/kernels'
// BenchmarkGemm), on the kernels the page asks for. Build it with
// -tags nnsimd, like the worker; index.html attaches the SIMD module.
// With backend "webgpu" it times wasm/webgpu's gemm.wgsl instead.
//
// It reads globalThis.nnGemmConfig {backend, reps, windows}, runs one
// warm-up window and then `windows` windows of `reps` calls per form, and
// sets globalThis.nnGemmResult to a JSON string:
//
//	{"backend": "simd", "gflops": {"NN": [w1, w2, ...], "TN": [...], "NT": [...]}}
//
// or globalThis.nnGemmError to a message.
package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"syscall/js"
	"time"

	"github.com/nnplay/nnplay/engine/kernels"
	"github.com/nnplay/nnplay/wasm/webgpu"
)

// The sizes: a batch of 128 through Dense(784 → 128).
const batch, in, units = 128, 784, 128

// form is one GEMM call: C (m×n) = op(A)·op(B), k the inner size.
type form struct {
	name    string
	tA, tB  bool
	m, n, k int
	a, b    []float32
	lda     int
	ldb     int
}

func main() {
	cfg := js.Global().Get("nnGemmConfig")
	res, err := run(cfg.Get("backend").String(), cfg.Get("reps").Int(), cfg.Get("windows").Int())
	if err != nil {
		js.Global().Set("nnGemmError", err.Error())
		return
	}
	js.Global().Set("nnGemmResult", res)
}

func run(backend string, reps, windows int) (string, error) {
	if reps < 1 || windows < 1 {
		return "", fmt.Errorf("gemmbench: reps %d and windows %d must be at least 1", reps, windows)
	}
	if backend == "webgpu" {
		return runWebGPU(reps, windows)
	}
	if err := kernels.SetBackend(backend); err != nil {
		return "", err
	}
	if got := kernels.Backend(); got != backend {
		return "", fmt.Errorf("gemmbench: asked for the %s kernels, got %s", backend, got)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	random := func(n int) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = rng.Float32()*2 - 1
		}
		return v
	}
	x, w, dy := random(batch*in), random(in*units), random(batch*units)
	forms := []form{
		{"NN", false, false, batch, units, in, x, w, in, units},    // forward x·W
		{"TN", true, false, in, units, batch, x, dy, in, units},    // kernel gradient xᵀ·dy
		{"NT", false, true, batch, in, units, dy, w, units, units}, // input gradient dy·Wᵀ
	}
	out := struct {
		Backend string               `json:"backend"`
		GFLOPS  map[string][]float64 `json:"gflops"`
	}{Backend: backend, GFLOPS: map[string][]float64{}}
	for _, f := range forms {
		c := make([]float32, f.m*f.n)
		flops := 2 * float64(f.m) * float64(f.n) * float64(f.k) * float64(reps)
		for win := 0; win <= windows; win++ { // window 0 warms up
			start := time.Now()
			for range reps {
				kernels.Gemm(f.tA, f.tB, f.m, f.n, f.k, 1, f.a, f.lda, f.b, f.ldb, 0, c, f.n)
			}
			if win > 0 {
				out.GFLOPS[f.name] = append(out.GFLOPS[f.name], flops/time.Since(start).Seconds()/1e9)
			}
		}
	}
	b, err := json.Marshal(out)
	return string(b), err
}

// runWebGPU times gemm.wgsl (wasm/webgpu) in the same three forms.
func runWebGPU(reps, windows int) (string, error) {
	out := struct {
		Backend string               `json:"backend"`
		Adapter string               `json:"adapter"`
		GFLOPS  map[string][]float64 `json:"gflops"`
	}{Backend: "webgpu", GFLOPS: map[string][]float64{}}
	for _, f := range []struct {
		name    string
		tA, tB  bool
		m, n, k int
	}{{"NN", false, false, batch, units, in}, {"TN", true, false, in, units, batch}, {"NT", false, true, batch, in, units}} {
		rates, adapter, err := webgpu.GemmBench(f.tA, f.tB, f.m, f.n, f.k, reps, windows)
		if err != nil {
			return "", fmt.Errorf("gemmbench: WebGPU %s: %v", f.name, err)
		}
		out.GFLOPS[f.name], out.Adapter = rates, adapter
	}
	b, err := json.Marshal(out)
	return string(b), err
}
