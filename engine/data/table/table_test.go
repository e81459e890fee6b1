package table

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nnplay/nnplay/engine/data/split"
	"github.com/nnplay/nnplay/engine/spec"
)

func mustParse(t *testing.T, text string, opt Options) *Raw {
	t.Helper()
	r, err := Parse([]byte(text), opt)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return r
}

func TestParseDetectsDelimiterAndHeader(t *testing.T) {
	for _, c := range []struct {
		name, text string
		delim      rune
	}{
		{"comma", "a,b,c\n1,2,x\n3,4,y\n", ','},
		{"semicolon with a quoted decimal comma", "a;b;c\n\"1,5\";2;x\n3;4;y\n", ';'},
		{"tab", "a\tb\tc\n1\t2\tx\n3\t4\ty\n", '\t'},
		{"bar", "a|b|c\n1|2|x\n3|4|y\n", '|'},
		{"CRLF and BOM", "\ufeffa,b,c\r\n1,2,x\r\n3,4,y\r\n", ','},
	} {
		r := mustParse(t, c.text, Options{})
		if r.Delimiter != c.delim || !r.Header || !slices.Equal(r.Columns, []string{"a", "b", "c"}) || len(r.Rows) != 2 {
			t.Errorf("%s: delimiter %q header %v columns %q rows %d", c.name, r.Delimiter, r.Header, r.Columns, len(r.Rows))
		}
	}
	// Decimal commas, where ; separates the columns.
	r := mustParse(t, "a;b;c\n1,5;2;x,y\n-3,25;4;1,2,3\n", Options{})
	if fmt.Sprint(r.Rows) != "[[1.5 2 x,y] [-3.25 4 1,2,3]]" {
		t.Errorf("decimal commas: %q", r.Rows)
	}
	// No header: the first row has numbers.
	r = mustParse(t, "1,2\n3,4\n", Options{})
	if r.Header || !slices.Equal(r.Columns, []string{"column 1", "column 2"}) || len(r.Rows) != 2 {
		t.Errorf("numbers only: header %v, columns %q, %d rows", r.Header, r.Columns, len(r.Rows))
	}
	// Overrides: the header is a data row; the delimiter is forced.
	r = mustParse(t, "x,y\nz,w\n", Options{Header: HeaderNo, Delimiter: ';'})
	if r.Header || len(r.Columns) != 1 || r.Rows[0][0] != "x,y" {
		t.Errorf("overrides: %+v", r)
	}
	// Lines to skip, and lines numbered as in the file.
	r = mustParse(t, "# exported 2026\n# by hand\nname,v\na,1\n\nb,2\n", Options{SkipLines: 2})
	if !slices.Equal(r.Lines, []int{4, 6}) || r.Columns[0] != "name" {
		t.Errorf("skip 2: columns %q lines %v", r.Columns, r.Lines)
	}
	// Duplicate and empty header names.
	r = mustParse(t, "a,,a\nx,1,2\n", Options{Header: HeaderYes})
	if !slices.Equal(r.Columns, []string{"a", "column 2", "a (2)"}) {
		t.Errorf("names %q", r.Columns)
	}
}

func TestParseJSON(t *testing.T) {
	r := mustParse(t, `[{"a": 1.5, "b": "x"}, {"b": null, "c": true}, {"a": -2e3, "b": " y "}]`, Options{})
	want := [][]string{{"1.5", "x", ""}, {"", "", "true"}, {"-2e3", "y", ""}}
	if !slices.Equal(r.Columns, []string{"a", "b", "c"}) || fmt.Sprint(r.Rows) != fmt.Sprint(want) {
		t.Errorf("JSON: columns %q rows %q", r.Columns, r.Rows)
	}
}

// TestParseErrors: each bad input gets a message naming the line, the cap
// and the number.
func TestParseErrors(t *testing.T) {
	wide := strings.Repeat("c,", MaxColumns) + "c\n"
	for _, c := range []struct {
		name string
		text string
		opt  Options
		want string
	}{
		{"ragged", "a,b,c\n1,2,3\n4,5\n6,7,8\n", Options{}, "line 3 has 2 fields but the header (line 1) has 3"},
		{"ragged after skip", "junk\na,b\n1,2\n3,4,5\n", Options{SkipLines: 1}, "line 4 has 3 fields but the header (line 2) has 2"},
		{"not UTF-8", "a,b\n1,2\ncaf\xe9,3\n", Options{}, "line 3 is not UTF-8 text (byte 0xe9 at column 4); save the file as UTF-8"},
		{"bad quote", "a,b\n1,\"2\n", Options{}, "line 2, column"},
		{"too many columns", wide, Options{}, fmt.Sprintf("line 1 has %d columns, more than the limit %d", MaxColumns+1, MaxColumns)},
		{"empty", "\n\n", Options{}, "the table is empty"},
		{"header only", "a,b\n", Options{}, "the table has no data rows"},
		{"skip past the end", "a\n", Options{SkipLines: 3}, "cannot skip 3 lines"},
		{"JSON object", `{"a": 1}`, Options{Format: FormatJSON}, "JSON tables are an array of records"},
		{"JSON nested", `[{"a": [1, 2]}]`, Options{}, `JSON record 1, field "a" holds a nested array`},
		{"JSON not a record", `[{"a": 1}, 5]`, Options{}, "JSON record 2 is not an object"},
		{"JSON trailing", `[{"a": 1}] x`, Options{}, "JSON"},
		{"format", "a", Options{Format: "xlsx"}, `unknown table format "xlsx"`},
	} {
		_, err := Parse([]byte(c.text), c.opt)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
	many := "v\n" + strings.Repeat("1\n", MaxRows+500)
	if _, err := Parse([]byte(many), Options{}); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("the table has about %d rows, more than the limit %d", MaxRows+500, MaxRows)) {
		t.Errorf("too many rows: %v", err)
	}
	manyJSON := "[" + strings.Repeat(`{"v": 1},`, MaxRows+9) + `{"v": 2}]`
	if _, err := Parse([]byte(manyJSON), Options{}); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("the table has %d records or more, more than the limit %d", MaxRows+10, MaxRows)) {
		t.Errorf("too many records: %v", err)
	}
	if _, err := Parse(make([]byte, MaxBytes+1), Options{}); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("more than the limit %d", MaxBytes)) {
		t.Errorf("too big: %v", err)
	}
}

func TestSummarize(t *testing.T) {
	r := mustParse(t, "n,c,e\n1,x,\n3,y,NA\nNA,x,\n-2,x,?\n", Options{})
	s := r.Summarize()
	if s[0].Type != TypeNumeric || s[0].Missing != 1 || s[0].Min != -2 || s[0].Max != 3 || math.Abs(s[0].Mean-2.0/3) > 1e-15 || s[0].Distinct != 3 {
		t.Errorf("numeric: %+v", s[0])
	}
	if s[1].Type != TypeCategorical || s[1].Missing != 0 || s[1].Distinct != 2 || s[1].Top[0] != (Count{"x", 3}) || s[1].Top[1] != (Count{"y", 1}) {
		t.Errorf("categorical: %+v", s[1])
	}
	if s[2].Type != TypeEmpty || s[2].Missing != 4 {
		t.Errorf("empty: %+v", s[2])
	}
}

const small = `size,colour,kind,price
1,red,a,10
2,blue,b,20
3,red,a,30
NA,blue,b,40
5,,a,50
6,red,b,60
7,blue,a,70
8,red,b,80
`

func TestPrepareDropAndFill(t *testing.T) {
	r := mustParse(t, small, Options{})
	// Classification of kind; price ignored; drop rows with missing values.
	p, err := Prepare(r, Config{Target: "kind", Kinds: map[string]string{"price": UseIgnored}, Split: split.Fractions{Test: 0.25}, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	d := p.Data
	if d.Task != spec.TaskClassification || !slices.Equal(d.Classes, []string{"a", "b"}) || d.Features() != 3 || p.Report.DroppedMissing != 2 || p.Report.Kept != 6 || !slices.Equal(p.Report.Ignored, []string{"price"}) {
		t.Errorf("drop: %+v %+v", d, p.Report)
	}
	if !slices.Equal(p.Report.ClassCounts, []int{3, 3}) || len(p.Parts.Test) != 2 {
		t.Errorf("class counts %v, test rows %v", p.Report.ClassCounts, p.Parts.Test)
	}
	// Fill instead: the mean and most frequent value of the training rows.
	p, err = Prepare(r, Config{Target: "price", Missing: MissingFill, Scaling: spec.ScalingStandard, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if p.Data.Task != spec.TaskRegression || p.Report.Kept != 8 || p.Report.Filled["size"] != 1 || p.Report.Filled["colour"] != 1 {
		t.Errorf("fill: %+v", p.Report)
	}
	size := p.Data.Columns[0]
	if size.Name != "size" || size.Fill == "" {
		t.Fatalf("size column %+v", size)
	}
	var sum float64
	var n int
	for _, i := range p.Parts.Train {
		if v, ok := number(r.Rows[i][0]); ok {
			sum += v
			n++
		}
	}
	if want := fmt.Sprint(sum / float64(n)); size.Fill != want {
		t.Errorf("size fill %s, want the training mean %s", size.Fill, want)
	}
	// Targets are standardized on the training rows and map back.
	for k, i := range []int{0, 1, 2, 3, 4, 5, 6, 7} {
		v, _ := number(r.Rows[i][3])
		if got := Target(p.Data, p.Targets[k]); math.Abs(got-v) > 1e-4 {
			t.Errorf("row %d: target maps back to %v, want %v", i, got, v)
		}
	}
	checkEncodeRow(t, r, p)
}

// checkEncodeRow: encoding each raw row again from the description gives
// the bits Prepare trained on.
func checkEncodeRow(t *testing.T, r *Raw, p *Prepared) {
	t.Helper()
	kept := 0
	w := p.Data.Features()
	for _, row := range r.Rows {
		if IsMissing(row[slices.Index(r.Columns, p.Data.Target)]) {
			continue
		}
		cells := make([]string, len(p.Data.Columns))
		skip := false
		for c, col := range p.Data.Columns {
			cells[c] = row[slices.Index(r.Columns, col.Name)]
			skip = skip || (IsMissing(cells[c]) && col.Fill == "")
		}
		if skip {
			continue
		}
		x, err := EncodeRow(p.Data, cells)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(x, p.X[kept*w:(kept+1)*w]) {
			t.Fatalf("row %d: EncodeRow %v, Prepare %v", kept, x, p.X[kept*w:(kept+1)*w])
		}
		kept++
	}
	if kept != p.Report.Kept {
		t.Errorf("re-encoded %d rows, Prepare kept %d", kept, p.Report.Kept)
	}
}

func TestPrepareErrors(t *testing.T) {
	r := mustParse(t, small, Options{})
	manyCats := "id,y\n"
	for i := range spec.MaxCategories + 1 {
		manyCats += fmt.Sprintf("c%d,%d\nc%d,%d\n", i, i%2, i, i%2)
	}
	for _, c := range []struct {
		name string
		r    *Raw
		cfg  Config
		want string
	}{
		{"one value", mustParse(t, "x,y\n1,a\n2,a\n3,a\n", Options{}), Config{}, `the target column "y" has only one value, "a"; a model cannot learn from it`},
		{"small class", mustParse(t, "x,y\n1,a\n2,a\n3,b\n4,a\n", Options{}), Config{}, `class "b" has 1 example(s); every class needs at least 2`},
		{"categories", mustParse(t, manyCats, Options{}), Config{Task: spec.TaskClassification}, fmt.Sprintf(`column "id" has %d categories, more than the limit %d`, spec.MaxCategories+1, spec.MaxCategories)},
		{"no target column", r, Config{Target: "colour!"}, `there is no column "colour!" to predict`},
		{"text as number", r, Config{Target: "price", Kinds: map[string]string{"colour": UseNumeric}}, `column "colour" is not all numbers (e.g. "red")`},
		{"text regression", r, Config{Target: "kind", Task: spec.TaskRegression}, `the target column "kind" is not all numbers (e.g. "a"); a regression needs numbers`},
		{"no inputs", r, Config{Target: "price", Kinds: map[string]string{"size": UseIgnored, "colour": UseIgnored, "kind": UseIgnored}}, `no input columns are left to predict "price" from`},
		{"bad use", r, Config{Kinds: map[string]string{"size": "date"}}, `column "size": unknown use "date"`},
		{"one column", mustParse(t, "y\n1\n2\n", Options{}), Config{}, "it needs a target and at least one input column"},
	} {
		_, err := Prepare(c.r, c.cfg)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
}

// repoFile reads a file under the repository root (found by go.mod).
func repoFile(t *testing.T, rel string) []byte {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		if parent := filepath.Dir(dir); parent != dir {
			dir = parent
		} else {
			t.Fatal("no go.mod above the test")
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, rel))
	if err != nil {
		t.Fatalf("%v (run `make data` first)", err)
	}
	return b
}

// TestPenguinsAndCars reads the real vega-datasets tables.
func TestPenguinsAndCars(t *testing.T) {
	r, err := Parse(repoFile(t, "static/data/tables/penguins.json"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := r.Summarize()
	t.Logf("penguins: %d rows, columns %q", len(r.Rows), r.Columns)
	for _, c := range s {
		t.Logf("  %-20s %-11s missing %2d  min %7.1f max %7.1f mean %8.2f  distinct %d", c.Name, c.Type, c.Missing, c.Min, c.Max, c.Mean, c.Distinct)
	}
	if len(r.Rows) != 344 || s[0].Name != "Species" || s[0].Distinct != 3 || s[6].Missing == 0 {
		t.Errorf("penguins: %d rows, %+v", len(r.Rows), s[0])
	}
	p, err := Prepare(r, Config{Name: "penguins", Target: "Species", Missing: MissingFill, Scaling: spec.ScalingStandard, Split: split.Default, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if p.Data.Task != spec.TaskClassification || !slices.Equal(p.Data.Classes, []string{"Adelie", "Chinstrap", "Gentoo"}) {
		t.Errorf("penguins: %+v", p.Data)
	}
	t.Logf("penguins: %d features, report %+v", p.Data.Features(), p.Report)
	checkEncodeRow(t, r, p)

	r, err = Parse(repoFile(t, "static/data/tables/cars.json"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	p, err = Prepare(r, Config{Name: "cars", Target: "Miles_per_Gallon", Kinds: map[string]string{"Name": UseIgnored, "Year": UseIgnored}, Scaling: spec.ScalingStandard, Split: split.Default, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if p.Data.Task != spec.TaskRegression || p.Report.DroppedTarget != 8 || p.Report.DroppedMissing != 6 {
		t.Errorf("cars: %+v", p.Report)
	}
	t.Logf("cars: %d features, report %+v", p.Data.Features(), p.Report)
	checkEncodeRow(t, r, p)
}
