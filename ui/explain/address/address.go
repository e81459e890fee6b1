// Package address reads and writes the addresses of the Why? place
// (ui/explain), which other places link to: Build & train's confusion
// matrix links each cell to the examples in it.
package address

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/nnplay/nnplay/wasm/protocol"
)

// Query is what an address of the place asks for: #/explain&index=7,
// #/explain&cell=3,8 (true 3, predicted 8), #/explain&pad.
type Query struct {
	Index     int // −1: none
	Pad       bool
	Cell      bool
	True      int
	Predicted int
}

// Parse reads the place's address.
func Parse(hash string) Query {
	q := Query{Index: -1}
	h := strings.TrimPrefix(strings.TrimPrefix(hash, "#"), "/")
	parts := strings.Split(h, "&")
	if len(parts) == 0 || parts[0] != "explain" {
		return q
	}
	for _, part := range parts[1:] {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "pad":
			q.Pad = true
		case "index":
			if i, err := strconv.Atoi(v); err == nil && i >= 0 {
				q.Index = i
			}
		case "cell":
			a, b, ok := strings.Cut(v, ",")
			t, err1 := strconv.Atoi(a)
			pr, err2 := strconv.Atoi(b)
			if ok && err1 == nil && err2 == nil && t >= 0 && pr >= 0 && t < protocol.MaxLabels && pr < protocol.MaxLabels {
				q.Cell, q.True, q.Predicted = true, t, pr
			}
		}
	}
	return q
}

// Cell is the address that lists a confusion cell's examples.
func Cell(t, predicted int) string { return fmt.Sprintf("#/explain&cell=%d,%d", t, predicted) }

// Index is the address that explains test example i.
func Index(i int) string { return fmt.Sprintf("#/explain&index=%d", i) }

// Pad is the address that explains the pad's drawing.
const Pad = "#/explain&pad"
