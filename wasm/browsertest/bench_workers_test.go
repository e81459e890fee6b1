//go:build browser

package browsertest

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// BenchmarkBrowserWorkers trains the seed MLP, LeNet and the small CNN on
// the SIMD kernels with 1 and 2 training workers (data-parallel,
// wasm/worker/replicas) in the same browser, alternating — 1, 2, 1, 2, 1,
// 2, a fresh worker each time — so that each pair shares what the machine
// was doing then: on a shared 2-core machine one worker's rate moves by a
// third from minute to minute, which two runs minutes apart would read as
// a speed-up or a slow-down. The warm-ups last seconds: until Chromium has
// optimised the hot code of the workers' WebAssembly, whose background
// compilation takes part of a core from two workers on two cores but only
// the idle core from one. It reports samples/s (every window of every
// run: median, min, max), the speed-up (the median over the pairs of the
// 2-worker run's median over the 1-worker run's, on the 2-worker line),
// where a 2-worker batch's time goes as the coordinator sees it (send,
// compute, gather, apply: ms per batch) and, from those, a projection for
// more cores (logged; see projectWorkers).
func BenchmarkBrowserWorkers(b *testing.B) {
	srv := benchServer(b, "")
	cases := []struct {
		name string
		wc   workerCase
	}{
		{"mlp", workerCase{model: spec.Seed(), warmup: 300, window: 200}},
		{"lenet", workerCase{model: spec.LeNet(), warmup: 150, window: 60}},
		{"cnn", workerCase{model: spec.SmallCNN(), warmup: 3, window: 12}},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			var rates [3][]float64 // by worker count
			var ratios []float64
			var times []protocol.StepTimes
			for range benchPairs {
				var med [3]float64
				for _, workers := range []int{1, 2} {
					r, ps := trainRates(b, srv.URL, tc.wc, func(c *benchWorker) {
						c.send(protocol.BackendRequest{Name: protocol.BackendSIMD, Workers: workers})
						got, _ := c.await("backend", 10*time.Second, isType("backend"))
						if e := got.e.(protocol.Backend); e.Name != protocol.BackendSIMD || e.Workers != workers {
							c.b.Fatalf("asked for SIMD on %d workers; the worker says %+v", workers, e)
						}
					})
					rates[workers] = append(rates[workers], r...)
					med[workers] = median(r)
					for _, p := range ps {
						if p.Parallel != nil {
							times = append(times, *p.Parallel)
						}
					}
				}
				ratios = append(ratios, med[2]/med[1])
			}
			b.Run("1", func(b *testing.B) { reportSpread(b, rates[1], "samples/s") })
			b.Run("2", func(b *testing.B) {
				reportSpread(b, rates[2], "samples/s")
				speedup := median(ratios)
				b.ReportMetric(speedup, "speedup")
				t := meanTimes(times)
				b.ReportMetric(t.Send, "send-ms")
				b.ReportMetric(t.Compute, "compute-ms")
				b.ReportMetric(t.Gather, "gather-ms")
				b.ReportMetric(t.Apply, "apply-ms")
				b.Logf("%s: %.2f× on 2 workers (pairs: %s); a batch of %d: send %.3f ms, own share %.3f ms, gather %.3f ms, apply %.3f ms (load average %s)",
					tc.name, speedup, formatAll(ratios), tc.wc.model.BatchSize, t.Send, t.Compute, t.Gather, t.Apply, loadAverage())
				b.Logf("%s projection (samples/s): %s", tc.name, projectWorkers(median(rates[1]), tc.wc.model.BatchSize, t))
			})
		})
	}
}

// benchPairs is how many 1-worker and 2-worker runs BenchmarkBrowserWorkers
// alternates per model.
const benchPairs = 3

// meanTimes is the batch-weighted mean of progress events' step times.
func meanTimes(ts []protocol.StepTimes) protocol.StepTimes {
	var m protocol.StepTimes
	for _, t := range ts {
		w := float64(t.Batches)
		m.Send += w * t.Send
		m.Compute += w * t.Compute
		m.Gather += w * t.Gather
		m.Apply += w * t.Apply
		m.Batches += t.Batches
	}
	if m.Batches > 0 {
		n := float64(m.Batches)
		m.Send, m.Compute, m.Gather, m.Apply = m.Send/n, m.Compute/n, m.Gather/n, m.Apply/n
	}
	return m
}

// projectWorkers projects samples/s on N workers from one worker's rate
// and a 2-worker batch's phases, each scaled as the algorithm scales it:
//
//	T(N) = C/N + S·(N−1) + G·(N−1) + A
//
// with C a whole batch's compute on one worker (B/rate1 − A), S the send
// per helper (its rows, and the weights written once: counted per helper,
// an upper bound), G the gather per helper (the coordinator reads and
// adds each helper's gradients in turn; it includes the helper finishing
// after the coordinator) and A the optimizer step. It ignores memory
// bandwidth shared by the cores, so it is a ceiling. Scaling stops where
// C/N² = S + G: past N* = √(C/(S+G)) another worker costs more than it
// saves.
func projectWorkers(rate1 float64, batch int, t protocol.StepTimes) string {
	c := 1000*float64(batch)/rate1 - t.Apply
	per := t.Send + t.Gather
	step := func(n float64) float64 { return c/n + per*(n-1) + t.Apply }
	var parts []string
	for _, n := range []float64{1, 2, 4, 8, 16} {
		parts = append(parts, fmt.Sprintf("%g: %.0f", n, 1000*float64(batch)/step(n)))
	}
	return fmt.Sprintf("%s; best at %.1f workers", strings.Join(parts, ", "), math.Sqrt(c/per))
}
