// Command benchtable prints make bench's table (issue 7) from the outputs
// of go test -bench: the engine natively, as wasm under Node (pure Go and
// SIMD), and the browser benchmarks of wasm/browsertest (nnplay's worker
// on SIMD, pure Go and WebGPU, TensorFlow.js cpu and wasm).
//
//	benchtable -native FILE -node-go FILE -node-simd FILE -browser FILE
//
// Each cell is the median with [min–max]: over the -count runs for the
// native and Node rows, over the windows of one run for the browser rows.
// A benchmark missing from its file shows as "missing".
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/nnplay/nnplay/engine/units"
)

func main() {
	native := flag.String("native", "", "go test -bench output of ./engine/kernels/ ./engine/nn/, native")
	nodeGo := flag.String("node-go", "", "the same as js/wasm under Node, pure Go")
	nodeSIMD := flag.String("node-simd", "", "the same under Node with -tags nnsimd (SIMD kernels)")
	browser := flag.String("browser", "", "go test -bench output of ./wasm/browsertest/ (BenchmarkBrowser…)")
	flag.Parse()
	runs := map[string]results{}
	for name, path := range map[string]string{"native": *native, "node-go": *nodeGo, "node-simd": *nodeSIMD, "browser": *browser} {
		if path == "" {
			continue
		}
		f, err := os.Open(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, "benchtable:", err)
			os.Exit(1)
		}
		runs[name] = parse(f)
		f.Close()
	}
	writeTable(os.Stdout, runs, loadAverage())
}

// results maps a benchmark's name (without the -GOMAXPROCS suffix) to
// its lines' metrics, unit → one value per line.
type results map[string]map[string][]float64

var procSuffix = regexp.MustCompile(`-\d+$`)

// parse reads go test -bench output: lines "BenchmarkX-2  N  v1 unit1  v2 unit2 …".
func parse(r io.Reader) results {
	res := results{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		if _, err := strconv.Atoi(f[1]); err != nil {
			continue
		}
		name := procSuffix.ReplaceAllString(f[0], "")
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				break
			}
			if res[name] == nil {
				res[name] = map[string][]float64{}
			}
			res[name][f[i+1]] = append(res[name][f[i+1]], v)
		}
	}
	return res
}

// cell is one table entry.
type cell struct {
	med, lo, hi float64
	note        string // instead of numbers: "missing", "n/a — …"
}

// lookup finds benchmark name (a prefix ending in "(" matches any backend
// name, "Gemm(" + "…" + suffix) and summarises unit: the median of the
// medians, the least min-unit and the greatest max-unit when the
// benchmark reports them, else the min and max of its lines.
func (rs results) lookup(name, unit string) cell {
	m := rs[name]
	if m == nil && strings.Contains(name, "(*)") {
		pre, suf, _ := strings.Cut(name, "(*)")
		for n, v := range rs {
			if strings.HasPrefix(n, pre+"(") && strings.HasSuffix(n, suf) && !strings.Contains(n, "GemmGo") {
				m = v
				break
			}
		}
	}
	vs := m[unit]
	if len(vs) == 0 {
		return cell{note: "missing"}
	}
	c := cell{med: median(vs), lo: slices.Min(vs), hi: slices.Max(vs)}
	if lo := m["min-"+unit]; len(lo) > 0 {
		c.lo = slices.Min(lo)
	}
	if hi := m["max-"+unit]; len(hi) > 0 {
		c.hi = slices.Max(hi)
	}
	return c
}

func median(vs []float64) float64 {
	s := slices.Sorted(slices.Values(vs))
	if len(s)%2 == 0 {
		return (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return s[len(s)/2]
}

func (c cell) String() string {
	if c.note != "" {
		return c.note
	}
	return fmt.Sprintf("%s [%s–%s]", num(c.med), num(c.lo), num(c.hi))
}

// num formats v with thousands separators, or one decimal below 100.
func num(v float64) string {
	if v < 100 {
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return units.Thousands(int(v + 0.5))
}

// row is one line of the table: where its three numbers come from.
type row struct {
	label, run       string
	mlp, cnn, gemm   string // benchmark names ("" for a fixed note)
	cnnNote, allNote string
}

var rows = []row{
	{label: "native Go (gonum), engine benchmark", run: "native", mlp: "BenchmarkTrainStep/batch=64", cnn: "BenchmarkTrainStepLeNet", gemm: "BenchmarkGemm/Gemm(*)/NN_128x784x128"},
	{label: "wasm under Node, pure Go", run: "node-go", mlp: "BenchmarkTrainStep/batch=64", cnn: "BenchmarkTrainStepLeNet", gemm: "BenchmarkGemm/Gemm(*)/NN_128x784x128"},
	{label: "wasm under Node, SIMD", run: "node-simd", mlp: "BenchmarkTrainStep/batch=64", cnn: "BenchmarkTrainStepLeNet", gemm: "BenchmarkGemm/Gemm(*)/NN_128x784x128"},
	{label: "browser worker, SIMD", run: "browser", mlp: "BenchmarkBrowserMLP/simd", cnn: "BenchmarkBrowserLeNet/simd", gemm: "BenchmarkBrowserGemm/simd"},
	{label: "browser worker, pure Go", run: "browser", mlp: "BenchmarkBrowserMLP/go", cnn: "BenchmarkBrowserLeNet/go", gemm: "BenchmarkBrowserGemm/go"},
	{label: "browser worker, WebGPU", run: "browser", mlp: "BenchmarkBrowserMLP/webgpu", cnn: "BenchmarkBrowserLeNet/webgpu", gemm: "BenchmarkBrowserGemm/webgpu"},
	{label: "TF.js 4.22 cpu, same browser", run: "browser", mlp: "BenchmarkBrowserTFJS/cpu/mlp", cnn: "BenchmarkBrowserTFJS/cpu/lenet", gemm: "BenchmarkBrowserTFJS/cpu/gemm"},
	{label: "TF.js 4.22 wasm (SIMD, 1 thread)", run: "browser", mlp: "BenchmarkBrowserTFJS/wasm/mlp", gemm: "BenchmarkBrowserTFJS/wasm/gemm",
		cnnNote: "n/a — no Conv2DBackpropFilter kernel"},
	{label: "browser, SIMD, 1 worker (same run as ×2)", run: "browser", mlp: "BenchmarkBrowserWorkers/mlp/1", cnn: "BenchmarkBrowserWorkers/lenet/1",
		gemm: "BenchmarkBrowserWorkers/cnn/1"},
	{label: "browser, SIMD × 2 workers", run: "browser", mlp: "BenchmarkBrowserWorkers/mlp/2", cnn: "BenchmarkBrowserWorkers/lenet/2",
		gemm: "BenchmarkBrowserWorkers/cnn/2"},
	{label: "TF.js 4.22 wasm (SIMD, threads = cores)", run: "browser", mlp: "BenchmarkBrowserTFJS/wasm-threads/mlp",
		cnnNote: "n/a — no Conv2DBackpropFilter kernel"},
}

// workerRow1, workerRow2 and tfThreadsRow are rows' indices of the data-parallel lines (issue 15),
// whose third column is the small CNN's samples/s, not GEMM.
const workerRow1, workerRow2, tfThreadsRow = 8, 9, 10

func writeTable(w io.Writer, runs map[string]results, load string) {
	fmt.Fprintf(w, "\nnnplay benchmarks: median [min–max] of 3; load average %s (2 shared cores: noisy)\n\n", load)
	fmt.Fprintln(w, "| where | MLP 784-128-64-10 samples/s | LeNet samples/s | GEMM 128×784×128 GFLOP/s |")
	fmt.Fprintln(w, "|---|---|---|---|")
	get := func(r row, name, unit, note string) cell {
		switch {
		case r.allNote != "":
			return cell{note: r.allNote}
		case note != "":
			return cell{note: note}
		case runs[r.run] == nil:
			return cell{note: "not run"}
		}
		return runs[r.run].lookup(name, unit)
	}
	cells := map[string][3]cell{}
	for i, r := range rows {
		if i == workerRow1 {
			fmt.Fprint(w, "\nData-parallel training (issue 15), in the same run: 1 and 2 training workers, TF.js with threads\n\n")
			fmt.Fprintln(w, "| where | MLP samples/s | LeNet samples/s | small CNN samples/s |")
			fmt.Fprintln(w, "|---|---|---|---|")
		}
		third := get(r, r.gemm, "GFLOP/s", "")
		if i >= workerRow1 {
			third = get(r, r.gemm, "samples/s", "")
			if r.gemm == "" {
				third = cell{note: "not run"}
			}
		}
		c := [3]cell{get(r, r.mlp, "samples/s", ""), get(r, r.cnn, "samples/s", r.cnnNote), third}
		cells[r.label] = c
		fmt.Fprintf(w, "| %s | %s | %s | %s |\n", r.label, c[0], c[1], c[2])
	}
	simd, tfCPU, tfWasm := cells[rows[3].label], cells[rows[6].label], cells[rows[7].label]
	fmt.Fprintln(w)
	fmt.Fprintf(w, "Targets (issue 7), browser worker on SIMD:\n")
	fmt.Fprintf(w, "  MLP samples/s ≥ 50,000:            %s\n", verdict(simd[0], 50000))
	fmt.Fprintf(w, "  MLP vs TF.js wasm ≥ 7×:            %s\n", ratio(simd[0], tfWasm[0], 7))
	fmt.Fprintf(w, "  LeNet vs TF.js cpu ≥ 5×:           %s\n", ratio(simd[1], tfCPU[1], 5))
	fmt.Fprintf(w, "  GEMM GFLOP/s ≥ 40:                 %s\n", verdict(simd[2], 40))
	two, tfThreads := cells[rows[workerRow2].label], cells[rows[tfThreadsRow].label]
	br := runs["browser"]
	speedup := func(model string) cell {
		if br == nil {
			return cell{note: "not run"}
		}
		return br.lookup("BenchmarkBrowserWorkers/"+model+"/2", "speedup")
	}
	fmt.Fprintf(w, "Targets (issue 15), 2 workers against 1 in the same run:\n")
	fmt.Fprintf(w, "  LeNet speed-up ≥ 1.7×:             %s\n", verdict(speedup("lenet"), 1.7))
	fmt.Fprintf(w, "  small CNN speed-up ≥ 1.7×:         %s\n", verdict(speedup("cnn"), 1.7))
	fmt.Fprintf(w, "  MLP speed-up (as it allows):       %s\n", speedup("mlp"))
	best := two[0]
	if one := cells[rows[workerRow1].label][0]; one.note == "" && (best.note != "" || one.med > best.med) {
		best = one
	}
	fmt.Fprintf(w, "  MLP (best count) vs TF.js wasm threads ≥ 7×: %s\n", ratio(best, tfThreads[0], 7))
	fmt.Fprintln(w, "\nNative and Node rows: TrainBatch on one fixed batch of 64 (engine/nn benchmarks, -count=3).")
	fmt.Fprintln(w, "Browser rows: nnplay's training worker on MNIST (batches gathered, progress posted), or")
	fmt.Fprintln(w, "TF.js model.fit on the same data; three windows after a warm-up, timed in the page.")
	fmt.Fprintln(w, "WebGPU: the browser's adapter; headless Chromium without a GPU has only SwiftShader,")
	fmt.Fprintln(w, "a software rasterizer on the CPU, so that row measures correctness, not a GPU's speed.")
}

func verdict(c cell, target float64) string {
	if c.note != "" {
		return c.note
	}
	ok := "met"
	if c.med < target {
		ok = "NOT met"
	}
	return fmt.Sprintf("%s (%s)", num(c.med), ok)
}

func ratio(ours, theirs cell, target float64) string {
	if ours.note != "" || theirs.note != "" || theirs.med == 0 {
		return "n/a (a benchmark is missing)"
	}
	r := ours.med / theirs.med
	ok := "met"
	if r < target {
		ok = "NOT met"
	}
	return fmt.Sprintf("%.1f× (%s)", r, ok)
}

// loadAverage is /proc/loadavg's first three fields, "?" where there is none.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "?"
}
