package route

import (
	"slices"
	"testing"
)

// FuzzParse feeds arbitrary addresses to Parse: it never panics, it always
// names a place that exists, and that place's own address leads back to it.
func FuzzParse(f *testing.F) {
	for _, h := range []string{"", "#", "#/", "#/data", "#/nowhere&x=1", "#m=abc", "#c=xyz", "#playground&dataset=xor", "#dataset=spiral", "#/explain&index=3"} {
		f.Add(h)
	}
	f.Fuzz(func(t *testing.T, h string) {
		r := Parse(h)
		if !slices.ContainsFunc(Places, func(e Entry) bool { return e.Place == r.Place }) {
			t.Fatalf("Parse(%q) = %+v: not a place", h, r)
		}
		if back := Parse(r.Place.Hash()); back.Place != r.Place || back.Unknown != "" || back.Link != "" {
			t.Fatalf("Parse(%q) = %+v, but its address %q reads as %+v", h, r, r.Place.Hash(), back)
		}
	})
}
