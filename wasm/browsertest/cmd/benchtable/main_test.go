package main

import (
	"strings"
	"testing"
)

const nativeOut = `goos: linux
BenchmarkGemm/Gemm(gonum)/NN_128x784x128-2   	 1000	  1000 ns/op	        30.00 GFLOP/s
BenchmarkGemm/Gemm(gonum)/NN_128x784x128-2   	 1000	  1000 ns/op	        20.00 GFLOP/s
BenchmarkGemm/Gemm(gonum)/NN_128x784x128-2   	 1000	  1000 ns/op	        25.00 GFLOP/s
BenchmarkGemm/GemmGo/NN_128x784x128-2        	 1000	  1000 ns/op	        1.00 GFLOP/s
BenchmarkTrainStep/batch=64-2                	  100	  1000 ns/op	     59000 samples/s
BenchmarkTrainStep/batch=64-2                	  100	  1000 ns/op	     61000 samples/s
BenchmarkTrainStep/batch=64-2                	  100	  1000 ns/op	     60000 samples/s
PASS
`

const browserOut = `BenchmarkBrowserMLP/simd-2   1   5 ns/op   56000 samples/s   54000 min-samples/s   57000 max-samples/s
BenchmarkBrowserTFJS/wasm/mlp-2   1   5 ns/op   7000 samples/s   6900 min-samples/s   7100 max-samples/s
BenchmarkBrowserMLP/webgpu-2   1   5 ns/op   300 samples/s   280 min-samples/s   310 max-samples/s
BenchmarkBrowserLeNet/webgpu-2   1   5 ns/op   20 samples/s   18 min-samples/s   21 max-samples/s
BenchmarkBrowserWorkers/lenet/1-2   1   5 ns/op   3000 samples/s   2900 min-samples/s   3100 max-samples/s
BenchmarkBrowserWorkers/lenet/2-2   1   5 ns/op   0.1 apply-ms   5400 samples/s   5300 min-samples/s   5500 max-samples/s   1.8 speedup
BenchmarkBrowserWorkers/mlp/2-2   1   5 ns/op   50000 samples/s   49000 min-samples/s   51000 max-samples/s   1.2 speedup
BenchmarkBrowserTFJS/wasm-threads/mlp-2   1   5 ns/op   6000 samples/s   5900 min-samples/s   6100 max-samples/s
--- BENCH: BenchmarkBrowserMLP/simd-2
    bench_client_test.go:1: samples/s per window: 1, 2, 3
`

func TestTable(t *testing.T) {
	runs := map[string]results{"native": parse(strings.NewReader(nativeOut)), "browser": parse(strings.NewReader(browserOut))}
	var out strings.Builder
	writeTable(&out, runs, "1.00 2.00 3.00")
	got := out.String()
	for _, want := range []string{
		"load average 1.00 2.00 3.00",
		// median over -count lines, their min and max; GemmGo is not Gemm(gonum)
		"| native Go (gonum), engine benchmark | 60,000 [59,000–61,000] | missing | 25.0 [20.0–30.0] |",
		"| wasm under Node, pure Go | not run | not run | not run |",
		// the browser benchmarks report their own min and max
		"| browser worker, SIMD | 56,000 [54,000–57,000] | missing | missing |",
		"| browser worker, WebGPU | 300 [280–310] | 20.0 [18.0–21.0] | missing |",
		"| TF.js 4.22 wasm (SIMD, 1 thread) | 7,000 [6,900–7,100] | n/a — no Conv2DBackpropFilter kernel | missing |",
		"MLP samples/s ≥ 50,000:            56,000 (met)",
		"MLP vs TF.js wasm ≥ 7×:            8.0× (met)",
		"LeNet vs TF.js cpu ≥ 5×:           n/a (a benchmark is missing)",
		"GEMM GFLOP/s ≥ 40:                 missing",
		"| browser, SIMD × 2 workers | 50,000 [49,000–51,000] | 5,400 [5,300–5,500] | missing |",
		"| TF.js 4.22 wasm (SIMD, threads = cores) | 6,000 [5,900–6,100] | n/a — no Conv2DBackpropFilter kernel | not run |",
		"LeNet speed-up ≥ 1.7×:             1.8 (met)",
		"small CNN speed-up ≥ 1.7×:         missing",
		"MLP (best count) vs TF.js wasm threads ≥ 7×: 8.3× (met)",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the table lacks %q:\n%s", want, got)
		}
	}
}

func TestNum(t *testing.T) {
	for v, want := range map[float64]string{0: "0.0", 63.24: "63.2", 100: "100", 1317.4: "1,317", 56801: "56,801", 1234567: "1,234,567"} {
		if got := num(v); got != want {
			t.Errorf("num(%v) = %q; want %q", v, got, want)
		}
	}
}
