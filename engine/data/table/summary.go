package table

import (
	"cmp"
	"slices"
)

// Column types a summary reports.
const (
	TypeNumeric     = "numeric"
	TypeCategorical = "categorical"
	TypeEmpty       = "empty" // every value missing
)

// Summary describes one column, for the page's table of columns.
type Summary struct {
	Name    string
	Type    string // TypeNumeric when every present value is a number
	Missing int    // cells that hold no value (IsMissing)
	// Numeric columns: the smallest, largest and mean present value.
	Min, Max, Mean float64
	// Distinct counts the different present values.
	Distinct int
	// Top lists the most frequent values (up to TopValues), most frequent
	// first, ties in sorted order.
	Top []Count
}

// Count is how often a value occurs.
type Count struct {
	Value string
	N     int
}

// TopValues is how many values Summary.Top lists.
const TopValues = 10

// Summarize describes every column of the table.
func (r *Raw) Summarize() []Summary {
	out := make([]Summary, len(r.Columns))
	for j, name := range r.Columns {
		out[j] = r.summarize(j, name)
	}
	return out
}

func (r *Raw) summarize(j int, name string) Summary {
	s := Summary{Name: name, Type: TypeNumeric}
	counts := map[string]int{}
	present := 0
	var sum float64
	for _, row := range r.Rows {
		c := row[j]
		if IsMissing(c) {
			s.Missing++
			continue
		}
		counts[c]++
		v, ok := number(c)
		if !ok {
			s.Type = TypeCategorical
			continue
		}
		if present == 0 || v < s.Min {
			s.Min = v
		}
		if present == 0 || v > s.Max {
			s.Max = v
		}
		present++
		sum += v
	}
	switch {
	case len(counts) == 0:
		s.Type = TypeEmpty
	case s.Type == TypeNumeric:
		s.Mean = sum / float64(present)
	default:
		s.Min, s.Max = 0, 0
	}
	s.Distinct = len(counts)
	s.Top = topValues(counts, TopValues)
	return s
}

// topValues returns the k most frequent values, ties in sorted order.
func topValues(counts map[string]int, k int) []Count {
	all := make([]Count, 0, len(counts))
	for v, n := range counts {
		all = append(all, Count{v, n})
	}
	slices.SortFunc(all, func(a, b Count) int {
		if a.N != b.N {
			return b.N - a.N
		}
		return cmp.Compare(a.Value, b.Value)
	})
	return all[:min(k, len(all))]
}
