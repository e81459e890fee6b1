package challenge

import (
	"encoding/base64"
	"math"
	"reflect"
	"strings"
	"testing"
)

func sample() Challenge {
	return Challenge{
		Title: "Digits under 50k",
		Notes: "Beat 95 %!",
		Task:  Task{Dataset: "mnist", Seed: 7},
		Rules: Rules{MaxParams: 50000, MaxEpochs: 3, Layers: []string{"Dense", "Dropout"}, Deadline: "Friday 5 pm"},
	}
}

// TestLinkRoundTrip: a challenge comes back from its link, from a URL or
// hash holding it, exactly.
func TestLinkRoundTrip(t *testing.T) {
	c := sample()
	v, err := Encode(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []string{v, Hash(v), "https://nnplay.example/#x=1&" + Hash(v)[1:], "c=" + v} {
		got, err := Decode(in)
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		if !reflect.DeepEqual(got, c) {
			t.Errorf("round trip: got %+v, want %+v", got, c)
		}
	}
	t.Logf("challenge link: %d characters", len(v))
}

// TestDecodeRefuses: damaged, foreign and invalid links are refused with
// a message naming the problem.
func TestDecodeRefuses(t *testing.T) {
	frame := func(version byte, js string) string {
		v, err := Encode(sample())
		if err != nil {
			t.Fatal(err)
		}
		bin, _ := base64.RawURLEncoding.DecodeString(v)
		bin[3] = version
		if js != "" {
			enc, _ := deflate([]byte(js))
			bin = append(bin[:4], enc...)
		}
		return base64.RawURLEncoding.EncodeToString(bin)
	}
	for _, tc := range []struct{ name, link, want string }{
		{"empty", "#c=", "empty"},
		{"not base64", "#c=ab$cd", "damaged"},
		{"model link", "#c=bm5wAQFa", "not an nnplay challenge"},
		{"newer", frame(9, ""), "newer nnplay"},
		{"version 0", frame(0, ""), "does not exist"},
		{"unknown field", frame(1, `{"title":"x","task":{"dataset":"mnist","seed":1},"rules":{},"prize":1}`), "damaged"},
		{"no data set", frame(1, `{"title":"x","task":{"seed":1},"rules":{}}`), "no data set"},
		{"bad layer", frame(1, `{"title":"x","task":{"dataset":"mnist","seed":1},"rules":{"layers":["dense"]}}`), `"dense"`},
		{"negative", frame(1, `{"title":"x","task":{"dataset":"mnist","seed":1},"rules":{"max_params":-1}}`), "negative"},
		{"split", frame(1, `{"title":"x","task":{"dataset":"penguins","seed":1,"test":0.7,"validation":0.3},"rules":{}}`), "together below 1"},
		{"trailing", frame(1, `{"title":"x","task":{"dataset":"mnist","seed":1},"rules":{}} {}`), "after them"},
		{"long", strings.Repeat("A", MaxLinkBytes+1), "refused"},
	} {
		if _, err := Decode(tc.link); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one saying %q", tc.name, err, tc.want)
		}
	}
}

// TestParseSubmissions reads names, links and claims in the forms a
// class pastes them.
func TestParseSubmissions(t *testing.T) {
	text := "name,link,claimed\n" +
		"Ada, https://nnplay.example/#m=AAAA, 0.991\n" +
		"\n" +
		"Bo: #m=BBBB 97.5%\n" +
		"https://nnplay.example/#name=Cy%20D&m=CC-_&acc=0.9\n" +
		"m=DDDD\n" +
		"Eve sent nothing\n"
	got := ParseSubmissions(text)
	nan := math.NaN()
	want := []Submission{
		{Line: 2, Name: "Ada", Link: "AAAA", Claimed: 0.991},
		{Line: 4, Name: "Bo", Link: "BBBB", Claimed: 0.975},
		{Line: 5, Name: "Cy D", Link: "CC-_", Claimed: 0.9},
		{Line: 6, Link: "DDDD", Claimed: nan},
		{Line: 7, Name: "Eve sent nothing", Claimed: nan, Problem: "no model link (#m=…) on this line"},
	}
	if len(got) != len(want) {
		t.Fatalf("%d submissions, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Line != w.Line || g.Name != w.Name || g.Link != w.Link || g.Problem != w.Problem ||
			(math.IsNaN(w.Claimed) != math.IsNaN(g.Claimed)) || (!math.IsNaN(w.Claimed) && math.Abs(g.Claimed-w.Claimed) > 1e-12) {
			t.Errorf("submission %d: got %+v, want %+v", i, g, w)
		}
	}
}
