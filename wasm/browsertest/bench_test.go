//go:build browser

package browsertest

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// The browser benchmarks of make bench (issue 7's table), all in the one
// Chromium that TestMain starts:
//
//	BenchmarkBrowserMLP/{simd,go,webgpu}  nnplay's worker training the seed MLP
//	BenchmarkBrowserLeNet/{simd,go,webgpu} the same for spec.LeNet()
//	BenchmarkBrowserGemm/{simd,go,webgpu} kernels.Gemm at 128×784×128, and gemm.wgsl on
//	                                      WebGPU (gemmbench/)
//	BenchmarkBrowserWorkers/{mlp,lenet,cnn}/{1,2}  nnplay's worker on 1 and 2 training workers
//	                                 (data-parallel), the speed-up and where the time goes
//	BenchmarkBrowserTFJS/...         TensorFlow.js fit on the same models and data,
//	                                 and tf.matMul (tfjsbench/; make tfjs-bench-deps first)
//
// Each reports the median of its windows as samples/s (GFLOP/s for GEMM)
// and their min and max as min-… and max-…; one run (-benchtime=1x) has
// three windows after a warm-up:
//
//	go test -run='^$' -bench='^BenchmarkBrowser(MLP|LeNet|Gemm|Workers|TFJS)$' -benchtime=1x ./wasm/browsertest/
//
// The machine is shared: the log gives the load average with each number.

// benchWindows is how many measured windows each benchmark run has.
const benchWindows = 3

// workerCase is one model trained in the worker: batches skipped before
// measuring (warm-up) and batches per window, chosen so that all of them
// fit in one epoch (an epoch's end evaluates the test set, which is not
// training) and a window lasts 0.3 s (MLP) to 3 s (LeNet) on SIMD.
// gpuWarmup and gpuWindow are the same on WebGPU (0: not run there):
// SwiftShader, the software adapter of a machine without a GPU, needs
// about 0.2 s a batch of the MLP and seconds one of LeNet.
type workerCase struct {
	model                spec.Model
	warmup, window       int
	gpuWarmup, gpuWindow int
}

func BenchmarkBrowserMLP(b *testing.B) {
	benchTraining(b, workerCase{spec.Seed(), 50, 250, 5, 25})
}

func BenchmarkBrowserLeNet(b *testing.B) {
	benchTraining(b, workerCase{spec.LeNet(), 10, 60, 2, 6})
}

func benchTraining(b *testing.B, wc workerCase) {
	srv := benchServer(b, "")
	backends := []string{protocol.BackendSIMD, protocol.BackendGo}
	if wc.gpuWindow > 0 {
		backends = append(backends, protocol.BackendWebGPU)
	}
	for _, backend := range backends {
		b.Run(backend, func(b *testing.B) {
			c := wc
			if backend == protocol.BackendWebGPU {
				c.warmup, c.window = wc.gpuWarmup, wc.gpuWindow
			}
			var rates []float64
			for range b.N {
				rates = append(rates, workerRates(b, srv.URL, backend, c)...)
			}
			reportSpread(b, rates, "samples/s")
		})
	}
}

// workerRates trains wc.model in a fresh worker on the given kernels and
// returns samples/s per window, timed in the page from the arrival of
// progress events.
func workerRates(b *testing.B, base, backend string, wc workerCase) []float64 {
	rates, _ := trainRates(b, base, wc, func(c *benchWorker) { c.setBackend(backend) })
	return rates
}

// trainRates trains wc.model in a fresh worker set up by setup and returns
// samples/s per window and the progress events of the measured windows.
func trainRates(b *testing.B, base string, wc workerCase, setup func(*benchWorker)) ([]float64, []protocol.Progress) {
	m := wc.model
	m.Epochs = 1
	need := wc.warmup + benchWindows*wc.window
	if perEpoch := 60000 / m.BatchSize; need >= perEpoch {
		b.Fatalf("%d batches do not fit in one epoch of %d (the epoch's evaluation would be timed)", need, perEpoch)
	}
	c := startBenchWorker(b, base, 10*time.Minute)
	c.await("ready", time.Minute, isType("ready"))
	c.send(protocol.LoadData{})
	c.await("data_ready", 3*time.Minute, isType("data_ready"))
	setup(c)
	c.send(protocol.Build{Spec: m})
	c.await("built", time.Minute, isType("built"))
	c.send(protocol.Start{})
	var ps []progressAt
	var measured []protocol.Progress
	last, before := c.await(fmt.Sprintf("progress past batch %d", need), 8*time.Minute, func(e protocol.Event) bool {
		p, ok := e.(protocol.Progress)
		return ok && p.GlobalBatch >= need
	})
	c.send(protocol.Stop{})
	for _, te := range append(before, last) {
		if p, ok := te.e.(protocol.Progress); ok && p.State == protocol.StateRunning {
			ps = append(ps, progressAt{p.GlobalBatch, te.at})
			if p.GlobalBatch > wc.warmup {
				measured = append(measured, p)
			}
		}
	}
	rates, err := windowRates(ps, m.BatchSize, wc.warmup, wc.window, benchWindows)
	if err != nil {
		b.Fatal(err)
	}
	return rates, measured
}

// BenchmarkBrowserGemm times kernels.Gemm in the page (gemmbench/, built
// here for js/wasm with -tags nnsimd), and gemm.wgsl on WebGPU: the
// forward form NN as GFLOP/s, the gradient forms as TN-GFLOP/s and
// NT-GFLOP/s.
func BenchmarkBrowserGemm(b *testing.B) {
	wasm := filepath.Join(b.TempDir(), "gemm.wasm")
	build := exec.Command("go", "build", "-trimpath", "-tags", "nnsimd", "-o", wasm, "./wasm/browsertest/gemmbench")
	build.Dir = repoRoot
	build.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("building gemmbench: %v\n%s", err, out)
	}
	srv := benchServer(b, wasm)
	for _, backend := range []struct {
		name string
		reps int // calls a window: about a second on SIMD
	}{{protocol.BackendSIMD, 400}, {protocol.BackendGo, 60}, {protocol.BackendWebGPU, 20}} {
		b.Run(backend.name, func(b *testing.B) {
			gflops := map[string][]float64{}
			for range b.N {
				tab := NewTab(b, srv.URL, fmt.Sprintf("%sindex.html?backend=%s&reps=%d&windows=%d",
					gemmBenchPath, backend.name, backend.reps, benchWindows), 5*time.Minute)
				var res struct {
					Backend string               `json:"backend"`
					GFLOPS  map[string][]float64 `json:"gflops"`
				}
				raw := pollPage(b, tab, "globalThis.nnGemmResult", "globalThis.nnGemmError", 4*time.Minute)
				if err := json.Unmarshal([]byte(raw), &res); err != nil {
					b.Fatalf("gemmbench result %q: %v", raw, err)
				}
				if res.Backend != backend.name {
					b.Fatalf("gemmbench ran on %q; want %q", res.Backend, backend.name)
				}
				for f, v := range res.GFLOPS {
					gflops[f] = append(gflops[f], v...)
				}
			}
			reportSpread(b, gflops["NN"], "GFLOP/s")
			b.ReportMetric(median(gflops["TN"]), "TN-GFLOP/s")
			b.ReportMetric(median(gflops["NT"]), "NT-GFLOP/s")
		})
	}
}

// BenchmarkBrowserTFJS trains the seed MLP and LeNet with TensorFlow.js
// 4.22.0 model.fit in the same browser (tfjsbench/), on its cpu backend
// and its wasm backend (SIMD, one thread; and wasm-threads: as many
// threads as cores, on a cross-origin isolated page), and times tf.matMul
// at 128×784×128. TF.js's wasm backend cannot train LeNet ("Kernel
// 'Conv2DBackpropFilter' not registered for backend 'wasm'"): no wasm/lenet.
func BenchmarkBrowserTFJS(b *testing.B) {
	if _, err := os.Stat(filepath.Join(repoRoot, "wasm", "browsertest", "tfjsbench", "node_modules", "@tensorflow", "tfjs", "dist", "tf.min.js")); err != nil {
		b.Fatal("TensorFlow.js is not installed for the benchmark: run make tfjs-bench-deps (npm ci in wasm/browsertest/tfjsbench; make bench does)")
	}
	srv := benchServer(b, "")
	cases := []struct {
		backend, model string
		warmup, window int // batches (calls, for gemm)
		threads        bool
	}{
		{"cpu", "mlp", 5, 60, false},
		{"wasm", "mlp", 10, 150, false},
		{"wasm", "mlp", 10, 150, true},
		{"cpu", "lenet", 2, 6, false},
		{"cpu", "gemm", 0, 20, false},
		{"wasm", "gemm", 0, 200, false},
	}
	for _, tc := range cases {
		name := tc.backend + "/" + tc.model
		page, threads := tfjsBenchPath, 1
		if tc.threads {
			name = tc.backend + "-threads/" + tc.model
			page, threads = tfjsIsolatedPath, 0
		}
		b.Run(name, func(b *testing.B) {
			var rates []float64
			for range b.N {
				tab := NewTab(b, srv.URL, page+"index.html", 10*time.Minute)
				if threads == 0 {
					tab.Run("read the cores", chromedp.Evaluate(`crossOriginIsolated ? navigator.hardwareConcurrency : 1`, &threads))
				}
				cfg, _ := json.Marshal(map[string]any{"backend": tc.backend, "model": tc.model, "threads": threads,
					"batch": 64, "warmup": tc.warmup, "window": tc.window, "windows": benchWindows})
				tab.Run("start TF.js", chromedp.Evaluate(fmt.Sprintf("nnTFJSBench.start(%s)", cfg), nil))
				raw := pollPage(b, tab, "nnTFJSBench.result && JSON.stringify(nnTFJSBench.result)", "nnTFJSBench.result && nnTFJSBench.result.error", 9*time.Minute)
				var res struct {
					Rates         []float64
					Version       string
					Backend       string
					SIMD, Threads bool
				}
				if err := json.Unmarshal([]byte(raw), &res); err != nil {
					b.Fatalf("TF.js result %q: %v", raw, err)
				}
				if res.Backend != tc.backend || (tc.backend == "wasm" && (!res.SIMD || res.Threads != tc.threads)) {
					b.Fatalf("TF.js ran on %s (SIMD %v, threads %v); want %s (wasm: SIMD, threads %v)", res.Backend, res.SIMD, res.Threads, tc.backend, tc.threads)
				}
				b.Logf("TF.js %s, backend %s (SIMD %v, threads %v, %d asked)", res.Version, res.Backend, res.SIMD, res.Threads, threads)
				rates = append(rates, res.Rates...)
			}
			unit := "samples/s"
			if tc.model == "gemm" {
				unit = "GFLOP/s"
			}
			reportSpread(b, rates, unit)
		})
	}
}

// pollPage evaluates result in the tab until it is a non-empty string, or
// fails the benchmark when failure is one (or after timeout).
func pollPage(b *testing.B, tab *Tab, result, failure string, timeout time.Duration) string {
	b.Helper()
	deadline := time.Now().Add(timeout)
	for {
		var res, fail any
		tab.Run("poll the page", chromedp.Evaluate(fmt.Sprintf("(%s) || ''", failure), &fail))
		if s, _ := fail.(string); s != "" {
			b.Fatalf("the bench page failed: %s", s)
		}
		tab.Run("poll the page", chromedp.Evaluate(fmt.Sprintf("(%s) || ''", result), &res))
		if s, _ := res.(string); s != "" {
			return s
		}
		if time.Now().After(deadline) {
			b.Fatalf("the bench page gave no result within %v (browser problems: %q)", timeout, tab.Problems())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// median is the middle of vs (the mean of the two middle values for an
// even count; 0 for none).
func median(vs []float64) float64 {
	if len(vs) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(vs))
	if len(s)%2 == 0 {
		return (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return s[len(s)/2]
}
