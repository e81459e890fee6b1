// Package runs is the Runs place: every training run recorded — its spec,
// settings, curves and a weight snapshot per epoch (quantized as share
// links are, its cost shown) — kept in IndexedDB (capped, the oldest
// dropped with a message); a timeline that moves the worker's model, and
// so every view, to any snapshot; and two runs side by side.
//
// The recorder (this file) turns the worker's training events into
// engine/runs records; it is plain Go, tested natively.
package runs

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/nnplay/nnplay/engine/runs"
	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/engine/units"
	"github.com/nnplay/nnplay/ui/session"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// Precisions are the snapshot precisions offered, most exact first.
var Precisions = []string{"float32", "float16", "int8", "int4"}

// DefaultPrecision keeps snapshots at 8 bits a weight: a quarter of
// float32's cost, close enough for every view to look the same.
const DefaultPrecision = "int8"

// Store is where runs are kept between visits (IndexedDB in the page).
type Store interface {
	Save(r *runs.Run)
	Delete(id string)
}

// Recorder records the session's training runs.
type Recorder struct {
	S         *session.Session
	Precision string
	Limits    runs.Limits
	// Runs are the runs kept, oldest first; Current is the one being
	// recorded (also in Runs), nil between runs.
	Runs    []*runs.Run
	Current *runs.Run
	// Note is the cap's last message (runs dropped).
	Note    string
	Version int

	store   Store
	now     func() time.Time
	initial *runs.Snapshot // the fresh weights of the last build
	last    *runs.Run      // the run that ended last, for Train more
	epochAt time.Time      // when the current epoch started
	unsaved map[*runs.Run]bool
}

// NewRecorder records s's runs into st, asking the worker for a snapshot
// after every build (the fresh weights) and every epoch.
func NewRecorder(s *session.Session, st Store, now func() time.Time) *Recorder {
	r := &Recorder{S: s, Precision: DefaultPrecision, Limits: runs.DefaultLimits, store: st, now: now}
	r.setAfterBuild()
	s.Subscribe(r.Handle)
	return r
}

// setAfterBuild puts record_run at the session's precision after every
// build, replacing an earlier one.
func (r *Recorder) setAfterBuild() {
	kept := r.S.AfterBuild[:0]
	for _, q := range r.S.AfterBuild {
		if _, ok := q.(protocol.RecordRun); !ok {
			kept = append(kept, q)
		}
	}
	r.S.AfterBuild = append(kept, protocol.RecordRun{Precision: r.Precision})
}

// SetPrecision changes the snapshots' precision from the next one on.
func (r *Recorder) SetPrecision(p string) {
	for _, q := range Precisions {
		if q == p {
			r.Precision = p
			r.setAfterBuild()
			if r.S.ModelReady() && !r.S.Running() {
				r.S.Send(protocol.RecordRun{Precision: p}) // a fresh-weights snapshot at the new precision
			}
			r.Version++
			return
		}
	}
}

// Loaded adds the runs read from storage (any order), oldest first,
// before those recorded since the page opened.
func (r *Recorder) Loaded(stored []*runs.Run) {
	have := map[string]bool{}
	for _, x := range r.Runs {
		have[x.ID] = true
	}
	var add []*runs.Run
	for _, x := range stored {
		if !have[x.ID] {
			if x.Status == "running" {
				x.Status = "stopped" // the page closed during the run
			}
			add = append(add, x)
		}
	}
	sortByStart(add)
	r.Runs = append(add, r.Runs...)
	r.Version++
}

func sortByStart(rs []*runs.Run) {
	for i := 1; i < len(rs); i++ {
		for j := i; j > 0 && rs[j].Started < rs[j-1].Started; j-- {
			rs[j], rs[j-1] = rs[j-1], rs[j]
		}
	}
}

// Find is the run with the ID, nil if none.
func (r *Recorder) Find(id string) *runs.Run {
	for _, x := range r.Runs {
		if x.ID == id {
			return x
		}
	}
	return nil
}

// Delete forgets a run (not the one being recorded).
func (r *Recorder) Delete(id string) {
	for i, x := range r.Runs {
		if x.ID == id && x != r.Current {
			r.Runs = append(r.Runs[:i:i], r.Runs[i+1:]...)
			r.store.Delete(id)
			r.Version++
			return
		}
	}
}

// Handle follows the worker's events (a session subscriber).
func (r *Recorder) Handle(ev protocol.Event) bool {
	switch e := ev.(type) {
	case protocol.Built:
		r.end("stopped")
		r.initial, r.last = nil, nil
	case protocol.RunSnapshot:
		snap := runs.Snapshot{Epoch: e.Epoch, Steps: e.Steps, Precision: e.Precision, Data: e.Data}
		if r.Current == nil {
			r.initial = &snap
			return false
		}
		r.addSnapshot(snap)
		r.save()
	case protocol.Progress:
		if e.GlobalBatch <= 0 || e.State != protocol.StateRunning && e.State != protocol.StatePaused {
			return false // not training (the progress that follows done or stopped)
		}
		if r.Current == nil || r.Current.Status != "running" {
			r.begin(e)
		}
		c := r.Current
		lr := runs.Num(e.LearningRate)
		if lr == 0 {
			if m, err := r.builtSpec(); err == nil {
				lr = runs.Num(m.Optimizer.LearningRate)
			}
		}
		if n := len(c.Batches); n == 0 || c.Batches[n-1].Step < e.GlobalBatch {
			c.AddBatch(runs.BatchPoint{Step: e.GlobalBatch, Epoch: e.Epoch, Loss: runs.Num(e.Loss), Accuracy: runs.Num(e.Accuracy), LearningRate: lr})
		}
		if math.IsNaN(e.Loss) || math.IsInf(e.Loss, 0) {
			c.Status = "diverged"
		}
		r.Version++
	case protocol.EpochEnd:
		c := r.Current
		if c == nil {
			return false
		}
		now := r.now()
		ep := runs.EpochPoint{Epoch: e.Epoch, Steps: r.S.Progress.GlobalBatch, Loss: runs.Num(e.Loss), Accuracy: runs.Num(e.Accuracy),
			Validated: true, ValLoss: runs.Num(e.ValLoss), ValAccuracy: runs.Num(e.ValAccuracy), Seconds: runs.Num(now.Sub(r.epochAt).Seconds())}
		r.epochAt = now
		if n := len(c.Epochs); n > 0 && e.Epoch <= c.Epochs[n-1].Epoch {
			ep.Epoch = c.Epochs[n-1].Epoch + 1 // Train more counts its epochs from 1 again
		}
		if err := c.AddEpoch(ep, runs.Snapshot{}); err != nil {
			r.Note = err.Error()
		}
		r.Version++
	case protocol.Evaluation:
		c := r.Current
		if e.ID != 0 || c == nil || len(c.Epochs) == 0 {
			return false
		}
		last := &c.Epochs[len(c.Epochs)-1]
		last.PerClass = perClass(e.Confusion)
		r.save()
	case protocol.State:
		switch e.State {
		case protocol.StateDone:
			r.end("finished")
		case protocol.StateStopped:
			r.end("stopped")
		case protocol.StateIdle:
			if r.S.Progress.GlobalBatch == 0 {
				r.end("stopped") // a reset
			}
		}
	}
	return false
}

// perClass is each class's accuracy (recall) from a confusion matrix.
func perClass(confusion [][]int) []runs.Num {
	out := make([]runs.Num, len(confusion))
	for t, row := range confusion {
		n := 0
		for _, v := range row {
			n += v
		}
		if n == 0 || t >= len(row) {
			out[t] = runs.Num(math.NaN())
			continue
		}
		out[t] = runs.Num(float64(row[t]) / float64(n))
	}
	return out
}

// begin starts a run at its first progress message, or continues the
// last one (Train more: the same model, later steps).
func (r *Recorder) begin(e protocol.Progress) {
	r.epochAt = r.now()
	m, err := r.builtSpec()
	if err != nil {
		m, _ = r.S.Model.Spec()
	}
	if c := r.last; c != nil && r.Current == nil && len(c.Batches) > 0 && c.Batches[len(c.Batches)-1].Step < e.GlobalBatch && sameJSON(c.Spec, m) && r.Find(c.ID) != nil {
		c.Status = "running"
		r.Current, r.last = c, nil
		return
	}
	r.end("stopped")
	now := r.now()
	c := runs.New(strconv.FormatInt(now.UnixNano(), 36), r.nextName(), now.UTC().Format(time.RFC3339), m, r.settings())
	if r.initial != nil && r.initial.Steps < e.GlobalBatch {
		c.Snapshots = append(c.Snapshots, *r.initial)
	}
	r.initial = nil
	r.Current = c
	r.Runs = append(r.Runs, c)
	r.save()
}

// end closes the current run with a status ("diverged" stays).
func (r *Recorder) end(status string) {
	c := r.Current
	if c == nil {
		return
	}
	if c.Status == "running" {
		c.Status = status
	}
	r.save()
	r.Current, r.last = nil, c
	r.Version++
}

// addSnapshot keeps a snapshot, replacing one of the same epoch.
func (r *Recorder) addSnapshot(s runs.Snapshot) {
	c := r.Current
	for i := range c.Snapshots {
		if c.Snapshots[i].Epoch == s.Epoch {
			c.Snapshots[i] = s
			return
		}
	}
	c.Snapshots = append(c.Snapshots, s)
	r.Version++
}

// save stores the current run, in a task of its own (session.Later: the
// encoding takes a while, and several saves in a row make one), and
// applies the cap.
func (r *Recorder) save() {
	if c := r.Current; c != nil && !r.unsaved[c] {
		if r.unsaved == nil {
			r.unsaved = map[*runs.Run]bool{}
		}
		r.unsaved[c] = true
		r.S.Later(func() {
			delete(r.unsaved, c)
			if r.Find(c.ID) == c { // not dropped by the cap meanwhile
				r.store.Save(c)
			}
		})
	}
	kept, dropped, msg := runs.Cap(r.Runs, r.Limits)
	if len(dropped) == 0 {
		return
	}
	for _, d := range dropped {
		r.store.Delete(d.ID)
	}
	r.Runs = kept
	r.Note = msg
	r.Version++
}

func (r *Recorder) builtSpec() (spec.Model, error) {
	var m spec.Model
	b := r.S.BuiltSpec()
	if b == "" {
		return m, fmt.Errorf("no model built")
	}
	return m, json.Unmarshal([]byte(b), &m)
}

func sameJSON(a, b spec.Model) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// nextName is "Run N", one more than the highest N kept.
func (r *Recorder) nextName() string {
	n := 0
	for _, x := range r.Runs {
		if k, err := strconv.Atoi(strings.TrimPrefix(x.Name, "Run ")); err == nil && k > n {
			n = k
		}
	}
	return fmt.Sprintf("Run %d", n+1)
}

// settings are the run's choices outside the spec.
func (r *Recorder) settings() map[string]string {
	s := map[string]string{"snapshots": r.Precision}
	if b := r.S.Backend.InUse.Name; b != "" {
		s["backend"] = b
	}
	if r.S.DataTrain > 0 {
		s["training examples"] = units.Thousands(r.S.DataTrain)
	}
	return s
}
