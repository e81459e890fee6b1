package challenge

import (
	"encoding/csv"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/nnplay/nnplay/engine/share"
	"github.com/nnplay/nnplay/engine/spec"
)

// mlp is an MNIST MLP with one hidden Dense layer of the given units.
func mlp(units int) spec.Model {
	s := spec.Seed()
	s.Layers = []spec.Layer{spec.Dense(units, spec.ActReLU), spec.Dense(10, spec.ActSoftmax)}
	return s
}

// link is a model link for s with zero weights (or none), epochs trained.
func link(t *testing.T, s spec.Model, epochs int, weights bool) string {
	t.Helper()
	p := share.Payload{Spec: s, Epochs: epochs, Steps: epochs * 938}
	if weights {
		ws, err := share.ExpectedWeights(s)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range ws {
			n := 1
			for _, d := range w.Shape {
				n *= d
			}
			p.Weights = append(p.Weights, share.Tensor{Name: w.Name, Shape: w.Shape, Values: make([]float32, n)})
		}
	}
	v, err := share.Encode(p, share.Options{Precision: share.Int8})
	if err != nil {
		t.Fatal(err)
	}
	return "https://nnplay.example/" + share.Hash(v)
}

// TestLeaderboardRules: entries are ranked by the accuracy evaluate
// measures, never the claim; each broken rule is named with its numbers;
// entries that cannot be read or measured say why and come last.
func TestLeaderboardRules(t *testing.T) {
	c := sample() // ≤ 50,000 params, ≤ 3 epochs, Dense and Dropout
	measured := map[int]float64{16: 0.93, 32: 0.95, 64: 0.96, 128: 0.97, 8: 0.93}
	evaluate := func(p share.Payload) (float64, error) {
		u := p.Spec.Layers[0].Units
		if u == 8 {
			return 0, fmt.Errorf("the input does not fit")
		}
		return measured[u], nil
	}
	conv := spec.Seed()
	conv.Input = []int{28, 28, 1}
	conv.Layers = []spec.Layer{spec.Conv2D(4, 3, spec.ActReLU), {Type: spec.TypeFlatten}, spec.Dense(10, spec.ActSoftmax)}
	toy := mlp(16)
	toy.Dataset, toy.Input = spec.DatasetSpiral, []int{2}
	text := strings.Join([]string{
		"Ann " + link(t, mlp(32), 3, true),                // fine: 25,450 params
		"Ben " + link(t, mlp(64), 2, true),                // 50,890 params: too many
		"Cat " + link(t, mlp(16), 3, true) + "&acc=0.999", // fine, claims far more
		"Dan " + link(t, mlp(128), 5, true),               // too many params and epochs
		"Eve " + link(t, conv, 1, true),                   // Conv2D and Flatten not allowed
		"Fay " + link(t, mlp(32), 1, false),               // a recipe
		"Gus https://nnplay.example/#m=bm5wAQFaZZZ",       // damaged
		"Hal " + link(t, mlp(8), 1, true),                 // evaluate fails
		"Ivy " + link(t, toy, 1, true),                    // another data set
		"Jo " + link(t, mlp(16), 1, true) + " 93%",        // ties with Cat
	}, "\n")
	b := Leaderboard(c, ParseSubmissions(text), evaluate)
	type row struct {
		rank int
		name string
		acc  float64
		bad  string
	}
	want := []row{
		{1, "Ann", 0.95, ""},
		{2, "Cat", 0.93, ""},
		{2, "Jo", 0.93, ""},
		{0, "Dan", 0.97, "max parameters: the model has 101,770, the limit is 50,000|max epochs: trained 5 epochs, the limit is 3"},
		{0, "Ben", 0.96, "max parameters: the model has 50,890, the limit is 50,000"},
		{0, "Ivy", 0.93, `data set: trained on "spiral", the challenge is on "mnist"`},
		{0, "Eve", 0, "layer types: layer 1 is Conv2D, not one of Dense, Dropout|layer types: layer 2 is Flatten, not one of Dense, Dropout"},
	}
	if len(b.Entries) != 10 {
		t.Fatalf("%d entries, want 10", len(b.Entries))
	}
	for i, w := range want {
		e := b.Entries[i]
		if e.Rank != w.rank || e.Name != w.name || e.Accuracy != w.acc || strings.Join(e.Broken, "|") != w.bad || e.Error != "" {
			t.Errorf("place %d: got rank %d %s %.2f broken %q error %q; want rank %d %s %.2f broken %q", i+1, e.Rank, e.Name, e.Accuracy, e.Broken, e.Error, w.rank, w.name, w.acc, w.bad)
		}
	}
	for i, w := range []struct{ name, err string }{{"Fay", "recipe"}, {"Gus", "cannot be read"}, {"Hal", "could not be measured: the input does not fit"}} {
		e := b.Entries[7+i]
		if e.Name != w.name || !strings.Contains(e.Error, w.err) || e.Rank != 0 || !math.IsNaN(e.Accuracy) {
			t.Errorf("place %d: got %s error %q accuracy %v; want %s with an error saying %q", 8+i, e.Name, e.Error, e.Accuracy, w.name, w.err)
		}
	}
	if cat := b.Entries[1]; cat.Claimed != 0.999 || cat.ClaimNote != "claims 99.90 % but measures 93.00 %" {
		t.Errorf("Cat's claim: %v, note %q", cat.Claimed, cat.ClaimNote)
	}
	if jo := b.Entries[2]; jo.Claimed != 0.93 || jo.ClaimNote != "" {
		t.Errorf("Jo's claim matches the measure: %v, note %q", jo.Claimed, jo.ClaimNote)
	}

	// The CSV has every entry in board order, with the reasons.
	rows, err := csv.NewReader(strings.NewReader(string(b.CSV()))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 11 || strings.Join(rows[0], ",") != "rank,name,accuracy,parameters,epochs,claimed,status,note" {
		t.Fatalf("CSV header %v and %d rows", rows[0], len(rows))
	}
	if got := strings.Join(rows[2], ","); got != "2,Cat,0.9300,12730,3,0.9990,ok,claims 99.90 % but measures 93.00 %" {
		t.Errorf("Cat's CSV row: %s", got)
	}
	if got := rows[5]; got[0] != "" || got[2] != "0.9600" || got[6] != "broken: max parameters: the model has 50,890, the limit is 50,000" {
		t.Errorf("Ben's CSV row: %q", got)
	}
	if got := rows[9]; got[2] != "" || !strings.HasPrefix(got[6], "error: the model link cannot be read") {
		t.Errorf("Gus's CSV row: %q", got)
	}
}

// TestCSVDefusesFormulas: a name that a spreadsheet would run as a
// formula is written as text.
func TestCSVDefusesFormulas(t *testing.T) {
	b := &Board{Entries: []Entry{{Name: "=HYPERLINK(\"x\")", Accuracy: math.NaN(), Claimed: math.NaN(), Error: "x"}}}
	if !strings.Contains(string(b.CSV()), `'=HYPERLINK`) {
		t.Errorf("CSV: %s", b.CSV())
	}
}
