package model

import (
	"strings"
	"testing"

	"github.com/nnplay/nnplay/engine/spec"
)

// These tests run as js/wasm under Node (the package needs syscall/js):
// GOOS=js GOARCH=wasm go test -exec="$(go env GOROOT)/lib/wasm/go_js_wasm_exec" ./ui/

func TestPresetsMatchTheirModels(t *testing.T) {
	for _, c := range []struct {
		preset string
		units  []string
		total  string
	}{
		{PresetSoftmax, []string{"10"}, "7,850"},
		{PresetSeed, []string{"128", "64", "10"}, "109,386"},
		{PresetWide, []string{"512", "256", "10"}, "535,818"},
	} {
		e := NewEditor(c.preset)
		var units []string
		for _, r := range e.Rows {
			units = append(units, r.Units)
		}
		if strings.Join(units, " ") != strings.Join(c.units, " ") {
			t.Errorf("%s: units %v, want %v", c.preset, units, c.units)
		}
		m, err := e.Spec()
		if err != nil {
			t.Fatalf("%s: %v", c.preset, err)
		}
		if err := m.Validate(); err != nil {
			t.Errorf("%s: the preset's spec does not validate: %v", c.preset, err)
		}
		if e.TotalText != c.total {
			t.Errorf("%s: total params %q, want %q", c.preset, e.TotalText, c.total)
		}
	}
	if m, _ := NewEditor(PresetSeed).Spec(); m.Optimizer != spec.Seed().Optimizer || m.BatchSize != spec.Seed().BatchSize {
		t.Errorf("the seed preset's settings %+v differ from spec.Seed()", m)
	}
}

func TestEditorMessagesSitBesideTheirField(t *testing.T) {
	e := NewEditor(PresetSeed)
	e.Rows[1].Units = "0"
	e.Changed()
	if msg := e.RowError(1); !strings.Contains(msg, "units must be between 1 and 4096, got 0") {
		t.Errorf("row 2 message = %q, want the units rule", msg)
	}
	if e.RowError(0) != "" || e.RowError(2) != "" {
		t.Errorf("other rows have messages: %q, %q", e.RowError(0), e.RowError(2))
	}
	if _, err := e.Spec(); err == nil || !strings.Contains(err.Error(), "layer 2 (Dense)") {
		t.Errorf("Spec error = %v, want one naming layer 2", err)
	}
	if e.OutputShape(0) != "(None, 128)" || e.OutputShape(1) != "?" {
		t.Errorf("shapes = %q, %q; want the first known and the bad one unknown", e.OutputShape(0), e.OutputShape(1))
	}

	e.Rows[1].Units = "6x"
	e.Changed()
	if msg := e.RowError(1); msg != `units must be a whole number, got "6x"` {
		t.Errorf("row 2 message = %q", msg)
	}

	e = NewEditor(PresetSeed)
	e.LR = "fast"
	e.BatchSize = "0"
	e.Changed()
	if msg := e.FieldError("lr"); msg != "learning rate must be a number, like 0.001" {
		t.Errorf("lr message = %q", msg)
	}
	if _, err := e.Spec(); err == nil {
		t.Errorf("a learning rate of %q gives a valid spec", e.LR)
	}
	e.LR = "0.01"
	e.Changed()
	if msg := e.FieldError("batch"); !strings.Contains(msg, "batch size must be between 1 and 4096, got 0") {
		t.Errorf("batch message = %q, want the batch size rule", msg)
	}

	e = NewEditor(PresetSeed)
	e.Rows[2].Units = "12"
	e.Changed()
	if msg := e.RowError(2); !strings.Contains(msg, "mnist has 10 classes") {
		t.Errorf("last row message = %q, want it to say mnist has 10 classes", msg)
	}
}

// TestScheduleFields: the schedule, decay rate and clip norm reach the
// spec, a bad decay rate is reported beside its field and blocks
// training, and undo brings the previous settings back.
func TestScheduleFields(t *testing.T) {
	e := NewEditor(PresetSeed)
	if e.Schedule != spec.ScheduleConstant || e.ClipNorm != "" {
		t.Fatalf("seed preset: schedule %q clip %q, want constant and none", e.Schedule, e.ClipNorm)
	}
	e.SetSetting("schedule", spec.ScheduleExponential)
	e.SetSetting("decay", "0.3")
	e.SetSetting("clip", "1")
	m, err := e.Spec()
	if err != nil {
		t.Fatal(err)
	}
	if o := m.Optimizer; o.Schedule != spec.ScheduleExponential || o.DecayRate != 0.3 || o.GlobalClipNorm != 1 {
		t.Errorf("spec optimizer %+v, want exponential 0.3 with clip 1", o)
	}
	e.SetSetting("decay", "1.5")
	if _, err := e.Spec(); err == nil || e.FieldError("decay") == "" {
		t.Errorf("decay 1.5: err %v, field message %q; want both", err, e.FieldError("decay"))
	}
	e.SetSetting("clip", "x")
	if msg := e.FieldError("clip"); !strings.Contains(msg, "clip norm must be a number") {
		t.Errorf("clip x: message %q", msg)
	}
	e.Undo()
	e.Undo()
	if m, err := e.Spec(); err != nil || m.Optimizer.DecayRate != 0.3 {
		t.Errorf("after two undos: %v, decay %g; want the valid 0.3", err, m.Optimizer.DecayRate)
	}
	// A cosine schedule ignores the decay rate field.
	e.SetSetting("schedule", spec.ScheduleCosine)
	e.SetSetting("decay", "oops")
	if m, err := e.Spec(); err != nil || m.Optimizer.Schedule != spec.ScheduleCosine {
		t.Errorf("cosine: %v, %+v", err, m.Optimizer)
	}
}

// A model from a link or file shows all its settings, the schedule and
// clipping included.
func TestLoadSpecShowsEverySetting(t *testing.T) {
	m := spec.Seed()
	m.Optimizer.Schedule, m.Optimizer.DecayRate, m.Optimizer.GlobalClipNorm = spec.ScheduleExponential, 0.25, 1.5
	e := NewEditor(PresetSeed)
	e.LoadSpec(m)
	if e.Schedule != spec.ScheduleExponential || e.DecayRate != "0.25" || e.ClipNorm != "1.5" {
		t.Errorf("loaded schedule %q, decay %q, clip %q; want exponential, 0.25, 1.5", e.Schedule, e.DecayRate, e.ClipNorm)
	}
	got, err := e.Spec()
	if err != nil || got.Optimizer != m.Optimizer {
		t.Errorf("the editor gives back %+v (%v), want %+v", got.Optimizer, err, m.Optimizer)
	}
	if !e.CanUndo() {
		t.Error("loading a model is not undoable")
	}
}
