package site

import (
	"strconv"
	"strings"
)

// A variant is one stored representation of a file: the file itself, or a copy compressed at
// build time that sits beside it as NAME.br or NAME.gz.
type variant struct {
	encoding string // Content-Encoding value; "" for the file itself
	suffix   string // appended to the file name on disk
}

// variants lists the precompressed forms in order of preference when the client likes them
// equally: brotli is smaller than gzip -9 on wasm (README: Performance).
var variants = []variant{
	{encoding: "br", suffix: ".br"},
	{encoding: "gzip", suffix: ".gz"},
}

// acceptedEncodings parses an Accept-Encoding header into coding → q-value (RFC 9110 §12.5.3).
// Codings are case-insensitive; "x-gzip" counts as gzip; entries with a malformed q are ignored,
// as the RFC lets a server do.
func acceptedEncodings(header string) map[string]float64 {
	q := map[string]float64{}
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(part, ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if coding == "" {
			continue
		}
		if coding == "x-gzip" {
			coding = "gzip"
		}
		weight := 1.0
		ok := true
		for _, p := range strings.Split(params, ";") {
			name, value, found := strings.Cut(strings.TrimSpace(p), "=")
			if !found || !strings.EqualFold(strings.TrimSpace(name), "q") {
				continue
			}
			w, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
			if err != nil || w < 0 || w > 1 {
				ok = false
				break
			}
			weight = w
		}
		if ok {
			q[coding] = weight
		}
	}
	return q
}

// chooseEncoding picks the representation to send: "br", "gzip" or "" (the file itself).
// available says which precompressed files exist. A coding the header does not name is
// acceptable only through "*"; q=0 excludes it. The identity form is always possible; unless the
// client gives it a weight it ranks below any acceptable compressed form. Ties go to the earlier
// entry of variants (br before gzip), and compressed before identity.
func chooseEncoding(header string, available map[string]bool) string {
	q := acceptedEncodings(header)
	weight := func(coding string) (float64, bool) {
		if w, ok := q[coding]; ok {
			return w, true
		}
		if w, ok := q["*"]; ok {
			return w, true
		}
		return 0, false
	}
	best, bestQ := "", 0.0
	for _, v := range variants {
		if !available[v.encoding] {
			continue
		}
		if w, _ := weight(v.encoding); w > bestQ {
			best, bestQ = v.encoding, w
		}
	}
	if best == "" {
		return ""
	}
	if w, named := weight("identity"); named && w > bestQ {
		return ""
	}
	return best
}
