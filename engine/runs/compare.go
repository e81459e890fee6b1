package runs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Difference is one setting two runs do not share.
type Difference struct {
	// Setting names it: a spec field's JSON path ("optimizer.learning_rate",
	// "layers[1].units", "batch_size") or a Settings key.
	Setting string
	// A and B are its values in the two runs, as JSON writes them; "" when
	// a run does not have it (a layer the other lacks, an unset field).
	A, B string
}

// Diff lists the settings that differ between runs a and b: every field
// of their specs (layers compared by position) in the spec's order, then
// the Settings keys in alphabetical order.
func Diff(a, b *Run) []Difference {
	fa, fb := flatSpec(a), flatSpec(b)
	var out []Difference
	seen := map[string]bool{}
	for _, kv := range append(fa.keys, fb.keys...) {
		if seen[kv] {
			continue
		}
		seen[kv] = true
		if va, vb := fa.values[kv], fb.values[kv]; va != vb {
			out = append(out, Difference{Setting: kv, A: va, B: vb})
		}
	}
	keys := map[string]bool{}
	for k := range a.Settings {
		keys[k] = true
	}
	for k := range b.Settings {
		keys[k] = true
	}
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range keys {
			if !yield(k) {
				return
			}
		}
	}) {
		if va, vb := a.Settings[k], b.Settings[k]; va != vb {
			out = append(out, Difference{Setting: k, A: va, B: vb})
		}
	}
	return out
}

// flat is a JSON document as path → value, with the paths in order.
type flat struct {
	keys   []string
	values map[string]string
}

// flatSpec flattens the run's spec in its fields' order: objects by field
// ("optimizer.name"), arrays of objects by index ("layers[0].units"), and
// arrays of plain values kept whole ("input": "[784]").
func flatSpec(r *Run) flat {
	f := flat{values: map[string]string{}}
	if b, err := json.Marshal(r.Spec); err == nil {
		f.walk("", b)
	}
	return f
}

// walk flattens one JSON value (as json.Marshal wrote it, so well formed).
func (f *flat) walk(path string, raw json.RawMessage) {
	switch {
	case len(raw) > 0 && raw[0] == '{':
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.Token() // {
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return
			}
			key, _ := tok.(string)
			var v json.RawMessage
			if dec.Decode(&v) != nil {
				return
			}
			if path != "" {
				key = path + "." + key
			}
			f.walk(key, v)
		}
	case len(raw) > 0 && raw[0] == '[':
		var items []json.RawMessage
		if json.Unmarshal(raw, &items) != nil {
			return
		}
		objects := len(items) > 0
		for _, it := range items {
			objects = objects && len(it) > 0 && it[0] == '{'
		}
		if !objects {
			f.set(path, raw)
			return
		}
		for i, it := range items {
			f.walk(path+"["+strconv.Itoa(i)+"]", it)
		}
	default:
		f.set(path, raw)
	}
}

func (f *flat) set(path string, raw json.RawMessage) {
	f.keys = append(f.keys, path)
	f.values[path] = string(raw)
}

// Limits bound the runs a page keeps.
type Limits struct {
	Runs  int // most runs kept (0: no limit)
	Bytes int // most bytes of encoded runs kept (0: no limit)
}

// DefaultLimits keep 20 runs and 64 MiB, well inside what browsers give
// a site's IndexedDB.
var DefaultLimits = Limits{Runs: 20, Bytes: 64 << 20}

// Cap keeps the newest runs within the limits: runs are given oldest
// first, and the oldest are dropped until the rest fit; the newest run is
// always kept. It returns the runs kept and dropped (both oldest first)
// and, when any were dropped, a message saying which and why.
func Cap(runs []*Run, l Limits) (kept, dropped []*Run, message string) {
	sizes := make([]int, len(runs))
	total := 0
	for i, r := range runs {
		if b, err := r.Encode(); err == nil {
			sizes[i] = len(b)
		}
		total += sizes[i]
	}
	first := 0
	for first < len(runs)-1 && ((l.Runs > 0 && len(runs)-first > l.Runs) || (l.Bytes > 0 && total > l.Bytes)) {
		total -= sizes[first]
		first++
	}
	kept, dropped = runs[first:], runs[:first]
	if len(dropped) == 0 {
		return kept, nil, ""
	}
	names := make([]string, len(dropped))
	for i, r := range dropped {
		names[i] = strconv.Quote(r.Name)
	}
	why := fmt.Sprintf("%d runs", l.Runs)
	if l.Bytes > 0 {
		why += fmt.Sprintf(" and %s", mib(l.Bytes))
	}
	noun := "oldest run"
	if len(dropped) > 1 {
		noun = fmt.Sprintf("%d oldest runs", len(dropped))
	}
	return kept, dropped, fmt.Sprintf("Dropped the %s (%s) to keep at most %s of runs.", noun, strings.Join(names, ", "), why)
}

func mib(n int) string {
	if n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}
