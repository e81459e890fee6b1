//go:build browser

package browsertest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// workerClient drives a training worker started in a blank same-origin
// page, speaking wasm/protocol as the page app does.
type workerClient struct {
	tab     *Tab
	t       *testing.T
	pending []protocol.Event
	all     []protocol.Event
}

func startWorker(t *testing.T, base string, timeout time.Duration) *workerClient {
	t.Helper()
	return startWorkerOn(t, base, blankPath, timeout)
}

// plainMessage is a JS function that makes a worker message JSON-able for
// decodeWorkerMessage: a string as it is, an event with payloads beside
// the text ({text, parts}, protocol.Wire) as {text, b64: [...]}.
const plainMessage = `((d) => {
	if (typeof d === "string") return d;
	const b64 = d.parts.map((p) => {
		let s = "";
		for (let i = 0; i < p.length; i += 32768) s += String.fromCharCode.apply(null, p.subarray(i, i + 32768));
		return btoa(s);
	});
	return {text: d.text, b64: b64};
})`

// decodeWorkerMessage decodes what plainMessage made of a worker message,
// and returns its text for error messages.
func decodeWorkerMessage(m any) (protocol.Event, string, error) {
	switch v := m.(type) {
	case string:
		e, err := protocol.DecodeEvent(v)
		return e, v, err
	case map[string]any:
		text, _ := v["text"].(string)
		list, _ := v["b64"].([]any)
		w := protocol.Wire{Text: text, Parts: [][]byte{}}
		for _, p := range list {
			s, _ := p.(string)
			b, err := base64.StdEncoding.DecodeString(s)
			if err != nil {
				return nil, text, err
			}
			w.Parts = append(w.Parts, b)
		}
		e, err := protocol.DecodeEventWire(w)
		return e, text, err
	}
	return nil, fmt.Sprint(m), fmt.Errorf("a worker message of type %T", m)
}

// startWorkerOn is startWorker on the page at path (blankPath, or
// blankPath + "?plain": not cross-origin isolated).
func startWorkerOn(t *testing.T, base, path string, timeout time.Duration) *workerClient {
	t.Helper()
	tab := NewTab(t, base, path, timeout)
	tab.Run("start the worker", chromedp.Evaluate(`(() => {
		const w = new Worker("/worker.js");
		window.__nnplay = { w: w, msgs: [] };
		w.onmessage = (e) => window.__nnplay.msgs.push(`+plainMessage+`(e.data));
		w.onerror = (e) => window.__nnplay.msgs.push(JSON.stringify(
			{ type: "error", data: { message: "worker onerror: " + e.message, fatal: true } }));
		return true;
	})()`, nil))
	return &workerClient{tab: tab, t: t}
}

func (c *workerClient) send(r protocol.Request) {
	c.t.Helper()
	s, err := protocol.Encode(r)
	if err != nil {
		c.t.Fatalf("encode %T: %v", r, err)
	}
	q, _ := json.Marshal(s)
	c.tab.Run("send "+r.Type(), chromedp.Evaluate(fmt.Sprintf(`window.__nnplay.w.postMessage(%s)`, q), nil))
}

// poll moves the messages the page has received into c.pending.
func (c *workerClient) poll() {
	c.t.Helper()
	var raw []any
	c.tab.Run("read worker messages", chromedp.Evaluate(`window.__nnplay.msgs.splice(0)`, &raw))
	for _, m := range raw {
		e, s, err := decodeWorkerMessage(m)
		if err != nil {
			c.t.Fatalf("the worker sent a message that breaks the protocol: %v\n%.300s", err, s)
		}
		c.pending = append(c.pending, e)
		c.all = append(c.all, e)
	}
}

// await returns the first event (from those not yet consumed) that match
// accepts, consuming it and everything before it. An error event that
// match does not accept fails the test.
func (c *workerClient) await(what string, timeout time.Duration, match func(protocol.Event) bool) protocol.Event {
	c.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		c.poll()
		for i, e := range c.pending {
			if match(e) {
				c.pending = c.pending[i+1:]
				return e
			}
			if er, ok := e.(protocol.Error); ok {
				c.t.Fatalf("waiting for %s, the worker reported an error: %s (fatal %v)", what, er.Message, er.Fatal)
			}
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("no %s from the worker within %v; last events: %s", what, timeout, summarize(c.all, 8))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func isType(typ string) func(protocol.Event) bool {
	return func(e protocol.Event) bool { return e.Type() == typ }
}

func summarize(events []protocol.Event, last int) string {
	var parts []string
	for _, e := range events[max(0, len(events)-last):] {
		s, _ := protocol.Encode(e)
		if len(s) > 160 {
			s = s[:160] + "…"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "\n")
}

func TestWorkerLoadsMNIST(t *testing.T) {
	c := startWorker(t, server.URL, 2*time.Minute)
	c.await("ready", 30*time.Second, isType("ready"))
	c.send(protocol.LoadData{})
	e := c.await("data_ready", 90*time.Second, isType("data_ready")).(protocol.DataReady)
	if e.Train != 60000 || e.Test != 10000 {
		t.Errorf("data_ready = %+v; want 60000 training and 10000 test images", e)
	}
	stages := map[string]bool{}
	for _, e := range c.all {
		if p, ok := e.(protocol.DataProgress); ok {
			stages[p.Stage+" "+p.File] = true
			if p.Total > 0 && p.Loaded > p.Total {
				t.Errorf("data_progress %+v: loaded exceeds total", p)
			}
		}
	}
	// The uncompressed names: the server sends their .gz as gzip encoding.
	for _, want := range []string{"download train-images-idx3-ubyte", "download t10k-labels-idx1-ubyte", "parse train-images-idx3-ubyte"} {
		if !stages[want] {
			t.Errorf("no data_progress for %q; saw %v", want, stages)
		}
	}
}

func TestWorkerMissingData(t *testing.T) {
	srv, err := serve(copyStatic(t, "data"))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	c := startWorker(t, srv.URL, time.Minute)
	c.send(protocol.LoadData{})
	e := c.await("error", 30*time.Second, isType("error")).(protocol.Error)
	if !strings.Contains(e.Message, "MNIST files not found at /data/mnist — run make data") {
		t.Errorf("error = %q; want it to say the MNIST files are missing and to run make data", e.Message)
	}
}

// TestWorkerTrainsPausesAndSteps drives the real worker: build the seed
// model, train, pause (the batch counter stops), step (exactly one batch),
// change the learning rate, predict and snapshot.
func TestWorkerTrainsPausesAndSteps(t *testing.T) {
	c := startWorker(t, server.URL, 3*time.Minute)
	m := spec.Seed()
	m.Epochs = 1
	c.send(protocol.LoadData{})
	c.send(protocol.Build{Spec: m})
	c.await("data_ready", 90*time.Second, isType("data_ready"))
	built := c.await("built", 10*time.Second, isType("built")).(protocol.Built)
	if built.TotalParams != 784*128+128+128*64+64+64*10+10 {
		t.Errorf("built: total_params %d; want the seed model's 109386", built.TotalParams)
	}
	c.send(protocol.Start{})
	c.await("progress past batch 20", 60*time.Second, func(e protocol.Event) bool {
		p, ok := e.(protocol.Progress)
		return ok && p.GlobalBatch > 20
	})
	c.send(protocol.Pause{})
	c.await("state paused", 10*time.Second, func(e protocol.Event) bool {
		s, ok := e.(protocol.State)
		return ok && s.State == protocol.StatePaused
	})
	last := c.await("progress after pausing", 5*time.Second, isType("progress")).(protocol.Progress)
	time.Sleep(time.Second)
	c.poll()
	for _, e := range c.pending {
		if p, ok := e.(protocol.Progress); ok && p.GlobalBatch != last.GlobalBatch {
			t.Fatalf("paused at batch %d, but the worker went on to batch %d", last.GlobalBatch, p.GlobalBatch)
		}
	}
	c.send(protocol.Step{})
	step := c.await("progress after a step", 10*time.Second, isType("progress")).(protocol.Progress)
	if step.GlobalBatch != last.GlobalBatch+1 || step.State != protocol.StatePaused {
		t.Errorf("after a step: batch %d state %s; want batch %d, paused", step.GlobalBatch, step.State, last.GlobalBatch+1)
	}
	if math.IsNaN(step.Loss) || step.Loss <= 0 || step.SamplesPerSec <= 0 {
		t.Errorf("after a step: loss %v, samples/s %v; want both positive", step.Loss, step.SamplesPerSec)
	}

	img := make([]float32, protocol.ImageSize)
	for y := 4; y < 24; y++ {
		img[y*28+14] = 1 // a vertical stroke
	}
	c.send(protocol.Predict{ID: 42, Image: img})
	p := c.await("prediction", 10*time.Second, isType("prediction")).(protocol.Prediction)
	sum := 0.0
	for _, v := range p.Probs {
		sum += float64(v)
	}
	if p.ID != 42 || len(p.Probs) != 10 || math.Abs(sum-1) > 1e-3 {
		t.Errorf("prediction id %d, %d probs summing to %v; want id 42, 10 probs summing to 1", p.ID, len(p.Probs), sum)
	}

	c.send(protocol.SnapshotRequest{ID: 5})
	s := c.await("snapshot", 10*time.Second, isType("snapshot")).(protocol.Snapshot)
	n := 0
	for _, par := range s.Params {
		n += len(par.Data) / 4
	}
	if s.ID != 5 || n != built.TotalParams {
		t.Errorf("snapshot id %d with %d weights; want id 5 and %d", s.ID, n, built.TotalParams)
	}
}

// TestWorkerTrainsOneEpoch trains the seed model for one epoch in the
// browser: the test accuracy reaches 95% and the confusion matrix counts
// every test image once.
func TestWorkerTrainsOneEpoch(t *testing.T) {
	c := startWorker(t, server.URL, 5*time.Minute)
	m := spec.Seed()
	m.Epochs = 1
	c.send(protocol.Build{Spec: m})
	c.send(protocol.Start{}) // loads the data itself
	end := c.await("epoch_end", 4*time.Minute, isType("epoch_end")).(protocol.EpochEnd)
	if end.ValAccuracy < 0.95 {
		t.Errorf("after one epoch the test accuracy is %.4f; want at least 0.95", end.ValAccuracy)
	}
	ev := c.await("evaluation", 30*time.Second, isType("evaluation")).(protocol.Evaluation)
	total := 0
	for _, row := range ev.Confusion {
		for _, v := range row {
			total += v
		}
	}
	if total != 10000 || ev.Accuracy != end.ValAccuracy {
		t.Errorf("evaluation: confusion counts %d, accuracy %v; want 10000 and %v", total, ev.Accuracy, end.ValAccuracy)
	}
	c.await("state done", 30*time.Second, func(e protocol.Event) bool {
		s, ok := e.(protocol.State)
		return ok && s.State == protocol.StateDone
	})
	var rates []float64
	for _, e := range c.all {
		if p, ok := e.(protocol.Progress); ok && p.State == protocol.StateRunning {
			rates = append(rates, p.SamplesPerSec)
		}
	}
	if len(rates) > 0 {
		t.Logf("samples/s in the browser worker: last %.0f (%d progress messages)", rates[len(rates)-1], len(rates))
	}
}
