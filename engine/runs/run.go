// Package runs keeps training runs: what was trained (the spec and the
// settings around it), how it went (loss and accuracy per batch and per
// epoch, per-class accuracy) and the weights after every epoch, quantized
// as share links are (engine/share's format and precisions), so a timeline
// can move every view to any epoch and two runs can be compared.
//
// It holds no tensor code: the page stores runs (IndexedDB, as
// EncodeApart writes them: the JSON, and the snapshots' bytes beside it)
// and compares them without loading the training engine; the worker
// records them. A snapshot becomes a model again through
// engine/modelio.FromPayload.
package runs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/nnplay/nnplay/engine/share"
	"github.com/nnplay/nnplay/engine/spec"
)

// Version is the version of the JSON a Run encodes to; Decode reads it
// and older ones.
const Version = 1

// Caps on one run, so a stored run stays small and Decode bounded.
const (
	// MaxBatchPoints caps the batch curve: past it, every other point is
	// dropped and only every 2nd (then 4th, …) batch is recorded (see
	// AddBatch), so a long run keeps its whole curve at less detail.
	MaxBatchPoints = 4096
	// MaxEpochs caps the epochs (and snapshots) one run records.
	MaxEpochs = 1000
	// MaxRunBytes caps an encoded run Decode reads.
	MaxRunBytes = 64 << 20
)

// Run is one training run.
type Run struct {
	Version int    `json:"version"`
	ID      string `json:"id"`   // unique among the stored runs; the page picks it
	Name    string `json:"name"` // what the user calls it
	// Started is when it started, as the page's clock wrote it (RFC 3339).
	Started string     `json:"started"`
	Spec    spec.Model `json:"spec"`
	// Settings are choices outside the spec that shape the run, by name:
	// "backend": "webgpu", "data": "mnist (60,000)", … (Diff compares them
	// with the spec's fields).
	Settings map[string]string `json:"settings,omitempty"`
	// Status is "running", "finished", "stopped" or "diverged".
	Status string `json:"status"`
	// BatchStride is how many batches one point of Batches stands for (1,
	// 2, 4, …; see AddBatch); 0 reads as 1.
	BatchStride int          `json:"batch_stride,omitempty"`
	Batches     []BatchPoint `json:"batches"`
	Epochs      []EpochPoint `json:"epochs"`
	Snapshots   []Snapshot   `json:"snapshots"`
}

// Num is a curve value: NaN and ±Inf (a diverged loss) are written as
// JSON null and read back as NaN.
type Num float64

// MarshalJSON writes the number, or null when it is not finite.
func (n Num) MarshalJSON() ([]byte, error) {
	f := float64(n)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, f, 'g', -1, 64), nil
}

// UnmarshalJSON reads a number, or null as NaN.
func (n *Num) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*n = Num(math.NaN())
		return nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return fmt.Errorf("%s is not a number", b)
	}
	*n = Num(f)
	return nil
}

// BatchPoint is the training curve at one batch.
type BatchPoint struct {
	Step     int `json:"step"`  // optimizer steps so far, from 1
	Epoch    int `json:"epoch"` // from 1
	Loss     Num `json:"loss"`
	Accuracy Num `json:"accuracy"`
	// LearningRate is the rate the batch trained with.
	LearningRate Num `json:"lr,omitempty"`
}

// EpochPoint is the run at the end of one epoch.
type EpochPoint struct {
	Epoch    int `json:"epoch"` // from 1
	Steps    int `json:"steps"` // optimizer steps so far
	Loss     Num `json:"loss"`
	Accuracy Num `json:"accuracy"`
	// Validated says ValLoss and ValAccuracy hold a validation measure.
	Validated   bool `json:"validated,omitempty"`
	ValLoss     Num  `json:"val_loss,omitempty"`
	ValAccuracy Num  `json:"val_accuracy,omitempty"`
	// PerClass is each class's accuracy (recall) on the evaluation set,
	// when measured.
	PerClass []Num `json:"per_class,omitempty"`
	// Seconds is the epoch's training time.
	Seconds Num `json:"seconds,omitempty"`
}

// New starts a run of s.
func New(id, name, started string, s spec.Model, settings map[string]string) *Run {
	return &Run{Version: Version, ID: id, Name: name, Started: started, Spec: s, Settings: settings, Status: "running", BatchStride: 1}
}

// AddBatch records one batch. Points are kept for every BatchStride-th
// batch; when MaxBatchPoints are held, every other one is dropped and
// the stride doubles, so the curve always spans the whole run.
func (r *Run) AddBatch(b BatchPoint) {
	if r.BatchStride < 1 {
		r.BatchStride = 1
	}
	if (b.Step-1)%r.BatchStride != 0 {
		return
	}
	r.Batches = append(r.Batches, b)
	if len(r.Batches) < MaxBatchPoints {
		return
	}
	r.BatchStride *= 2
	kept := r.Batches[:0]
	for _, p := range r.Batches {
		if (p.Step-1)%r.BatchStride == 0 {
			kept = append(kept, p)
		}
	}
	r.Batches = kept
}

// AddEpoch records the end of an epoch and the snapshot of the weights
// then (which may be the zero Snapshot: none kept).
func (r *Run) AddEpoch(e EpochPoint, snap Snapshot) error {
	if len(r.Epochs) >= MaxEpochs {
		return fmt.Errorf("the run has recorded %d epochs, the most one run keeps", MaxEpochs)
	}
	if n := len(r.Epochs); n > 0 && e.Epoch <= r.Epochs[n-1].Epoch {
		return fmt.Errorf("epoch %d recorded after epoch %d", e.Epoch, r.Epochs[n-1].Epoch)
	}
	r.Epochs = append(r.Epochs, e)
	if snap.Data != nil {
		r.Snapshots = append(r.Snapshots, snap)
	}
	return nil
}

// SnapshotAt returns the latest snapshot taken at or before epoch (0
// means the initial weights, when they were kept), for a timeline.
func (r *Run) SnapshotAt(epoch int) (Snapshot, bool) {
	var best Snapshot
	found := false
	for _, s := range r.Snapshots {
		if s.Epoch <= epoch && (!found || s.Epoch >= best.Epoch) {
			best, found = s, true
		}
	}
	return best, found
}

// SnapshotBytes is what the run's snapshots cost in storage.
func (r *Run) SnapshotBytes() int {
	n := 0
	for _, s := range r.Snapshots {
		n += len(s.Data)
	}
	return n
}

// Encode writes the run as JSON (snapshots' bytes in base64).
func (r *Run) Encode() ([]byte, error) {
	b, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("run %q cannot be stored: %w", r.Name, err)
	}
	return b, nil
}

// EncodeApart writes the run as Encode does but with every snapshot's
// bytes left out of the JSON (its "data" null) and returned beside it, in
// order: what changes as a run goes on (the curves) is small, what does
// not (the snapshots) is most of the run, so a store that keeps the bytes
// as they are need not encode them again at every save.
func (r *Run) EncodeApart() (meta []byte, snapshots [][]byte, err error) {
	bare := *r
	bare.Snapshots = make([]Snapshot, len(r.Snapshots))
	snapshots = make([][]byte, len(r.Snapshots))
	for i, s := range r.Snapshots {
		snapshots[i] = s.Data
		s.Data = nil
		bare.Snapshots[i] = s
	}
	meta, err = bare.Encode()
	return meta, snapshots, err
}

// DecodeApart reads what EncodeApart wrote: the run's JSON with its
// snapshots' bytes beside it, one per snapshot in order, each checked as
// Decode checks a run's.
func DecodeApart(meta []byte, snapshots [][]byte) (*Run, error) {
	size := len(meta)
	for _, s := range snapshots {
		size += len(s)
	}
	if size > MaxRunBytes {
		return nil, fmt.Errorf("the stored run takes %d bytes, more than the %d a run may", size, MaxRunBytes)
	}
	r, err := decodeJSON(meta)
	if err != nil {
		return nil, err
	}
	if len(r.Snapshots) != len(snapshots) {
		return nil, fmt.Errorf("the stored run %q lists %d snapshots but %d are stored", r.Name, len(r.Snapshots), len(snapshots))
	}
	for i := range r.Snapshots {
		if r.Snapshots[i].Data != nil {
			return nil, fmt.Errorf("the stored run %q holds snapshot %d both in its JSON and beside it", r.Name, i+1)
		}
		r.Snapshots[i].Data = snapshots[i]
	}
	if err := r.check(); err != nil {
		return nil, err
	}
	return r, nil
}

// Decode reads a run Encode wrote and checks it: the version, the spec
// (spec.Model.Validate), epochs in order and within MaxEpochs, at most
// MaxBatchPoints batch points, and snapshots with a known precision whose
// bytes start as a share payload. A snapshot's weights are decoded
// only when asked for (Snapshot.Payload).
func Decode(data []byte) (*Run, error) {
	if len(data) > MaxRunBytes {
		return nil, fmt.Errorf("the stored run takes %d bytes, more than the %d a run may", len(data), MaxRunBytes)
	}
	r, err := decodeJSON(data)
	if err != nil {
		return nil, err
	}
	if err := r.check(); err != nil {
		return nil, err
	}
	return r, nil
}

// decodeJSON reads a run's JSON, refusing unknown fields and trailing data.
func decodeJSON(data []byte) (*Run, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var r Run
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("the stored run is damaged: %v", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("the stored run is damaged: data after the run at byte %d", dec.InputOffset())
	}
	return &r, nil
}

// check is what Decode checks of a decoded run.
func (r *Run) check() error {
	switch {
	case r.Version > Version:
		return fmt.Errorf("the run was stored by a newer nnplay (version %d; this one reads up to %d)", r.Version, Version)
	case r.Version < 1:
		return fmt.Errorf("the stored run has no version (got %d)", r.Version)
	}
	if err := r.Spec.Validate(); err != nil {
		return fmt.Errorf("the stored run %q has a bad spec: %w", r.Name, err)
	}
	if len(r.Batches) > MaxBatchPoints {
		return fmt.Errorf("the stored run %q holds %d batch points, more than %d", r.Name, len(r.Batches), MaxBatchPoints)
	}
	if len(r.Epochs) > MaxEpochs || len(r.Snapshots) > MaxEpochs+1 {
		return fmt.Errorf("the stored run %q holds %d epochs and %d snapshots, more than %d", r.Name, len(r.Epochs), len(r.Snapshots), MaxEpochs)
	}
	if r.BatchStride < 0 || r.BatchStride > 1<<30 {
		return fmt.Errorf("the stored run %q has a batch stride of %d", r.Name, r.BatchStride)
	}
	for i, e := range r.Epochs {
		if e.Epoch < 1 || (i > 0 && e.Epoch <= r.Epochs[i-1].Epoch) {
			return fmt.Errorf("the stored run %q lists epoch %d out of order (entry %d)", r.Name, e.Epoch, i+1)
		}
	}
	for i, s := range r.Snapshots {
		if s.Epoch < 0 || s.Steps < 0 {
			return fmt.Errorf("the stored run %q has snapshot %d at epoch %d, step %d", r.Name, i+1, s.Epoch, s.Steps)
		}
		if _, err := share.ParsePrecision(s.Precision); err != nil {
			return fmt.Errorf("the stored run %q, snapshot %d: %w", r.Name, i+1, err)
		}
		if len(s.Data) < 5 || string(s.Data[:3]) != "nnp" {
			return fmt.Errorf("the stored run %q, snapshot %d is not a model's weights", r.Name, i+1)
		}
	}
	return nil
}
