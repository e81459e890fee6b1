package data

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/nnplay/nnplay/engine/data/augment"
	"github.com/nnplay/nnplay/engine/data/resize"
	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// Form is the Data place's options as typed: how to split, scale and read
// a data set. Fill turns it into a load_dataset request, or says which
// field is wrong.
type Form struct {
	// Validation and Test are the percentages held out; Seed draws the split.
	Validation, Test, Seed string
	// Scaling is "standard", "minmax" or "none" (tables), "none" or
	// "standard" (images: per-channel mean and standard deviation).
	Scaling string
	// Images: the side in pixels, "1" (grey) or "3" (RGB), crop or pad.
	Side, Channels, Fit string
	// Tables: how to read the file and which column to predict.
	Delimiter, Header, SkipLines, Target, Task, Missing string
	// Kinds are the per-column overrides: numeric, categorical, ignored
	// ("" detects).
	Kinds map[string]string
	// ClassNames names an idx set's classes in label order, comma-separated.
	ClassNames string
	// Name is the data set's name ("" takes the file's).
	Name string
	// Augmentation: each variation's range as typed, and whether it is on.
	Shift, Rotation, Zoom, Brightness         string
	ShiftOn, RotationOn, ZoomOn, BrightnessOn bool
	Flip                                      bool
}

// NewForm returns the defaults: 10 % validation, 20 % test, seed 1,
// standardization, 32×32 RGB cropped images, detected table settings.
func NewForm() *Form {
	return &Form{
		Validation: "10", Test: "20", Seed: "1", Scaling: spec.ScalingStandard,
		Side: "32", Channels: "3", Fit: resize.Crop,
		SkipLines: "0", Missing: "drop", Kinds: map[string]string{},
		Shift: "0.1", Rotation: "15", Zoom: "0.1", Brightness: "0.2",
	}
}

// Fill sets r's split, scaling, image and table options from the form, or
// returns what is wrong with a field. kind is spec.KindImage or
// spec.KindTable: images take standard scaling or none.
func (f *Form) Fill(r *protocol.LoadDataset, kind string) error {
	val, err := percent("validation", f.Validation)
	if err != nil {
		return err
	}
	test, err := percent("test", f.Test)
	if err != nil {
		return err
	}
	if test == 0 {
		return fmt.Errorf("the test split is 0 %%: hold out some examples to measure the model on")
	}
	if val+test >= 0.9 {
		return fmt.Errorf("validation %s %% and test %s %% leave under 10 %% to train on", f.Validation, f.Test)
	}
	seed, err := strconv.ParseInt(strings.TrimSpace(f.Seed), 10, 64)
	if err != nil {
		return fmt.Errorf("the seed must be a whole number, got %q", f.Seed)
	}
	r.Validation, r.Test, r.Seed = val, test, seed
	switch f.Scaling {
	case "none", "":
		r.Scaling = spec.ScalingNone
	case spec.ScalingMinMax:
		if kind == spec.KindImage {
			r.Scaling = spec.ScalingNone // images are b/255 already: in [0, 1]
		} else {
			r.Scaling = spec.ScalingMinMax
		}
	default:
		r.Scaling = spec.ScalingStandard
	}
	if name := strings.TrimSpace(f.Name); name != "" {
		r.Name = name
	}
	switch r.Source {
	case protocol.SourceZip, protocol.SourceFiles, protocol.SourceFrames:
		side, err := strconv.Atoi(strings.TrimSpace(f.Side))
		if err != nil || side < 8 || side > 128 {
			return fmt.Errorf("the image side must be a whole number from 8 to 128 pixels, got %q", f.Side)
		}
		r.Side = side
		r.Channels = 3
		if f.Channels == "1" {
			r.Channels = 1
		}
		r.Fit = resize.Crop
		if f.Fit == resize.Pad {
			r.Fit = resize.Pad
		}
	case protocol.SourceTable:
		o, err := f.tableOptions()
		if err != nil {
			return err
		}
		r.TableOptions = o
	case protocol.SourceIDX:
		if names := strings.TrimSpace(f.ClassNames); names != "" {
			for _, n := range strings.Split(names, ",") {
				r.ClassNames = append(r.ClassNames, strings.TrimSpace(n))
			}
		}
	}
	if kind == spec.KindImage {
		a, err := f.Augment()
		if err != nil {
			return err
		}
		r.Augment = a
	}
	return nil
}

// tableOptions reads the table fields.
func (f *Form) tableOptions() (*protocol.TableOptions, error) {
	o := &protocol.TableOptions{Target: f.Target, Missing: f.Missing}
	switch f.Delimiter {
	case "", "auto":
	case "tab", `\t`:
		o.Delimiter = "\t"
	default:
		o.Delimiter = f.Delimiter
	}
	switch f.Header {
	case "yes", "no":
		o.Header = f.Header
	}
	switch f.Task {
	case spec.TaskClassification, spec.TaskRegression:
		o.Task = f.Task
	}
	skip, err := strconv.Atoi(strings.TrimSpace(cmpOr(f.SkipLines, "0")))
	if err != nil || skip < 0 {
		return nil, fmt.Errorf("lines to skip must be a whole number, 0 or more, got %q", f.SkipLines)
	}
	o.SkipLines = skip
	for col, k := range f.Kinds {
		if k != "" && col != f.Target {
			if o.Kinds == nil {
				o.Kinds = map[string]string{}
			}
			o.Kinds[col] = k
		}
	}
	return o, nil
}

// Augment reads the augmentation fields: the ranges of the variations
// switched on.
func (f *Form) Augment() (augment.Config, error) {
	var c augment.Config
	for _, v := range []struct {
		on   bool
		name string
		text string
		dst  *float64
	}{
		{f.ShiftOn, "shift", f.Shift, &c.Shift},
		{f.RotationOn, "rotation", f.Rotation, &c.Rotation},
		{f.ZoomOn, "zoom", f.Zoom, &c.Zoom},
		{f.BrightnessOn, "brightness", f.Brightness, &c.Brightness},
	} {
		if !v.on {
			continue
		}
		x, err := strconv.ParseFloat(strings.TrimSpace(v.text), 64)
		if err != nil {
			return c, fmt.Errorf("the %s range must be a number, got %q", v.name, v.text)
		}
		*v.dst = x
	}
	c.Flip = f.Flip
	return c, c.Check()
}

func percent(name, s string) (float64, error) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || v < 0 || v >= 90 {
		return 0, fmt.Errorf("the %s split must be a percentage from 0 to 89, got %q", name, s)
	}
	return v / 100, nil
}

func cmpOr(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return s
}

// Set stores a typed field by its key (the form's element names).
func (f *Form) Set(key, value string) {
	switch key {
	case "validation":
		f.Validation = value
	case "test":
		f.Test = value
	case "seed":
		f.Seed = value
	case "scaling":
		f.Scaling = value
	case "side":
		f.Side = value
	case "channels":
		f.Channels = value
	case "fit":
		f.Fit = value
	case "delimiter":
		f.Delimiter = value
	case "header":
		f.Header = value
	case "skip":
		f.SkipLines = value
	case "target":
		f.Target = value
	case "task":
		f.Task = value
	case "missing":
		f.Missing = value
	case "classnames":
		f.ClassNames = value
	case "name":
		f.Name = value
	case "shift":
		f.Shift = value
	case "rotation":
		f.Rotation = value
	case "zoom":
		f.Zoom = value
	case "brightness":
		f.Brightness = value
	}
}

// SetOn switches an augmentation on or off by its key.
func (f *Form) SetOn(key string, on bool) {
	switch key {
	case "shift":
		f.ShiftOn = on
	case "rotation":
		f.RotationOn = on
	case "zoom":
		f.ZoomOn = on
	case "brightness":
		f.BrightnessOn = on
	case "flip":
		f.Flip = on
	}
}

// SetKind sets column col's use: numeric, categorical, ignored or "" (detect).
func (f *Form) SetKind(col, kind string) {
	if f.Kinds == nil {
		f.Kinds = map[string]string{}
	}
	if kind == "" {
		delete(f.Kinds, col)
		return
	}
	f.Kinds[col] = kind
}
