//go:build browser

package browsertest

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// isolatedWorker starts a training worker on the blank page, which (as
// the app's server does) sends COOP and COEP, and checks the page is
// cross-origin isolated: what lets workers share memory.
func isolatedWorker(t *testing.T, timeout time.Duration) *workerClient {
	t.Helper()
	c := startWorker(t, server.URL, timeout)
	var isolated bool
	c.tab.Run("read crossOriginIsolated", chromedp.Evaluate(`self.crossOriginIsolated === true && typeof SharedArrayBuffer === "function"`, &isolated))
	if !isolated {
		t.Fatal("the blank page is not cross-origin isolated; its server must send COOP and COEP")
	}
	c.send(protocol.LoadData{})
	c.await("data_ready", 90*time.Second, isType("data_ready"))
	return c
}

// parallelRun is what a run of steps batches on some workers left.
type parallelRun struct {
	backend  protocol.Backend
	weights  protocol.Snapshot
	accuracy float64
}

// trainOn trains s for steps batches on workers training workers (Step
// by Step), then evaluates it on the test set and takes its weights.
func trainOn(t *testing.T, s spec.Model, workers, steps int) parallelRun {
	t.Helper()
	c := isolatedWorker(t, 4*time.Minute)
	var r parallelRun
	c.send(protocol.BackendRequest{Workers: workers})
	r.backend = c.await("backend", 10*time.Second, isType("backend")).(protocol.Backend)
	if r.backend.Workers != workers || r.backend.WorkersNote != "" {
		t.Fatalf("asked for %d workers: %+v", workers, r.backend)
	}
	c.send(protocol.Build{Spec: s})
	c.await("built", 30*time.Second, isType("built"))
	for range steps {
		c.send(protocol.Step{})
	}
	c.await("the last batch", 2*time.Minute, isBatch(steps))
	c.send(protocol.Evaluate{ID: 1})
	r.accuracy = c.await("evaluation", time.Minute, isType("evaluation")).(protocol.Evaluation).Accuracy
	c.send(protocol.SnapshotRequest{ID: 2})
	r.weights = c.await("snapshot", 30*time.Second, isType("snapshot")).(protocol.Snapshot)
	for _, e := range c.all {
		if er, ok := e.(protocol.Error); ok {
			t.Errorf("%d workers: error %q", workers, er.Message)
		}
	}
	return r
}

// relDiff is ‖a − b‖/‖a‖ over every weight of two snapshots.
func relDiff(t *testing.T, a, b protocol.Snapshot) float64 {
	var d, n float64
	for i := range a.Params {
		x, err := protocol.BytesToFloats(a.Params[i].Data)
		if err != nil {
			t.Fatal(err)
		}
		y, err := protocol.BytesToFloats(b.Params[i].Data)
		if err != nil {
			t.Fatal(err)
		}
		for j := range x {
			d += (float64(x[j]) - float64(y[j])) * (float64(x[j]) - float64(y[j]))
			n += float64(x[j]) * float64(x[j])
		}
	}
	return math.Sqrt(d / n)
}

// TestParallelWorkersReproducible: LeNet with BatchNormalization and
// Dropout, 100 batches on 2 Web Workers sharing memory, twice:
// bit-identical weights. LeNet with Dropout on 1 worker trains the same
// model as on 2 within summation order: weights within 1e-4 relative after
// 100 batches, test accuracy within 0.3 points. (With BatchNormalization
// after a convolution, Adam turns the rounding noise of a bias whose
// gradient BatchNormalization cancels into steps of the learning rate,
// and the runs part: the README's performance section.)
func TestParallelWorkersReproducible(t *testing.T) {
	dropout := spec.LeNet()
	dropout.Layers = append(dropout.Layers[:5:5], spec.Layer{Type: spec.TypeDropout, Rate: 0.25},
		spec.Dense(120, spec.ActReLU), spec.Dense(84, spec.ActReLU), spec.Dense(10, spec.ActSoftmax))
	bn := spec.LeNet()
	bn.Layers = []spec.Layer{bn.Layers[0], bn.Layers[1], spec.BatchNormalization(), bn.Layers[2], bn.Layers[3], bn.Layers[4],
		{Type: spec.TypeDropout, Rate: 0.3}, bn.Layers[5], bn.Layers[6], bn.Layers[7]}
	steps := 100
	sameBitsOn2(t, trainOn(t, bn, 2, steps), trainOn(t, bn, 2, steps))
	alikeOn1And2(t, "LeNet with Dropout", trainOn(t, dropout, 1, steps), trainOn(t, dropout, 2, steps), steps)
}

// sameBitsOn2 checks two runs on 2 workers left the same bits.
func sameBitsOn2(t *testing.T, a, b parallelRun) {
	t.Helper()
	for i := range a.weights.Params {
		if !bytes.Equal(a.weights.Params[i].Data, b.weights.Params[i].Data) {
			t.Errorf("layer %d %s: two runs on 2 workers differ", a.weights.Params[i].Layer, a.weights.Params[i].Name)
		}
	}
}

// alikeOn1And2 checks runs of steps batches on 1 and 2 workers trained the
// same model within summation order: weights within 1e-4 relative (and
// not identical: 2 workers add in another order), test accuracy within
// 0.3 points.
func alikeOn1And2(t *testing.T, what string, one, two parallelRun, steps int) {
	t.Helper()
	d := relDiff(t, one.weights, two.weights)
	t.Logf("%s, 1 vs 2 workers after %d batches: weights %.3g apart (relative); test accuracy %.2f vs %.2f %%", what, steps, d, 100*one.accuracy, 100*two.accuracy)
	if !(d <= 1e-4) || d == 0 {
		t.Errorf("%s, 1 vs 2 workers: weights %.3g apart (relative); want ≤ 1e-4 and not 0 (2 workers add in another order)", what, d)
	}
	if math.Abs(one.accuracy-two.accuracy) > 0.003 {
		t.Errorf("%s, 1 vs 2 workers: test accuracy %.2f vs %.2f %%; want within 0.3 points", what, 100*one.accuracy, 100*two.accuracy)
	}
}

// TestParallelWorkersRecurrent: the row-by-row LSTM preset (Adam with a
// global gradient-norm clip) 60 batches on 2 workers twice gives the same
// bits, and on 1 worker the same model within summation order (weights
// within 1e-4 relative, test accuracy within 0.3 points): recurrent
// layers, whose backward pass runs through time, share a batch as the
// others do.
func TestParallelWorkersRecurrent(t *testing.T) {
	m := spec.RowByRowRNN()
	steps := 60
	two := trainOn(t, m, 2, steps)
	sameBitsOn2(t, two, trainOn(t, m, 2, steps))
	alikeOn1And2(t, "LSTM", trainOn(t, m, 1, steps), two, steps)
}

// faultMidRun trains the seed model for an epoch on 2 workers, injects
// fault into the helper once the run is past batch after, and checks the
// backend's note (want) and that one worker trains on. It returns the
// client and the last progress before the fault.
func faultMidRun(t *testing.T, fault string, after int, want string) (*workerClient, protocol.Progress) {
	t.Helper()
	c := isolatedWorker(t, 4*time.Minute)
	c.send(protocol.BackendRequest{Workers: 2})
	c.await("backend", 10*time.Second, isType("backend"))
	m := spec.Seed()
	m.Epochs = 1
	c.send(protocol.Build{Spec: m})
	c.send(protocol.Start{})
	before := c.await(fmt.Sprintf("progress past batch %d", after), time.Minute, func(e protocol.Event) bool {
		p, ok := e.(protocol.Progress)
		return ok && p.GlobalBatch > after
	}).(protocol.Progress)
	c.send(protocol.BackendRequest{Fault: fault})
	b := c.await("the note", 30*time.Second, func(e protocol.Event) bool {
		b, ok := e.(protocol.Backend)
		return ok && strings.Contains(b.WorkersNote, "stopped")
	}).(protocol.Backend)
	if b.Workers != 1 || b.WorkersNote != want {
		t.Errorf("after the fault: %d workers, note %q; want 1 and %q", b.Workers, b.WorkersNote, want)
	}
	return c, before
}

// TestParallelWorkerKilled: a helper worker terminated mid-epoch; the
// training goes on with the other from the last weights, says so, and
// the model keeps what it had learnt.
func TestParallelWorkerKilled(t *testing.T) {
	c, before := faultMidRun(t, protocol.FaultWorker, 150,
		"training worker 2 stopped: its worker was terminated; training goes on with 1 worker from the last weights")
	after := c.await("the next progress", 30*time.Second, isType("progress")).(protocol.Progress)
	if after.GlobalBatch <= before.GlobalBatch || after.Epoch != 1 || !(after.Loss < 1) {
		t.Errorf("after the lost worker: %+v; before it: %+v; want the same run going on", after, before)
	}
	end := c.await("epoch_end", 2*time.Minute, isType("epoch_end")).(protocol.EpochEnd)
	if end.ValAccuracy < 0.95 {
		t.Errorf("after an epoch that lost a worker the test accuracy is %.4f; want at least 0.95", end.ValAccuracy)
	}
}

// TestParallelWorkerThrows: a helper worker that throws mid-run is
// dropped with its reason; the other trains on.
func TestParallelWorkerThrows(t *testing.T) {
	c, before := faultMidRun(t, protocol.FaultWorkerThrows, 50,
		"training worker 2 stopped: it failed: a fault a test injected (worker-throws); training goes on with 1 worker from the last weights")
	c.await("progress 50 batches on", 30*time.Second, func(e protocol.Event) bool {
		p, ok := e.(protocol.Progress)
		return ok && p.GlobalBatch > before.GlobalBatch+50 && p.Loss < 1
	})
}

// TestTrainPanelWorkers: the training panel's Workers select offers 1 to
// the cores, and training on 2 says so in what is in use.
func TestTrainPanelWorkers(t *testing.T) {
	u, _ := openApp(t, 3*time.Minute)
	var cores int
	u.js("read the cores", `navigator.hardwareConcurrency`, &cores)
	var options []string
	u.js("read the options", `[...document.querySelectorAll("#workers option")].map(o => o.value)`, &options)
	if len(options) != min(cores, 16) || options[0] != "1" {
		t.Fatalf("#workers offers %v on %d cores", options, cores)
	}
	u.choose("#workers", "2")
	u.WaitText("#backend-in-use", 30*time.Second, func(s string) bool { return s == "in use: SIMD × 2 workers" })
	u.click("#train")
	u.WaitText("#batch-counter", time.Minute, func(s string) bool { n, err := strconv.Atoi(s); return err == nil && n >= 50 })
	u.click("#pause")
	if got := u.text("#backend-in-use"); got != "in use: SIMD × 2 workers" {
		t.Errorf("after training: %q", got)
	}
	if note := u.text("#backend-note"); strings.Contains(note, "stopped") || strings.Contains(note, "could not") {
		t.Errorf("#backend-note: %q", note)
	}
}

// TestParallelWorkersNeedIsolation: on a page that is not cross-origin
// isolated (no SharedArrayBuffer), 2 workers asked for train as one, and
// the worker says why.
func TestParallelWorkersNeedIsolation(t *testing.T) {
	c := startWorkerOn(t, server.URL, blankPath+"?plain", 3*time.Minute)
	var isolated bool
	c.tab.Run("read crossOriginIsolated", chromedp.Evaluate(`self.crossOriginIsolated === true`, &isolated))
	if isolated {
		t.Fatal("the ?plain blank page is cross-origin isolated")
	}
	c.send(protocol.BackendRequest{Workers: 2})
	b := c.await("backend", 30*time.Second, isType("backend")).(protocol.Backend)
	if b.Workers != 1 || b.MaxWorkers != 1 || !strings.Contains(b.WorkersNote, "not cross-origin isolated") {
		t.Errorf("2 workers on a page without isolation: %+v; want 1 and why", b)
	}
	m := spec.Seed()
	m.Epochs = 1
	c.send(protocol.Build{Spec: m})
	c.send(protocol.Step{})
	c.await("a trained batch", time.Minute, isBatch(1))
}

// openAppWithCores opens the page as openApp does, in a tab whose page and
// workers report cores as navigator.hardwareConcurrency (DevTools'
// override, set on each worker as it attaches: the page's does not reach
// its workers).
func openAppWithCores(t *testing.T, cores int, timeout time.Duration) *user {
	t.Helper()
	override := chromedp.ActionFunc(func(ctx context.Context) error {
		return emulation.SetHardwareConcurrencyOverride(int64(cores)).Do(ctx)
	})
	ctx, cancel := chromedp.NewContext(browserCtx)
	var tab *Tab
	tab = wireTab(t, ctx, cancel, timeout, func(id target.ID) {
		go func() {
			wctx, _ := chromedp.NewContext(tab.Ctx, chromedp.WithTargetID(id))
			_ = chromedp.Run(wctx, override) // a worker that ended meanwhile needs none
		}()
	})
	if err := chromedp.Run(tab.Ctx, storage.ClearDataForOrigin(server.URL, "indexeddb"), override, chromedp.Navigate(server.URL+"/")); err != nil {
		t.Fatalf("open the page with %d cores: %v", cores, err)
	}
	u := &user{tab}
	u.WaitText("#status", 90*time.Second, func(s string) bool { return strings.Contains(s, "Ready to train") })
	u.waitEnabled("#train", 10*time.Second)
	return u
}

// TestWorkersDefaultFollowsTheModel: on 4 cores the seed MLP trains on one
// worker by default and the panel says why and how to share anyway; LeNet
// (convolutions) defaults to 3 workers and trains on them; a count chosen
// in the select is used for the MLP too.
func TestWorkersDefaultFollowsTheModel(t *testing.T) {
	u := openAppWithCores(t, 4, 3*time.Minute)
	const why = "One worker by default for a model without convolutional or recurrent layers"
	u.WaitText("#backend-note", 30*time.Second, func(s string) bool { return strings.Contains(s, why) })
	var options []string
	u.js("read the options", `[...document.querySelectorAll("#workers option")].map(o => o.value)`, &options)
	if got, use := u.value("#workers"), u.text("#backend-in-use"); len(options) != 4 || got != "1" || use != "in use: SIMD" {
		t.Errorf("the seed MLP on 4 cores: #workers %s of %v, %q; want 1 of 1–4 and one worker", got, options, use)
	}
	u.choose("#preset", "lenet")
	u.click("#reset")
	u.WaitText("#backend-in-use", 30*time.Second, func(s string) bool { return s == "in use: SIMD × 3 workers" })
	if got, note := u.value("#workers"), u.text("#backend-note"); got != "3" || strings.Contains(note, why) {
		t.Errorf("LeNet on 4 cores: #workers %s, note %q; want 3 and no word on one worker", got, note)
	}
	u.click("#train")
	u.WaitText("#batch-counter", time.Minute, func(s string) bool { n, err := strconv.Atoi(s); return err == nil && n >= 20 })
	u.click("#pause")
	if got := u.text("#backend-in-use"); got != "in use: SIMD × 3 workers" {
		t.Errorf("LeNet after 20 batches: %q; want 3 workers", got)
	}
	u.choose("#preset", "seed")
	u.click("#reset")
	// The seed MLP is built (and the panel re-rendered) before the choice.
	u.WaitText("#backend-note", 30*time.Second, func(s string) bool { return strings.Contains(s, why) })
	u.waitEnabled("#train", 30*time.Second)
	u.choose("#workers", "2")
	u.WaitText("#backend-in-use", 30*time.Second, func(s string) bool { return s == "in use: SIMD × 2 workers" })
	if note := u.text("#backend-note"); strings.Contains(note, why) {
		t.Errorf("the seed MLP with 2 workers chosen: note %q", note)
	}
}
