package trainer

import (
	"strings"
	"testing"

	"github.com/nnplay/nnplay/engine/challenge"
	"github.com/nnplay/nnplay/engine/challenge/measure"
	"github.com/nnplay/nnplay/engine/modelio"
	"github.com/nnplay/nnplay/engine/nn"
	"github.com/nnplay/nnplay/engine/share"
	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// TestLeaderboardMessage: the worker re-measures pasted submissions on its
// test set and answers the board, its progress and CSV; a challenge on
// another data set is refused with the reason.
func TestLeaderboardMessage(t *testing.T) {
	d := newDirect(t)
	train, _ := mnist(t)
	link := func(units int) string {
		s := spec.Seed()
		s.Layers = []spec.Layer{spec.Dense(units, spec.ActReLU), spec.Dense(10, spec.ActSoftmax)}
		m, err := nn.Build(s)
		if err != nil {
			t.Fatal(err)
		}
		x, y := train.Slice(0, 2000).Tensors()
		if _, err := m.Fit(x, y, nn.FitConfig{Epochs: 1, BatchSize: 64, Seed: 1}); err != nil {
			t.Fatal(err)
		}
		v, err := share.Encode(modelio.ToPayload(m, 1, 32), share.Options{Precision: share.Int8})
		if err != nil {
			t.Fatal(err)
		}
		return share.Hash(v)
	}
	c, err := challenge.Encode(challenge.Challenge{Title: "Small digits", Task: challenge.Task{Dataset: spec.DatasetMNIST},
		Rules: challenge.Rules{MaxParams: 30000}})
	if err != nil {
		t.Fatal(err)
	}
	small, big := link(16), link(64)
	evs := d.do(protocol.LeaderboardRequest{ID: 3, Challenge: challenge.Hash(c),
		Submissions: "name,link\nAda " + small + " 99%\nBo " + big + "\nCy nothing\n"})
	b := find[protocol.Leaderboard](t, evs)
	progress := 0
	for _, e := range evs {
		if p, ok := e.(protocol.LeaderboardProgress); ok && p.Total == 3 {
			progress++
		}
	}
	if b.ID != 3 || b.Title != "Small digits" || len(b.Entries) != 3 || progress != 2 {
		t.Fatalf("board %d %q with %d entries, %d progress events", b.ID, b.Title, len(b.Entries), progress)
	}
	p, err := share.Decode(small)
	if err != nil {
		t.Fatal(err)
	}
	want, err := measure.OnSet(d.tr.test)(p)
	if err != nil {
		t.Fatal(err)
	}
	ada, bo, cy := b.Entries[0], b.Entries[1], b.Entries[2]
	if ada.Name != "Ada" || ada.Rank != 1 || *ada.Accuracy != want || *ada.Claimed != 0.99 || ada.ClaimNote == "" {
		t.Errorf("Ada: %+v; want rank 1 at %.4f (the worker's 500 test images), the 99 %% claim noted", ada, want)
	}
	if bo.Name != "Bo" || bo.Rank != 0 || bo.Accuracy == nil || len(bo.Broken) != 1 || !strings.HasPrefix(bo.Broken[0], "max parameters: the model has 50,890") {
		t.Errorf("Bo: %+v; want unranked for its parameters", bo)
	}
	if cy.Error == "" || cy.Accuracy != nil {
		t.Errorf("Cy: %+v; want an error", cy)
	}
	if !strings.HasPrefix(b.CSV, "rank,name,accuracy") || strings.Count(b.CSV, "\n") != 4 {
		t.Errorf("CSV:\n%s", b.CSV)
	}
	t.Logf("Ada %.4f (claimed 0.99), Bo %.4f broken %q", *ada.Accuracy, *bo.Accuracy, bo.Broken)

	toy, err := challenge.Encode(challenge.Challenge{Title: "Spiral", Task: challenge.Task{Dataset: spec.DatasetSpiral, Test: 0.2}})
	if err != nil {
		t.Fatal(err)
	}
	if msg := d.doErr(protocol.LeaderboardRequest{ID: 4, Challenge: toy, Submissions: "Ada " + small}); !strings.Contains(msg, `"spiral"`) {
		t.Errorf("a spiral challenge: %q", msg)
	}
	if msg := d.doErr(protocol.LeaderboardRequest{ID: 5, Challenge: "#c=AAAA", Submissions: "Ada " + small}); !strings.Contains(msg, "not an nnplay challenge") {
		t.Errorf("a damaged challenge: %q", msg)
	}
}
