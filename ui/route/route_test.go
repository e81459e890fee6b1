package route

import "testing"

func TestParse(t *testing.T) {
	for hash, want := range map[string]Route{
		"":                                 {Place: Build},
		"#":                                {Place: Build},
		"#/":                               {Place: Build},
		"#/build":                          {Place: Build},
		"#/data":                           {Place: Data},
		"#/learn":                          {Place: Learn},
		"#/inside":                         {Place: Inside},
		"#/finetune":                       {Place: FineTune},
		"#/keep":                           {Place: Keep},
		"#/playground":                     {Place: Playground},
		"#/playground&dataset=xor&noise=5": {Place: Playground},
		"#playground":                      {Place: Playground},
		"#playground&dataset=spiral":       {Place: Playground},
		"#dataset=circle&noise=10":         {Place: Playground},
		"#m=AQID":                          {Place: Build, Link: "#m=AQID"},
		"#c=bm5jAQ":                        {Place: Challenge},
		"#/explain&cell=3,8":               {Place: Explain},
		"#/runs":                           {Place: Runs},
		"#/nowhere":                        {Place: Build, Unknown: "nowhere"},
		"#section-2":                       {Place: Build},
	} {
		if got := Parse(hash); got != want {
			t.Errorf("Parse(%q) = %+v, want %+v", hash, got, want)
		}
	}
}

// Every place's own address leads back to it, and every nav entry is a
// different place with a label.
func TestHashRoundTrips(t *testing.T) {
	seen := map[Place]bool{}
	for _, e := range Places {
		if got := Parse(e.Place.Hash()); got.Place != e.Place || got.Unknown != "" {
			t.Errorf("Parse(%q) = %+v, want place %q", e.Place.Hash(), got, e.Place)
		}
		if seen[e.Place] || e.Label == "" || e.Place.Label() != e.Label {
			t.Errorf("nav entry %+v: duplicate or unlabelled", e)
		}
		seen[e.Place] = true
	}
}
