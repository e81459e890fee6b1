//go:build browser

package browsertest

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/protocol"
	"github.com/nnplay/nnplay/wasm/worker/trainer"
)

// Helpers for the teaching panels' tests: an independent reference (the
// worker's own trainer code run natively in this test process, fed the
// same MNIST files) and readers for what the page shows.

// engineRef runs a native Trainer: the same build, steps and trace the
// page's worker does, in another runtime (native Go instead of js/wasm
// with SIMD kernels), so the page's numbers can be checked against it.
type engineRef struct {
	t      *testing.T
	q      *trainer.Queue
	events chan protocol.Event
	nextID int
}

func newEngineRef(t *testing.T) *engineRef {
	t.Helper()
	r := &engineRef{t: t, q: trainer.NewQueue(), events: make(chan protocol.Event, 1<<14)}
	tr := trainer.New(trainer.Env{
		Post: func(msg string) {
			e, err := protocol.DecodeEvent(msg)
			if err != nil {
				t.Errorf("the native trainer posted a bad message: %v", err)
				return
			}
			r.events <- e
		},
		Fetch: func(url string, _ func(int64, int64)) ([]byte, error) {
			b, err := os.ReadFile(filepath.Join(staticDir, filepath.FromSlash(url)))
			if os.IsNotExist(err) {
				return nil, fmt.Errorf("GET %s: %w", url, trainer.ErrNotFound)
			}
			return b, err
		},
	}, r.q)
	done := make(chan struct{})
	go func() {
		tr.Run()
		close(done)
	}()
	t.Cleanup(func() {
		r.q.Close()
		select {
		case <-done:
		case <-time.After(time.Minute):
			t.Error("the native trainer did not stop")
		}
	})
	return r
}

// seedAfterSteps builds the page's default model (the seed model) and
// trains it steps batches, as clicking Step that often does.
func (r *engineRef) seedAfterSteps(steps int) {
	r.q.Push(protocol.LoadData{})
	r.q.Push(protocol.Build{Spec: spec.Seed()})
	for range steps {
		r.q.Push(protocol.Step{})
	}
}

// await returns the first event match accepts; an error event fails.
func (r *engineRef) await(what string, match func(protocol.Event) bool) protocol.Event {
	r.t.Helper()
	timeout := time.After(2 * time.Minute)
	for {
		select {
		case e := <-r.events:
			if match(e) {
				return e
			}
			if er, ok := e.(protocol.Error); ok {
				r.t.Fatalf("native trainer, waiting for %s: error %q", what, er.Message)
			}
		case <-timeout:
			r.t.Fatalf("native trainer: no %s within 2 minutes", what)
		}
	}
}

// trace asks for test image index's trace (label nil: its own).
func (r *engineRef) trace(index int, label *int) protocol.Trace {
	r.t.Helper()
	r.nextID++
	id := r.nextID
	r.q.Push(protocol.TraceRequest{ID: id, Example: protocol.Example{Source: protocol.SourceTest, Index: index, Label: label}})
	return r.await("trace", func(e protocol.Event) bool {
		tr, ok := e.(protocol.Trace)
		return ok && tr.ID == id
	}).(protocol.Trace)
}

func (r *engineRef) stats() protocol.Stats {
	r.t.Helper()
	r.nextID++
	id := r.nextID
	r.q.Push(protocol.StatsRequest{ID: id})
	return r.await("stats", func(e protocol.Event) bool {
		s, ok := e.(protocol.Stats)
		return ok && s.ID == id
	}).(protocol.Stats)
}

// smRow is one row of the softmax explorer as the page shows it.
type smRow struct{ K, Z, Exp, P, Grad float64 }

// smTable is the explorer's numbers read from the page's data-* attributes.
type smTable struct {
	Rows      []smRow
	Sum, Loss float64
}

func (u *user) softmaxTable() smTable {
	u.t.Helper()
	var raw struct {
		Rows      [][]string
		Sum, Loss string
	}
	u.js("read the softmax explorer", `(() => ({
		Rows: [...document.querySelectorAll("#softmax-panel .sm-row")].map(e =>
			[e.dataset.k, e.dataset.z, e.dataset.exp, e.dataset.p, e.dataset.grad].map(v => v === undefined ? "" : v)),
		Sum: document.querySelector("#sm-sum").dataset.sum || "",
		Loss: document.querySelector("#sm-loss").dataset.loss || ""}))()`, &raw)
	var out smTable
	parse := func(what, s string) float64 {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			u.t.Fatalf("softmax explorer: %s is %q, want a number", what, s)
		}
		return v
	}
	for _, r := range raw.Rows {
		out.Rows = append(out.Rows, smRow{parse("data-k", r[0]), parse("data-z", r[1]), parse("data-exp", r[2]), parse("data-p", r[3]), parse("data-grad", r[4])})
	}
	out.Sum, out.Loss = parse("#sm-sum data-sum", raw.Sum), parse("#sm-loss data-loss", raw.Loss)
	if len(out.Rows) != protocol.Classes {
		u.t.Fatalf("the softmax explorer has %d .sm-row rows, want %d", len(out.Rows), protocol.Classes)
	}
	return out
}

// attr reads an attribute of the first element matching sel.
func (u *user) attr(sel, name string) string {
	u.t.Helper()
	var s string
	u.js("read "+name+" of "+sel, fmt.Sprintf(`(() => { const e = document.querySelector(%q); return e ? (e.getAttribute(%q) || "") : "" })()`, sel, name), &s)
	return s
}

// waitAttr waits until the element's attribute has the wanted value.
func (u *user) waitAttr(sel, name, want string, timeout time.Duration) {
	u.t.Helper()
	deadline := time.Now().Add(timeout)
	expr := fmt.Sprintf(`(() => { const e = document.querySelector(%q); return e ? e.getAttribute(%q) : null })()`, sel, name)
	for {
		var got *string
		err := chromedp.Run(u.Ctx, chromedp.Evaluate(expr, &got))
		if err == nil && got != nil && *got == want {
			return
		}
		if u.Ctx.Err() != nil || time.Now().After(deadline) {
			seen := "no such element"
			if got != nil {
				seen = fmt.Sprintf("%q", *got)
			}
			var text string
			_ = chromedp.Run(u.Ctx, chromedp.Evaluate(fmt.Sprintf(`(() => { const e = document.querySelector(%q); return e ? e.textContent.replace(/\s+/g, " ").slice(0, 400) : "" })()`, sel), &text))
			u.t.Fatalf("waiting for %s[%s=%q]: still %s after %v (err %v; browser problems: %q; its text: %s)", sel, name, want, seen, timeout, err, u.Problems(), text)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stepBatches clicks Step n times, each time waiting for the batch counter.
func (u *user) stepBatches(n int) {
	u.t.Helper()
	start := u.batchCounter()
	for i := 1; i <= n; i++ {
		u.waitEnabled("#step", 30*time.Second)
		u.click("#step")
		want := strconv.Itoa(start + i)
		u.WaitText("#batch-counter", 60*time.Second, func(s string) bool { return strings.TrimSpace(s) == want })
	}
	u.WaitText("#status", 30*time.Second, func(s string) bool { return strings.Contains(s, "Paused") })
}

// scrollTo brings an element into view (the teaching panels ask the
// worker for nothing while off screen).
func (u *user) scrollTo(sel string) {
	u.t.Helper()
	u.Run("scroll to "+sel, chromedp.ScrollIntoView(sel, chromedp.ByQuery))
}

// near reports whether a and b agree to tol (absolute, or relative to the
// larger when that is above 1).
func near(a, b, tol float64) bool {
	return math.Abs(a-b) <= tol*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

func floatsOf(t *testing.T, b []byte) []float32 {
	t.Helper()
	v, err := protocol.BytesToFloats(b)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
