package challenge

import (
	"reflect"
	"strings"
	"testing"

	"github.com/nnplay/nnplay/engine/challenge"
	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/ui/session"
	"github.com/nnplay/nnplay/wasm/protocol"
)

func readySession() (*session.Session, *[]protocol.Request) {
	var sent []protocol.Request
	s := session.New(func(r protocol.Request) { sent = append(sent, r) })
	s.Handle(protocol.Ready{})
	s.Handle(protocol.DataReady{Train: 60000, Test: 10000})
	s.Handle(protocol.Built{})
	sent = nil
	return s, &sent
}

// TestFormMakesALinkAStudentOpens: the teacher's form becomes a link; the
// address with it opens the same challenge, its rules in words.
func TestFormMakesALinkAStudentOpens(t *testing.T) {
	s, _ := readySession()
	teacher := New(s)
	teacher.Form.Classes = "3, 1, 2"
	teacher.Form.Deadline = "Friday 5 pm"
	teacher.Make()
	if teacher.Made != "" || teacher.Link == "" {
		t.Fatalf("Make: %q", teacher.Made)
	}
	want, _ := teacher.Form.Challenge()
	if !reflect.DeepEqual(want.Task.Classes, []int{1, 2, 3}) || !reflect.DeepEqual(want.Rules.Layers, []string{"Dense", "Dropout", "Flatten"}) {
		t.Errorf("the form read as %+v", want)
	}
	student := New(s)
	student.Open("https://nnplay.example/" + challenge.Hash(teacher.Link))
	if student.OpenErr != "" || !reflect.DeepEqual(*student.Opened, want) {
		t.Fatalf("opened %+v (%q), want %+v", student.Opened, student.OpenErr, want)
	}
	lines := strings.Join(RuleLines(*student.Opened), " ")
	for _, w := range []string{"the digits [1 2 3]", "At most 50,000 parameters", "At most 3 epochs", "Dense, Dropout, Flatten", "Friday 5 pm"} {
		if !strings.Contains(lines, w) {
			t.Errorf("rules %q lack %q", lines, w)
		}
	}
	student.Open("#c=AAAA")
	if student.OpenErr == "" {
		t.Errorf("a damaged link opened")
	}
	bad := NewForm()
	bad.MaxParams = "lots"
	if _, err := bad.Challenge(); err == nil || !strings.Contains(err.Error(), "max parameters") {
		t.Errorf("a bad limit: %v", err)
	}
}

// TestCheckNamesBrokenRules: the seed model (109,386 parameters, five
// epochs) breaks a 50k, 3-epoch, Dense-only challenge on three counts.
func TestCheckNamesBrokenRules(t *testing.T) {
	c := challenge.Challenge{Title: "x", Task: challenge.Task{Dataset: spec.DatasetMNIST}, Rules: challenge.Rules{MaxParams: 50000, MaxEpochs: 1, Layers: []string{"Conv2D"}}}
	got := Check(c, spec.Seed())
	if len(got) < 3 || !strings.HasPrefix(got[0], "max parameters: the model has 109,386") || !strings.HasPrefix(got[1], "max epochs") || !strings.HasPrefix(got[2], "layer types: layer 1 is Dense") {
		t.Errorf("Check: %q", got)
	}
	if got := Check(challenge.Challenge{Task: challenge.Task{Dataset: spec.DatasetMNIST}}, spec.Seed()); len(got) != 0 {
		t.Errorf("no rules, yet %q", got)
	}
}

// TestBoardAsksAndShows: the board sends the link and the pasted text,
// follows progress, and shows the answer; a worker error ends the wait.
func TestBoardAsksAndShows(t *testing.T) {
	s, sent := readySession()
	p := New(s)
	if p.BoardBlocked() == "" {
		t.Errorf("the board can be asked for without a link")
	}
	p.Make()
	p.Submissions = "Ada #m=AAAA 0.99"
	p.Measure()
	r, ok := (*sent)[len(*sent)-1].(protocol.LeaderboardRequest)
	if !ok || r.Challenge != challenge.Hash(p.Link) || r.Submissions != p.Submissions {
		t.Fatalf("sent %v", *sent)
	}
	s.Handle(protocol.LeaderboardProgress{ID: r.ID, Done: 1, Total: 1})
	if !strings.Contains(p.ProgressText(), "1 of 1") || p.BoardBlocked() == "" {
		t.Errorf("progress %q, blocked %q", p.ProgressText(), p.BoardBlocked())
	}
	acc, claim := 0.9, 0.99
	s.Handle(protocol.Leaderboard{ID: r.ID, Entries: []protocol.LeaderboardEntry{{Rank: 1, Name: "Ada", Accuracy: &acc, Claimed: &claim, ClaimNote: "claims 99.00 % but measures 90.00 %"}}})
	if p.Board == nil || AccuracyText(p.Board.Entries[0]) != "90.00%" || !strings.Contains(ClaimText(p.Board.Entries[0]), "ignored") {
		t.Fatalf("board %+v", p.Board)
	}
	p.Measure()
	r = (*sent)[len(*sent)-1].(protocol.LeaderboardRequest)
	s.Handle(protocol.Error{Message: "predict: no model", Request: "predict", ID: r.ID + 1}) // not ours
	if !p.Measuring() {
		t.Error("another request's error ended the measuring")
	}
	s.Handle(protocol.Error{Message: "leaderboard: no submissions", Request: r.Type(), ID: r.ID})
	if p.Measuring() || p.BoardErr == "" {
		t.Errorf("after an error: measuring %v, err %q", p.Measuring(), p.BoardErr)
	}
	// A training error is not the board's answer; the worker's death is.
	p.Measure()
	s.Handle(protocol.Error{Message: "the loss is NaN at epoch 1, batch 3: training paused"})
	if !p.Measuring() {
		t.Error("a training error ended the measuring")
	}
	s.WorkerDied("the worker's script failed")
	if p.Measuring() || !strings.Contains(p.BoardErr, "the worker's script failed") {
		t.Errorf("after the worker died: measuring %v, err %q", p.Measuring(), p.BoardErr)
	}
}
