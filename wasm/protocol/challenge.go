package protocol

import (
	"fmt"
	"math"
)

// Messages of the teacher's leaderboard (issue 17's class challenges): the
// page sends the challenge link and the pasted submissions, the worker
// re-measures every model on the challenge's test split
// (engine/challenge.Leaderboard with engine/challenge/measure).

// MaxSubmissionsText bounds the pasted submissions (a class of 40 model
// links at int8 is well under 4 MB).
const MaxSubmissionsText = 32 << 20

// LeaderboardRequest asks for a challenge's leaderboard. The page sends it
// when the teacher pastes or uploads the class's submissions; the worker
// reports LeaderboardProgress as it measures each model, then answers
// Leaderboard with the same ID.
type LeaderboardRequest struct {
	ID int `json:"id"`
	// Challenge is the challenge link (a URL, "#c=…" or its value).
	Challenge string `json:"challenge"`
	// Submissions is the pasted text or a file's contents: one submission
	// a line (engine/challenge.ParseSubmissions).
	Submissions string `json:"submissions"`
}

// LeaderboardProgress reports the models measured so far: the worker sends
// it after each model while it works on a LeaderboardRequest.
type LeaderboardProgress struct {
	ID    int `json:"id"`
	Done  int `json:"done"`
	Total int `json:"total"`
}

// Leaderboard answers LeaderboardRequest: the worker sends Entries in board
// order (ranked entries, then those that break a rule, then those that could
// not be measured) and the same as CSV for a download.
type Leaderboard struct {
	ID      int                `json:"id"`
	Title   string             `json:"title"`
	Entries []LeaderboardEntry `json:"entries"`
	CSV     string             `json:"csv"`
}

// LeaderboardEntry is one submission on the board.
type LeaderboardEntry struct {
	Rank int    `json:"rank"` // 1 is first; 0 when not ranked (a rule broken, or not measured)
	Line int    `json:"line"` // in the pasted text, from 1
	Name string `json:"name"`
	// Accuracy is re-measured on the test split; nil when the model could
	// not be measured.
	Accuracy *float64 `json:"accuracy,omitempty"`
	Params   int      `json:"params"`
	Epochs   int      `json:"epochs"`
	// Claimed is the submission's claimed accuracy (shown, never trusted);
	// ClaimNote says when it is above the measure.
	Claimed   *float64 `json:"claimed,omitempty"`
	ClaimNote string   `json:"claim_note,omitempty"`
	Broken    []string `json:"broken,omitempty"` // every rule broken, with its numbers
	Error     string   `json:"error,omitempty"`  // why it could not be read or measured
}

func init() {
	requests["leaderboard"] = func() Request { return &LeaderboardRequest{} }
	events["leaderboard"] = func() Event { return &Leaderboard{} }
	events["leaderboard_progress"] = func() Event { return &LeaderboardProgress{} }
}

func (LeaderboardRequest) Type() string  { return "leaderboard" }
func (Leaderboard) Type() string         { return "leaderboard" }
func (LeaderboardProgress) Type() string { return "leaderboard_progress" }
func (LeaderboardRequest) isRequest()    {}
func (Leaderboard) isEvent()             {}
func (LeaderboardProgress) isEvent()     {}

func (m LeaderboardRequest) check() error {
	if m.Challenge == "" {
		return fmt.Errorf("the challenge link is missing")
	}
	if len(m.Submissions) > MaxSubmissionsText {
		return fmt.Errorf("the submissions are %d bytes; paste at most %d", len(m.Submissions), MaxSubmissionsText)
	}
	return nil
}

func (m LeaderboardProgress) check() error {
	if m.Done < 0 || m.Done > m.Total {
		return fmt.Errorf("%d of %d done", m.Done, m.Total)
	}
	return nil
}

func (m Leaderboard) check() error {
	for i, e := range m.Entries {
		for _, v := range []*float64{e.Accuracy, e.Claimed} {
			if v != nil && (math.IsNaN(*v) || *v < 0 || *v > 1) {
				return fmt.Errorf("entry %d: an accuracy of %v", i+1, *v)
			}
		}
		if e.Rank < 0 || e.Params < 0 || e.Epochs < 0 {
			return fmt.Errorf("entry %d: rank %d, %d params, %d epochs", i+1, e.Rank, e.Params, e.Epochs)
		}
	}
	return nil
}
