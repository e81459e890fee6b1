//go:build browser

package browsertest

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// WebGPU in headless Chromium here is SwiftShader, a software adapter
// (the harness launches Chromium with --enable-unsafe-webgpu): correct,
// slow. These tests check that training on it agrees with the CPU, that
// the page shows it, and that failures fall back to SIMD.

// Tolerances of TestWebGPUMatchesCPU. The GPU adds products in another
// order than the CPU (16-wide tiles, maybe fused multiply-adds) and takes
// exp, log and sqrt in float32 where the CPU's loss uses float64, so every
// batch differs by float32 rounding, which 50 Adam steps carry along.
// Measured on SwiftShader (the test logs it): worst relative loss
// difference 2.6e-7, worst weight difference 3.2e-7 (weights up to 0.32).
// The tolerances leave 30× room for other GPUs' arithmetic; a wrong
// kernel is far off (1−β1 rounded from float64 instead of taken in
// float32, as kernels.Adam does, already gave 6e-6 and 2.3e-6).
const (
	webgpuLossTol   = 1e-5 // relative, each batch's loss
	webgpuWeightTol = 1e-5 // absolute, every weight after 50 batches
	webgpuBatches   = 50
)

// sendAll posts requests in one go (one round trip to the page).
func (c *workerClient) sendAll(rs ...protocol.Request) {
	c.t.Helper()
	var b strings.Builder
	for _, r := range rs {
		s, err := protocol.Encode(r)
		if err != nil {
			c.t.Fatalf("encode %T: %v", r, err)
		}
		q, _ := json.Marshal(s)
		fmt.Fprintf(&b, "window.__nnplay.w.postMessage(%s);", q)
	}
	c.tab.Run("send requests", chromedp.Evaluate(b.String(), nil))
}

// stepRun builds the seed model and trains it n batches with step
// requests on the backend, each batch's loss (and layer statistics) read
// from a stats request, and on WebGPU checks that it is still in use after
// them; it returns the losses, the final weights and the backend event.
func stepRun(c *workerClient, backend string, n int) ([]float64, protocol.Snapshot, protocol.Backend) {
	c.t.Helper()
	m := spec.Seed()
	m.Epochs = 1
	return stepRunModel(c, m, backend, n)
}

// stepRunModel is stepRun for the model m.
func stepRunModel(c *workerClient, m spec.Model, backend string, n int) ([]float64, protocol.Snapshot, protocol.Backend) {
	c.t.Helper()
	c.sendAll(protocol.BackendRequest{Name: backend}, protocol.Build{Spec: m})
	b := c.await("backend "+backend, 30*time.Second, isType("backend")).(protocol.Backend)
	c.await("built", 30*time.Second, isType("built"))
	var rs []protocol.Request
	for i := 1; i <= n; i++ {
		rs = append(rs, protocol.Step{}, protocol.StatsRequest{ID: i})
	}
	c.sendAll(append(rs, protocol.SnapshotRequest{ID: 1000})...)
	losses := make([]float64, n)
	for i := 1; i <= n; i++ {
		st := c.await(fmt.Sprintf("stats %d", i), time.Minute, isType("stats")).(protocol.Stats)
		if st.ID != i || st.GlobalBatch != i {
			c.t.Fatalf("stats id %d for batch %d; want %d for %d", st.ID, st.GlobalBatch, i, i)
		}
		// Every backend measures the layers (WebGPU's on the CPU, from the
		// weights read back): the Inside panel's charts.
		learns := slices.IndexFunc(st.Layers, func(l protocol.LayerStats) bool { return len(l.Params) > 0 })
		if len(st.Layers) != len(m.Layers) || learns < 0 || !(st.Layers[learns].Params[0].GradNorm > 0) {
			c.t.Fatalf("stats of batch %d on %s: %+v; want each of the %d layers measured", i, backend, st.Layers, len(m.Layers))
		}
		losses[i-1] = st.Loss
	}
	snap := c.await("snapshot", time.Minute, isType("snapshot")).(protocol.Snapshot)
	if backend == protocol.BackendWebGPU {
		// Still WebGPU: no batch fell back to the CPU, whose kernels give
		// the reference's bits and would make any comparison pass.
		c.send(protocol.BackendRequest{})
		if after := c.await("backend", 30*time.Second, isType("backend")).(protocol.Backend); after.Name != protocol.BackendWebGPU || after.Note != "" {
			c.t.Fatalf("after %d batches on WebGPU: backend %+v; want webgpu still, no note", n, after)
		}
	}
	return losses, snap, b
}

// TestWebGPUMatchesCPU trains the seed MLP (784-128-64-10, Adam) 50
// batches on the CPU (pure Go) and then on WebGPU, same seed and batches,
// and compares every batch's loss and the final weights.
func TestWebGPUMatchesCPU(t *testing.T) {
	c := startWorker(t, server.URL, 3*time.Minute)
	c.send(protocol.LoadData{})
	c.await("data_ready", 90*time.Second, isType("data_ready"))
	cpuLoss, cpuW, _ := stepRun(c, protocol.BackendGo, webgpuBatches)
	start := time.Now()
	gpuLoss, gpuW, b := stepRun(c, protocol.BackendWebGPU, webgpuBatches)
	took := time.Since(start)
	// Deterministic on its own backend: a second run gives the same bits.
	againLoss, againW, _ := stepRun(c, protocol.BackendWebGPU, webgpuBatches)
	for i := range gpuLoss {
		if againLoss[i] != gpuLoss[i] {
			t.Errorf("batch %d: loss %v on WebGPU, then %v on a second run", i+1, gpuLoss[i], againLoss[i])
		}
	}
	for i, p := range gpuW.Params {
		if string(p.Data) != string(againW.Params[i].Data) {
			t.Errorf("layer %d %s: a second WebGPU run ends on other weights", p.Layer, p.Name)
		}
	}
	if b.Name != protocol.BackendWebGPU || b.Adapter != "SwiftShader" || !b.Software || b.Note != "" {
		t.Fatalf("backend after choosing webgpu: %+v; want webgpu in use on SwiftShader, no note", b)
	}
	worstLoss, worstW, scale := compareRuns(t, "seed MLP", cpuLoss, gpuLoss, cpuW, gpuW)
	if !(cpuLoss[webgpuBatches-1] < cpuLoss[0]*0.5) {
		t.Errorf("the CPU loss went from %.3f to %.3f in %d batches; want it halved (else the comparison says little)", cpuLoss[0], cpuLoss[webgpuBatches-1], webgpuBatches)
	}
	t.Logf("%d batches: loss %.4f → %.4f; worst relative loss difference %.2g; worst weight difference %.3g (largest weight %.3g); %d batches on WebGPU (SwiftShader) in %v",
		webgpuBatches, cpuLoss[0], cpuLoss[webgpuBatches-1], worstLoss, worstW, scale, webgpuBatches, took.Round(time.Millisecond))
}

// TestWebGPUFallsBack breaks WebGPU on purpose (protocol.BackendRequest's
// test hook): a destroyed device mid-run, then a shader that does not
// compile; then a destroyed device under LeNet. Each time the worker says
// why, names SIMD, and the next batch trains there.
func TestWebGPUFallsBack(t *testing.T) {
	c := startWorker(t, server.URL, 3*time.Minute)
	c.tab.Allow("WebGPU") // Chromium logs the broken shader and the lost device
	c.tab.Allow("this line is not WGSL")
	m := spec.Seed()
	m.Epochs = 1
	c.sendAll(protocol.LoadData{}, protocol.BackendRequest{Name: protocol.BackendWebGPU}, protocol.Build{Spec: m},
		protocol.Step{}, protocol.Step{}, protocol.Step{})
	c.await("data_ready", 90*time.Second, isType("data_ready"))
	if b := c.await("backend", 30*time.Second, isType("backend")).(protocol.Backend); b.Name != protocol.BackendWebGPU {
		t.Fatalf("backend %+v; want webgpu", b)
	}
	c.await("batch 3", time.Minute, isBatch(3))

	c.sendAll(protocol.BackendRequest{Fault: protocol.FaultDevice}, protocol.Step{})
	fell := c.await("the fallback", time.Minute, isType("backend")).(protocol.Backend)
	for fell.Name == protocol.BackendWebGPU { // the answer to the fault request itself
		fell = c.await("the fallback", time.Minute, isType("backend")).(protocol.Backend)
	}
	if fell.Name != protocol.BackendSIMD || !strings.HasPrefix(fell.Note, "WebGPU failed (") ||
		!strings.HasSuffix(fell.Note, "training continues on SIMD from the weights last read back") {
		t.Errorf("after destroying the device: %+v; want SIMD with a note on the lost device", fell)
	}
	t.Logf("destroyed device: %q", fell.Note)
	c.await("batch 4, on SIMD", time.Minute, isBatch(4))

	// Choosing WebGPU again makes a new device; a broken shader then fails it.
	c.sendAll(protocol.BackendRequest{Name: protocol.BackendWebGPU, Fault: protocol.FaultShader}, protocol.Step{})
	c.await("backend webgpu again", 30*time.Second, isType("backend"))
	fell = c.await("the fallback", time.Minute, isType("backend")).(protocol.Backend)
	if fell.Name != protocol.BackendSIMD || !strings.HasPrefix(fell.Note, "WebGPU could not start (compiling ") {
		t.Errorf("after a broken shader: %+v; want SIMD with a note on the shader", fell)
	}
	t.Logf("broken shader: %q", fell.Note)
	c.await("batch 5, on SIMD", time.Minute, isBatch(5))

	// And again, unbroken: WebGPU trains.
	c.sendAll(protocol.BackendRequest{Name: protocol.BackendWebGPU}, protocol.Step{}, protocol.BackendRequest{})
	c.await("batch 6", time.Minute, isBatch(6))
	for {
		b := c.await("backend", 30*time.Second, isType("backend")).(protocol.Backend)
		if b.Name == protocol.BackendWebGPU && b.Note == "" {
			break
		}
	}

	// A CNN on WebGPU: losing the device mid-run falls back the same way,
	// and the CPU trains on.
	lenet := spec.LeNet()
	lenet.Epochs = 1
	c.sendAll(protocol.Build{Spec: lenet}, protocol.Step{}, protocol.Step{}, protocol.SnapshotRequest{ID: 7}, protocol.Step{})
	read := c.await("snapshot", 2*time.Minute, isType("snapshot")).(protocol.Snapshot)
	c.await("LeNet batch 3", time.Minute, isBatch(3))
	c.sendAll(protocol.BackendRequest{}, protocol.BackendRequest{Fault: protocol.FaultDevice}, protocol.SnapshotRequest{ID: 8})
	if b := c.await("backend", 30*time.Second, isType("backend")).(protocol.Backend); b.Name != protocol.BackendWebGPU || b.Note != "" {
		t.Fatalf("LeNet before the fault: %+v; want webgpu in use", b)
	}
	fell = c.await("the fallback", time.Minute, isType("backend")).(protocol.Backend)
	for fell.Name == protocol.BackendWebGPU {
		fell = c.await("the fallback", time.Minute, isType("backend")).(protocol.Backend)
	}
	if fell.Name != protocol.BackendSIMD || !strings.HasPrefix(fell.Note, "WebGPU failed") ||
		!strings.HasSuffix(fell.Note, "training continues on SIMD from the weights last read back") {
		t.Errorf("LeNet after destroying the device: %+v; want SIMD with a note on the lost device", fell)
	}
	// The snapshot (whose read back found the device gone) has the
	// weights the model fell back to.
	if after := c.await("snapshot", time.Minute, isType("snapshot")).(protocol.Snapshot); len(after.Params) != len(read.Params) {
		t.Errorf("LeNet after the fallback: a snapshot of %d params; want %d", len(after.Params), len(read.Params))
	}
	c.sendAll(protocol.Step{})
	c.await("LeNet batch 4, on SIMD", time.Minute, isBatch(4))
}

func isBatch(n int) func(protocol.Event) bool {
	return func(e protocol.Event) bool {
		p, ok := e.(protocol.Progress)
		return ok && p.GlobalBatch == n
	}
}

// TestWebGPUPageBackend uses the training panel's Backend select as a
// person does: Auto says SIMD (SwiftShader is software), WebGPU trains
// the seed model (and the Inside panel shows its statistics) and LeNet,
// and a recurrent model goes back to SIMD with the reason shown.
func TestWebGPUPageBackend(t *testing.T) {
	u, _ := openApp(t, 3*time.Minute)
	u.WaitText("#backend-in-use", 30*time.Second, func(s string) bool { return s == "in use: SIMD" })
	if note := u.text("#backend-note"); !strings.Contains(note, "Auto: the WebGPU adapter (SwiftShader) is software") {
		t.Errorf("#backend-note under Auto: %q; want why Auto does not pick SwiftShader", note)
	}
	u.choose("#backend", protocol.BackendWebGPU)
	u.WaitText("#backend-in-use", 30*time.Second, func(s string) bool { return s == "in use: WebGPU (SwiftShader, software)" })
	u.click("#train")
	u.WaitText("#batch-counter", time.Minute, func(s string) bool { n, err := strconv.Atoi(s); return err == nil && n >= 5 })
	u.click("#pause")
	if u.text("#backend-in-use") != "in use: WebGPU (SwiftShader, software)" {
		t.Errorf("after training: %q; want WebGPU still", u.text("#backend-in-use"))
	}
	// The Inside panel's statistics work on WebGPU too (the CPU measures
	// them from the weights read back): a batch's table, all 3 layers.
	u.goTo("inside")
	u.scrollTo("#inside-panel")
	u.waitJS("the statistics of a WebGPU batch", 30*time.Second, `(document.querySelector("#stats-table caption") || {}).textContent?.startsWith("Batch ") &&
		[...document.querySelectorAll("#stats-table tr[data-layer]")].filter(e => +e.dataset.gradNorm > 0).length === 3`)
	// A CNN trains on WebGPU too.
	u.goTo("build")
	u.choose("#preset", "lenet")
	u.click("#reset") // a paused run keeps its model until reset
	u.click("#train")
	u.WaitText("#batch-counter", 2*time.Minute, func(s string) bool { n, err := strconv.Atoi(s); return err == nil && n >= 2 })
	u.click("#pause")
	if got, note := u.text("#backend-in-use"), u.text("#backend-note"); got != "in use: WebGPU (SwiftShader, software)" || note != "" {
		t.Errorf("training LeNet: %q, note %q; want WebGPU, no note", got, note)
	}
	// A recurrent model goes back to SIMD, and says why.
	u.goTo("build")
	u.choose("#preset", "rnn")
	u.click("#reset")
	u.WaitText("#backend-note", 30*time.Second, func(s string) bool {
		return strings.Contains(s, "WebGPU does not run LSTM layers (layer 2)")
	})
	if got := u.text("#backend-in-use"); got != "in use: SIMD" {
		t.Errorf("with an LSTM: %q; want SIMD", got)
	}
}

// compareRuns checks a WebGPU run against the CPU's: each batch's loss
// within webgpuLossTol (relative), each final weight within
// webgpuWeightTol. It returns the worst differences and the largest weight.
func compareRuns(t *testing.T, what string, cpuLoss, gpuLoss []float64, cpuW, gpuW protocol.Snapshot) (worstLoss, worstW, scale float64) {
	t.Helper()
	for i := range cpuLoss {
		rel := math.Abs(gpuLoss[i]-cpuLoss[i]) / math.Abs(cpuLoss[i])
		worstLoss = max(worstLoss, rel)
		if !(rel <= webgpuLossTol) {
			t.Errorf("%s, batch %d: loss %.7f on WebGPU, %.7f on the CPU: relative difference %.2g > %g", what, i+1, gpuLoss[i], cpuLoss[i], rel, webgpuLossTol)
		}
	}
	count := 0
	for i, p := range cpuW.Params {
		q := gpuW.Params[i]
		if p.Layer != q.Layer || p.Name != q.Name || len(p.Data) != len(q.Data) {
			t.Fatalf("%s, param %d: %d %s (%d bytes) on the CPU, %d %s (%d bytes) on WebGPU", what, i, p.Layer, p.Name, len(p.Data), q.Layer, q.Name, len(q.Data))
		}
		for j := 0; j < len(p.Data); j += 4 {
			a := float64(math.Float32frombits(binary.LittleEndian.Uint32(p.Data[j:])))
			g := float64(math.Float32frombits(binary.LittleEndian.Uint32(q.Data[j:])))
			d := math.Abs(a - g)
			if !(d <= webgpuWeightTol) {
				count++
			}
			worstW, scale = max(worstW, d), max(scale, math.Abs(a))
		}
	}
	if count > 0 {
		t.Errorf("%s: %d weights differ by more than %g between WebGPU and the CPU (worst %.3g)", what, count, webgpuWeightTol, worstW)
	}
	return worstLoss, worstW, scale
}

// TestWebGPUMatchesCPUOtherLayers does the same for the rest of what
// WebGPU runs: tanh, sigmoid and leaky ReLU (as Dense activations and as
// layers, after a Dense with its own activation), linear Dense layers
// fused with the ReLU or LeakyReLU layer after them, dropout on the input
// and between layers (the same masks as the CPU's, drawn there), a frozen
// layer, widths that are not multiples of 4, batches of 100, and SGD with
// Nesterov momentum and weight decay.
func TestWebGPUMatchesCPUOtherLayers(t *testing.T) {
	c := startWorker(t, server.URL, 3*time.Minute)
	c.send(protocol.LoadData{})
	c.await("data_ready", 90*time.Second, isType("data_ready"))
	m := spec.Seed()
	m.Epochs, m.BatchSize = 1, 100
	m.Layers = []spec.Layer{
		{Type: spec.TypeDropout, Rate: 0.1},
		{Type: spec.TypeDense, Units: 46, Activation: spec.ActTanh},
		{Type: spec.TypeSigmoid},
		{Type: spec.TypeDense, Units: 30},
		{Type: spec.TypeReLU},
		{Type: spec.TypeDropout, Rate: 0.3},
		{Type: spec.TypeDense, Units: 26, Activation: spec.ActLeakyReLU},
		{Type: spec.TypeLeakyReLU, Alpha: 0.1},
		{Type: spec.TypeDense, Units: 23},
		{Type: spec.TypeLeakyReLU, Alpha: 0.25},
		{Type: spec.TypeDense, Units: 21, Activation: spec.ActSigmoid, Frozen: true},
		{Type: spec.TypeTanh},
		{Type: spec.TypeDense, Units: 10, Activation: spec.ActSoftmax},
	}
	m.Optimizer = spec.Optimizer{Name: spec.OptSGD, LearningRate: 0.1, Momentum: 0.9, Nesterov: true, WeightDecay: 1e-3}
	const batches = 20
	cpuLoss, cpuW, _ := stepRunModel(c, m, protocol.BackendGo, batches)
	gpuLoss, gpuW, b := stepRunModel(c, m, protocol.BackendWebGPU, batches)
	if b.Name != protocol.BackendWebGPU {
		t.Fatalf("backend %+v; want webgpu", b)
	}
	worstLoss, worstW, scale := compareRuns(t, "mixed layers", cpuLoss, gpuLoss, cpuW, gpuW)
	if !(cpuLoss[batches-1] < cpuLoss[0]) {
		t.Errorf("the CPU loss went from %.3f to %.3f in %d batches; want it lower", cpuLoss[0], cpuLoss[batches-1], batches)
	}
	t.Logf("%d batches: loss %.4f → %.4f; worst relative loss difference %.2g; worst weight difference %.3g (largest weight %.3g)",
		batches, cpuLoss[0], cpuLoss[batches-1], worstLoss, worstW, scale)
}

// TestWebGPUMatchesCPUOptimizers trains a small MLP 15 batches with
// RMSProp (with weight decay), with Adagrad, with SGD under a global
// gradient-norm clip small enough to clip every batch, and with Adam on
// the categorical cross-entropy (one-hot targets on the CPU, labels on
// the device), on the CPU and on WebGPU, and compares every batch's loss
// and the final weights: the optimizer state goes to the device (SlotsOf)
// and comes back (SetSlots) each run.
func TestWebGPUMatchesCPUOptimizers(t *testing.T) {
	c := startWorker(t, server.URL, 3*time.Minute)
	c.send(protocol.LoadData{})
	c.await("data_ready", 90*time.Second, isType("data_ready"))
	adam := spec.Adam(0.01)
	for _, run := range []struct {
		opt  spec.Optimizer
		loss string
	}{
		{spec.Optimizer{Name: spec.OptRMSProp, LearningRate: 0.003, Rho: 0.9, Epsilon: 1e-7, WeightDecay: 1e-3}, ""},
		{spec.Optimizer{Name: spec.OptAdagrad, LearningRate: 0.05, Epsilon: 1e-7}, ""},
		// SGD, not Adam: Adam's step hardly changes when every gradient is
		// scaled alike, so it would not show a missing clip.
		{spec.Optimizer{Name: spec.OptSGD, LearningRate: 0.5, Momentum: 0.9, GlobalClipNorm: 0.05}, ""},
		{adam, spec.LossCategoricalCrossentropy},
	} {
		m := spec.Seed()
		m.Epochs, m.Optimizer = 1, run.opt
		if run.loss != "" {
			m.Loss = run.loss
		}
		m.Layers = []spec.Layer{spec.Dense(30, spec.ActReLU), spec.Dense(10, spec.ActSoftmax)}
		what := run.opt.Name + " " + m.Loss
		const batches = 15
		cpuLoss, cpuW, _ := stepRunModel(c, m, protocol.BackendGo, batches)
		gpuLoss, gpuW, b := stepRunModel(c, m, protocol.BackendWebGPU, batches)
		if b.Name != protocol.BackendWebGPU {
			t.Fatalf("%s: backend %+v; want webgpu", what, b)
		}
		worstLoss, worstW, _ := compareRuns(t, what, cpuLoss, gpuLoss, cpuW, gpuW)
		if !(cpuLoss[batches-1] < cpuLoss[0]) {
			t.Errorf("%s: the CPU loss went from %.3f to %.3f; want it lower", what, cpuLoss[0], cpuLoss[batches-1])
		}
		t.Logf("%s, %d batches: loss %.4f → %.4f; worst relative loss difference %.2g; worst weight difference %.3g",
			what, batches, cpuLoss[0], cpuLoss[batches-1], worstLoss, worstW)
	}
}

// convBatches is how many batches TestWebGPUMatchesCPUConvNets trains each
// model on either backend.
const convBatches = 20

// Tolerances of TestWebGPUMatchesCPUConvNets: each batch's loss within
// convLossTol of the CPU's, relative (|gpu − cpu| / |cpu|), and every final
// param tensor within convWeightTol, relative to the tensor: the largest
// |gpu − cpu| over its values divided by its largest |cpu| value — or
// within bnWeightTol and adamWeightTol for the two small CNNs (see the
// test).
const (
	convLossTol   = 1e-5
	convWeightTol = 1e-5
	bnWeightTol   = 2e-5
	adamWeightTol = 1e-4
)

// TestWebGPUMatchesCPUConvNets trains convolutional models convBatches
// batches on the CPU (pure Go) and on WebGPU from the same seed, and
// compares every batch's loss and the final weights (the moving
// statistics of BatchNormalization included): LeNet as its preset has it
// (Conv2D with padding same and valid, MaxPool2D, Flatten, Adam); the
// small-CNN preset with a BatchNormalization after each convolution (and
// its dropout on images), at batch 32 to keep the test short; and a model
// with a Reshape of the input, a Conv2D with stride 2 and padding valid,
// AveragePooling2D (padding same, so the edge windows average fewer
// values), BatchNormalization, GlobalAveragePooling2D, a frozen
// BatchNormalization (inference mode while training) and Reshapes between
// layouts that need a copy; and a model without biases (use_bias false: a
// Conv2D before BatchNormalization, a relu Dense), whose GEMMs start their
// sums at 0 and train no bias.
//
// The small CNN with BatchNormalization trains with plain SGD at 0.002:
// the backends add in other orders (and BatchNormalization sums in float64
// on the CPU, float32 here), and under the preset's Adam, or SGD at 0.01
// where this model's loss jumps from batch to batch, those roundings grow
// within 20 batches far past any tolerance that would still catch a wrong
// kernel (the commit that added this test has the numbers). Its weights
// are held to bnWeightTol: a convolution's bias right before
// BatchNormalization has no gradient in exact arithmetic (the
// normalization removes it), so what moves it is rounding noise (1.1e-5
// measured, the others under 1e-5). The small-CNN preset also trains as it
// is (Adam, its cosine schedule, both dropouts; batch 32): every batch's
// loss within convLossTol, the weights within adamWeightTol (3.1e-5
// measured, in the Dense layer's kernel): Adam divides each gradient by its own
// running size, so its first steps are close to the gradient's sign times
// the learning rate, and a rounding difference in a small gradient moves a
// weight by a share of the learning rate, not of the gradient. A wrong
// kernel shows in the losses within a batch or two.
func TestWebGPUMatchesCPUConvNets(t *testing.T) {
	c := startWorker(t, server.URL, 10*time.Minute)
	c.send(protocol.LoadData{})
	c.await("data_ready", 90*time.Second, isType("data_ready"))

	lenet := spec.LeNet()
	lenet.Epochs = 1

	small := spec.SmallCNN()
	small.Epochs, small.BatchSize = 1, 32
	small.Optimizer = spec.Optimizer{Name: spec.OptSGD, LearningRate: 0.002}
	small.Layers = slices.Insert(small.Layers, 1, spec.BatchNormalization())
	small.Layers = slices.Insert(small.Layers, 3, spec.BatchNormalization())

	strided := spec.LeNet()
	strided.Epochs, strided.Input = 1, []int{784}
	conv := spec.Conv2D(6, 3, spec.ActTanh)
	conv.Strides = []int{2, 2}
	frozen := spec.BatchNormalization()
	frozen.Frozen = true
	strided.Layers = []spec.Layer{
		spec.Reshape(28, 28, 1), conv,
		{Type: spec.TypeAveragePooling2D, PoolSize: []int{3, 3}, Strides: []int{2, 2}, Padding: spec.PaddingSame},
		spec.Conv2D(10, 3, spec.ActReLU), spec.BatchNormalization(),
		{Type: spec.TypeGlobalAveragePooling2D}, frozen, spec.Reshape(2, 5), {Type: spec.TypeFlatten},
		spec.Dense(10, spec.ActSoftmax),
	}
	preset := spec.SmallCNN()
	preset.Epochs, preset.BatchSize = 1, 32
	// Without biases (use_bias false): a convolution before
	// BatchNormalization, Keras' pattern, and a relu Dense layer.
	noBias := spec.LeNet()
	noBias.Epochs = 1
	noBias.Optimizer = spec.Optimizer{Name: spec.OptSGD, LearningRate: 0.01}
	noBias.Layers = []spec.Layer{
		spec.NoBias(spec.Conv2D(6, 3, spec.ActLinear)), spec.BatchNormalization(), {Type: spec.TypeReLU}, spec.MaxPool2D(2),
		{Type: spec.TypeFlatten}, spec.NoBias(spec.Dense(32, spec.ActReLU)), spec.Dense(10, spec.ActSoftmax),
	}
	for _, run := range []struct {
		name      string
		m         spec.Model
		weightTol float64
	}{
		{"LeNet", lenet, convWeightTol}, {"small CNN with BatchNormalization", small, bnWeightTol},
		{"strided", strided, convWeightTol}, {"small-CNN preset", preset, adamWeightTol},
		{"without biases", noBias, convWeightTol},
	} {
		cpuLoss, cpuW, _ := stepRunModel(c, run.m, protocol.BackendGo, convBatches)
		start := time.Now()
		gpuLoss, gpuW, b := stepRunModel(c, run.m, protocol.BackendWebGPU, convBatches)
		took := time.Since(start)
		if b.Name != protocol.BackendWebGPU || b.Note != "" {
			t.Fatalf("%s: backend %+v; want webgpu, no note", run.name, b)
		}
		worstLoss, worstW, worstParam := compareRelative(t, run.name, run.weightTol, cpuLoss, gpuLoss, cpuW, gpuW)
		if !(cpuLoss[convBatches-1] < cpuLoss[0]) {
			t.Errorf("%s: the CPU loss went from %.3f to %.3f; want it lower", run.name, cpuLoss[0], cpuLoss[convBatches-1])
		}
		t.Logf("%s, %d batches: loss %.4f → %.4f; worst relative loss difference %.2g; worst relative weight difference %.2g (%s); %v on WebGPU (SwiftShader)",
			run.name, convBatches, cpuLoss[0], cpuLoss[convBatches-1], worstLoss, worstW, worstParam, took.Round(time.Millisecond))
	}
}

// compareRelative checks a WebGPU run against the CPU's with the measures
// of convLossTol and weightTol, and returns the worst of each.
func compareRelative(t *testing.T, what string, weightTol float64, cpuLoss, gpuLoss []float64, cpuW, gpuW protocol.Snapshot) (worstLoss, worstW float64, worstParam string) {
	t.Helper()
	for i := range cpuLoss {
		rel := math.Abs(gpuLoss[i]-cpuLoss[i]) / math.Abs(cpuLoss[i])
		worstLoss = max(worstLoss, rel)
		if !(rel <= convLossTol) {
			t.Errorf("%s, batch %d: loss %.7f on WebGPU, %.7f on the CPU: relative difference %.2g > %g", what, i+1, gpuLoss[i], cpuLoss[i], rel, convLossTol)
		}
	}
	if len(cpuW.Params) != len(gpuW.Params) {
		t.Fatalf("%s: %d params on the CPU, %d on WebGPU", what, len(cpuW.Params), len(gpuW.Params))
	}
	for i, p := range cpuW.Params {
		q := gpuW.Params[i]
		if p.Layer != q.Layer || p.Name != q.Name || len(p.Data) != len(q.Data) {
			t.Fatalf("%s, param %d: %d %s (%d bytes) on the CPU, %d %s (%d bytes) on WebGPU", what, i, p.Layer, p.Name, len(p.Data), q.Layer, q.Name, len(q.Data))
		}
		var diff, scale float64
		for j := 0; j < len(p.Data); j += 4 {
			a := float64(math.Float32frombits(binary.LittleEndian.Uint32(p.Data[j:])))
			g := float64(math.Float32frombits(binary.LittleEndian.Uint32(q.Data[j:])))
			diff, scale = max(diff, math.Abs(a-g)), max(scale, math.Abs(a))
		}
		rel := diff / scale
		if scale == 0 {
			rel = diff
		}
		if rel > worstW {
			worstW, worstParam = rel, fmt.Sprintf("layer %d %s", p.Layer, p.Name)
		}
		if !(rel <= weightTol) {
			t.Errorf("%s: layer %d %s differs by up to %.3g on WebGPU (largest value %.3g): relative %.2g > %g", what, p.Layer, p.Name, diff, scale, rel, weightTol)
		}
	}
	return worstLoss, worstW, worstParam
}
