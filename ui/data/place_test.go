package data

import (
	"strings"
	"testing"

	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/ui/session"
	"github.com/nnplay/nnplay/wasm/protocol"
)

func TestSummaryFollowsTheWorker(t *testing.T) {
	s := session.New(func(protocol.Request) {})
	p := New(s)
	if got := p.Summary(); !strings.Contains(got, "loading") {
		t.Errorf("before the data is in: %q", got)
	}
	s.Handle(protocol.Ready{})
	s.Handle(protocol.DataReady{Train: 60000, Test: 10000})
	if got := p.Summary(); !strings.Contains(got, "60,000 training and 10,000 test images") {
		t.Errorf("after data_ready: %q", got)
	}
}

// mnistPlace is the Data place of a session whose worker is ready with
// MNIST loaded, and the requests sent from then on.
func mnistPlace() (*Place, *session.Session, *[]protocol.Request) {
	var sent []protocol.Request
	s := session.New(func(r protocol.Request) { sent = append(sent, r) })
	p := New(s)
	s.Handle(protocol.Ready{})
	s.Handle(protocol.DataReady{Train: 60000, Test: 10000})
	sent = nil
	return p, s, &sent
}

func TestPlaceLoadsAndDescribesADataSet(t *testing.T) {
	p, s, sent := mnistPlace()
	p.Form.Set("seed", "5")
	p.Builtin(spec.DatasetPenguins)
	if len(*sent) != 1 || p.Loading != "penguins" || p.LoadBlocked() == "" {
		t.Fatalf("sent %v, loading %q", sent, p.Loading)
	}
	req := (*sent)[0].(protocol.LoadDataset)
	if req.Source != protocol.SourceBuiltin || req.Name != "penguins" || req.Seed != 5 || req.Scaling != spec.ScalingStandard || req.Test != 0.2 {
		t.Errorf("request: %+v", req)
	}
	// A refusal is shown; nothing else changes.
	s.Handle(protocol.Error{Message: "load data: penguins.json not found", Request: req.Type(), ID: req.ID})
	if p.Err != "load data: penguins.json not found" || p.Loading != "" || !s.DataIsMNIST() {
		t.Errorf("after an error: err %q, loading %q, data %s", p.Err, p.Loading, s.DataName())
	}
	p.Builtin(spec.DatasetPenguins)
	req = (*sent)[len(*sent)-1].(protocol.LoadDataset)
	s.Handle(protocol.DatasetReady{ID: req.ID, Dataset: spec.DatasetPenguins, Train: 233, Validation: 33, Test: 67,
		Data: spec.Data{Name: "penguins", Kind: spec.KindTable, Task: spec.TaskClassification, Shape: []int{4}, Target: "Species",
			Classes: []string{"Adelie", "Chinstrap", "Gentoo"}, Scaling: spec.ScalingStandard, Offset: []float64{0, 0, 0, 0}, Scale: []float64{1, 1, 1, 1},
			Columns: []spec.Column{{Name: "Island", Kind: spec.ColumnCategorical, Categories: []string{"Biscoe", "Dream", "Torgersen"}}, {Name: "Beak", Kind: spec.ColumnNumeric}}},
		ClassCounts: []int{152, 68, 124},
		Columns: []protocol.ColumnSummary{
			{Name: "Species", Type: "categorical", Distinct: 3, Top: []protocol.ValueCount{{Value: "Adelie", N: 152}}},
			{Name: "Island", Type: "categorical", Distinct: 3, Top: []protocol.ValueCount{{Value: "Biscoe", N: 168}}},
			{Name: "Beak", Type: "numeric", Missing: 2, Min: 32.1, Max: 59.6, Mean: 43.92193, Distinct: 164},
			{Name: "Note", Type: "categorical", Distinct: 1},
		},
		Report: &protocol.TableReport{Rows: 344, Kept: 333, DroppedMissing: 11, Filled: map[string]int{"Sex": 2}},
	})
	if p.Loading != "" || p.Err != "" || p.Last() == nil {
		t.Errorf("after dataset_ready: loading %q, err %q", p.Loading, p.Err)
	}
	if got := p.Summary(); got != "penguins: 233 training, 33 validation and 67 test examples; table rows of 2 input columns (4 features), in 3 classes (Adelie, Chinstrap, Gentoo)." {
		t.Errorf("summary: %q", got)
	}
	bars := p.Balance()
	if len(bars) != 3 || bars[0].Count != 152 || bars[0].Max != 152 || bars[1].Share != "19.8%" {
		t.Errorf("balance: %+v", bars)
	}
	cols := p.Columns()
	if len(cols) != 4 || cols[0].Use != "target" || cols[1].Use != "categorical (3 one-hot)" || cols[2].Range != "32.1 – 59.6" || cols[2].Mean != "43.922" || cols[3].Use != "ignored" {
		t.Errorf("columns: %+v", cols)
	}
	if got := p.ReportText(); got != "344 rows read, 333 kept; 11 dropped for missing inputs; missing values filled: Sex 2." {
		t.Errorf("report: %q", got)
	}
	if !strings.Contains(p.ScalingText(), "standardized") || !strings.Contains(ScalingWhy, "training split only") {
		t.Errorf("scaling: %q", p.ScalingText())
	}
	// Choosing MNIST again gives the digit models back.
	p.Builtin(spec.DatasetMNIST)
	if !s.DataIsMNIST() || p.Last() != nil {
		t.Errorf("MNIST again: %s", s.DataName())
	}
}

func TestSkippedFilesAreCounted(t *testing.T) {
	s := session.New(func(protocol.Request) {})
	p := New(s)
	s.Handle(protocol.DatasetReady{Dataset: spec.DatasetCustom, Train: 10, Test: 2, Data: spec.Data{Name: "pets", Kind: spec.KindImage, Task: spec.TaskClassification, Shape: []int{8, 8, 3}, Classes: []string{"cat", "dog"}},
		SkippedCount: 1, Skipped: []string{"pets/readme.txt"}, UndecodableCount: 12, Undecodable: []string{"pets/cat/1.png", "pets/dog/2.png"}})
	if got := p.SkippedText(); got != "1 file that is not an image was left out (pets/readme.txt); 12 images that could not be decoded were left out (pets/cat/1.png, pets/dog/2.png, …)." {
		t.Errorf("skipped: %q", got)
	}
}

func TestDrawingsBecomeADataSet(t *testing.T) {
	var sent []protocol.Request
	s := session.New(func(r protocol.Request) { sent = append(sent, r) })
	p := New(s)
	s.Handle(protocol.Ready{})
	sent = nil
	p.UseDrawings()
	if len(sent) != 0 {
		t.Errorf("without a pad: sent %v", sent)
	}
	f := protocol.Frame{Class: "3", Width: 28, Height: 28, RGBA: make([]byte, 4*28*28)}
	s.Drawings = func() []protocol.Frame { return nil }
	p.UseDrawings()
	if !strings.Contains(p.Err, "no drawings yet") {
		t.Errorf("no drawings: %q", p.Err)
	}
	s.Drawings = func() []protocol.Frame { return []protocol.Frame{f, f} }
	p.UseDrawings()
	r, ok := sent[len(sent)-1].(protocol.LoadDataset)
	if !ok || r.Source != protocol.SourceFrames || len(r.Frames) != 2 || r.Side != 28 || r.Channels != 1 || p.DrawingsCount() != 2 {
		t.Errorf("drawings request: %+v", r)
	}
}
