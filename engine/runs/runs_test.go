package runs_test

import (
	"bytes"
	"encoding/base64"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/modelio"
	"github.com/nnplay/nnplay/engine/nn"
	"github.com/nnplay/nnplay/engine/runs"
	"github.com/nnplay/nnplay/engine/share"
	"github.com/nnplay/nnplay/engine/spec"
)

// trainedSeed is the seed model after a few Adam steps on random data, so
// its weights are not the initial ones.
func trainedSeed(t *testing.T) *nn.Sequential {
	t.Helper()
	m, err := nn.Build(spec.Seed())
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	xs, ys := make([]float32, 64*784), make([]float32, 64)
	for i := range xs {
		xs[i] = rng.Float32()
	}
	for i := range ys {
		ys[i] = float32(rng.IntN(10))
	}
	x := tensor.New(tensor.WithShape(64, 784), tensor.WithBacking(xs))
	y := tensor.New(tensor.WithShape(64), tensor.WithBacking(ys))
	for range 5 {
		if _, err := m.TrainBatch(x, y); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

// TestFloat32SnapshotIsBitIdentical: a float32 snapshot kept in a run,
// stored (Encode), read back (Decode) and restored (modelio.FromPayload)
// gives every weight's bits back; lower precisions cost fewer bytes and
// stay within their quantization error.
func TestFloat32SnapshotIsBitIdentical(t *testing.T) {
	m := trainedSeed(t)
	r := runs.New("r1", "seed", "2026-12-07T00:00:00Z", m.Spec(), map[string]string{"backend": "simd"})
	for i, prec := range []share.Precision{share.Float32, share.Float16, share.Int8, share.Int4} {
		snap, err := runs.NewSnapshot(modelio.ToPayload(m, i+1, 5*(i+1)), prec)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.AddEpoch(runs.EpochPoint{Epoch: i + 1, Steps: 5 * (i + 1), Loss: 2.3, Accuracy: 0.1}, snap); err != nil {
			t.Fatal(err)
		}
	}
	stored, err := r.Encode()
	if err != nil {
		t.Fatal(err)
	}
	back, err := runs.Decode(stored)
	if err != nil {
		t.Fatal(err)
	}
	want := m.Params()
	for i, s := range back.Snapshots {
		p, err := s.Payload()
		if err != nil {
			t.Fatal(err)
		}
		restored, err := modelio.FromPayload(p)
		if err != nil {
			t.Fatal(err)
		}
		worst := 0.0
		for j, param := range restored.Params() {
			got, w := param.Value.Float32s(), want[j].Value.Float32s()
			for k := range got {
				if s.Precision == "float32" && math.Float32bits(got[k]) != math.Float32bits(w[k]) {
					t.Fatalf("float32 snapshot: %s[%d] is %v, saved %v", p.Weights[j].Name, k, got[k], w[k])
				}
				worst = max(worst, math.Abs(float64(got[k]-w[k])))
			}
		}
		if p.Epochs != i+1 || s.Epoch != i+1 || p.Steps != 5*(i+1) {
			t.Errorf("snapshot %d says epoch %d (payload %d), steps %d", i, s.Epoch, p.Epochs, p.Steps)
		}
		t.Logf("snapshot at %s: %d bytes, largest weight error %.3g", s.Precision, s.Bytes(), worst)
	}
	sizes := []int{back.Snapshots[0].Bytes(), back.Snapshots[1].Bytes(), back.Snapshots[2].Bytes(), back.Snapshots[3].Bytes()}
	if !(sizes[0] > sizes[1] && sizes[1] > sizes[2] && sizes[2] > sizes[3]) {
		t.Errorf("snapshot bytes by precision %v: want float32 > float16 > int8 > int4", sizes)
	}
	if got := back.SnapshotBytes(); got != sizes[0]+sizes[1]+sizes[2]+sizes[3] {
		t.Errorf("SnapshotBytes = %d, want %d", got, sizes[0]+sizes[1]+sizes[2]+sizes[3])
	}
	if s, ok := back.SnapshotAt(3); !ok || s.Epoch != 3 {
		t.Errorf("SnapshotAt(3) = epoch %d, %v", s.Epoch, ok)
	}
	if _, ok := back.SnapshotAt(0); ok {
		t.Error("SnapshotAt(0) found a snapshot though none was taken before epoch 1")
	}
}

func seedRun(id string, edit func(*spec.Model), settings map[string]string) *runs.Run {
	s := spec.Seed()
	if edit != nil {
		edit(&s)
	}
	return runs.New(id, "run "+id, "2026-12-07T00:00:00Z", s, settings)
}

// TestDiff lists exactly the settings that differ, in the spec's order.
func TestDiff(t *testing.T) {
	a := seedRun("a", nil, map[string]string{"backend": "simd", "data": "mnist"})
	b := seedRun("b", func(s *spec.Model) {
		s.Optimizer.LearningRate = 0.01
		s.Layers[1].Units = 32
		s.Layers = append(s.Layers[:2], spec.Layer{Type: spec.TypeDropout, Rate: 0.2}, s.Layers[2])
		s.BatchSize = 128
	}, map[string]string{"backend": "webgpu", "data": "mnist"})
	got := runs.Diff(a, b)
	want := []runs.Difference{
		{Setting: "layers[1].units", A: "64", B: "32"},
		{Setting: "layers[2].type", A: `"Dense"`, B: `"Dropout"`},
		{Setting: "layers[2].units", A: "10", B: ""},
		{Setting: "layers[2].activation", A: `"softmax"`, B: ""},
		{Setting: "optimizer.learning_rate", A: "0.001", B: "0.01"},
		{Setting: "batch_size", A: "64", B: "128"},
		{Setting: "layers[2].rate", A: "", B: "0.2"},
		{Setting: "layers[3].type", A: "", B: `"Dense"`},
		{Setting: "layers[3].units", A: "", B: "10"},
		{Setting: "layers[3].activation", A: "", B: `"softmax"`},
		{Setting: "backend", A: "simd", B: "webgpu"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("Diff:\n got %v\nwant %v", got, want)
	}
	if d := runs.Diff(a, seedRun("c", nil, map[string]string{"backend": "simd", "data": "mnist"})); len(d) != 0 {
		t.Errorf("two runs of the same settings differ in %v", d)
	}
}

// TestAddBatchThinsEvenly: a long run keeps at most MaxBatchPoints points,
// evenly spaced from the first batch to the end.
func TestAddBatchThinsEvenly(t *testing.T) {
	r := seedRun("a", nil, nil)
	const steps = 20000
	for s := 1; s <= steps; s++ {
		r.AddBatch(runs.BatchPoint{Step: s, Epoch: 1 + s/938, Loss: runs.Num(1 / float64(s))})
	}
	if len(r.Batches) > runs.MaxBatchPoints || len(r.Batches) < runs.MaxBatchPoints/2 {
		t.Fatalf("%d batch points kept of %d", len(r.Batches), steps)
	}
	for i, p := range r.Batches {
		if p.Step != 1+i*r.BatchStride {
			t.Fatalf("point %d is step %d with stride %d", i, p.Step, r.BatchStride)
		}
	}
	if last := r.Batches[len(r.Batches)-1].Step; last <= steps-r.BatchStride {
		t.Errorf("the last point is step %d of %d (stride %d)", last, steps, r.BatchStride)
	}
	t.Logf("%d batches kept as %d points, stride %d", steps, len(r.Batches), r.BatchStride)
}

// TestCapDropsOldest keeps the newest runs within the limits, says which
// were dropped, and never drops the newest.
func TestCapDropsOldest(t *testing.T) {
	var all []*runs.Run
	for _, id := range []string{"1", "2", "3", "4", "5"} {
		all = append(all, seedRun(id, nil, nil))
	}
	kept, dropped, msg := runs.Cap(all, runs.Limits{Runs: 3})
	if len(kept) != 3 || kept[0].ID != "3" || len(dropped) != 2 || dropped[0].ID != "1" {
		t.Fatalf("kept %d from %q, dropped %d", len(kept), kept[0].ID, len(dropped))
	}
	if !strings.Contains(msg, `"run 1", "run 2"`) || !strings.Contains(msg, "3 runs") {
		t.Errorf("message %q does not name the dropped runs and the limit", msg)
	}
	b, _ := all[0].Encode()
	kept, _, _ = runs.Cap(all, runs.Limits{Bytes: 2*len(b) + 10})
	if len(kept) != 2 || kept[1].ID != "5" {
		t.Errorf("a 2-run byte budget kept %d runs", len(kept))
	}
	kept, _, _ = runs.Cap(all, runs.Limits{Bytes: 1})
	if len(kept) != 1 || kept[0].ID != "5" {
		t.Errorf("a byte budget smaller than one run kept %d runs, want the newest", len(kept))
	}
	if _, dropped, msg := runs.Cap(all, runs.DefaultLimits); dropped != nil || msg != "" {
		t.Errorf("5 small runs within the default limits dropped %d: %q", len(dropped), msg)
	}
}

// TestDecodeChecks: a diverged loss survives storage as NaN, and damaged
// or foreign runs are refused with a message.
func TestDecodeChecks(t *testing.T) {
	r := seedRun("a", nil, nil)
	r.AddBatch(runs.BatchPoint{Step: 1, Epoch: 1, Loss: runs.Num(math.Inf(1))})
	b, err := r.Encode()
	if err != nil {
		t.Fatal(err)
	}
	back, err := runs.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(float64(back.Batches[0].Loss)) {
		t.Errorf("an infinite loss came back as %v, want NaN", back.Batches[0].Loss)
	}
	good := string(b)
	for _, tc := range []struct{ name, data, want string }{
		{"newer", strings.Replace(good, `"version":1`, `"version":9`, 1), "newer nnplay"},
		{"no version", strings.Replace(good, `"version":1`, `"version":0`, 1), "no version"},
		{"unknown field", strings.Replace(good, `"version":1`, `"version":1,"extra":2`, 1), "damaged"},
		{"bad spec", strings.Replace(good, `"units":128`, `"units":-1`, 1), "bad spec"},
		{"trailing", good + "{}", "after the run"},
		{"epochs", strings.Replace(good, `"epochs":null`, `"epochs":[{"epoch":2,"steps":1,"loss":1,"accuracy":1},{"epoch":1,"steps":2,"loss":1,"accuracy":1}]`, 1), "out of order"},
		{"snapshot", strings.Replace(good, `"snapshots":null`, `"snapshots":[{"epoch":1,"steps":1,"precision":"float32","data":"AAAA"}]`, 1), "not a model"},
		{"precision", strings.Replace(good, `"snapshots":null`, `"snapshots":[{"epoch":1,"steps":1,"precision":"float8","data":"bm5wAQE="}]`, 1), "unknown precision"},
	} {
		if _, err := runs.Decode([]byte(tc.data)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one saying %q", tc.name, err, tc.want)
		}
	}
}

// TestEncodeApart: a run stored apart (the JSON without the snapshots'
// bytes, the bytes beside it) reads back to the run Encode and Decode give;
// the bytes travel untouched (not copied into the JSON); a count or a
// snapshot that does not match is refused.
func TestEncodeApart(t *testing.T) {
	m := trainedSeed(t)
	r := runs.New("r1", "seed", "2026-12-07T00:00:00Z", m.Spec(), nil)
	for e := 1; e <= 2; e++ {
		snap, err := runs.NewSnapshot(modelio.ToPayload(m, e, 5*e), share.Int8)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.AddEpoch(runs.EpochPoint{Epoch: e, Steps: 5 * e, Loss: 2.3, Accuracy: 0.1}, snap); err != nil {
			t.Fatal(err)
		}
	}
	if len(r.Snapshots) < 2 {
		t.Fatalf("the sample run has %d snapshots; want 2 or more", len(r.Snapshots))
	}
	meta, snaps, err := r.EncodeApart()
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(meta, []byte(base64.StdEncoding.EncodeToString(r.Snapshots[0].Data)[:16])) || len(snaps) != len(r.Snapshots) {
		t.Fatalf("the JSON holds the snapshots, or %d of %d came beside it", len(snaps), len(r.Snapshots))
	}
	for i := range snaps {
		if &snaps[i][0] != &r.Snapshots[i].Data[0] {
			t.Errorf("snapshot %d was copied", i)
		}
	}
	got, err := runs.DecodeApart(meta, snaps)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := r.Encode()
	again, _ := got.Encode()
	if !bytes.Equal(want, again) {
		t.Errorf("stored apart and read back, the run encodes differently:\n%s\n%s", want, again)
	}
	if r.Snapshots[0].Data == nil {
		t.Error("EncodeApart took the run's own snapshots' bytes")
	}
	for _, c := range []struct {
		name  string
		snaps [][]byte
		want  string
	}{
		{"one missing", snaps[1:], "lists 2 snapshots but 1 are stored"},
		{"not weights", [][]byte{snaps[0], []byte("hello")}, "snapshot 2 is not a model's weights"},
	} {
		if _, err := runs.DecodeApart(meta, c.snaps); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v; want an error saying %q", c.name, err, c.want)
		}
	}
	inline, _ := r.Encode()
	if _, err := runs.DecodeApart(inline, snaps); err == nil || !strings.Contains(err.Error(), "both in its JSON and beside it") {
		t.Errorf("snapshots inline and beside: %v", err)
	}
}

// BenchmarkEncode stores a 20-epoch run of the seed model with an int8
// snapshot per epoch, as the page does after every epoch: all in one JSON
// (Encode) or the JSON apart from the snapshots' bytes (EncodeApart).
func BenchmarkEncode(b *testing.B) {
	m, err := nn.Build(spec.Seed())
	if err != nil {
		b.Fatal(err)
	}
	r := runs.New("r1", "seed", "2026-12-07T00:00:00Z", m.Spec(), nil)
	for e := 1; e <= 20; e++ {
		snap, err := runs.NewSnapshot(modelio.ToPayload(m, e, 938*e), share.Int8)
		if err != nil {
			b.Fatal(err)
		}
		for s := 938 * (e - 1); s < 938*e; s += 10 {
			r.AddBatch(runs.BatchPoint{Step: s + 1, Epoch: e, Loss: 0.3, Accuracy: 0.9})
		}
		if err := r.AddEpoch(runs.EpochPoint{Epoch: e, Steps: 938 * e, Loss: 0.3, Accuracy: 0.9}, snap); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("inline", func(b *testing.B) {
		for range b.N {
			if _, err := r.Encode(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("apart", func(b *testing.B) {
		for range b.N {
			if _, _, err := r.EncodeApart(); err != nil {
				b.Fatal(err)
			}
		}
	})
}
