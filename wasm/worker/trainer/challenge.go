package trainer

import (
	"fmt"
	"math"

	"github.com/nnplay/nnplay/engine/challenge"
	"github.com/nnplay/nnplay/engine/challenge/measure"
	"github.com/nnplay/nnplay/engine/data"
	"github.com/nnplay/nnplay/engine/share"
	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// leaderboard re-measures a challenge's submissions on its test split and
// answers the board (engine/challenge), reporting each model measured.
func (t *Trainer) leaderboard(r protocol.LeaderboardRequest) error {
	c, err := challenge.Decode(r.Challenge)
	if err != nil {
		return fmt.Errorf("leaderboard: %v", err)
	}
	test, err := t.challengeTestSet(c.Task)
	if err != nil {
		return err
	}
	subs := challenge.ParseSubmissions(r.Submissions)
	if len(subs) == 0 {
		return fmt.Errorf("leaderboard: no submissions; paste one model link a line")
	}
	onTest, done := measure.OnSet(test), 0
	b := challenge.Leaderboard(c, subs, func(p share.Payload) (float64, error) {
		acc, err := onTest(p)
		done++
		t.post(protocol.LeaderboardProgress{ID: r.ID, Done: done, Total: len(subs)})
		t.env.Yield()
		return acc, err
	})
	out := protocol.Leaderboard{ID: r.ID, Title: c.Title, CSV: string(b.CSV()), Entries: []protocol.LeaderboardEntry{}}
	for _, e := range b.Entries {
		pe := protocol.LeaderboardEntry{Rank: e.Rank, Line: e.Line, Name: e.Name, Params: e.Params, Epochs: e.Epochs,
			ClaimNote: e.ClaimNote, Broken: e.Broken, Error: e.Error}
		if !math.IsNaN(e.Accuracy) {
			pe.Accuracy = &e.Accuracy
		}
		if !math.IsNaN(e.Claimed) {
			pe.Claimed = &e.Claimed
		}
		out.Entries = append(out.Entries, pe)
	}
	t.post(out)
	return nil
}

// challengeTestSet is the test split a challenge's task names: MNIST's
// 10,000 test images (the task's digits only, relabelled, when it names
// some).
func (t *Trainer) challengeTestSet(task challenge.Task) (*data.Set, error) {
	if task.Dataset != spec.DatasetMNIST {
		return nil, fmt.Errorf("leaderboard: the worker re-measures mnist challenges; this one is on %q", task.Dataset)
	}
	if t.test == nil {
		if err := t.loadData(t.dataBase); err != nil {
			return nil, err
		}
	}
	if len(task.Classes) == 0 {
		return t.test, nil
	}
	sub, err := t.test.Subset(task.Classes)
	if err != nil {
		return nil, fmt.Errorf("leaderboard: %v", err)
	}
	return sub, nil
}
