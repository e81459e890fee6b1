package session

import (
	"testing"

	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/protocol"
)

func penguinsReady() protocol.DatasetReady {
	return protocol.DatasetReady{ID: 7, Dataset: spec.DatasetPenguins, Train: 233, Validation: 33, Test: 67, Data: spec.Data{
		Name: "penguins", Kind: spec.KindTable, Task: spec.TaskClassification, Shape: []int{5},
		Classes: []string{"Adelie", "Chinstrap", "Gentoo"}, Target: "Species",
		Columns: []spec.Column{{Name: "Beak Length (mm)", Kind: spec.ColumnNumeric}, {Name: "Island", Kind: spec.ColumnCategorical, Categories: []string{"Biscoe", "Dream", "Torgersen"}}, {Name: "Body Mass (g)", Kind: spec.ColumnNumeric}},
	}}
}

// builtSession is a session whose worker is ready, with MNIST loaded and
// the seed model built, and the requests it sends from then on.
func builtSession() (*Session, *[]protocol.Request) {
	var sent []protocol.Request
	s := New(func(r protocol.Request) { sent = append(sent, r) })
	s.Handle(protocol.Ready{})
	s.Handle(protocol.DataReady{Train: 60000, Test: 10000})
	s.Handle(protocol.Built{})
	sent = nil
	return s, &sent
}

func TestTheModelFollowsTheData(t *testing.T) {
	s, sent := builtSession()
	if !s.Handle(penguinsReady()) {
		t.Error("dataset_ready asks for no render")
	}
	if s.DataIsMNIST() || s.DataName() != "penguins" {
		t.Fatalf("active data: %q", s.DataName())
	}
	s.Handle(protocol.Built{})
	if got := s.StatusText(); got != "Data: penguins (233 training, 67 test examples). Ready to train." {
		t.Errorf("status: %q", got)
	}
	m, err := s.Model.Spec()
	if err != nil {
		t.Fatal(err)
	}
	if m.Dataset != spec.DatasetPenguins || m.Input[0] != 5 || m.Layers[len(m.Layers)-1].Units != 3 {
		t.Errorf("the model did not follow the data: %s, input %v, %d outputs", m.Dataset, m.Input, m.Layers[len(m.Layers)-1].Units)
	}
	var built bool
	for _, r := range *sent {
		if b, ok := r.(protocol.Build); ok && b.Spec.Dataset == spec.DatasetPenguins {
			built = true
		}
	}
	if !built {
		t.Errorf("no build of the penguins model was sent: %v", *sent)
	}
	s.Handle(protocol.Built{})
	s.UseMNIST()
	if m, _ := s.Model.Spec(); m.Dataset != spec.DatasetMNIST || m.Input[0] != 784 || !s.DataIsMNIST() {
		t.Errorf("back to MNIST: %s %v", m.Dataset, m.Input)
	}
}

func TestRegressionEvaluationIsKept(t *testing.T) {
	s := New(func(protocol.Request) {})
	s.Handle(protocol.RegressionEvaluation{ID: 0, R2: 0.85})
	if s.Regression == nil || s.Regression.R2 != 0.85 {
		t.Fatalf("regression evaluation: %+v", s.Regression)
	}
	s.ClearRun()
	if s.Regression != nil {
		t.Error("ClearRun keeps the regression evaluation")
	}
}

func TestAnOpenedModelKeepsItsData(t *testing.T) {
	var sent []protocol.Request
	s := New(func(r protocol.Request) { sent = append(sent, r) })
	s.Handle(protocol.Ready{})
	s.Handle(protocol.DataReady{Train: 60000, Test: 10000})
	ready := penguinsReady()
	m := spec.TableMLP(spec.DatasetPenguins, ready.Data)
	m.Epochs = 7
	sent = nil
	s.Loaded(m)
	s.Handle(protocol.ModelLoaded{Spec: m, Weights: true})
	var load *protocol.LoadDataset
	for _, r := range sent {
		if l, ok := r.(protocol.LoadDataset); ok {
			load = &l
		}
	}
	if load == nil || load.Source != protocol.SourceBuiltin || load.Name != spec.DatasetPenguins || load.Seed != 1 {
		t.Fatalf("an opened penguins model loads penguins: %v", sent)
	}
	s.Handle(protocol.Built{})
	sent = nil
	ready.ID = load.ID
	s.Handle(ready)
	if got, _ := s.Model.Spec(); got.Epochs != 7 || s.DataName() != "penguins" {
		t.Errorf("the opened model was replaced: %d epochs, data %s", got.Epochs, s.DataName())
	}
	for _, r := range sent {
		if _, ok := r.(protocol.Build); ok {
			t.Errorf("the opened model was built again (its weights lost)")
		}
	}
}
