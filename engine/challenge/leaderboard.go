package challenge

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/nnplay/nnplay/engine/share"
	"github.com/nnplay/nnplay/engine/units"
)

// Submission is one student's entry: a model link and what came with it.
type Submission struct {
	Line int    // the line of the pasted text it came from, from 1
	Name string // the student's name, when given
	// Link is the model link value (what follows #m=).
	Link string
	// Claimed is the accuracy the submission claims (0..1), NaN when none.
	// It is shown beside the measured one and never used to rank.
	Claimed float64
	// Problem says why the line is not a submission ("no model link").
	Problem string
}

// ParseSubmissions reads pasted text or a file's contents, one submission
// a line; empty lines are skipped, and so is a first line that holds no
// link but the word "link" (a CSV header). A line holds a model link — a
// URL or hash with m=…, or "m=…" — and optionally:
//
//   - the name before it ("Ada: https://…#m=…", "Ada,https://…") or a
//     name= part in its fragment ("#name=Ada&m=…");
//   - a claimed accuracy after it ("…#m=… 0.991", ", 99.1%") or an acc=
//     part in its fragment ("#m=…&acc=0.991"); a number above 1 is read
//     as a percentage.
//
// A line without a link comes back with Problem set, so the board lists
// it rather than losing it.
func ParseSubmissions(text string) []Submission {
	var subs []Submission
	for i, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		s, found := parseLine(line)
		s.Line = i + 1
		if !found {
			if len(subs) == 0 && strings.Contains(strings.ToLower(line), "link") {
				continue // a header
			}
			s.Name = strings.Trim(line, separators)
			s.Problem = "no model link (#m=…) on this line"
		}
		subs = append(subs, s)
	}
	return subs
}

// separators are what may stand between a line's name, link and claim.
const separators = " \t,;:\"'|"

// parseLine finds the link, name and claim on one line.
func parseLine(line string) (Submission, bool) {
	s := Submission{Claimed: math.NaN()}
	at := -1
	for i := 0; i+2 <= len(line); i++ {
		if line[i] == 'm' && line[i+1] == '=' && (i == 0 || strings.IndexByte("#&? \t,;:\"'|", line[i-1]) >= 0) {
			at = i
			break
		}
	}
	if at < 0 {
		return s, false
	}
	// The token holding the link runs between separators.
	start := at
	for start > 0 && strings.IndexByte(" \t,;\"'|", line[start-1]) < 0 {
		start--
	}
	end := at
	for end < len(line) && strings.IndexByte(" \t,;\"'|", line[end]) < 0 {
		end++
	}
	token := line[start:end]
	if h := strings.IndexByte(token, '#'); h >= 0 {
		token = token[h+1:]
	} else if start < at {
		token = line[at:end] // "Ada:m=…" without a URL
	}
	for part := range strings.SplitSeq(token, "&") {
		key, val, _ := strings.Cut(part, "=")
		if v, err := url.QueryUnescape(val); err == nil {
			val = v
		}
		switch key {
		case "m":
			s.Link = val
		case "name":
			s.Name = val
		case "acc", "accuracy", "claim":
			s.Claimed = parseClaim(val)
		}
	}
	if before := strings.Trim(line[:start], separators); before != "" && s.Name == "" {
		s.Name = before
	}
	if after := strings.Trim(line[end:], separators); after != "" && math.IsNaN(s.Claimed) {
		s.Claimed = parseClaim(after)
	}
	return s, s.Link != ""
}

// parseClaim reads "0.991", "99.1%" or "99.1" as 0.991; NaN otherwise.
func parseClaim(v string) float64 {
	v = strings.TrimSpace(v)
	pct := strings.HasSuffix(v, "%")
	f, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(v, "%")), 64)
	if err != nil || math.IsNaN(f) || f < 0 {
		return math.NaN()
	}
	if pct || f > 1 {
		f /= 100
	}
	if f > 1 {
		return math.NaN()
	}
	return f
}

// Evaluate measures a model on the challenge's test split and returns its
// accuracy (0..1). engine/challenge/measure.OnSet runs the engine.
type Evaluate func(p share.Payload) (accuracy float64, err error)

// Entry is one row of the board.
type Entry struct {
	// Rank is the place among the entries that keep every rule (1 is
	// first; equal accuracies share a place); 0 for the others.
	Rank int
	Line int
	Name string
	// Accuracy is the re-measured accuracy on the test split; NaN when the
	// model could not be measured.
	Accuracy float64
	// Params is the model's weights (trainable or not) and Epochs the
	// epochs its link records.
	Params, Epochs int
	// Claimed is the submission's claimed accuracy (NaN: none); it is
	// shown, never trusted. ClaimNote says when it is above the measure.
	Claimed   float64
	ClaimNote string
	// Broken names every rule the model breaks, with the numbers.
	Broken []string
	// Error says why the submission could not be read or measured.
	Error string
}

// Qualified says the entry was measured and keeps every rule.
func (e Entry) Qualified() bool { return e.Error == "" && len(e.Broken) == 0 }

// Board is a challenge's leaderboard.
type Board struct {
	Challenge Challenge
	// Entries are the qualified entries by rank, then those that break a
	// rule by measured accuracy, then those that could not be measured by
	// line.
	Entries []Entry
}

// claimSlack is how far a claim may sit above the measure before the board
// remarks on it: half a tenth of a percent, for rounding.
const claimSlack = 0.0005

// Leaderboard reads every submission's model link, checks it against the
// challenge's task and rules, measures it with evaluate (which should use
// the task's test split), and ranks the entries that keep every rule by
// the measured accuracy (then fewer params, then line). Claimed scores are
// reported beside the measure and ignored.
func Leaderboard(c Challenge, subs []Submission, evaluate Evaluate) *Board {
	b := &Board{Challenge: c}
	for _, s := range subs {
		b.Entries = append(b.Entries, entry(c, s, evaluate))
	}
	group := func(e Entry) int {
		switch {
		case e.Qualified():
			return 0
		case e.Error == "":
			return 1
		}
		return 2
	}
	slices.SortStableFunc(b.Entries, func(x, y Entry) int {
		if g := cmp.Compare(group(x), group(y)); g != 0 {
			return g
		}
		if group(x) < 2 {
			if a := cmp.Compare(y.Accuracy, x.Accuracy); a != 0 {
				return a
			}
			if p := cmp.Compare(x.Params, y.Params); p != 0 {
				return p
			}
		}
		return cmp.Compare(x.Line, y.Line)
	})
	for i := range b.Entries {
		e := &b.Entries[i]
		if !e.Qualified() {
			break
		}
		e.Rank = i + 1
		if i > 0 && e.Accuracy == b.Entries[i-1].Accuracy {
			e.Rank = b.Entries[i-1].Rank
		}
	}
	return b
}

// entry reads, checks and measures one submission.
func entry(c Challenge, s Submission, evaluate Evaluate) Entry {
	e := Entry{Line: s.Line, Name: s.Name, Accuracy: math.NaN(), Claimed: s.Claimed}
	if s.Problem != "" {
		e.Error = s.Problem
		return e
	}
	p, err := share.Decode(s.Link)
	if err != nil {
		e.Error = "the model link cannot be read: " + err.Error()
		return e
	}
	e.Epochs = p.Epochs
	if infos, err := p.Spec.Infer(); err == nil {
		for _, info := range infos {
			e.Params += info.Params
		}
	}
	e.Broken = broken(c, p, e.Params)
	if len(p.Weights) == 0 {
		e.Error = "the link is a recipe, without trained weights: submit a model link with weights"
		return e
	}
	acc, err := evaluate(p)
	if err != nil {
		e.Error = "the model could not be measured: " + err.Error()
		return e
	}
	e.Accuracy = acc
	if !math.IsNaN(s.Claimed) && s.Claimed > acc+claimSlack {
		e.ClaimNote = fmt.Sprintf("claims %.2f %% but measures %.2f %%", 100*s.Claimed, 100*acc)
	}
	return e
}

// broken lists the rules (and task) the payload breaks.
func broken(c Challenge, p share.Payload, params int) []string {
	var out []string
	t, r := c.Task, c.Rules
	if p.Spec.Dataset != t.Dataset {
		out = append(out, fmt.Sprintf("data set: trained on %q, the challenge is on %q", p.Spec.Dataset, t.Dataset))
	} else if !slices.Equal(p.Spec.Classes, t.Classes) {
		out = append(out, fmt.Sprintf("classes: the model tells %v apart, the challenge %v", classList(p.Spec.Classes), classList(t.Classes)))
	}
	if r.MaxParams > 0 && params > r.MaxParams {
		out = append(out, fmt.Sprintf("max parameters: the model has %s, the limit is %s", units.Thousands(params), units.Thousands(r.MaxParams)))
	}
	if r.MaxEpochs > 0 && p.Epochs > r.MaxEpochs {
		out = append(out, fmt.Sprintf("max epochs: trained %d epochs, the limit is %d", p.Epochs, r.MaxEpochs))
	}
	if len(r.Layers) > 0 {
		for i, l := range p.Spec.Layers {
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

// CSV is the board as a spreadsheet: rank (empty when not ranked), name,
// accuracy (re-measured, 4 decimals; empty when not measured), params,
// epochs, claimed (empty when none), status ("ok", "broken: …" with every
// rule, or "error: …") and note (a claim above the measure).
func (b *Board) CSV() []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write([]string{"rank", "name", "accuracy", "parameters", "epochs", "claimed", "status", "note"})
	for _, e := range b.Entries {
		rank, acc, claimed, status := "", "", "", "ok"
		if e.Rank > 0 {
			rank = strconv.Itoa(e.Rank)
		}
		if !math.IsNaN(e.Accuracy) {
			acc = strconv.FormatFloat(e.Accuracy, 'f', 4, 64)
		}
		if !math.IsNaN(e.Claimed) {
			claimed = strconv.FormatFloat(e.Claimed, 'f', 4, 64)
		}
		switch {
		case e.Error != "":
			status = "error: " + e.Error
		case len(e.Broken) > 0:
			status = "broken: " + strings.Join(e.Broken, "; ")
		}
		w.Write([]string{rank, cell(e.Name), acc, strconv.Itoa(e.Params), strconv.Itoa(e.Epochs), claimed, status, e.ClaimNote})
	}
	w.Flush()
	return buf.Bytes()
}

// cell keeps a spreadsheet from reading a name as a formula.
func cell(s string) string {
	if s != "" && strings.IndexByte("=+-@\t\r", s[0]) >= 0 {
		return "'" + s
	}
	return s
}
