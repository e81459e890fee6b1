// Package table reads a user's table (CSV, TSV or JSON records), describes
// its columns and turns it into features and targets for training: numeric
// and one-hot categorical columns, missing values dropped or filled,
// scaling fitted on the training split only (engine/data/split). The
// result carries a spec.Data that travels with the model, and EncodeRow
// turns a raw row into the model's input with the same constants.
//
// It holds no tensor code, so the page can parse a preview with it.
package table

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Limits on a table.
const (
	// MaxBytes caps the file's size.
	MaxBytes = 64 << 20
	// MaxRows caps the data rows.
	MaxRows = 200_000
	// MaxColumns caps the columns.
	MaxColumns = 256
	// MaxCellBytes caps one cell's text.
	MaxCellBytes = 1 << 10
)

// Formats.
const (
	FormatAuto = ""
	FormatCSV  = "csv" // delimited text: comma, semicolon, tab or bar
	FormatJSON = "json"
)

// Header says whether the first (unskipped) line names the columns.
type Header int

// Header choices.
const (
	HeaderAuto Header = iota
	HeaderYes
	HeaderNo
)

// Options say how to read a table; zero values detect.
type Options struct {
	Format string // FormatAuto detects JSON by a leading '['
	// Delimiter of delimited text: 0 detects among , ; tab and |.
	Delimiter rune
	Header    Header
	// SkipLines skips that many lines before the header (or first row).
	SkipLines int
}

// Raw is a parsed table: column names and rows of cell text. A missing
// value is an empty cell (see IsMissing for the spellings read as missing).
type Raw struct {
	Columns []string
	Rows    [][]string
	// Lines[i] is the line row i starts on (1-based; for JSON, the record's number).
	Lines []int
	// What was read: the format, delimiter and whether a header was found.
	Format    string
	Delimiter rune
	Header    bool
}

// Parse reads a table. Errors name the line (or record) and the cap. In
// delimited text whose delimiter is not the comma, numbers with a
// decimal comma ("3,75") read as numbers ("3.75").
func Parse(b []byte, opt Options) (*Raw, error) {
	if len(b) > MaxBytes {
		return nil, fmt.Errorf("the file is %d bytes, more than the limit %d", len(b), MaxBytes)
	}
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")) // a UTF-8 byte-order mark
	if err := checkUTF8(b); err != nil {
		return nil, err
	}
	if opt.SkipLines < 0 {
		return nil, fmt.Errorf("lines to skip must be 0 or more, got %d", opt.SkipLines)
	}
	format := opt.Format
	if format == FormatAuto {
		format = FormatCSV
		if t := bytes.TrimLeft(b, " \t\r\n"); len(t) > 0 && t[0] == '[' {
			format = FormatJSON
		}
	}
	var r *Raw
	var err error
	switch format {
	case FormatCSV:
		r, err = parseDelimited(b, opt)
	case FormatJSON:
		r, err = parseJSON(b)
	default:
		return nil, fmt.Errorf("unknown table format %q; use csv or json", opt.Format)
	}
	if err != nil {
		return nil, err
	}
	if len(r.Rows) == 0 {
		return nil, errors.New("the table has no data rows")
	}
	return r, nil
}

// checkUTF8 names the first line that is not UTF-8.
func checkUTF8(b []byte) error {
	if utf8.Valid(b) {
		return nil
	}
	line, col := 1, 1
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return fmt.Errorf("line %d is not UTF-8 text (byte 0x%02x at column %d); save the file as UTF-8", line, b[i], col)
		}
		if r == '\n' {
			line, col = line+1, 0
		}
		i += size
		col++
	}
	return nil // unreachable: utf8.Valid said otherwise
}

// skipLines drops the first n lines and returns the rest.
func skipLines(b []byte, n int) ([]byte, error) {
	for i := 0; i < n; i++ {
		at := bytes.IndexByte(b, '\n')
		if at < 0 {
			return nil, fmt.Errorf("cannot skip %d lines: the file has %d", n, i+min(len(b), 1))
		}
		b = b[at+1:]
	}
	return b, nil
}

func parseDelimited(b []byte, opt Options) (*Raw, error) {
	body, err := skipLines(b, opt.SkipLines)
	if err != nil {
		return nil, err
	}
	delim := opt.Delimiter
	if delim == 0 {
		delim = detectDelimiter(body)
	}
	if delim == '"' || delim == '\r' || delim == '\n' || !utf8.ValidRune(delim) || delim == utf8.RuneError {
		return nil, fmt.Errorf("delimiter %q cannot separate columns", delim)
	}
	cr := csv.NewReader(bytes.NewReader(body))
	cr.Comma = delim
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	var records [][]string
	var lines []int
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fmt.Errorf("line %d, column %d: %v", pe.StartLine+opt.SkipLines, pe.Column, pe.Err)
			}
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		if len(records) > MaxRows {
			rest := body[min(int(cr.InputOffset()), len(body)):]
			about := len(records) + bytes.Count(rest, []byte{'\n'})
			return nil, fmt.Errorf("the table has about %d rows, more than the limit %d", about, MaxRows)
		}
		if len(rec) > MaxColumns {
			return nil, fmt.Errorf("line %d has %d columns, more than the limit %d", line+opt.SkipLines, len(rec), MaxColumns)
		}
		for i, c := range rec {
			if len(c) > MaxCellBytes {
				return nil, fmt.Errorf("line %d, column %d: a cell of %d bytes, more than the limit %d", line+opt.SkipLines, i+1, len(c), MaxCellBytes)
			}
			rec[i] = strings.TrimSpace(c)
		}
		records = append(records, rec)
		lines = append(lines, line+opt.SkipLines)
	}
	if len(records) == 0 {
		return nil, errors.New("the table is empty")
	}
	r := &Raw{Format: FormatCSV, Delimiter: delim}
	switch opt.Header {
	case HeaderYes:
		r.Header = true
	case HeaderNo:
	default:
		r.Header = looksLikeHeader(records)
	}
	width, firstLine := len(records[0]), lines[0]
	if r.Header {
		r.Columns = uniqueNames(records[0])
		records, lines = records[1:], lines[1:]
	} else {
		r.Columns = make([]string, width)
		for i := range r.Columns {
			r.Columns[i] = fmt.Sprintf("column %d", i+1)
		}
	}
	for i, rec := range records {
		if len(rec) != width {
			what := "the first row"
			if r.Header {
				what = "the header"
			}
			return nil, fmt.Errorf("line %d has %d fields but %s (line %d) has %d", lines[i], len(rec), what, firstLine, width)
		}
	}
	r.Rows, r.Lines = records, lines
	if delim != ',' {
		decimalCommas(r.Rows)
	}
	return r, nil
}

// decimalCommas rewrites numbers written with a decimal comma ("3,75", as
// spreadsheets in much of Europe save them with ; between columns) with a
// point, in tables whose delimiter is not the comma.
func decimalCommas(rows [][]string) {
	for _, row := range rows {
		for j, c := range row {
			if i := strings.IndexByte(c, ','); i > 0 && strings.Count(c, ",") == 1 && !strings.Contains(c, ".") {
				if dotted := c[:i] + "." + c[i+1:]; isNumber(dotted) {
					row[j] = dotted
				}
			}
		}
	}
}

// detectDelimiter picks, among , ; tab and |, the one that splits the
// first lines into the same number of fields, more than one, most often;
// ties go to the earlier in that list. Quotes are honoured.
func detectDelimiter(b []byte) rune {
	best, bestScore := ',', -1
	for _, d := range []rune{',', ';', '\t', '|'} {
		cr := csv.NewReader(bytes.NewReader(b))
		cr.Comma = d
		cr.FieldsPerRecord = -1
		counts := map[int]int{}
		for i := 0; i < 20; i++ {
			rec, err := cr.Read()
			if err != nil {
				break
			}
			counts[len(rec)]++
		}
		score := 0
		for fields, n := range counts {
			if fields > 1 && n > score {
				score = n
			}
		}
		if score > bestScore {
			best, bestScore = d, score
		}
	}
	return best
}

// looksLikeHeader: the first row has no numbers and no empty cells, and
// either some later row has a number in a column, or no first-row value
// appears again in its column.
func looksLikeHeader(records [][]string) bool {
	first := records[0]
	for _, c := range first {
		if c == "" || isNumber(c) {
			return false
		}
	}
	if len(records) == 1 {
		return true
	}
	for _, rec := range records[1:min(len(records), 50)] {
		for j, c := range rec {
			if j < len(first) && isNumber(c) {
				return true
			}
		}
	}
	for _, rec := range records[1:min(len(records), 50)] {
		for j, c := range rec {
			if j < len(first) && c == first[j] {
				return false
			}
		}
	}
	return true
}

// uniqueNames makes column names distinct and non-empty: "", "a", "a"
// become "column 1", "a", "a (2)".
func uniqueNames(names []string) []string {
	out := make([]string, len(names))
	seen := map[string]bool{}
	for i, n := range names {
		if n == "" {
			n = fmt.Sprintf("column %d", i+1)
		}
		base := n
		for k := 2; seen[n]; k++ {
			n = fmt.Sprintf("%s (%d)", base, k)
		}
		seen[n] = true
		out[i] = n
	}
	return out
}

// parseJSON reads an array of flat records, [{"a": 1, "b": "x"}, ...]:
// columns in the order their keys first appear; a key a record lacks, and
// null, are missing values. Numbers keep their text, booleans read as
// "true" and "false"; nested arrays and objects are refused.
func parseJSON(b []byte) (*Raw, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("JSON: %v", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return nil, errors.New("JSON tables are an array of records, [{...}, {...}]; this file does not start with [")
	}
	r := &Raw{Format: FormatJSON, Header: true}
	index := map[string]int{}
	var records []map[int]string
	for dec.More() {
		n := len(records) + 1
		if n > MaxRows {
			total := n - 1
			for dec.More() { // count the rest, for the message
				var skip json.RawMessage
				if dec.Decode(&skip) != nil {
					break
				}
				total++
			}
			return nil, fmt.Errorf("the table has %d records or more, more than the limit %d", total, MaxRows)
		}
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("JSON record %d: %v", n, err)
		}
		if d, ok := tok.(json.Delim); !ok || d != '{' {
			return nil, fmt.Errorf("JSON record %d is not an object {...}", n)
		}
		rec := map[int]string{}
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return nil, fmt.Errorf("JSON record %d: %v", n, err)
			}
			key := kt.(string) // object keys are strings
			j, ok := index[key]
			if !ok {
				if len(r.Columns) >= MaxColumns {
					return nil, fmt.Errorf("JSON record %d brings column %d (%q), more than the limit %d", n, len(r.Columns)+1, key, MaxColumns)
				}
				j = len(r.Columns)
				index[key] = j
				r.Columns = append(r.Columns, key)
			}
			vt, err := dec.Token()
			if err != nil {
				return nil, fmt.Errorf("JSON record %d, field %q: %v", n, key, err)
			}
			var cell string
			switch v := vt.(type) {
			case nil:
			case string:
				cell = strings.TrimSpace(v)
			case json.Number:
				cell = v.String()
			case bool:
				cell = strconv.FormatBool(v)
			case json.Delim:
				return nil, fmt.Errorf("JSON record %d, field %q holds a nested %s; a table's cells are numbers, strings, true/false or null", n, key, map[json.Delim]string{'[': "array", '{': "object"}[v])
			}
			if len(cell) > MaxCellBytes {
				return nil, fmt.Errorf("JSON record %d, field %q: a value of %d bytes, more than the limit %d", n, key, len(cell), MaxCellBytes)
			}
			rec[j] = cell
		}
		if _, err := dec.Token(); err != nil { // the closing }
			return nil, fmt.Errorf("JSON record %d: %v", n, err)
		}
		records = append(records, rec)
	}
	if _, err := dec.Token(); err != nil { // the closing ]
		return nil, fmt.Errorf("JSON: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("JSON: unexpected data after the array of records")
	}
	for i, rec := range records {
		row := make([]string, len(r.Columns))
		for j, v := range rec {
			row[j] = v
		}
		r.Rows = append(r.Rows, row)
		r.Lines = append(r.Lines, i+1)
	}
	return r, nil
}

// IsMissing says whether a cell holds no value: empty, or NA, N/A, NaN,
// null, None or ? in any case.
func IsMissing(cell string) bool {
	switch strings.ToLower(cell) {
	case "", "na", "n/a", "nan", "null", "none", "?":
		return true
	}
	return false
}

// isNumber says whether a cell is a finite number.
func isNumber(cell string) bool {
	_, ok := number(cell)
	return ok
}

func number(cell string) (float64, bool) {
	v, err := strconv.ParseFloat(cell, 64)
	if err != nil || v != v || v > 1e300 || v < -1e300 {
		return 0, false
	}
	return v, true
}
