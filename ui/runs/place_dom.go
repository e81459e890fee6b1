//go:build js && wasm

package runs

import (
	"fmt"
	"sort"
	sjs "syscall/js"
	"time"

	"github.com/vugu/vugu"
	"github.com/vugu/vugu/js"

	"github.com/nnplay/nnplay/engine/runs"
	"github.com/nnplay/nnplay/ui/chart"
	"github.com/nnplay/nnplay/ui/session"
	"github.com/nnplay/nnplay/ui/store"
)

// New makes the Runs place at the page's start (runs are recorded
// whether or not the place is ever shown) and reads the stored runs.
func New(s *session.Session) *Place {
	db := &idb{arrays: map[string][]snapshotArray{}}
	rec := NewRecorder(s, db, time.Now)
	p := newPlace(s, rec)
	store.ReadAll(store.Runs, func(records []sjs.Value) {
		var got []*runs.Run
		var bad int
		for _, v := range records {
			r, err := db.read(v)
			if err != nil {
				bad++
				continue
			}
			got = append(got, r)
		}
		s.Env.Lock()
		rec.Loaded(got)
		if bad > 0 {
			rec.Note = fmt.Sprintf("%d stored runs could not be read and were skipped.", bad)
		}
		s.Env.UnlockRender()
	})
	return p
}

// Shown and Hidden follow the place on and off screen.
func (p *Place) Shown()  { p.shown = true }
func (p *Place) Hidden() { p.shown = false }

// idb keeps runs in IndexedDB, one record a run: {run: its JSON without
// the snapshots' bytes, snapshots: [Uint8Array, …]} (runs.EncodeApart);
// a record an older page wrote is {run} with the bytes in the JSON. Each
// snapshot becomes a Uint8Array once, so a save encodes only the JSON,
// which grows with the curves, not with the snapshots.
type idb struct {
	arrays map[string][]snapshotArray // by run ID
}

// snapshotArray is a snapshot's bytes and the Uint8Array holding them.
type snapshotArray struct {
	data []byte
	v    sjs.Value
}

func (db *idb) Save(r *runs.Run) {
	meta, snaps, err := r.EncodeApart()
	if err != nil {
		return
	}
	had := db.arrays[r.ID]
	kept := make([]snapshotArray, len(snaps))
	arr := sjs.Global().Get("Array").New(len(snaps))
	for i, b := range snaps {
		if i < len(had) && sameBytes(had[i].data, b) {
			kept[i] = had[i]
		} else {
			kept[i] = snapshotArray{data: b, v: store.JSBytes(b)}
		}
		arr.SetIndex(i, kept[i].v)
	}
	db.arrays[r.ID] = kept
	store.Put(store.Runs, r.ID, map[string]any{"run": store.JSBytes(meta), "snapshots": arr})
}

func (db *idb) Delete(id string) {
	delete(db.arrays, id)
	store.Delete(store.Runs, id)
}

// read decodes a stored record, of this page or an older one.
func (db *idb) read(v sjs.Value) (*runs.Run, error) {
	meta := store.GoBytes(v.Get("run"))
	arrays := v.Get("snapshots")
	if arrays.Type() != sjs.TypeObject {
		return runs.Decode(meta)
	}
	kept := make([]snapshotArray, arrays.Length())
	snaps := make([][]byte, len(kept))
	for i := range kept {
		kept[i].v = arrays.Index(i)
		kept[i].data = store.GoBytes(kept[i].v)
		snaps[i] = kept[i].data
	}
	r, err := runs.DecodeApart(meta, snaps)
	if err != nil {
		return nil, err
	}
	db.arrays[r.ID] = kept
	return r, nil
}

// sameBytes says a and b are the same slice of the same array.
func sameBytes(a, b []byte) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// started is a run's start, as the reader's clock shows it.
func started(rfc string) string {
	t, err := time.Parse(time.RFC3339, rfc)
	if err != nil {
		return rfc
	}
	return t.Local().Format("Jan 2, 15:04")
}

// ListPanel lists the runs kept.
type ListPanel struct{ P *Place }

// rows are the runs, newest first.
func (c *ListPanel) rows() []*runs.Run {
	rs := c.P.Rec.Runs
	out := make([]*runs.Run, len(rs))
	for i, r := range rs {
		out[len(rs)-1-i] = r
	}
	return out
}

func (c *ListPanel) rowClass(id string) string {
	if r := c.P.Run(); r != nil && r.ID == id {
		return "run-row selected"
	}
	return "run-row"
}

func (c *ListPanel) setPrecision(ev vugu.DOMEvent) {
	c.P.Rec.SetPrecision(ev.PropString("target", "value"))
}

// RunPanel shows one run: spec, settings, curves and the timeline.
type RunPanel struct {
	P *Place

	acc, loss chart.Chart
	drawn     string
	n         int // bumps on every new drawing, the charts' version
}

func (c *RunPanel) title() string {
	if r := c.P.Run(); r != nil {
		return r.Name + " (" + r.Status + ")"
	}
	return "A run"
}

func (c *RunPanel) settings() string {
	r := c.P.Run()
	s := "Started " + started(r.Started) + "; " + CostText(r)
	for _, k := range sortedKeys(r.Settings) {
		s += "; " + k + ": " + r.Settings[k]
	}
	return s
}

func (c *RunPanel) viewEpoch() string {
	if c.P.Viewed == nil {
		return "live"
	}
	return fmt.Sprint(c.P.Viewed.Epoch)
}

func (c *RunPanel) move(ev vugu.DOMEvent) {
	var i int
	if _, err := fmt.Sscan(ev.PropString("target", "value"), &i); err == nil {
		c.P.View(i)
	}
}

func (c *RunPanel) mountChart(v js.Value) {
	c.acc.Title, c.acc.YFixed = "accuracy", true
	c.acc.Mount(sjs.Value(v), "the run's accuracy")
	c.drawn = ""
}

func (c *RunPanel) mountLoss(v js.Value) {
	c.loss.Title = "loss"
	c.loss.Mount(sjs.Value(v), "the run's loss")
	c.drawn = ""
}

func (c *RunPanel) drawChart() {
	r := c.P.Run()
	if r == nil {
		return
	}
	key := fmt.Sprintf("%s %d %d", r.ID, c.P.Rec.Version, len(r.Batches))
	if key == c.drawn {
		return
	}
	c.drawn = key
	loss, acc, valLoss, valAcc := Curves(r)
	c.n++
	v := c.n
	c.acc.Draw(v, max(r.Spec.Epochs, len(r.Epochs)), chart.Series{Name: "training", Color: "#4e79a7", Points: acc}, chart.Series{Name: "test", Color: "#e15759", Points: valAcc, Markers: true})
	c.loss.Draw(v, max(r.Spec.Epochs, len(r.Epochs)), chart.Series{Name: "training", Color: "#4e79a7", Points: loss}, chart.Series{Name: "test", Color: "#e15759", Points: valLoss, Markers: true})
}

// ComparePanel puts two runs side by side.
type ComparePanel struct {
	P *Place

	acc   chart.Chart
	drawn string
	n     int
}

func (c *ComparePanel) pick(ev vugu.DOMEvent, a bool) {
	id := ev.PropString("target", "value")
	if a {
		c.P.A = id
	} else {
		c.P.B = id
	}
}

func (c *ComparePanel) isA(id string) bool { a, _ := c.P.Compared(); return a != nil && a.ID == id }
func (c *ComparePanel) isB(id string) bool { _, b := c.P.Compared(); return b != nil && b.ID == id }

func (c *ComparePanel) nameA() string {
	if a, _ := c.P.Compared(); a != nil {
		return "A: " + a.Name
	}
	return "A"
}

func (c *ComparePanel) nameB() string {
	if _, b := c.P.Compared(); b != nil {
		return "B: " + b.Name
	}
	return "B"
}

func (c *ComparePanel) diffs() []runs.Difference { return Differences(c.P.Compared()) }

func (c *ComparePanel) classes() []ClassRow { return PerClass(c.P.Compared()) }

func (c *ComparePanel) better(yes bool) string {
	if yes {
		return "better"
	}
	return ""
}

func (c *ComparePanel) mountChart(v js.Value) {
	c.acc.Title, c.acc.YFixed = "accuracy", true
	c.acc.Mount(sjs.Value(v), "the two runs' accuracy")
	c.drawn = ""
}

func (c *ComparePanel) drawChart() {
	a, b := c.P.Compared()
	if a == nil || b == nil {
		return
	}
	key := fmt.Sprintf("%s %s %d", a.ID, b.ID, c.P.Rec.Version)
	if key == c.drawn {
		return
	}
	c.drawn = key
	_, accA, _, valA := Curves(a)
	_, accB, _, valB := Curves(b)
	epochs := max(a.Spec.Epochs, b.Spec.Epochs, len(a.Epochs), len(b.Epochs))
	c.n++
	c.acc.Draw(c.n, epochs,
		chart.Series{Name: "A training", Color: "#9ecae9", Points: accA},
		chart.Series{Name: "A test", Color: "#4e79a7", Points: valA, Markers: true},
		chart.Series{Name: "B training", Color: "#ffbf79", Points: accB},
		chart.Series{Name: "B test", Color: "#f28e2b", Points: valB, Markers: true})
}

// sortedKeys are m's keys in order.
func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
