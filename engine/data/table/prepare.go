package table

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/nnplay/nnplay/engine/data/split"
	"github.com/nnplay/nnplay/engine/spec"
)

// Column uses, for Config.Kinds: a column is a numeric feature, one-hot
// categories, or left out. "" (or a column not in Kinds) means its
// summary's type.
const (
	UseNumeric     = spec.ColumnNumeric
	UseCategorical = spec.ColumnCategorical
	UseIgnored     = "ignored"
)

// Missing-value policies.
const (
	MissingDrop = "drop" // drop a row with a missing input value (the default)
	MissingFill = "fill" // fill with the training split's mean or most frequent value
)

// Config says how to turn a table into a data set. Zero values choose.
type Config struct {
	Name string // the data set's name; "table" when empty
	// Target is the column to predict; "" means the last column.
	Target string
	// Task is spec.TaskClassification or spec.TaskRegression; "" means
	// regression for a numeric target, classification otherwise.
	Task string
	// Kinds overrides a column's use (UseNumeric, UseCategorical, UseIgnored).
	Kinds map[string]string
	// Missing is MissingDrop ("") or MissingFill.
	Missing string
	// Scaling is spec.ScalingStandard, spec.ScalingMinMax or
	// spec.ScalingNone: of the numeric features (one-hot ones are kept),
	// fitted on the training split only.
	Scaling string
	// Split holds out validation and test rows, stratified by class for a
	// classification, drawn with Seed.
	Split split.Fractions
	Seed  int64
	// MaxCategories caps a categorical input column; 0 means spec.MaxCategories.
	MaxCategories int
}

// Prepared is a table turned into a data set.
type Prepared struct {
	// Data describes it (columns, classes, scaling constants) for the model.
	Data spec.Data
	// X holds the scaled features, len(Labels or Targets) × Data.Features().
	X []float32
	// Labels (classification) or Targets (regression, scaled by
	// Data.TargetOffset and TargetScale) of each row.
	Labels  []int
	Targets []float32
	// Parts are the rows of each split.
	Parts split.Parts
	// Report says what happened to the table's rows and cells.
	Report Report
}

// Report counts what preparing a table did.
type Report struct {
	Rows int // rows in the table
	Kept int // rows in the data set
	// DroppedTarget counts rows dropped because the target was missing;
	// DroppedMissing rows dropped for a missing input value (MissingDrop).
	DroppedTarget, DroppedMissing int
	// Filled counts the values filled in, per input column (MissingFill).
	Filled map[string]int
	// Ignored lists the columns left out.
	Ignored []string
	// ClassCounts counts each class's rows (classification).
	ClassCounts []int
}

// Prepare turns a parsed table into a data set: it picks the target and
// the columns' uses, drops rows as Config.Missing says, splits the rows,
// fits fill values and scaling on the training split, and encodes every
// row. The errors say what to change: a target with one value, a class
// with fewer than 2 rows, a column with more categories than the cap, no
// input columns.
func Prepare(r *Raw, cfg Config) (*Prepared, error) {
	if cfg.Name == "" {
		cfg.Name = "table"
	}
	maxCats := cfg.MaxCategories
	if maxCats <= 0 || maxCats > spec.MaxCategories {
		maxCats = spec.MaxCategories
	}
	target := len(r.Columns) - 1
	if cfg.Target != "" {
		target = slices.Index(r.Columns, cfg.Target)
		if target < 0 {
			return nil, fmt.Errorf("there is no column %q to predict; the columns are %q", cfg.Target, r.Columns)
		}
	}
	if len(r.Columns) < 2 {
		return nil, fmt.Errorf("the table has %d column; it needs a target and at least one input column", len(r.Columns))
	}
	for name, use := range cfg.Kinds {
		if !slices.Contains(r.Columns, name) {
			return nil, fmt.Errorf("there is no column %q to set to %s", name, use)
		}
		switch use {
		case "", UseNumeric, UseCategorical, UseIgnored:
		default:
			return nil, fmt.Errorf("column %q: unknown use %q; use %s, %s or %s", name, use, UseNumeric, UseCategorical, UseIgnored)
		}
	}
	switch cfg.Missing {
	case "", MissingDrop, MissingFill:
	default:
		return nil, fmt.Errorf("unknown missing-value policy %q; use %s or %s", cfg.Missing, MissingDrop, MissingFill)
	}
	switch cfg.Scaling {
	case spec.ScalingNone, spec.ScalingStandard, spec.ScalingMinMax:
	default:
		return nil, fmt.Errorf("unknown scaling %q; use %s, %s or none", cfg.Scaling, spec.ScalingStandard, spec.ScalingMinMax)
	}
	summaries := r.Summarize()
	p := &Prepared{Report: Report{Rows: len(r.Rows), Filled: map[string]int{}}}
	d := &p.Data
	d.Name, d.Kind, d.Target = cfg.Name, spec.KindTable, r.Columns[target]

	// Inputs and their uses.
	type input struct {
		col int
		spec.Column
	}
	var inputs []input
	for j, name := range r.Columns {
		if j == target {
			continue
		}
		use := cfg.Kinds[name]
		if use == "" {
			use = summaries[j].Type
		}
		switch use {
		case TypeEmpty, UseIgnored:
			p.Report.Ignored = append(p.Report.Ignored, name)
			continue
		case UseNumeric:
			if summaries[j].Type == TypeCategorical {
				return nil, fmt.Errorf("column %q is not all numbers (e.g. %q); make it categorical or ignore it", name, firstText(r, j))
			}
		}
		inputs = append(inputs, input{j, spec.Column{Name: name, Kind: use}})
	}
	if len(inputs) == 0 {
		return nil, fmt.Errorf("no input columns are left to predict %q from", d.Target)
	}

	// Task.
	d.Task = cfg.Task
	ts := summaries[target]
	if d.Task == "" {
		d.Task = spec.TaskClassification
		if ts.Type == TypeNumeric {
			d.Task = spec.TaskRegression
		}
	}
	switch {
	case d.Task != spec.TaskClassification && d.Task != spec.TaskRegression:
		return nil, fmt.Errorf("unknown task %q; use %s or %s", d.Task, spec.TaskClassification, spec.TaskRegression)
	case ts.Type == TypeEmpty:
		return nil, fmt.Errorf("the target column %q has no values", d.Target)
	case ts.Distinct < 2:
		return nil, fmt.Errorf("the target column %q has only one value, %q; a model cannot learn from it: choose another target", d.Target, ts.Top[0].Value)
	case d.Task == spec.TaskRegression && ts.Type != TypeNumeric:
		return nil, fmt.Errorf("the target column %q is not all numbers (e.g. %q); a regression needs numbers: predict it as classes", d.Target, firstText(r, target))
	case d.Task == spec.TaskClassification && ts.Distinct > spec.MaxDataClasses:
		return nil, fmt.Errorf("the target column %q has %d different values, more than the limit of %d classes; is it a regression?", d.Target, ts.Distinct, spec.MaxDataClasses)
	}

	// Rows to keep.
	var rows []int
	for i, row := range r.Rows {
		if IsMissing(row[target]) {
			p.Report.DroppedTarget++
			continue
		}
		if cfg.Missing != MissingFill && slices.ContainsFunc(inputs, func(in input) bool { return IsMissing(row[in.col]) }) {
			p.Report.DroppedMissing++
			continue
		}
		rows = append(rows, i)
	}
	if len(rows) < 2 {
		return nil, fmt.Errorf("%d of %d rows are left after dropping %d with a missing target and %d with a missing value; fill missing values instead", len(rows), len(r.Rows), p.Report.DroppedTarget, p.Report.DroppedMissing)
	}

	// Targets and the split.
	var err error
	if d.Task == spec.TaskClassification {
		d.Classes = classNames(r, rows, target, ts.Type == TypeNumeric)
		index := make(map[string]int, len(d.Classes))
		for c, name := range d.Classes {
			index[name] = c
		}
		p.Labels = make([]int, len(rows))
		p.Report.ClassCounts = make([]int, len(d.Classes))
		for k, i := range rows {
			p.Labels[k] = index[r.Rows[i][target]]
			p.Report.ClassCounts[p.Labels[k]]++
		}
		if len(d.Classes) < 2 {
			return nil, fmt.Errorf("the target column %q has only one value, %q, in the rows kept; a model cannot learn from it", d.Target, d.Classes[0])
		}
		p.Parts, err = split.Stratified(p.Labels, len(d.Classes), d.Classes, cfg.Split, cfg.Seed)
	} else {
		p.Targets = make([]float32, len(rows))
		for k, i := range rows {
			v, _ := number(r.Rows[i][target])
			p.Targets[k] = float32(v)
		}
		p.Parts, err = split.Random(len(rows), cfg.Split, cfg.Seed)
	}
	if err != nil {
		return nil, err
	}
	train := make([]int, len(p.Parts.Train)) // table row numbers
	for k, i := range p.Parts.Train {
		train[k] = rows[i]
	}

	// Columns: categories over the kept rows, fills from training rows.
	for k := range inputs {
		in := &inputs[k]
		if in.Kind == UseCategorical {
			in.Categories = categories(r, rows, in.col)
			if len(in.Categories) > maxCats {
				return nil, fmt.Errorf("column %q has %d categories, more than the limit %d; ignore it, or use it as a number", in.Name, len(in.Categories), maxCats)
			}
		}
		if cfg.Missing == MissingFill {
			in.Fill = fillValue(r, train, in.col, in.Kind)
			if in.Fill == "" {
				in.Fill = fillValue(r, rows, in.col, in.Kind)
			}
		}
		d.Columns = append(d.Columns, in.Column)
	}
	features := 0
	var onehot []bool
	for _, c := range d.Columns {
		if c.Kind == UseCategorical {
			features += len(c.Categories)
			for range c.Categories {
				onehot = append(onehot, true)
			}
		} else {
			features++
			onehot = append(onehot, false)
		}
	}
	d.Shape = []int{features}
	if features > spec.MaxDataFeatures {
		return nil, fmt.Errorf("the table makes %d features, more than the limit %d", features, spec.MaxDataFeatures)
	}

	// Encode every kept row, unscaled, then fit and apply the scaling.
	p.X = make([]float32, len(rows)*features)
	cols := make([]int, len(inputs))
	for k, in := range inputs {
		cols[k] = in.col
	}
	cells := make([]string, len(inputs))
	for k, i := range rows {
		for c, j := range cols {
			cells[c] = r.Rows[i][j]
			if IsMissing(cells[c]) && cfg.Missing == MissingFill {
				p.Report.Filled[inputs[c].Name]++
			}
		}
		if err := encode(d.Columns, cells, p.X[k*features:(k+1)*features]); err != nil {
			return nil, fmt.Errorf("line %d: %w", r.Lines[i], err)
		}
	}
	if cfg.Scaling != spec.ScalingNone {
		fit := split.Standardize
		if cfg.Scaling == spec.ScalingMinMax {
			fit = split.MinMax
		}
		s, err := fit(p.X, features, p.Parts.Train, onehot)
		if err != nil {
			return nil, err
		}
		s.Apply(p.X)
		d.Scaling, d.Offset, d.Scale = cfg.Scaling, s.Offset, s.Scale
	}
	if d.Task == spec.TaskRegression {
		s, err := split.Standardize(p.Targets, 1, p.Parts.Train, nil)
		if err != nil {
			return nil, err
		}
		s.Apply(p.Targets)
		d.TargetOffset, d.TargetScale = s.Offset[0], s.Scale[0]
	}
	p.Report.Kept = len(rows)
	if msg := d.Check(); msg != "" {
		return nil, errors.New(msg)
	}
	return p, nil
}

// firstText is the first present value of column j that is not a number.
func firstText(r *Raw, j int) string {
	for _, row := range r.Rows {
		if c := row[j]; !IsMissing(c) && !isNumber(c) {
			return c
		}
	}
	return ""
}

// classNames are the target's values over rows: sorted as numbers when
// numeric, else as text.
func classNames(r *Raw, rows []int, j int, numeric bool) []string {
	names := categories(r, rows, j)
	if numeric {
		slices.SortFunc(names, func(a, b string) int {
			x, _ := number(a)
			y, _ := number(b)
			return cmp.Compare(x, y)
		})
	} else {
		slices.Sort(names)
	}
	return names
}

// categories are column j's distinct present values over rows, sorted.
func categories(r *Raw, rows []int, j int) []string {
	seen := map[string]bool{}
	var out []string
	for _, i := range rows {
		c := r.Rows[i][j]
		if IsMissing(c) || seen[c] {
			continue
		}
		seen[c] = true
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

// fillValue is the mean (numeric) or most frequent value (categorical,
// ties to the first in sorted order) of column j over rows; "" when none
// is present.
func fillValue(r *Raw, rows []int, j int, kind string) string {
	if kind == UseNumeric {
		var sum float64
		n := 0
		for _, i := range rows {
			if v, ok := number(r.Rows[i][j]); ok && !IsMissing(r.Rows[i][j]) {
				sum += v
				n++
			}
		}
		if n == 0 {
			return ""
		}
		return strconv.FormatFloat(sum/float64(n), 'g', -1, 64)
	}
	counts := map[string]int{}
	for _, i := range rows {
		if c := r.Rows[i][j]; !IsMissing(c) {
			counts[c]++
		}
	}
	if top := topValues(counts, 1); len(top) > 0 {
		return top[0].Value
	}
	return ""
}

// encode writes one row's features, unscaled, into x: a numeric column's
// value, a categorical column's one-hot; a missing value takes the
// column's Fill.
func encode(cols []spec.Column, cells []string, x []float32) error {
	k := 0
	for c, col := range cols {
		cell := cells[c]
		if IsMissing(cell) {
			if col.Fill == "" {
				return fmt.Errorf("column %q has no value and no fill value", col.Name)
			}
			cell = col.Fill
		}
		if col.Kind == UseCategorical {
			for _, cat := range col.Categories {
				x[k] = 0
				if cat == cell {
					x[k] = 1
				}
				k++
			}
			continue
		}
		v, ok := number(cell)
		if !ok {
			return fmt.Errorf("column %q: %q is not a number", col.Name, cell)
		}
		x[k] = float32(v)
		k++
	}
	return nil
}

// EncodeRow turns one raw row into the model's input, as Prepare encoded
// the training rows: cells holds a value per d.Columns entry, in order
// (missing ones as ""); the result has d.Features() values, scaled by d's
// constants. For the page's Try it form and for predicting from raw rows.
func EncodeRow(d spec.Data, cells []string) ([]float32, error) {
	if d.Kind != spec.KindTable {
		return nil, fmt.Errorf("data %q is not a table", d.Name)
	}
	if len(cells) != len(d.Columns) {
		return nil, fmt.Errorf("data %q has %d input columns, got %d values", d.Name, len(d.Columns), len(cells))
	}
	x := make([]float32, d.Features())
	if err := encode(d.Columns, cells, x); err != nil {
		return nil, err
	}
	for j := range d.Offset {
		x[j] = float32((float64(x[j]) - d.Offset[j]) / d.Scale[j])
	}
	return x, nil
}

// Target maps a regression model's output back to the target's units.
func Target(d spec.Data, out float32) float64 {
	if d.TargetScale == 0 {
		return float64(out)
	}
	return float64(out)*d.TargetScale + d.TargetOffset
}
