package protocol

import (
	"fmt"
	"math"
	"unicode/utf8"

	"github.com/nnplay/nnplay/engine/data/augment"
	"github.com/nnplay/nnplay/engine/spec"
)

// Messages of the user's own data (issue 14): the page sends a data set's
// source, the worker reads, decodes, splits and preprocesses it, keeps it
// beside MNIST and answers what it is. A model whose spec names the data
// set (spec.Model.Dataset and .Data, from dataset_ready) then trains,
// evaluates and predicts on it; MNIST models are unaffected.

// Data set sources, for LoadDataset.Source.
const (
	SourceBuiltin = "builtin" // Name: shapes, shapes-grey, penguins or cars
	SourceIDX     = "idx"     // IDXImages and IDXLabels: idx files of any names, gzip or raw
	SourceTable   = "table"   // Table: CSV, TSV or JSON records, read as Table says
	SourceZip     = "zip"     // Zip: a .zip of class folders of images
	SourceFiles   = "files"   // Files: a folder upload, each file with its relative path
	SourceFrames  = "frames"  // Frames: webcam frames (RGBA) recorded into named classes
)

// StageDecode is DataProgress's stage while the worker decodes images.
const StageDecode = "decode"

// Limits on the data set messages.
const (
	// SamplesPerClass is how many sample images per class dataset_ready carries.
	SamplesPerClass = 8
	// MaxListed is how many skipped or undecodable file names are listed.
	MaxListed = 10
	// MaxPairs caps regression_evaluation's predicted-vs-true pairs.
	MaxPairs = 2000
	// MaxPreview caps augment's preview images.
	MaxPreview = 32
	// ResidualBins is the residual histogram's number of bins.
	ResidualBins = 20
)

// LoadDataset asks the worker to read a data set and make it the one that
// models of its name train on. Fields beyond Source are those the source
// uses; zero values take the defaults given. The page sends it when the user
// picks a built-in set or brings their own; the worker reports DataProgress
// (StageDecode) while images decode, then answers DatasetReady with the same
// ID, or an error event (the current data set and model stay).
type LoadDataset struct {
	ID     int    `json:"id"`
	Source string `json:"source"`
	// Name is the built-in set (SourceBuiltin) or the name the user gives
	// the set (the others; "" takes the file's or "my data").
	Name string `json:"name,omitempty"`
	// IDXImages and IDXLabels are an idx3 image file and an idx1 label
	// file (base64 in JSON); IDXNames their file names (for messages);
	// ClassNames name the classes in label order (idx, optional).
	IDXImages  []byte    `json:"idx_images,omitempty"`
	IDXLabels  []byte    `json:"idx_labels,omitempty"`
	IDXNames   [2]string `json:"idx_names,omitempty"`
	ClassNames []string  `json:"class_names,omitempty"`
	// Table is the table file's bytes; TableOptions how to read it.
	Table        []byte        `json:"table,omitempty"`
	TableOptions *TableOptions `json:"table_options,omitempty"`
	// Zip is a .zip file's bytes; Files the files of a folder upload.
	Zip   []byte      `json:"zip,omitempty"`
	Files []ImageFile `json:"files,omitempty"`
	// Frames are webcam frames, each with its class's name.
	Frames []Frame `json:"frames,omitempty"`
	// Images (zip, files, frames): each is fitted into Side × Side
	// (default 32) with Channels 1 or 3 (default 3), cropped or padded to
	// a square as Fit says (resize.Crop, the default, or resize.Pad).
	Side     int    `json:"side,omitempty"`
	Channels int    `json:"channels,omitempty"`
	Fit      string `json:"fit,omitempty"`
	// Count is how many Shapes images to draw (default 3000).
	Count int `json:"count,omitempty"`
	// Validation and Test are the fractions held out (both 0: 0.1 and 0.2),
	// stratified by class, drawn with Seed.
	Validation float64 `json:"validation,omitempty"`
	Test       float64 `json:"test,omitempty"`
	Seed       int64   `json:"seed,omitempty"`
	// Scaling is spec.ScalingStandard, spec.ScalingMinMax (tables only) or
	// "" (images b/255; tables as they are), fitted on the training split.
	Scaling string `json:"scaling,omitempty"`
	// Augment varies training images per batch (images only).
	Augment augment.Config `json:"augment,omitzero"`
}

// TableOptions say how to read a table (engine/data/table's Options and Config).
type TableOptions struct {
	Format    string `json:"format,omitempty"`    // "", csv or json
	Delimiter string `json:"delimiter,omitempty"` // one character; "" detects
	Header    string `json:"header,omitempty"`    // "", yes or no
	SkipLines int    `json:"skip_lines,omitempty"`
	Target    string `json:"target,omitempty"` // "" is the last column
	// Task is classification or regression; "" decides by the target.
	Task string `json:"task,omitempty"`
	// Kinds sets columns to numeric, categorical or ignored.
	Kinds map[string]string `json:"kinds,omitempty"`
	// Missing is drop (default) or fill.
	Missing       string `json:"missing,omitempty"`
	MaxCategories int    `json:"max_categories,omitempty"`
}

// ImageFile is one file of a folder upload.
type ImageFile struct {
	Path string `json:"path"` // relative path: class/name.png, or root/class/name.png
	Data []byte `json:"data"`
}

// Frame is one webcam frame (or a drawing from the pad) in class Class:
// Width × Height RGBA bytes, which the worker fits into the data set's
// side; or Pixels already fitted by the page (engine/data/resize.Fit:
// side × side × channels bytes, a fraction of a camera frame's size).
type Frame struct {
	Class  string `json:"class"`
	Width  int    `json:"width,omitempty"`
	Height int    `json:"height,omitempty"`
	RGBA   []byte `json:"rgba,omitempty"`
	Pixels []byte `json:"pixels,omitempty"`
}

// DatasetReady answers LoadDataset: the data set is loaded. The worker sends
// its description, split sizes, class counts, sample images and, for a
// table, its columns and what reading it did. A model for it sets
// spec.Model.Dataset to Dataset and .Data to Data.
type DatasetReady struct {
	ID      int       `json:"id"`
	Dataset string    `json:"dataset"` // shapes, shapes-grey, penguins, cars or custom
	Data    spec.Data `json:"data"`
	// Examples in each split.
	Train      int `json:"train"`
	Validation int `json:"validation"`
	Test       int `json:"test"`
	// ClassCounts counts each class's examples over all splits (class
	// balance); empty for a regression.
	ClassCounts []int `json:"class_counts,omitempty"`
	// Columns summarize a table's columns; Report what reading it did.
	Columns []ColumnSummary `json:"columns,omitempty"`
	Report  *TableReport    `json:"report,omitempty"`
	// Samples are up to SamplesPerClass images of each class (Data.Shape
	// bytes, channels last), as they were read, before scaling.
	Samples []Sample `json:"samples,omitempty"`
	// Skipped lists the first MaxListed files that are not images (of
	// SkippedCount); Undecodable the first images the browser could not
	// decode (of UndecodableCount). Both were left out.
	Skipped          []string `json:"skipped,omitempty"`
	SkippedCount     int      `json:"skipped_count,omitempty"`
	Undecodable      []string `json:"undecodable,omitempty"`
	UndecodableCount int      `json:"undecodable_count,omitempty"`
	// Augment is the augmentation training applies.
	Augment augment.Config `json:"augment,omitzero"`
}

// ColumnSummary describes one column of a table (table.Summary).
type ColumnSummary struct {
	Name     string       `json:"name"`
	Type     string       `json:"type"` // numeric, categorical or empty
	Missing  int          `json:"missing"`
	Min      float64      `json:"min"`
	Max      float64      `json:"max"`
	Mean     float64      `json:"mean"`
	Distinct int          `json:"distinct"`
	Top      []ValueCount `json:"top,omitempty"`
}

// ValueCount is how often a value occurs in a column.
type ValueCount struct {
	Value string `json:"value"`
	N     int    `json:"n"`
}

// TableReport counts what reading a table did (table.Report).
type TableReport struct {
	Rows           int            `json:"rows"`
	Kept           int            `json:"kept"`
	DroppedTarget  int            `json:"dropped_target"`
	DroppedMissing int            `json:"dropped_missing"`
	Filled         map[string]int `json:"filled,omitempty"`
	Ignored        []string       `json:"ignored,omitempty"`
}

// Sample is one example image of a class.
type Sample struct {
	Class  int    `json:"class"`
	Pixels []byte `json:"pixels"`
}

// AugmentRequest sets the augmentation that training applies to the loaded
// image set and asks for Preview varied copies of its first training images.
// The page sends it when the user changes the augmentation; the worker
// answers AugmentPreview with the same ID.
type AugmentRequest struct {
	ID      int            `json:"id"`
	Augment augment.Config `json:"augment"`
	Preview int            `json:"preview,omitempty"`
	// Seed draws the preview's variations (training draws from the
	// model's seed, epoch and batch).
	Seed int64 `json:"seed,omitempty"`
}

// AugmentPreview answers AugmentRequest: the worker sends Originals[i]
// varied as Images[i], each Shape bytes (channels last).
type AugmentPreview struct {
	ID        int      `json:"id"`
	Shape     []int    `json:"shape"`
	Originals [][]byte `json:"originals"`
	Images    [][]byte `json:"images"`
}

// PredictData asks the model of the loaded data set for one raw example:
// Pixels (the data's shape, channels last), or RGBA of any Width × Height
// (fitted as the data set's images were), or Row (a table row: one cell per
// Data.Columns entry, "" for missing). The page sends it when the user tries
// the model on an example of their own; the worker answers DataPrediction
// with the same ID.
type PredictData struct {
	ID     int      `json:"id"`
	Pixels []byte   `json:"pixels,omitempty"`
	RGBA   []byte   `json:"rgba,omitempty"`
	Width  int      `json:"width,omitempty"`
	Height int      `json:"height,omitempty"`
	Row    []string `json:"row,omitempty"`
}

// DataPrediction answers PredictData: the worker sends a classifier's class
// probabilities and most likely class, or a regression's value in the
// target's units. Pixels are the example as the model saw it (before
// scaling), for the page to show what the network sees.
type DataPrediction struct {
	ID     int       `json:"id"`
	Probs  []float32 `json:"probs,omitempty"`
	Class  int       `json:"class"`
	Value  float64   `json:"value"`
	Pixels []byte    `json:"pixels,omitempty"`
}

// RegressionEvaluation is a regression model on the test split, in the
// target's units: the loss (on the scaled targets, as training sees it),
// MSE, MAE, R², RMSE; up to MaxPairs [predicted, true] pairs for a scatter
// plot; and a histogram of the residuals (predicted − true) over
// [ResidualLo, ResidualHi] in ResidualBins bins. The worker sends it to
// answer Evaluate for a regression, and with ID 0 after each epoch's
// EpochEnd.
type RegressionEvaluation struct {
	ID           int          `json:"id"`
	Loss         float64      `json:"loss"`
	MSE          float64      `json:"mse"`
	MAE          float64      `json:"mae"`
	R2           float64      `json:"r2"`
	RMSE         float64      `json:"rmse"`
	Pairs        [][2]float64 `json:"pairs"`
	ResidualBins []int        `json:"residual_bins"`
	ResidualLo   float64      `json:"residual_lo"`
	ResidualHi   float64      `json:"residual_hi"`
}

func init() {
	requests["load_dataset"] = func() Request { return &LoadDataset{} }
	requests["augment"] = func() Request { return &AugmentRequest{} }
	requests["predict_data"] = func() Request { return &PredictData{} }
	events["dataset_ready"] = func() Event { return &DatasetReady{} }
	events["augment_preview"] = func() Event { return &AugmentPreview{} }
	events["data_prediction"] = func() Event { return &DataPrediction{} }
	events["regression_evaluation"] = func() Event { return &RegressionEvaluation{} }
}

func (LoadDataset) Type() string          { return "load_dataset" }
func (AugmentRequest) Type() string       { return "augment" }
func (PredictData) Type() string          { return "predict_data" }
func (DatasetReady) Type() string         { return "dataset_ready" }
func (AugmentPreview) Type() string       { return "augment_preview" }
func (DataPrediction) Type() string       { return "data_prediction" }
func (RegressionEvaluation) Type() string { return "regression_evaluation" }

func (LoadDataset) isRequest()        {}
func (AugmentRequest) isRequest()     {}
func (PredictData) isRequest()        {}
func (DatasetReady) isEvent()         {}
func (AugmentPreview) isEvent()       {}
func (DataPrediction) isEvent()       {}
func (RegressionEvaluation) isEvent() {}

func (m LoadDataset) check() error {
	switch m.Source {
	case SourceBuiltin:
		switch m.Name {
		case spec.DatasetShapes, spec.DatasetShapesGrey, spec.DatasetPenguins, spec.DatasetCars:
		default:
			return fmt.Errorf("unknown built-in data set %q (want shapes, shapes-grey, penguins or cars)", m.Name)
		}
	case SourceIDX:
		if len(m.IDXImages) == 0 || len(m.IDXLabels) == 0 {
			return fmt.Errorf("idx needs both an image file and a label file")
		}
	case SourceTable:
		if len(m.Table) == 0 {
			return fmt.Errorf("the table file is empty")
		}
		if o := m.TableOptions; o != nil {
			if utf8.RuneCountInString(o.Delimiter) > 1 {
				return fmt.Errorf("delimiter %q is more than one character", o.Delimiter)
			}
			switch o.Header {
			case "", "yes", "no":
			default:
				return fmt.Errorf("header %q (want yes, no or empty to detect)", o.Header)
			}
			if o.SkipLines < 0 {
				return fmt.Errorf("skip_lines is %d; it must not be negative", o.SkipLines)
			}
		}
	case SourceZip:
		if len(m.Zip) == 0 {
			return fmt.Errorf("the zip file is empty")
		}
	case SourceFiles:
		if len(m.Files) == 0 {
			return fmt.Errorf("no files")
		}
	case SourceFrames:
		if len(m.Frames) == 0 {
			return fmt.Errorf("no frames")
		}
		for i, f := range m.Frames {
			if len(f.Pixels) > 0 {
				if len(f.RGBA) > 0 {
					return fmt.Errorf("frame %d has both rgba and pixels; send one", i)
				}
				continue
			}
			if f.Width < 1 || f.Height < 1 || len(f.RGBA) != 4*f.Width*f.Height {
				return fmt.Errorf("frame %d is %d×%d with %d bytes; want %d RGBA bytes", i, f.Width, f.Height, len(f.RGBA), 4*f.Width*f.Height)
			}
		}
	default:
		return fmt.Errorf("unknown source %q (want builtin, idx, table, zip, files or frames)", m.Source)
	}
	if m.Side < 0 || m.Side > 256 {
		return fmt.Errorf("side is %d; images are 1 to 256 pixels a side", m.Side)
	}
	if m.Channels != 0 && m.Channels != 1 && m.Channels != 3 {
		return fmt.Errorf("channels is %d (want 1 or 3)", m.Channels)
	}
	if err := finite("validation", m.Validation); err != nil {
		return err
	}
	if err := finite("test", m.Test); err != nil {
		return err
	}
	return m.Augment.Check()
}

func (m DatasetReady) check() error {
	if msg := m.Data.Check(); msg != "" {
		return fmt.Errorf("%s", msg)
	}
	size := m.Data.Features()
	for i, s := range m.Samples {
		if m.Data.Kind != spec.KindImage || len(s.Pixels) != size || s.Class < 0 || s.Class >= len(m.Data.Classes) {
			return fmt.Errorf("sample %d: class %d with %d bytes does not fit the data (%v, %d classes)", i, s.Class, len(s.Pixels), m.Data.Shape, len(m.Data.Classes))
		}
	}
	for _, c := range m.Columns {
		for _, v := range []float64{c.Min, c.Max, c.Mean} {
			if err := finite("column "+c.Name, v); err != nil {
				return err
			}
		}
	}
	return nil
}

func (m AugmentRequest) check() error {
	if m.Preview < 0 || m.Preview > MaxPreview {
		return fmt.Errorf("preview of %d images; ask for 0 to %d", m.Preview, MaxPreview)
	}
	return m.Augment.Check()
}

func (m PredictData) check() error {
	given := 0
	for _, b := range []bool{len(m.Pixels) > 0, len(m.RGBA) > 0, len(m.Row) > 0} {
		if b {
			given++
		}
	}
	if given != 1 {
		return fmt.Errorf("give one of pixels, rgba or row")
	}
	if len(m.RGBA) > 0 && (m.Width < 1 || m.Height < 1 || len(m.RGBA) != 4*m.Width*m.Height) {
		return fmt.Errorf("rgba of %d bytes for %d×%d; want %d", len(m.RGBA), m.Width, m.Height, 4*m.Width*m.Height)
	}
	return nil
}

func (m DataPrediction) check() error {
	for i, p := range m.Probs {
		if math.IsNaN(float64(p)) || math.IsInf(float64(p), 0) {
			return fmt.Errorf("probability %d is %v", i, p)
		}
	}
	return finite("value", m.Value)
}

func (m RegressionEvaluation) check() error {
	for _, f := range []struct {
		name string
		v    float64
	}{{"loss", m.Loss}, {"mse", m.MSE}, {"mae", m.MAE}, {"r2", m.R2}, {"rmse", m.RMSE}, {"residual_lo", m.ResidualLo}, {"residual_hi", m.ResidualHi}} {
		if err := finite(f.name, f.v); err != nil {
			return err
		}
	}
	if len(m.Pairs) > MaxPairs {
		return fmt.Errorf("%d pairs; at most %d are sent", len(m.Pairs), MaxPairs)
	}
	for i, p := range m.Pairs {
		if err := finite(fmt.Sprintf("pair %d", i), p[0]+p[1]); err != nil {
			return err
		}
	}
	return nil
}
