// Package challenge is the Challenges place: class challenges without a
// server. A teacher makes a challenge link (#c=…: the task and the rules,
// engine/challenge); a student opening it sees the rules and checks the
// model being built against them; the teacher's board takes the class's
// model links (pasted, or from a file), has the worker re-measure every
// model on the test split, and shows the leaderboard — broken rules named,
// claimed scores never trusted — and exports it as CSV.
package challenge

import (
	"github.com/nnplay/nnplay/ui/route"

	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/nnplay/nnplay/engine/challenge"
	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/engine/units"
	"github.com/nnplay/nnplay/ui/session"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// Form is the teacher's challenge form, as typed.
type Form struct {
	Title, Notes, Deadline string
	Classes                string // "" (all digits) or "0,1,2"
	Seed                   string
	MaxParams, MaxEpochs   string // "" or "0": no limit
	Layers                 map[string]bool
}

// NewForm is the form's start: all digits, dense layers, 50k parameters.
func NewForm() Form {
	return Form{Title: "Digits under 50k parameters", Seed: "1", MaxParams: "50000", MaxEpochs: "3",
		Layers: map[string]bool{"Dense": true, "Dropout": true, "Flatten": true}}
}

// Challenge reads the form; an error names the field that is wrong.
func (f Form) Challenge() (challenge.Challenge, error) {
	c := challenge.Challenge{Title: strings.TrimSpace(f.Title), Notes: strings.TrimSpace(f.Notes),
		Task: challenge.Task{Dataset: spec.DatasetMNIST}}
	num := func(name, s string) (int, error) {
		s = strings.TrimSpace(strings.ReplaceAll(s, ",", ""))
		if s == "" {
			return 0, nil
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("%s: %q is not a whole number of 0 or more", name, s)
		}
		return n, nil
	}
	var err error
	seed, err := num("seed", f.Seed)
	if err != nil {
		return c, err
	}
	c.Task.Seed = int64(seed)
	if c.Rules.MaxParams, err = num("max parameters", f.MaxParams); err != nil {
		return c, err
	}
	if c.Rules.MaxEpochs, err = num("max epochs", f.MaxEpochs); err != nil {
		return c, err
	}
	for _, part := range strings.FieldsFunc(f.Classes, func(r rune) bool { return r == ',' || r == ' ' }) {
		d, err := strconv.Atoi(part)
		if err != nil || d < 0 || d > 9 {
			return c, fmt.Errorf("digits: %q is not a digit 0–9", part)
		}
		if !slices.Contains(c.Task.Classes, d) {
			c.Task.Classes = append(c.Task.Classes, d)
		}
	}
	slices.Sort(c.Task.Classes)
	if len(c.Task.Classes) == 10 {
		c.Task.Classes = nil
	}
	for _, t := range challenge.LayerTypes {
		if f.Layers[t] {
			c.Rules.Layers = append(c.Rules.Layers, t)
		}
	}
	if len(c.Rules.Layers) == len(challenge.LayerTypes) {
		c.Rules.Layers = nil
	}
	c.Rules.Deadline = strings.TrimSpace(f.Deadline)
	if c.Title == "" {
		return c, fmt.Errorf("title: give the challenge a title")
	}
	return c, c.Check()
}

// RuleLines are a challenge's task and rules in words, for the student.
func RuleLines(c challenge.Challenge) []string {
	digits := "all ten digits"
	if len(c.Task.Classes) > 0 {
		digits = "the digits " + fmt.Sprint(c.Task.Classes)
	}
	lines := []string{fmt.Sprintf("Task: %s, %s; measured on its test set.", strings.ToUpper(c.Task.Dataset), digits)}
	r := c.Rules
	if r.MaxParams > 0 {
		lines = append(lines, "At most "+units.Thousands(r.MaxParams)+" parameters.")
	}
	if r.MaxEpochs > 0 {
		lines = append(lines, fmt.Sprintf("At most %d epochs of training.", r.MaxEpochs))
	}
	if len(r.Layers) > 0 {
		lines = append(lines, "Layer types allowed: "+strings.Join(r.Layers, ", ")+".")
	}
	if r.Deadline != "" {
		lines = append(lines, "Deadline: "+r.Deadline+".")
	}
	return lines
}

// Check lists the rules model m breaks (as the teacher's board will
// find them), with epochs the epochs it is set to train.
func Check(c challenge.Challenge, m spec.Model) []string {
	var out []string
	if m.Dataset != "" && m.Dataset != c.Task.Dataset {
		out = append(out, fmt.Sprintf("data set: the model trains on %q, the challenge is on %q", m.Dataset, c.Task.Dataset))
	} else if !slices.Equal(m.Classes, c.Task.Classes) {
		out = append(out, fmt.Sprintf("classes: the model tells %v apart, the challenge %v", classList(m.Classes), classList(c.Task.Classes)))
	}
	params := 0
	infos, err := m.Infer()
	if err != nil {
		return append(out, "the model does not build: "+err.Error())
	}
	for _, i := range infos {
		params += i.Params
	}
	r := c.Rules
	if r.MaxParams > 0 && params > r.MaxParams {
		out = append(out, fmt.Sprintf("max parameters: the model has %s, the limit is %s", units.Thousands(params), units.Thousands(r.MaxParams)))
	}
	if r.MaxEpochs > 0 && m.Epochs > r.MaxEpochs {
		out = append(out, fmt.Sprintf("max epochs: set to train %d epochs, the limit is %d", m.Epochs, r.MaxEpochs))
	}
	if len(r.Layers) > 0 {
		for i, l := range m.Layers {
			if !slices.Contains(r.Layers, l.Type) {
				out = append(out, fmt.Sprintf("layer types: layer %d is %s, not one of %s", i+1, l.Type, strings.Join(r.Layers, ", ")))
			}
		}
	}
	return out
}

func classList(c []int) string {
	if len(c) == 0 {
		return "all ten digits"
	}
	return fmt.Sprint(c)
}

// Place is the Challenges place's state.
type Place struct {
	S    *session.Session
	Form Form
	// Link is the challenge link made or opened (its value, after #c=);
	// Opened is the challenge a #c= address holds (nil: none), OpenErr
	// why one could not be read.
	Link    string
	Made    string // the form's last error, or ""
	Opened  *challenge.Challenge
	OpenErr string

	// The teacher's board.
	BoardLink   string // the challenge link the board is for
	Submissions string
	Board       *protocol.Leaderboard
	Done, Total int
	boardID     int
	BoardErr    string
	shown       bool
}

// New makes the place and subscribes it to the board's answers.
func New(s *session.Session) *Place {
	p := &Place{S: s, Form: NewForm()}
	s.SubscribePlace(route.Challenge, p.handle)
	return p
}

// Make encodes the form as a challenge link.
func (p *Place) Make() {
	c, err := p.Form.Challenge()
	if err != nil {
		p.Made = err.Error()
		return
	}
	v, err := challenge.Encode(c)
	if err != nil {
		p.Made = err.Error()
		return
	}
	p.Made, p.Link, p.BoardLink = "", v, challenge.Hash(v)
}

// Open reads a challenge from an address (#c=…); without one it leaves
// the place as it was.
func (p *Place) Open(hash string) {
	v, ok := challenge.Fragment(hash)
	if !ok {
		return
	}
	c, err := challenge.Decode(v)
	if err != nil {
		p.Opened, p.OpenErr = nil, "This challenge link cannot be read: "+err.Error()
		return
	}
	p.Opened, p.OpenErr, p.Link = &c, "", v
	if p.BoardLink == "" {
		p.BoardLink = challenge.Hash(v)
	}
}

// ModelCheck says how the model being built fares against the opened
// challenge's rules: nil when it keeps them all.
func (p *Place) ModelCheck() []string {
	if p.Opened == nil {
		return nil
	}
	m, err := p.S.Model.Spec()
	if err != nil {
		return []string{"the model has an error: " + err.Error()}
	}
	return Check(*p.Opened, m)
}

// BoardBlocked says why the board cannot be asked for, or "".
func (p *Place) BoardBlocked() string {
	switch {
	case strings.TrimSpace(p.BoardLink) == "":
		return "Make or paste the challenge link first."
	case strings.TrimSpace(p.Submissions) == "":
		return "Paste the submissions: one model link a line, with the student's name before it."
	case p.S.Worker != session.WorkerReady:
		return "The training worker is not ready."
	case p.S.Training == protocol.StateRunning:
		return "Pause training first: the worker measures the models."
	case p.Measuring():
		return "Measuring…"
	}
	return ""
}

// Measure asks the worker to re-measure the submissions.
func (p *Place) Measure() {
	if p.BoardBlocked() != "" {
		return
	}
	p.boardID = p.S.NewID()
	p.Board, p.BoardErr, p.Done, p.Total = nil, "", 0, 0
	p.S.Send(protocol.LeaderboardRequest{ID: p.boardID, Challenge: strings.TrimSpace(p.BoardLink), Submissions: p.Submissions})
}

// Measuring says the worker is measuring.
func (p *Place) Measuring() bool { return p.boardID != 0 && p.Board == nil && p.BoardErr == "" }

// ProgressText is the board's progress line.
func (p *Place) ProgressText() string {
	switch {
	case p.Measuring() && p.Total > 0:
		return fmt.Sprintf("Measured %d of %d models on the test set…", p.Done, p.Total)
	case p.Measuring():
		return "Reading the submissions…"
	case p.Board != nil:
		ranked := 0
		for _, e := range p.Board.Entries {
			if e.Rank > 0 {
				ranked++
			}
		}
		return fmt.Sprintf("%d submissions, %d ranked by the accuracy measured here; claimed scores are shown, never used.", len(p.Board.Entries), ranked)
	}
	return ""
}

// AccuracyText is an entry's measured accuracy.
func AccuracyText(e protocol.LeaderboardEntry) string {
	if e.Accuracy == nil {
		return "–"
	}
	return strconv.FormatFloat(100**e.Accuracy, 'f', 2, 64) + "%"
}

// ClaimText is an entry's claim and the note on it.
func ClaimText(e protocol.LeaderboardEntry) string {
	if e.Claimed == nil {
		return "–"
	}
	s := strconv.FormatFloat(100**e.Claimed, 'f', 2, 64) + "%"
	if e.ClaimNote != "" {
		s += " (ignored: " + e.ClaimNote + ")"
	}
	return s
}

// ProblemText is what keeps an entry off the ranking: the broken rules,
// or why it could not be measured.
func ProblemText(e protocol.LeaderboardEntry) string {
	if e.Error != "" {
		return e.Error
	}
	return strings.Join(e.Broken, "; ")
}

// RankText is an entry's rank ("–" when not ranked).
func RankText(e protocol.LeaderboardEntry) string {
	if e.Rank == 0 {
		return "–"
	}
	return strconv.Itoa(e.Rank)
}

func (p *Place) handle(ev protocol.Event) bool {
	switch e := ev.(type) {
	case protocol.LeaderboardProgress:
		if e.ID == p.boardID {
			p.Done, p.Total = e.Done, e.Total
			return p.shown
		}
	case protocol.Leaderboard:
		if e.ID == p.boardID {
			b := e
			p.Board = &b
			return p.shown
		}
	case protocol.Error:
		if _, ours := session.ErrorFor(ev, p.boardID); ours && p.Measuring() {
			p.BoardErr = e.Message
			return p.shown
		}
	}
	return false
}
