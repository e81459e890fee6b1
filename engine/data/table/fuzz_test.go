package table

import (
	"testing"

	"github.com/nnplay/nnplay/engine/data/split"
	"github.com/nnplay/nnplay/engine/spec"
)

// FuzzParse: any bytes give a table or an error, never a panic; a table
// that parses can be summarized and prepared (or refused with an error),
// and what Prepare returns is consistent.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		small,
		"a;b\n1;2\n3;4\n",
		"a\tb\n\"x\ty\"\t2\n",
		`[{"a": 1, "b": "x"}, {"a": null, "b": "y"}, {"a": 3, "b": "x"}, {"a": 4, "b": "y"}]`,
		"x,y\n1,a\n2,a\n3,b\n4,b\n5,a\n6,b\n",
		"caf\xe9\n",
	} {
		f.Add([]byte(seed), uint8(0))
	}
	f.Fuzz(func(t *testing.T, b []byte, mode uint8) {
		opt := Options{SkipLines: int(mode % 3), Header: Header(mode / 3 % 3)}
		r, err := Parse(b, opt)
		if err != nil {
			return
		}
		for _, row := range r.Rows {
			if len(row) != len(r.Columns) {
				t.Fatalf("a row of %d cells in a table of %d columns", len(row), len(r.Columns))
			}
		}
		r.Summarize()
		cfg := Config{Split: split.Fractions{Test: 0.25}, Seed: 1, Scaling: spec.ScalingStandard}
		if mode&1 != 0 {
			cfg.Missing = MissingFill
		}
		p, err := Prepare(r, cfg)
		if err != nil {
			return
		}
		n := len(p.Labels) + len(p.Targets)
		if len(p.X) != n*p.Data.Features() || n != p.Report.Kept {
			t.Fatalf("%d values for %d rows of %d features", len(p.X), n, p.Data.Features())
		}
		if msg := p.Data.Check(); msg != "" {
			t.Fatalf("Prepare made an invalid description: %s", msg)
		}
	})
}
