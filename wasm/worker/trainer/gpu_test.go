package trainer

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/data"
	"github.com/nnplay/nnplay/engine/kernels"
	"github.com/nnplay/nnplay/engine/nn"
	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// fakeGPU is a GPU whose "device" is a second nn model trained on the
// CPU: a session computes exactly what the CPU would, so a run on it
// must give the CPU's bits, which checks the trainer's uploads, read
// backs and fallbacks without a browser. Faults make it fail as a real
// device would.
type fakeGPU struct {
	adapter    GPUAdapter
	adapterErr error
	shaderBad  bool // the next Open fails
	lost       bool // the device is gone: everything fails
	opens      int
	reads      int // batches whose loss was read back
	batches    int
	syncs      int // weights read back
}

func (g *fakeGPU) Adapter() (GPUAdapter, error) { return g.adapter, g.adapterErr }

func (g *fakeGPU) Fault(kind string) error {
	switch kind {
	case protocol.FaultShader:
		g.shaderBad = true
	case protocol.FaultDevice:
		g.lost = true
	default:
		return fmt.Errorf("fake: unknown fault %q", kind)
	}
	return nil
}

func (g *fakeGPU) Open(plan *GPUPlan, m *nn.Sequential) (GPUSession, error) {
	if g.shaderBad {
		g.shaderBad = false
		return nil, errors.New("shader compilation failed: fake error")
	}
	if g.lost {
		return nil, errors.New("device lost")
	}
	dev, err := nn.Build(m.Spec())
	if err != nil {
		return nil, err
	}
	if err := copyModel(dev, m); err != nil {
		return nil, err
	}
	g.opens++
	return &fakeSession{gpu: g, plan: plan, dev: dev}, nil
}

type fakeSession struct {
	gpu  *fakeGPU
	plan *GPUPlan
	dev  *nn.Sequential
}

func (s *fakeSession) TrainBatch(x, labels []float32, masks [][]float32, lr float64, read bool) (float64, int, error) {
	if s.gpu.lost {
		return 0, 0, errors.New("device lost: destroyed")
	}
	n := len(labels)
	if len(x) != n*s.plan.Input {
		return 0, 0, fmt.Errorf("fake: %d inputs for %d labels", len(x), n)
	}
	// The device's dropout uses the masks it is given, as WGSL does.
	drop := s.plan.Dropouts()
	if len(masks) != len(drop) {
		return 0, 0, fmt.Errorf("fake: %d masks for %d dropout ops", len(masks), len(drop))
	}
	for k, i := range drop {
		op := s.plan.Ops[i]
		if len(masks[k]) != n*op.Out {
			return 0, 0, fmt.Errorf("fake: mask %d has %d values; want %d×%d", k, len(masks[k]), n, op.Out)
		}
		s.dev.Layers()[op.Layer].(*nn.Dropout).SetNextMask(masks[k])
	}
	xt := tensor.New(tensor.WithShape(append([]int{n}, s.dev.Spec().Input...)...), tensor.WithBacking(append([]float32(nil), x...)))
	yt := tensor.New(tensor.WithShape(n), tensor.WithBacking(append([]float32(nil), labels...)))
	correct := 0
	p := s.dev.Predict(xt).Float32s()
	for i := range n {
		if argmax(p[i*s.plan.Classes:(i+1)*s.plan.Classes]) == int(labels[i]) {
			correct++
		}
	}
	s.dev.Optimizer().SetLearningRate(lr)
	target := yt // the device takes class labels; a categorical loss wants their one-hot rows
	if s.dev.Spec().Loss == spec.LossCategoricalCrossentropy {
		oh, err := nn.OneHot(yt, s.plan.Classes)
		if err != nil {
			return 0, 0, err
		}
		target = oh
	}
	loss, err := s.dev.TrainBatch(xt, target)
	var diverged *nn.DivergedError
	if errors.As(err, &diverged) {
		// A GPU does not check: it returns the NaN, and its weights are NaN.
		err = nil
		s.dev.Params()[0].Value.Float32s()[0] = float32(math.NaN())
	}
	s.gpu.batches++
	if !read {
		return 0, 0, err
	}
	s.gpu.reads++
	return loss, correct, err
}

func (s *fakeSession) Sync(m *nn.Sequential) error {
	if s.gpu.lost {
		return errors.New("device lost: destroyed")
	}
	for _, p := range s.dev.Params() {
		for _, v := range p.Value.Float32s() {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return ErrGPUDiverged
			}
		}
	}
	s.gpu.syncs++
	return copyModel(m, s.dev)
}

func (s *fakeSession) Close() {}

// copyModel copies weights and optimizer state from src to dst (same spec).
func copyModel(dst, src *nn.Sequential) error {
	for i, p := range src.Params() {
		q := dst.Params()[i]
		copy(q.Value.Float32s(), p.Value.Float32s())
		sl, err := nn.SlotsOf(src.Optimizer(), p)
		if err != nil {
			return err
		}
		if err := nn.SetSlots(dst.Optimizer(), q, sl); err != nil {
			return err
		}
	}
	return nil
}

func newVector(v ...float32) *tensor.Dense {
	return tensor.New(tensor.WithShape(len(v)), tensor.WithBacking(v))
}

// gpuHarness is a harness whose trainer has g as its GPU, on 640
// training and 100 test images.
func gpuHarness(t *testing.T, g GPU) *harness {
	train, test := mnist(t)
	return gpuHarnessWith(t, g, train.Slice(0, 640), test.Slice(0, 100))
}

func gpuHarnessWith(t *testing.T, g GPU, train, test *data.Set) *harness {
	h := newHarness(t, nil)
	h.tr.env.GPU = g
	return h.withData(train, test).run()
}

func isBackend(name string) func(protocol.Event) bool {
	return func(e protocol.Event) bool {
		b, ok := e.(protocol.Backend)
		return ok && b.Name == name
	}
}

func sameParams(t *testing.T, what string, got, want protocol.Snapshot) {
	t.Helper()
	if len(got.Params) != len(want.Params) {
		t.Fatalf("%s: %d params; want %d", what, len(got.Params), len(want.Params))
	}
	for i := range want.Params {
		if !bytes.Equal(got.Params[i].Data, want.Params[i].Data) {
			t.Errorf("%s: layer %d %s differs", what, want.Params[i].Layer, want.Params[i].Name)
		}
	}
}

// cpuSnapshot trains the seed model `steps` batches on the CPU and
// returns its snapshot: the reference the GPU runs must match.
func cpuSnapshot(t *testing.T, steps int) protocol.Snapshot {
	h := gpuHarness(t, nil)
	h.send(protocol.Build{Spec: seed1()})
	for range steps {
		h.send(protocol.Step{})
	}
	h.send(protocol.SnapshotRequest{ID: 9})
	return h.await("snapshot", isType("snapshot")).(protocol.Snapshot)
}

// TestGPUTrainsLikeCPU trains on the fake GPU with snapshots, statistics,
// a pause and a learning-rate change in between (each a read back or a new
// upload), and wants the CPU's weights to the bit: nothing is lost or
// applied twice moving weights and Adam's state to and from the device.
func TestGPUTrainsLikeCPU(t *testing.T) {
	ref := func(lrAfter3 bool) protocol.Snapshot {
		h := gpuHarness(t, nil)
		h.send(protocol.Build{Spec: seed1()}, protocol.Step{}, protocol.Step{}, protocol.Step{})
		if lrAfter3 {
			h.send(protocol.Set{LearningRate: 0.0005})
		}
		h.send(protocol.Step{}, protocol.Step{}, protocol.SnapshotRequest{ID: 9})
		return h.await("snapshot", isType("snapshot")).(protocol.Snapshot)
	}
	want := ref(true)

	g := &fakeGPU{adapter: GPUAdapter{Description: "FakeGPU"}}
	h := gpuHarness(t, g)
	h.send(protocol.BackendRequest{Name: protocol.BackendWebGPU}, protocol.Build{Spec: seed1()})
	b := h.await("backend webgpu", isType("backend")).(protocol.Backend)
	if b.Name != protocol.BackendWebGPU || b.Adapter != "FakeGPU" || b.Choice != protocol.BackendWebGPU || b.Available[0] != protocol.BackendWebGPU || b.Note != "" {
		t.Errorf("backend after choosing webgpu: %+v; want webgpu in use on FakeGPU, listed first, no note", b)
	}
	h.send(protocol.Step{}, protocol.StatsRequest{ID: 4}, protocol.Step{}, protocol.SnapshotRequest{ID: 1}, protocol.Step{}, protocol.Set{LearningRate: 0.0005},
		protocol.Step{}, protocol.Pause{}, protocol.Evaluate{ID: 2}, protocol.Step{}, protocol.StatsRequest{ID: 5}, protocol.SnapshotRequest{ID: 3})
	var got protocol.Snapshot
	for got.ID != 3 {
		got = h.await("snapshot 3", isType("snapshot")).(protocol.Snapshot)
	}
	sameParams(t, "5 batches on the fake GPU", got, want)
	if g.opens != 1 || g.batches != 5 || g.reads != 5 {
		t.Errorf("the fake GPU opened %d sessions and trained %d batches, reading %d losses; want 1, 5, 5 (steps report every batch)", g.opens, g.batches, g.reads)
	}
	for _, e := range h.seen {
		if p, ok := e.(protocol.Progress); ok && (p.Loss <= 0 || p.Accuracy < 0) {
			t.Errorf("progress on the GPU: %+v; want the loss read back", p)
		}
	}
}

// TestGPUFallsBack: a lost device falls back to the CPU kernels with a
// message, from the weights last read back; a shader error on starting
// falls back before the batch, which then trains on the CPU. Choosing
// WebGPU again tries the device again.
func TestGPUFallsBack(t *testing.T) {
	cpu := cpuName()
	g := &fakeGPU{adapter: GPUAdapter{Description: "FakeGPU"}}
	h := gpuHarness(t, g)
	h.send(protocol.BackendRequest{Name: protocol.BackendWebGPU}, protocol.Build{Spec: seed1()},
		protocol.Step{}, protocol.Step{}, protocol.SnapshotRequest{ID: 1})
	synced := h.await("snapshot", isType("snapshot")).(protocol.Snapshot)
	h.send(protocol.Step{}, protocol.BackendRequest{Fault: protocol.FaultDevice}, protocol.SnapshotRequest{ID: 2})
	fell := h.await("backend falling back", isBackend(kernels.Backend())).(protocol.Backend)
	want := "WebGPU failed reading the weights back (device lost: destroyed); training continues on " + cpu + " from the weights last read back"
	if fell.Note != want || fell.Choice != protocol.BackendWebGPU {
		t.Errorf("after losing the device: %+v; want note %q", fell, want)
	}
	after := h.await("snapshot", isType("snapshot")).(protocol.Snapshot)
	sameParams(t, "after losing the device", after, synced)
	h.send(protocol.Step{})
	p := h.await("progress", isType("progress")).(protocol.Progress)
	if p.GlobalBatch != 4 || g.batches != 3 {
		t.Errorf("after the fallback: batch %d, %d on the GPU; want batch 4 trained on the CPU after 3 on the GPU", p.GlobalBatch, g.batches)
	}

	// A shader error: the batch trains on the CPU, as if WebGPU were off.
	g2 := &fakeGPU{adapter: GPUAdapter{Description: "FakeGPU"}}
	h2 := gpuHarness(t, g2)
	h2.send(protocol.BackendRequest{Name: protocol.BackendWebGPU, Fault: protocol.FaultShader}, protocol.Build{Spec: seed1()}, protocol.Step{})
	fell = h2.await("backend falling back", isBackend(kernels.Backend())).(protocol.Backend)
	if !strings.HasPrefix(fell.Note, "WebGPU could not start (shader compilation failed: fake error); training continues on "+cpu) {
		t.Errorf("after a shader error: note %q", fell.Note)
	}
	h2.send(protocol.SnapshotRequest{ID: 1})
	sameParams(t, "one batch after a shader error", h2.await("snapshot", isType("snapshot")).(protocol.Snapshot), cpuSnapshot(t, 1))

	// Choosing WebGPU again uses the device again.
	h2.send(protocol.BackendRequest{Name: protocol.BackendWebGPU})
	if b := h2.await("backend", isType("backend")).(protocol.Backend); b.Name != protocol.BackendWebGPU || b.Note != "" {
		t.Errorf("choosing webgpu again: %+v; want it in use, no note", b)
	}
	h2.send(protocol.Step{})
	h2.await("progress", isType("progress"))
	if g2.batches != 1 {
		t.Errorf("after choosing again: %d batches on the GPU; want 1", g2.batches)
	}
}

// TestGPUChoices: what trains for each choice, adapter and model, and
// why not WebGPU when it is not.
func TestGPUChoices(t *testing.T) {
	cpu := kernels.Backend()
	cases := []struct {
		name     string
		gpu      GPU
		choice   string
		build    func() protocol.Request
		use      string
		note     string
		adapter  string
		hasWebGP bool
	}{
		{"auto on hardware", &fakeGPU{adapter: GPUAdapter{Description: "RealGPU"}}, protocol.BackendAuto, nil, protocol.BackendWebGPU, "", "RealGPU", true},
		{"auto on software", &fakeGPU{adapter: GPUAdapter{Description: "SwiftShader", Software: true}}, protocol.BackendAuto, nil, cpu,
			"Auto: the WebGPU adapter (SwiftShader) is software, slower than the CPU kernels", "SwiftShader", true},
		{"webgpu on software", &fakeGPU{adapter: GPUAdapter{Description: "SwiftShader", Software: true}}, protocol.BackendWebGPU, nil, protocol.BackendWebGPU, "", "SwiftShader", true},
		{"webgpu for a CNN", &fakeGPU{adapter: GPUAdapter{Description: "RealGPU"}}, protocol.BackendWebGPU,
			func() protocol.Request { return protocol.Build{Spec: spec1(lenet())} }, protocol.BackendWebGPU, "", "RealGPU", true},
		{"webgpu for an RNN", &fakeGPU{adapter: GPUAdapter{Description: "RealGPU"}}, protocol.BackendWebGPU,
			func() protocol.Request { return protocol.Build{Spec: spec1(spec.RowByRowRNN())} }, cpu, "WebGPU does not run LSTM layers (layer 2)", "RealGPU", true},
		{"webgpu, no adapter", &fakeGPU{adapterErr: errors.New("no adapter (requestAdapter gave null)")}, protocol.BackendWebGPU, nil, cpu,
			"WebGPU is not available: no adapter (requestAdapter gave null)", "", false},
		{"webgpu, no navigator.gpu", nil, protocol.BackendWebGPU, nil, cpu, "WebGPU is not available: this browser has no WebGPU", "", false},
		{"go on hardware", &fakeGPU{adapter: GPUAdapter{Description: "RealGPU"}}, protocol.BackendGo, nil, protocol.BackendGo, "", "RealGPU", true},
	}
	t.Cleanup(func() { _ = kernels.SetBackend(protocol.BackendAuto) })
	for _, c := range cases {
		h := gpuHarness(t, c.gpu)
		build := protocol.Request(protocol.Build{Spec: seed1()})
		if c.build != nil {
			build = c.build()
		}
		h.send(build)
		h.await("built", isType("built"))
		h.send(protocol.BackendRequest{Name: c.choice})
		b := h.await("backend", isType("backend")).(protocol.Backend)
		if b.Name != c.use || b.Note != c.note || b.Adapter != c.adapter || (b.Available[0] == protocol.BackendWebGPU) != c.hasWebGP {
			t.Errorf("%s: %+v; want %s in use, note %q, adapter %q, webgpu available %v", c.name, b, c.use, c.note, c.adapter, c.hasWebGP)
		}
		_ = kernels.SetBackend(protocol.BackendAuto)
	}

	// Once asked, a build that changes what trains says so unasked.
	h := gpuHarness(t, &fakeGPU{adapter: GPUAdapter{Description: "RealGPU"}})
	h.send(protocol.BackendRequest{Name: protocol.BackendWebGPU}, protocol.Build{Spec: seed1()})
	h.await("backend webgpu", isBackend(protocol.BackendWebGPU))
	h.send(protocol.Build{Spec: spec1(spec.RowByRowRNN())})
	if b := h.await("backend after building an RNN", isType("backend")).(protocol.Backend); b.Name != cpu {
		t.Errorf("after building an RNN: %+v; want %s", b, cpu)
	}

	// A fault with no GPU is an error.
	h = gpuHarness(t, nil)
	h.send(protocol.BackendRequest{Fault: protocol.FaultDevice})
	h.await("an error", isError("there is no WebGPU here to break (fault device)"))
}

// TestGPUDivergence: a NaN pixel in the second batch makes the GPU's
// weights NaN; the NaN loss read back (when the batch reports) or the
// NaN weights read back at the epoch's end pause training with a
// message and the weights last read back.
func TestGPUDivergence(t *testing.T) {
	train, test := mnist(t)
	bad := train.Slice(0, 128)
	bad.X = append([]float32(nil), bad.X...)
	second := data.Permutation(128, seed1().Seed, 0)[64] // an example of the second batch
	bad.X[second*784+300] = float32(math.NaN())
	g := &fakeGPU{adapter: GPUAdapter{Description: "FakeGPU"}}
	h := gpuHarnessWith(t, g, bad, test.Slice(0, 100))
	h.send(protocol.BackendRequest{Name: protocol.BackendWebGPU}, protocol.Build{Spec: seed1()}, protocol.Step{}, protocol.SnapshotRequest{ID: 1})
	before := h.await("snapshot", isType("snapshot")).(protocol.Snapshot)
	h.send(protocol.Start{})
	e := h.await("the divergence", isType("error")).(protocol.Error)
	if !strings.Contains(e.Message, "the run diverged on WebGPU") || !strings.HasPrefix(e.Message, "epoch 1") || !strings.Contains(e.Message, "paused with the weights last read back from the GPU") {
		t.Errorf("divergence message %q", e.Message)
	}
	h.await("paused", isState(protocol.StatePaused))
	h.send(protocol.SnapshotRequest{ID: 2})
	sameParams(t, "after diverging", h.await("snapshot", isType("snapshot")).(protocol.Snapshot), before)
}

// lenet and spec1 make a CNN spec for one epoch.
func lenet() spec.Model { return spec.LeNet() }

func spec1(m spec.Model) spec.Model {
	m.Epochs = 1
	return m
}
