//go:build browser

package browsertest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/nnplay/nnplay/server/site"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// This file is the benchmarks' side of the harness: a server that adds the
// bench-only pages to static/, a worker client that timestamps every event
// in the page, and the window arithmetic. Benchmarks measure; they assert
// nothing about speed.

// Bench-only URL prefixes, never part of the app (static/ does not hold them).
const (
	tfjsBenchPath = "/__bench/tfjs/" // wasm/browsertest/tfjsbench/, node_modules included
	// tfjsIsolatedPath serves the same, cross-origin isolated (COOP and
	// COEP) and allowing blob: workers, so TF.js's wasm backend can start
	// its threads (pthreads in workers made from blobs).
	tfjsIsolatedPath = "/__bench/tfjs-mt/"
	gemmBenchPath    = "/__bench/gemm/" // wasm/browsertest/gemmbench/ + the gemm.wasm built for the run
)

// benchCSP lets the bench pages run WebAssembly ('wasm-unsafe-eval') and
// nothing else that the app's policy forbids: no eval, no inline script.
const benchCSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; style-src 'self'"

// benchIsolatedCSP is benchCSP with blob: workers and scripts (TF.js's
// threads).
const benchIsolatedCSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' blob:; worker-src 'self' blob:; connect-src 'self' blob:; style-src 'self'"

// benchServer serves static/ through server/site (as the app is served),
// the blank page the worker runs in, and the bench pages: tfjsbench/ and,
// when gemmWasm is not "", gemmbench/ with that file as gemm.wasm. The
// bench pages are served without cross-origin isolation, so TF.js's wasm
// backend cannot start threads (one core, like one nnplay worker), except
// under tfjsIsolatedPath; the blank page is isolated, as the app's pages
// are, so nnplay's workers can share memory.
func benchServer(b *testing.B, gemmWasm string) *httptest.Server {
	b.Helper()
	h, err := site.New(staticDir)
	if err != nil {
		b.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc(blankPath, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cross-Origin-Opener-Policy", "same-origin")
		w.Header().Set("Cross-Origin-Embedder-Policy", "require-corp")
		fmt.Fprint(w, "<!doctype html><title>browsertest</title><p>blank</p>")
	})
	benchDir := func(prefix, dir string, isolated bool) {
		files := http.StripPrefix(prefix, http.FileServer(http.Dir(dir)))
		mux.Handle(prefix, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Security-Policy", benchCSP)
			if isolated {
				w.Header().Set("Content-Security-Policy", benchIsolatedCSP)
				w.Header().Set("Cross-Origin-Opener-Policy", "same-origin")
				w.Header().Set("Cross-Origin-Embedder-Policy", "require-corp")
			}
			w.Header().Set("Cache-Control", "no-store")
			files.ServeHTTP(w, r)
		}))
	}
	tfjs := filepath.Join(repoRoot, "wasm", "browsertest", "tfjsbench")
	benchDir(tfjsBenchPath, tfjs, false)
	benchDir(tfjsIsolatedPath, tfjs, true)
	if gemmWasm != "" {
		benchDir(gemmBenchPath, filepath.Join(repoRoot, "wasm", "browsertest", "gemmbench"), false)
		mux.HandleFunc(gemmBenchPath+"gemm.wasm", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/wasm")
			http.ServeFile(w, r, gemmWasm)
		})
	}
	mux.Handle("/", h)
	srv := httptest.NewServer(mux)
	b.Cleanup(srv.Close)
	return srv
}

// timedEvent is a worker event with the page's performance.now() (ms) at
// which it arrived.
type timedEvent struct {
	at float64
	e  protocol.Event
}

// benchWorker drives nnplay's real training worker (static/worker.js, the
// SIMD kernels attached) from a blank page, like workerClient, but keeps
// the arrival time of every event, measured in the page.
type benchWorker struct {
	tab     *Tab
	b       testing.TB
	pending []timedEvent
}

func startBenchWorker(b testing.TB, base string, timeout time.Duration) *benchWorker {
	b.Helper()
	tab := NewTab(b, base, blankPath, timeout)
	tab.Run("start the worker", chromedp.Evaluate(`(() => {
		const w = new Worker("/worker.js");
		window.__bench = { w: w, msgs: [] };
		w.onmessage = (e) => window.__bench.msgs.push([performance.now(), `+plainMessage+`(e.data)]);
		w.onerror = (e) => window.__bench.msgs.push([performance.now(), JSON.stringify(
			{ type: "error", data: { message: "worker onerror: " + e.message, fatal: true } })]);
		return true;
	})()`, nil))
	return &benchWorker{tab: tab, b: b}
}

func (c *benchWorker) send(rs ...protocol.Request) {
	c.b.Helper()
	for _, r := range rs {
		s, err := protocol.Encode(r)
		if err != nil {
			c.b.Fatalf("encode %T: %v", r, err)
		}
		q, _ := json.Marshal(s)
		c.tab.Run("send "+r.Type(), chromedp.Evaluate(fmt.Sprintf(`window.__bench.w.postMessage(%s)`, q), nil))
	}
}

// poll moves what the page has received into c.pending.
func (c *benchWorker) poll() {
	c.b.Helper()
	var raw [][2]any
	c.tab.Run("read worker messages", chromedp.Evaluate(`window.__bench.msgs.splice(0)`, &raw))
	for _, m := range raw {
		at, _ := m[0].(float64)
		e, s, err := decodeWorkerMessage(m[1])
		if err != nil {
			c.b.Fatalf("the worker sent a message that breaks the protocol: %v\n%.300s", err, s)
		}
		if er, ok := e.(protocol.Error); ok {
			c.b.Fatalf("the worker reported an error: %s (fatal %v)", er.Message, er.Fatal)
		}
		c.pending = append(c.pending, timedEvent{at, e})
	}
}

// await returns the first pending event match accepts, with the events
// before it (consumed too).
func (c *benchWorker) await(what string, timeout time.Duration, match func(protocol.Event) bool) (timedEvent, []timedEvent) {
	c.b.Helper()
	deadline := time.Now().Add(timeout)
	for {
		c.poll()
		for i, te := range c.pending {
			if match(te.e) {
				before := c.pending[:i]
				c.pending = c.pending[i+1:]
				return te, before
			}
		}
		if time.Now().After(deadline) {
			c.b.Fatalf("no %s from the worker within %v", what, timeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// setBackend switches the worker's kernels and checks the answer.
func (c *benchWorker) setBackend(name string) {
	c.b.Helper()
	c.send(protocol.BackendRequest{Name: name})
	got, _ := c.await("backend", 10*time.Second, isType("backend"))
	if b := got.e.(protocol.Backend); b.Name != name {
		c.b.Fatalf("asked the worker for the %s kernels; it uses %q (has %v)", name, b.Name, b.Available)
	}
}

// progressAt is a progress event's global batch and arrival time.
type progressAt struct {
	batch int
	at    float64 // ms
}

// windowRates cuts a run of progress events into windows of `window`
// batches after `warmup` batches and returns each window's samples/s:
// window j runs from the first progress at or past batch
// warmup+j·window to the first at or past warmup+(j+1)·window (progress
// comes at most 20 times a second, so a window is a few batches longer
// than asked; the batches are counted exactly).
func windowRates(ps []progressAt, batchSize, warmup, window, windows int) ([]float64, error) {
	first := func(batch int) (progressAt, bool) {
		for _, p := range ps {
			if p.batch >= batch {
				return p, true
			}
		}
		return progressAt{}, false
	}
	var rates []float64
	for j := 0; j < windows; j++ {
		a, okA := first(warmup + j*window)
		b, okB := first(warmup + (j+1)*window)
		if !okA || !okB || b.at <= a.at || b.batch <= a.batch {
			return nil, fmt.Errorf("window %d (batches %d to %d): not enough progress", j+1, warmup+j*window, warmup+(j+1)*window)
		}
		rates = append(rates, float64((b.batch-a.batch)*batchSize)/((b.at-a.at)/1000))
	}
	return rates, nil
}

// reportSpread reports the median of vs as unit, and its min and max as
// min-unit and max-unit.
func reportSpread(b *testing.B, vs []float64, unit string) {
	b.ReportMetric(median(vs), unit)
	b.ReportMetric(slices.Min(vs), "min-"+unit)
	b.ReportMetric(slices.Max(vs), "max-"+unit)
	b.Logf("%s per window: %s (load average %s)", unit, formatAll(vs), loadAverage())
}

func formatAll(vs []float64) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = fmt.Sprintf("%.4g", v)
	}
	return strings.Join(parts, ", ")
}

// loadAverage is /proc/loadavg's first three fields ("?" where there is none):
// the machine is shared, so every number comes with it.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// TestWindowRates checks the window arithmetic on made-up progress: 10
// batches of 64 every 100 ms is 6,400 samples/s; a slower last window
// shows; too little progress is an error naming the window.
func TestWindowRates(t *testing.T) {
	var ps []progressAt
	for i := 0; i <= 20; i++ {
		ps = append(ps, progressAt{batch: 10 * i, at: 100 * float64(i)})
	}
	ps = append(ps, progressAt{batch: 220, at: 2400}) // batches 200..220 took 400 ms
	got, err := windowRates(ps, 64, 40, 60, 3)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{6400, 6400, 64 * 60 / 0.8} // the last window: batches 160..220 in 800 ms
	if len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("windowRates = %v; want %v", got, want)
	}
	if _, err := windowRates(ps, 64, 20, 100, 3); err == nil || !strings.Contains(err.Error(), "window 3 (batches 220 to 320): not enough progress") {
		t.Errorf("too few batches: err = %v; want it to name window 3", err)
	}
}
