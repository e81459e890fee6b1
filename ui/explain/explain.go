// Package explain is the "Why?" place: why the model says what it says
// about one input — the pad's drawing or any test example — and where it
// goes wrong. For the input it shows three attribution maps beside it
// (gradient × input, integrated gradients, occlusion) on a diverging
// colour scale, the nearest training examples in the last hidden layer,
// and "what would make it a k?" (the flip search); for the errors, the
// examples of one confusion-matrix cell and an embedding of the test set
// (PCA or t-SNE). The worker computes everything (engine/explain,
// engine/embed); this package asks and draws.
package explain

import (
	"fmt"
	"strconv"

	"github.com/nnplay/nnplay/ui/explain/address"
	"github.com/nnplay/nnplay/ui/route"
	"github.com/nnplay/nnplay/ui/session"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// The attribution maps, in the order the place shows them.
var Methods = []string{protocol.MethodGradientInput, protocol.MethodIntegratedGradients, protocol.MethodOcclusion}

// MethodTitle is a method's heading.
func MethodTitle(method string) string {
	switch method {
	case protocol.MethodGradientInput:
		return "Gradient × input"
	case protocol.MethodIntegratedGradients:
		return "Integrated gradients"
	case protocol.MethodOcclusion:
		return "Occlusion"
	}
	return method
}

// Defaults of the settable numbers.
const (
	DefaultSteps = 64 // integrated gradients' path points
	DefaultPatch = 4  // occlusion's patch side, pixels
	Neighbours   = 6  // nearest training examples shown
	CellPage     = 100
	EmbedPoints  = 2000
)

// Place is the "Why?" place's state: what it explains and the worker's
// answers. Every request carries an ID from the session; an answer with
// another ID (an older request) is dropped.
type Place struct {
	S *session.Session

	// Subject is what the maps explain: the pad's drawing (Pad) or a test
	// example.
	Subject protocol.Subject
	Pad     bool
	// Steps and Patch are integrated gradients' and occlusion's settings;
	// Used are those of the maps on screen (method → steps or patch).
	Steps, Patch int
	Used         map[string]int
	asked        map[string]int

	Maps   map[string]*protocol.Explanation
	Near   *protocol.Neighbours
	Flip   *protocol.Flip
	Target int // the flip search's class
	// Class is the class the maps explain; −1: the predicted one.
	Class int
	// Err is the last error answering one of this place's requests.
	Err string

	Cell                  *protocol.CellExamples // the chosen cell's examples so far
	CellTrue              int
	CellPred              int
	cellWant              int
	Embed                 *protocol.Embedding
	EmbedWant             string // the method asked for, while it runs
	EmbedDone, EmbedTotal int
	embedID               int

	// Hover is the embedding point under the pointer (−1: none) and
	// HoverEx the worker's answer for it (its input and probabilities).
	Hover   int
	HoverEx *protocol.Explanation
	hoverID int

	// next is a drawing on the place's own pad waiting for the answers
	// to the last one (Draw).
	next []float32

	want    map[string]int // method → the ID of its outstanding request
	nearID  int
	flipID  int
	stale   bool // the model changed since the answers on screen
	shown   bool
	Version int // bumps whenever something drawn changes
}

// New makes the place and subscribes it to the worker's answers.
func New(s *session.Session) *Place {
	p := &Place{S: s, Steps: DefaultSteps, Patch: DefaultPatch, Target: 3, Class: -1, Hover: -1,
		Maps: map[string]*protocol.Explanation{}, want: map[string]int{}, Used: map[string]int{}, asked: map[string]int{}}
	p.Subject = protocol.Subject{Source: protocol.SourceTest}
	s.SubscribePlace(route.Explain, p.handle)
	return p
}

// Follow applies an address (the place shown, or asked for again).
func (p *Place) Follow(q address.Query) {
	p.shown = true
	switch {
	case q.Pad:
		p.UsePad()
	case q.Index >= 0:
		p.UseTest(q.Index)
	case p.stale || len(p.Maps) == 0:
		p.ExplainAll()
	}
	if q.Cell {
		p.ListCell(q.True, q.Predicted)
	}
}

// Hidden is called when the place leaves the screen.
func (p *Place) Hidden() { p.shown = false }

func (p *Place) padInked() bool { return p.S.Pad != nil && p.S.Pad.Inked() }

// UsePad explains the pad's drawing (or, with nothing drawn, keeps the
// subject and says so).
func (p *Place) UsePad() {
	if !p.padInked() {
		p.Err = "Nothing is drawn on the pad: draw a digit in Build & train's Try it first."
		p.Version++
		return
	}
	p.Pad = true
	p.Subject = protocol.Subject{Source: protocol.SourceInput, Input: p.S.Pad.Input()}
	p.ExplainAll()
}

// UseTest explains test example i.
func (p *Place) UseTest(i int) {
	if n := p.S.DataTest; n > 0 && i >= n {
		i = n - 1
	}
	if i < 0 {
		i = 0
	}
	p.Pad = false
	p.Subject = protocol.Subject{Source: protocol.SourceTest, Index: i}
	p.ExplainAll()
}

// Draw explains a drawing made on the place's own pad (28×28, as the
// model reads it), live: while the answers to the last drawing are on
// their way, the newest waits and goes when they are in.
func (p *Place) Draw(input []float32) {
	if p.busy() {
		p.next = input
		return
	}
	p.next = nil
	p.Pad = true
	p.Subject = protocol.Subject{Source: protocol.SourceInput, Input: input}
	p.ExplainAll()
}

// busy says answers to the maps or the neighbours are on their way.
func (p *Place) busy() bool {
	for _, id := range p.want {
		if id != 0 {
			return true
		}
	}
	return p.nearID != 0
}

// drawNext sends the drawing that waited for the answers, if any.
func (p *Place) drawNext() {
	if p.next != nil && !p.busy() {
		p.Draw(p.next)
	}
}

// SubjectText names what is explained.
func (p *Place) SubjectText() string {
	if p.Pad {
		return "your drawing"
	}
	return fmt.Sprintf("test example %d", p.Subject.Index)
}

// Blocked says why nothing can be explained yet, or "".
func (p *Place) Blocked() string {
	switch {
	case p.S.Worker == session.WorkerDead:
		return "The training worker stopped; reload the page."
	case !p.S.ModelReady():
		return "Waiting for the model to be built…"
	case p.S.Training == protocol.StateRunning:
		return "Training is running: the answers below are of the weights when asked (ask again to follow)."
	}
	return ""
}

// ExplainAll asks for the three maps and the nearest examples, and
// forgets the flip search's answer (it was for another input).
func (p *Place) ExplainAll() {
	p.stale = false
	p.Err = ""
	p.Flip, p.flipID = nil, 0
	if !p.S.ModelReady() {
		p.stale = true
		p.Version++
		return
	}
	for _, m := range Methods {
		p.ask(m)
	}
	p.nearID = p.S.NewID()
	p.S.Send(protocol.NeighboursRequest{ID: p.nearID, Subject: p.Subject, K: Neighbours})
	p.Version++
}

// ask sends one method's request.
func (p *Place) ask(method string) {
	id := p.S.NewID()
	p.want[method] = id
	r := protocol.ExplainRequest{ID: id, Subject: p.Subject, Method: method}
	if p.Class >= 0 {
		k := p.Class
		r.Class = &k
	}
	switch method {
	case protocol.MethodIntegratedGradients:
		r.Steps = p.Steps
		p.asked[method] = p.Steps
	case protocol.MethodOcclusion:
		r.Patch = p.Patch
		p.asked[method] = p.Patch
	}
	p.S.Send(r)
}

// Waiting says a method's map has been asked for and not come yet.
func (p *Place) Waiting(method string) bool { return p.want[method] != 0 }

// SetSteps sets integrated gradients' path points and asks again.
func (p *Place) SetSteps(n int) {
	p.Steps = min(max(n, 1), protocol.MaxIGSteps)
	if p.S.ModelReady() {
		p.ask(protocol.MethodIntegratedGradients)
	}
	p.Version++
}

// SetPatch sets occlusion's patch side and asks again.
func (p *Place) SetPatch(n int) {
	p.Patch = min(max(n, 1), 28)
	if p.S.ModelReady() {
		p.ask(protocol.MethodOcclusion)
	}
	p.Version++
}

// SetClass picks the class the maps explain (−1: the predicted one) and
// asks for them again.
func (p *Place) SetClass(k int) {
	if k < -1 || k >= protocol.MaxLabels {
		return
	}
	p.Class = k
	if p.S.ModelReady() {
		for _, m := range Methods {
			p.ask(m)
		}
	}
	p.Version++
}

// AskFlip runs the flip search towards class Target.
func (p *Place) AskFlip() {
	if !p.S.ModelReady() {
		return
	}
	p.flipID = p.S.NewID()
	p.Flip = nil
	p.S.Send(protocol.FlipRequest{ID: p.flipID, Subject: p.Subject, Target: p.Target})
	p.Version++
}

// FlipWaiting says the flip search is running.
func (p *Place) FlipWaiting() bool { return p.flipID != 0 && p.Flip == nil }

// ListCell asks for the test examples of the confusion cell (true t,
// predicted pr), the first CellPage of them.
func (p *Place) ListCell(t, pr int) {
	p.CellTrue, p.CellPred, p.Cell = t, pr, nil
	if !p.S.ModelReady() {
		return
	}
	p.cellWant = p.S.NewID()
	p.S.Send(protocol.CellRequest{ID: p.cellWant, True: t, Predicted: pr, Max: CellPage})
	p.Version++
}

// MoreCell asks for the cell's next page.
func (p *Place) MoreCell() {
	if p.Cell == nil || len(p.Cell.Examples) >= p.Cell.Count {
		return
	}
	p.cellWant = p.S.NewID()
	p.S.Send(protocol.CellRequest{ID: p.cellWant, True: p.CellTrue, Predicted: p.CellPred, Offset: len(p.Cell.Examples), Max: CellPage})
}

// CellListed says a cell has been asked for.
func (p *Place) CellListed() bool { return p.Cell != nil || p.cellWant != 0 }

// CellText heads the cell's listing.
func (p *Place) CellText() string {
	what := fmt.Sprintf("True %d, predicted %d", p.CellTrue, p.CellPred)
	if p.CellTrue == p.CellPred {
		what = fmt.Sprintf("%ds predicted right", p.CellTrue)
	}
	if p.Cell == nil {
		return what + ": asking the worker…"
	}
	if p.Cell.Count == 0 {
		return what + ": no test examples in this cell."
	}
	shown := len(p.Cell.Examples)
	if shown == p.Cell.Count {
		return fmt.Sprintf("%s: %d %s, most confident first.", what, p.Cell.Count, plural(p.Cell.Count, "example", "examples"))
	}
	return fmt.Sprintf("%s: %d examples; the %d most confident shown.", what, p.Cell.Count, shown)
}

// ExampleText describes one example of the cell: the predicted class's
// probability and the true one's.
func (p *Place) ExampleText(e protocol.CellExample) string {
	if p.CellTrue == p.CellPred {
		return fmt.Sprintf("#%d: p(%d) = %.3f", e.Index, p.CellPred, e.Prob)
	}
	return fmt.Sprintf("#%d: p(%d) = %.3f, p(%d) = %.3f", e.Index, p.CellPred, e.Prob, p.CellTrue, e.TrueProb)
}

// AskEmbedding projects the first EmbedPoints test examples' last hidden
// layer with method (PCA or t-SNE).
func (p *Place) AskEmbedding(method string) {
	if !p.S.ModelReady() {
		return
	}
	p.embedID = p.S.NewID()
	p.EmbedWant, p.EmbedDone, p.EmbedTotal = method, 0, 0
	p.S.Send(protocol.EmbeddingRequest{ID: p.embedID, Method: method, N: EmbedPoints})
	p.Version++
}

// EmbedText says what the embedding shows, or how far it is.
func (p *Place) EmbedText() string {
	if p.EmbedWant != "" {
		if p.EmbedTotal > 0 {
			return fmt.Sprintf("t-SNE: %d of %d iterations…", p.EmbedDone, p.EmbedTotal)
		}
		return "Projecting " + strconv.Itoa(EmbedPoints) + " test examples…"
	}
	if p.Embed == nil {
		return "Project the last hidden layer of 2,000 test examples to 2-D: each dot is an example, coloured by its true class."
	}
	e := p.Embed
	name := "PCA"
	if e.Method == protocol.EmbedTSNE {
		name = "t-SNE"
	}
	s := fmt.Sprintf("%s of %d test examples in %s (%d values each).", name, len(e.Indices), e.Name, e.Dim)
	if e.Method == protocol.EmbedPCA && len(e.Explained) == 2 {
		s += fmt.Sprintf(" The two axes hold %.0f%% and %.0f%% of the variance.", 100*e.Explained[0], 100*e.Explained[1])
	}
	wrong := 0
	for i := range e.Labels {
		if e.Labels[i] != e.Predicted[i] {
			wrong++
		}
	}
	return s + fmt.Sprintf(" Ringed dots (%d) are misclassified.", wrong)
}

// SetHover picks the embedding point under the pointer and asks the
// worker for that example (its pixels and probabilities).
func (p *Place) SetHover(i int) {
	if i == p.Hover {
		return
	}
	p.Hover, p.HoverEx = i, nil
	if i < 0 || p.Embed == nil || i >= len(p.Embed.Indices) || !p.S.ModelReady() {
		p.hoverID = 0
		return
	}
	p.hoverID = p.S.NewID()
	p.S.Send(protocol.ExplainRequest{ID: p.hoverID, Subject: protocol.Subject{Source: protocol.SourceTest, Index: p.Embed.Indices[i]}, Method: protocol.MethodGradientInput})
}

// HoverText describes the hovered example.
func (p *Place) HoverText() string {
	if p.Hover < 0 || p.Embed == nil || p.Hover >= len(p.Embed.Indices) {
		return "Point at a dot to see its example; click to explain it."
	}
	i := p.Hover
	return fmt.Sprintf("Test example %d: a %d, predicted %d", p.Embed.Indices[i], p.Embed.Labels[i], p.Embed.Predicted[i])
}

// handle takes the worker's answers to this place's requests and follows
// model changes (the answers on screen are then of other weights).
func (p *Place) handle(ev protocol.Event) (render bool) {
	switch e := ev.(type) {
	case protocol.Explanation:
		if e.ID == p.hoverID && e.ID != 0 {
			p.HoverEx = &e
			p.Version++
			return p.shown
		}
		for m, id := range p.want {
			if id == e.ID && id != 0 {
				p.Maps[m] = &e
				p.want[m] = 0
				p.Used[m] = p.asked[m]
				p.Version++
				p.drawNext()
				return p.shown
			}
		}
	case protocol.Neighbours:
		if e.ID == p.nearID && e.ID != 0 {
			p.Near, p.nearID = &e, 0
			p.Version++
			p.drawNext()
			return p.shown
		}
	case protocol.Flip:
		if e.ID == p.flipID && e.ID != 0 {
			p.Flip = &e
			p.Version++
			return p.shown
		}
	case protocol.CellExamples:
		if e.ID == p.cellWant && e.ID != 0 {
			if p.Cell != nil && e.Offset == len(p.Cell.Examples) && e.True == p.Cell.True && e.Predicted == p.Cell.Predicted {
				p.Cell.Examples = append(p.Cell.Examples, e.Examples...)
				p.Cell.Count = e.Count
			} else {
				p.Cell = &e
			}
			p.cellWant = 0
			p.Version++
			return p.shown
		}
	case protocol.EmbeddingProgress:
		if e.ID == p.embedID {
			p.EmbedDone, p.EmbedTotal = e.Done, e.Total
			return p.shown
		}
	case protocol.Embedding:
		if e.ID == p.embedID && e.ID != 0 {
			p.Embed, p.EmbedWant, p.Hover, p.HoverEx = &e, "", -1, nil
			p.Version++
			return p.shown
		}
	case protocol.Error:
		if p.refused(ev) {
			p.Err = e.Message
			p.drawNext()
			p.Version++
			return p.shown
		}
	case protocol.Built, protocol.EpochEnd, protocol.SnapshotViewed:
		p.stale = true
		if _, built := ev.(protocol.Built); built {
			p.Maps, p.Near, p.Flip, p.Cell, p.Embed = map[string]*protocol.Explanation{}, nil, nil, nil, nil
			p.forgetWants()
			p.Version++
		}
		if p.shown && p.S.Training != protocol.StateRunning {
			p.refresh()
			return true
		}
	case protocol.State:
		if p.stale && p.shown && e.State != protocol.StateRunning {
			p.refresh()
			return true
		}
	}
	return false
}

// refresh asks again for what is on screen, with the model's weights now.
func (p *Place) refresh() {
	if !p.S.ModelReady() {
		return
	}
	p.ExplainAll()
	if p.Cell != nil {
		p.ListCell(p.CellTrue, p.CellPred)
	}
}

// refused says whether ev is the error answering one of the place's
// requests in flight (or a fatal one), and ends the wait of each request
// it answers. Another error — a training error, another place's refused
// request — is not an answer: the banner shows it.
func (p *Place) refused(ev protocol.Event) bool {
	ended := func(id *int) bool {
		if _, ours := session.ErrorFor(ev, *id); ours {
			*id = 0
			return true
		}
		return false
	}
	answered := false
	for m, id := range p.want {
		if ended(&id) {
			p.want[m], answered = 0, true
		}
	}
	for _, id := range []*int{&p.nearID, &p.flipID, &p.cellWant, &p.hoverID} {
		if ended(id) {
			answered = true
		}
	}
	if ended(&p.embedID) {
		p.EmbedWant, answered = "", true
	}
	return answered
}

func (p *Place) forgetWants() {
	p.want = map[string]int{}
	p.nearID, p.cellWant = 0, 0
	if p.Flip == nil {
		p.flipID = 0
	}
	if p.EmbedWant != "" {
		p.EmbedWant, p.embedID = "", 0
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
