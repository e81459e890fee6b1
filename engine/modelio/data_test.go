package modelio

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/data"
	"github.com/nnplay/nnplay/engine/data/split"
	"github.com/nnplay/nnplay/engine/data/table"
	"github.com/nnplay/nnplay/engine/nn"
	"github.com/nnplay/nnplay/engine/share"
	"github.com/nnplay/nnplay/engine/spec"
)

// TestPenguinsLinkPredictsRawRows: a model trained on penguins, shared as
// a link and opened from it alone, predicts exactly what the trained
// model predicts for the same raw rows: the link carries the columns,
// categories, fill values and scaling constants (spec.Data), and no
// training data.
func TestPenguinsLinkPredictsRawRows(t *testing.T) {
	dir, _ := os.Getwd()
	b, err := os.ReadFile(filepath.Join(dir, "..", "..", "static", "data", "tables", "penguins.json"))
	if err != nil {
		t.Fatalf("%v (run `make data` first)", err)
	}
	parts, err := data.BuiltinTable(spec.DatasetPenguins, b, 1, split.Default)
	if err != nil {
		t.Fatal(err)
	}
	s := spec.TableMLP(spec.DatasetPenguins, parts.Data)
	s.Epochs = 10
	m, err := nn.Build(s)
	if err != nil {
		t.Fatal(err)
	}
	x, y := parts.Train.Tensors()
	if _, err := m.Fit(x, y, nn.FitConfigFor(s)); err != nil {
		t.Fatal(err)
	}
	link, err := share.Encode(ToPayload(m, s.Epochs, 0), share.Options{Precision: share.Float32})
	if err != nil {
		t.Fatal(err)
	}
	p, err := share.Decode(link)
	if err != nil {
		t.Fatal(err)
	}
	opened, err := FromPayload(p)
	if err != nil {
		t.Fatal(err)
	}
	d := p.Spec.Data
	if d == nil || !slices.Equal(d.Classes, []string{"Adelie", "Chinstrap", "Gentoo"}) {
		t.Fatalf("the link's data description: %+v", d)
	}
	t.Logf("penguins link: %d characters, %d features from %d columns", len(link), d.Features(), len(d.Columns))
	// Raw rows as a user types them, missing values included.
	rows := [][]string{
		{"Torgersen", "39.1", "18.7", "181", "3750", "MALE"},
		{"Dream", "49.5", "19", "200", "3800", "MALE"},
		{"Biscoe", "", "", "", "", ""},
		{"Biscoe", "46.1", "13.2", "211", "4500", "FEMALE"},
	}
	names := []string{"Island", "Beak Length (mm)", "Beak Depth (mm)", "Flipper Length (mm)", "Body Mass (g)", "Sex"}
	for i, col := range d.Columns {
		if col.Name != names[i] {
			t.Fatalf("column %d is %q, want %q", i, col.Name, names[i])
		}
	}
	want := []string{"Adelie", "Chinstrap", "", "Gentoo"}
	for r, row := range rows {
		trained, err := table.EncodeRow(m.Spec().Data.Clone().Value(), row)
		if err != nil {
			t.Fatal(err)
		}
		fromLink, err := table.EncodeRow(*d, row)
		if err != nil {
			t.Fatal(err)
		}
		a := m.Predict(tensor.New(tensor.WithShape(1, len(trained)), tensor.WithBacking(trained))).Float32s()
		o := opened.Predict(tensor.New(tensor.WithShape(1, len(fromLink)), tensor.WithBacking(fromLink))).Float32s()
		if !slices.Equal(a, o) {
			t.Errorf("row %d: the trained model says %v, the link's %v", r, a, o)
		}
		class := d.Classes[argmax(o)]
		t.Logf("row %q → %s %v", row, class, o)
		if want[r] != "" && class != want[r] {
			t.Errorf("row %d predicted %s, want %s", r, class, want[r])
		}
	}
}

func argmax(v []float32) int {
	best := 0
	for i := range v {
		if v[i] > v[best] {
			best = i
		}
	}
	return best
}
