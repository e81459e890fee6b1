// Package units formats numbers for people: counts with thousands
// separators and byte sizes. Every message and view of nnplay that shows
// such a number uses it, so they all read alike.
package units

import "strconv"

// Thousands formats n with commas between groups of three digits:
// 60000 → "60,000", -1234 → "-1,234".
func Thousands(n int) string {
	if n < 0 {
		return "-" + Thousands(-n)
	}
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// Bytes is n bytes in B, kB (1,024 bytes) or MB (1,048,576 bytes), as a
// status line shows a download: "512 B", "12 kB", "9.5 MB".
func Bytes(n int64) string {
	switch {
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
	case n >= 1<<10:
		return strconv.FormatFloat(float64(n)/(1<<10), 'f', 0, 64) + " kB"
	}
	return strconv.FormatInt(n, 10) + " B"
}

// Percent is a fraction as a percentage with one decimal: 0.9731 → "97.3%".
func Percent(v float64) string { return strconv.FormatFloat(100*v, 'f', 1, 64) + "%" }
