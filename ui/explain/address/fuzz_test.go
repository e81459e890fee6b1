package address

import (
	"testing"

	"github.com/nnplay/nnplay/wasm/protocol"
)

// FuzzParse feeds arbitrary addresses to Parse: it never panics,
// what it reads is in range, and the addresses the page writes read back.
func FuzzParse(f *testing.F) {
	for _, h := range []string{"#/explain", "#/explain&index=42", Pad, Cell(3, 8), "#/explain&cell=3,", "#/explain&index=99999999999999999999"} {
		f.Add(h)
	}
	f.Fuzz(func(t *testing.T, h string) {
		q := Parse(h)
		if q.Index < -1 || q.Cell && (q.True < 0 || q.True >= protocol.MaxLabels || q.Predicted < 0 || q.Predicted >= protocol.MaxLabels) {
			t.Fatalf("Parse(%q) = %+v", h, q)
		}
		if q.Index >= 0 {
			if back := Parse(Index(q.Index)); back.Index != q.Index {
				t.Fatalf("index %d does not round-trip: %+v", q.Index, back)
			}
		}
		if q.Cell {
			if back := Parse(Cell(q.True, q.Predicted)); !back.Cell || back.True != q.True || back.Predicted != q.Predicted {
				t.Fatalf("cell (%d, %d) does not round-trip: %+v", q.True, q.Predicted, back)
			}
		}
	})
}
