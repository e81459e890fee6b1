package measure

import (
	"strings"
	"testing"

	"github.com/nnplay/nnplay/engine/challenge"
	"github.com/nnplay/nnplay/engine/data"
	"github.com/nnplay/nnplay/engine/modelio"
	"github.com/nnplay/nnplay/engine/nn"
	"github.com/nnplay/nnplay/engine/share"
	"github.com/nnplay/nnplay/engine/spec"
)

// TestLeaderboardOfThreeStudents: three MNIST models trained here — one
// within the rules, one with too many parameters, one whose link claims
// 99 % — come out ranked by the accuracy re-measured on the 10,000 test
// images (equal to each trained model's own Evaluate), the broken rule
// named, the claim ignored.
func TestLeaderboardOfThreeStudents(t *testing.T) {
	train, test, err := data.LoadMNIST("../../../static/data/mnist")
	if err != nil {
		t.Fatalf("MNIST (run `make data` once): %v", err)
	}
	c := challenge.Challenge{
		Title: "Digits, small",
		Task:  challenge.Task{Dataset: spec.DatasetMNIST, Seed: 1},
		Rules: challenge.Rules{MaxParams: 50000, MaxEpochs: 3, Layers: []string{spec.TypeDense}},
	}
	student := func(hidden []int, examples int) (string, float64) {
		s := spec.Seed()
		s.Layers = nil
		for _, u := range hidden {
			s.Layers = append(s.Layers, spec.Dense(u, spec.ActReLU))
		}
		s.Layers = append(s.Layers, spec.Dense(10, spec.ActSoftmax))
		m, err := nn.Build(s)
		if err != nil {
			t.Fatal(err)
		}
		x, y := train.Slice(0, examples).Tensors()
		if _, err := m.Fit(x, y, nn.FitConfig{Epochs: 1, BatchSize: 64, Shuffle: true, Seed: 1}); err != nil {
			t.Fatal(err)
		}
		tx, ty := test.Tensors()
		ev, err := m.Evaluate(tx, ty)
		if err != nil {
			t.Fatal(err)
		}
		v, err := share.Encode(modelio.ToPayload(m, 1, examples/64), share.Options{Precision: share.Float32})
		if err != nil {
			t.Fatal(err)
		}
		return "https://nnplay.example/" + share.Hash(v), ev.Accuracy
	}
	within, accWithin := student([]int{32}, 12000)  // 25,450 params
	big, accBig := student([]int{128, 64}, 12000)   // 109,386 params
	claimer, accClaimer := student([]int{16}, 1000) // 12,730 params
	if !(accWithin > accClaimer) || !(accBig > accClaimer) {
		t.Fatalf("setup: accuracies %.4f (within), %.4f (big), %.4f (claimer); the claimer must be the weakest", accWithin, accBig, accClaimer)
	}
	text := "Within: " + within + "\nBig: " + big + "\nClaimer: " + claimer + "&acc=0.99\n"
	b := challenge.Leaderboard(c, challenge.ParseSubmissions(text), OnSet(test))
	if len(b.Entries) != 3 {
		t.Fatalf("%d entries", len(b.Entries))
	}
	for _, e := range b.Entries {
		t.Logf("rank %d %-8s measured %.4f, %d params, claimed %v, broken %q, note %q", e.Rank, e.Name, e.Accuracy, e.Params, e.Claimed, e.Broken, e.ClaimNote)
	}
	first, second, last := b.Entries[0], b.Entries[1], b.Entries[2]
	if first.Name != "Within" || first.Rank != 1 || first.Accuracy != accWithin || len(first.Broken) != 0 {
		t.Errorf("first: %+v, want Within ranked 1 at %.4f", first, accWithin)
	}
	if second.Name != "Claimer" || second.Rank != 2 || second.Accuracy != accClaimer || second.Claimed != 0.99 || !strings.Contains(second.ClaimNote, "claims 99.00 %") {
		t.Errorf("second: %+v, want Claimer ranked 2 at its measured %.4f, claim noted", second, accClaimer)
	}
	if last.Name != "Big" || last.Rank != 0 || last.Accuracy != accBig || len(last.Broken) != 1 ||
		last.Broken[0] != "max parameters: the model has 109,386, the limit is 50,000" {
		t.Errorf("last: %+v, want Big unranked at %.4f with the parameter rule named", last, accBig)
	}
}
