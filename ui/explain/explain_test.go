package explain

import (
	"strings"
	"testing"

	"github.com/nnplay/nnplay/ui/explain/address"
	"github.com/nnplay/nnplay/ui/session"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// ready is a session whose worker has a built model; sent collects the
// requests.
func ready(t *testing.T) (*session.Session, *[]protocol.Request) {
	var sent []protocol.Request
	s := session.New(func(r protocol.Request) { sent = append(sent, r) })
	s.Handle(protocol.Ready{})
	s.Handle(protocol.DataReady{Train: 60000, Test: 10000})
	s.Handle(protocol.Built{})
	sent = nil
	return s, &sent
}

// TestAnswersFollowTheirRequests: every map is asked with its setting,
// each answer goes to the request with its ID, and an old answer (an
// earlier request's ID) is dropped.
func TestAnswersFollowTheirRequests(t *testing.T) {
	s, sent := ready(t)
	p := New(s)
	p.Steps, p.Patch = 32, 6
	p.Follow(address.Parse("#/explain&index=7"))
	ids := map[string]int{}
	for _, r := range *sent {
		switch r := r.(type) {
		case protocol.ExplainRequest:
			ids[r.Method] = r.ID
			if r.Index != 7 || r.Source != protocol.SourceTest {
				t.Errorf("%s asked for %+v, want test example 7", r.Method, r.Subject)
			}
			if r.Method == protocol.MethodIntegratedGradients && r.Steps != 32 || r.Method == protocol.MethodOcclusion && r.Patch != 6 {
				t.Errorf("%s sent with steps %d, patch %d", r.Method, r.Steps, r.Patch)
			}
		case protocol.NeighboursRequest:
			if r.K != Neighbours {
				t.Errorf("neighbours k = %d", r.K)
			}
		}
	}
	if len(ids) != 3 {
		t.Fatalf("sent %v, want three maps", *sent)
	}
	old := ids[protocol.MethodOcclusion]
	p.SetPatch(8)
	s.Handle(protocol.Explanation{ID: old, Method: protocol.MethodOcclusion})
	if p.Maps[protocol.MethodOcclusion] != nil || !p.Waiting(protocol.MethodOcclusion) {
		t.Errorf("an answer to the replaced occlusion request was kept")
	}
	last := (*sent)[len(*sent)-1].(protocol.ExplainRequest)
	if last.Patch != 8 {
		t.Errorf("the new occlusion request has patch %d", last.Patch)
	}
	s.Handle(protocol.Explanation{ID: last.ID, Method: protocol.MethodOcclusion, Output: 0.9})
	if m := p.Maps[protocol.MethodOcclusion]; m == nil || m.Output != 0.9 || p.Waiting(protocol.MethodOcclusion) || p.Used[protocol.MethodOcclusion] != 8 {
		t.Errorf("occlusion's answer not taken: %+v", m)
	}
	// Errors not the place's (a training error, another place's refused
	// request, though its message reads like one of ours) leave the
	// gradient map waiting; its own refusal ends the wait and is shown.
	grad := ids[protocol.MethodGradientInput]
	s.Handle(protocol.Error{Message: "the loss is NaN at epoch 1, batch 3: training paused"})
	s.Handle(protocol.Error{Message: "explain: test example 99999 does not exist", Request: "explain", ID: grad + 1000})
	if p.Err != "" || !p.Waiting(protocol.MethodGradientInput) {
		t.Errorf("after errors not the place's: Err %q, still waiting %v", p.Err, p.Waiting(protocol.MethodGradientInput))
	}
	s.Handle(protocol.Error{Message: "explain: the model has no gradient", Request: "explain", ID: grad})
	if p.Err != "explain: the model has no gradient" || p.Waiting(protocol.MethodGradientInput) {
		t.Errorf("after its own refusal: Err %q, still waiting %v", p.Err, p.Waiting(protocol.MethodGradientInput))
	}
	if !p.Waiting(protocol.MethodIntegratedGradients) {
		t.Errorf("the gradient map's refusal ended the integrated gradients' wait")
	}
	s.Handle(protocol.Explanation{ID: ids[protocol.MethodIntegratedGradients], Method: protocol.MethodIntegratedGradients, Output: 0.5})
	if p.Maps[protocol.MethodIntegratedGradients] == nil {
		t.Errorf("the integrated gradients' answer after another map's refusal was dropped")
	}
}

// TestCellPages: the cell listing takes its pages in order and says how
// many of the count it shows.
func TestCellPages(t *testing.T) {
	s, sent := ready(t)
	p := New(s)
	p.ListCell(3, 8)
	r := (*sent)[len(*sent)-1].(protocol.CellRequest)
	if r.True != 3 || r.Predicted != 8 || r.Max != CellPage || r.Offset != 0 {
		t.Fatalf("cell request %+v", r)
	}
	ex := make([]protocol.CellExample, CellPage)
	s.Handle(protocol.CellExamples{ID: r.ID, True: 3, Predicted: 8, Count: 130, Examples: ex})
	if got := p.CellText(); !strings.Contains(got, "130 examples; the 100 most confident") {
		t.Errorf("CellText %q", got)
	}
	p.MoreCell()
	r = (*sent)[len(*sent)-1].(protocol.CellRequest)
	if r.Offset != CellPage {
		t.Fatalf("the next page starts at %d", r.Offset)
	}
	s.Handle(protocol.CellExamples{ID: r.ID, True: 3, Predicted: 8, Count: 130, Offset: 100, Examples: ex[:30]})
	if len(p.Cell.Examples) != 130 || !strings.Contains(p.CellText(), "130 examples, most confident first") {
		t.Errorf("after two pages: %d examples, %q", len(p.Cell.Examples), p.CellText())
	}
}

// TestOverlayColours: positive attributions tint red, negative blue,
// zero leaves the input's grey; ink is darker than background.
func TestOverlayColours(t *testing.T) {
	in := []float32{0, 1, 0, 0}
	px := Overlay(in, []float32{0, 0, 1, -1}, 2, 2, 1, 1)
	if px[0] != 255 || px[1] != 255 || px[2] != 255 {
		t.Errorf("blank, no attribution: %v, want white", px[:3])
	}
	if !(px[4] < 200 && px[4] == px[5] && px[5] == px[6]) {
		t.Errorf("ink, no attribution: %v, want a grey", px[4:7])
	}
	if r, g, b := px[8], px[9], px[10]; !(r > g && r > b) {
		t.Errorf("positive: %v, want red", px[8:11])
	}
	if r, g, b := px[12], px[13], px[14]; !(b > r && b > g) {
		t.Errorf("negative: %v, want blue", px[12:15])
	}
}

// TestStrokesAndTexts: the occlusion text reports the mean over the
// strokes; integrated gradients' reports its completeness gap.
func TestStrokesAndTexts(t *testing.T) {
	e := &protocol.Explanation{Method: protocol.MethodOcclusion, Score: protocol.ScoreProbability, Class: 1, Output: 0.9, Baseline: 0.1,
		Input: []float32{1, 1, 0, 0}, Values: []float32{0.2, 0.4, -0.5, 0}}
	if m, n := StrokeMean(e); n != 2 || m < 0.2999 || m > 0.3001 {
		t.Errorf("stroke mean %v over %d", m, n)
	}
	if got := MapText(e); !strings.Contains(got, "p(1) = 0.900") || !strings.Contains(got, "lowers it by 0.300") {
		t.Errorf("occlusion text %q", got)
	}
	ig := &protocol.Explanation{Method: protocol.MethodIntegratedGradients, Score: protocol.ScoreLogit, Class: 2, Output: 3, Baseline: 1, Values: []float32{1, 0.98}}
	if got := MapText(ig); !strings.Contains(got, "sums to 1.980 of the 2.000") || !strings.Contains(got, "off by 1.0%") {
		t.Errorf("integrated gradients text %q", got)
	}
}

// TestFrameAndNearest: points fill the square keeping their shape, y up,
// and the pointer finds the nearest one within the radius.
func TestFrameAndNearest(t *testing.T) {
	f := Frame([]float32{0, 0, 10, 0, 10, 5}, 110, 5)
	if f[0] != 5 || f[2] != 105 || f[1] != f[3] || f[5] >= f[1] {
		t.Errorf("framed %v", f)
	}
	if got := Nearest(f, 104, f[3]+1, 4); got != 1 {
		t.Errorf("nearest to the second point: %d", got)
	}
	if got := Nearest(f, 55, 55, 4); got != -1 {
		t.Errorf("nothing near the middle, got %d", got)
	}
}

// TestDrawingLive: a drawing made while the last one's answers are on
// their way waits, and only the newest goes once they are in.
func TestDrawingLive(t *testing.T) {
	s, sent := ready(t)
	p := New(s)
	p.Draw([]float32{1})
	first := len(*sent)
	if first != 4 {
		t.Fatalf("a drawing sent %d requests, want 3 maps and the neighbours", first)
	}
	p.Draw([]float32{2})
	p.Draw([]float32{3})
	if len(*sent) != first {
		t.Fatalf("drawings sent while busy: %v", (*sent)[first:])
	}
	for _, r := range (*sent)[:first] {
		switch r := r.(type) {
		case protocol.ExplainRequest:
			s.Handle(protocol.Explanation{ID: r.ID, Method: r.Method})
		case protocol.NeighboursRequest:
			s.Handle(protocol.Neighbours{ID: r.ID})
		}
	}
	if len(*sent) != 2*first {
		t.Fatalf("after the answers %d requests, want %d", len(*sent), 2*first)
	}
	if r := (*sent)[first].(protocol.ExplainRequest); r.Source != protocol.SourceInput || len(r.Input) != 1 || r.Input[0] != 3 || !p.Pad {
		t.Errorf("the waiting drawing went as %+v", r.Subject)
	}
}

// TestExplainAnotherClass: the maps can explain a class other than the
// predicted one ("why not a 7?"), and go back to the predicted one.
func TestExplainAnotherClass(t *testing.T) {
	s, sent := ready(t)
	p := New(s)
	p.Follow(address.Parse(address.Index(3)))
	for _, r := range *sent {
		if r, ok := r.(protocol.ExplainRequest); ok && r.Class != nil {
			t.Fatalf("the first maps ask for class %d, want the predicted one", *r.Class)
		}
	}
	*sent = nil
	p.SetClass(7)
	if len(*sent) != 3 {
		t.Fatalf("SetClass sent %d requests", len(*sent))
	}
	for _, r := range *sent {
		if r := r.(protocol.ExplainRequest); r.Class == nil || *r.Class != 7 || r.Index != 3 {
			t.Errorf("%s: class %v, example %d", r.Method, r.Class, r.Index)
		}
	}
	*sent = nil
	p.SetClass(-1)
	if r := (*sent)[0].(protocol.ExplainRequest); r.Class != nil {
		t.Errorf("back to the predicted class, yet class %d", *r.Class)
	}
}
