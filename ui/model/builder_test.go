package model

import (
	"reflect"
	"strings"
	"testing"

	"github.com/nnplay/nnplay/engine/spec"
)

// These tests run as js/wasm under Node, like the rest of the package.

func TestEveryPresetRoundTripsThroughTheBuilder(t *testing.T) {
	for _, p := range PresetNames {
		e := NewEditor(p[0])
		m, err := e.Spec()
		if err != nil {
			t.Fatalf("preset %s: %v", p[0], err)
		}
		if want := PresetModel(p[0]); !reflect.DeepEqual(m, want) {
			t.Errorf("preset %s: the builder's spec\n%+v\ndiffers from the preset's\n%+v", p[0], m, want)
		}
	}
	// 5·5·1·6+6 + 5·5·6·16+16 + 400·120+120 + 120·84+84 + 84·10+10
	if got := NewEditor(PresetLeNet).TotalText; got != "61,706" {
		t.Errorf("LeNet total params %q, want 61,706", got)
	}
	// 3·3·32+32 + 3·3·32·64+64 + 9216·128+128 + 128·10+10
	if got := NewEditor(PresetCNN).TotalText; got != "1,199,882" {
		t.Errorf("small CNN total params %q, want 1,199,882", got)
	}
}

func TestPaletteDefaultsAreValidLayers(t *testing.T) {
	image := map[string]bool{spec.TypeConv2D: true, spec.TypeMaxPool2D: true, spec.TypeAveragePooling2D: true,
		spec.TypeGlobalAveragePooling2D: true, spec.TypeBatchNormalization: true}
	for _, typ := range LayerTypes {
		l := NewLayer(typ)
		back, msg := RowOf(l).Layer()
		if msg != "" {
			t.Errorf("%s: the palette's row does not parse: %s", typ, msg)
		}
		if typ != spec.TypeDense && typ != spec.TypeConv2D && !reflect.DeepEqual(back, l) {
			t.Errorf("%s: row round trip %+v, want %+v", typ, back, l)
		}
		in := []int{784}
		if image[typ] {
			in = []int{28, 28, 1}
		}
		if spec.IsRecurrent(typ) {
			in = []int{28, 28}
		}
		if _, err := (spec.Model{Input: in, Layers: []spec.Layer{back}}).Infer(); err != nil {
			t.Errorf("%s on input %v: %v", typ, in, err)
		}
	}
	if len(LayerTypes) != 17 {
		t.Errorf("the palette has %d types, want all 17 the spec knows", len(LayerTypes))
	}
}

// buildLeNet builds spec.LeNet()'s layers the way the browser test does.
func buildLeNet(e *Editor) {
	for len(e.Rows) > 0 {
		e.Remove(0)
	}
	e.SetInput("28,28,1")
	e.Add(spec.TypeConv2D)
	e.SetField(0, "filters", "6")
	e.SetField(0, "kernel", "5")
	e.SetField(0, "padding", "same")
	e.Add(spec.TypeMaxPool2D)
	e.Add(spec.TypeConv2D)
	e.SetField(2, "filters", "16")
	e.SetField(2, "kernel", "5")
	e.Add(spec.TypeMaxPool2D)
	e.Add(spec.TypeFlatten)
	e.Add(spec.TypeDense)
	e.SetField(5, "units", "120")
	e.Add(spec.TypeDense)
	e.SetField(6, "units", "84")
	e.Add(spec.TypeDense)
	e.SetField(7, "units", "10")
	e.SetField(7, "activation", "softmax")
}

func TestBuildLeNetByHand(t *testing.T) {
	e := NewEditor(PresetSeed)
	buildLeNet(e)
	m, err := e.Spec()
	if err != nil {
		t.Fatalf("hand-built LeNet: %v", err)
	}
	want := spec.LeNet()
	if !reflect.DeepEqual(m.Layers, want.Layers) || !reflect.DeepEqual(m.Input, want.Input) {
		t.Errorf("hand-built layers\n%+v\nwant\n%+v", m.Layers, want.Layers)
	}
	if e.Preset != PresetCustom {
		t.Errorf("preset %q after editing the layers, want %q", e.Preset, PresetCustom)
	}
	wantNames := []string{"conv2d (Conv2D)", "max_pooling2d (MaxPool2D)", "conv2d_1 (Conv2D)", "max_pooling2d_1 (MaxPool2D)",
		"flatten (Flatten)", "dense (Dense)", "dense_1 (Dense)", "dense_2 (Dense)"}
	for i, w := range wantNames {
		if got := e.LayerName(i); got != w {
			t.Errorf("layer %d is named %q, want %q", i+1, got, w)
		}
	}
	if e.OutputShape(1) != "(None, 14, 14, 6)" || e.OutputShape(4) != "(None, 400)" || e.Params(2) != "2,416" {
		t.Errorf("shapes %q, %q, params %q; want (None, 14, 14, 6), (None, 400), 2,416", e.OutputShape(1), e.OutputShape(4), e.Params(2))
	}
	if !strings.Contains(e.MemoryText(), "MiB at batch size 64") {
		t.Errorf("memory estimate %q, want it in MiB at batch size 64", e.MemoryText())
	}
}

func TestAddInsertsAfterTheSelectedLayer(t *testing.T) {
	e := NewEditor(PresetSeed)
	e.Add(spec.TypeDropout) // nothing selected: at the end
	if len(e.Rows) != 4 || e.Rows[3].Type != spec.TypeDropout || e.Selected != 3 {
		t.Fatalf("Add with nothing selected: rows %+v, selected %d", e.Rows, e.Selected)
	}
	if msg := e.RowError(3); !strings.Contains(msg, "Dropout is the last layer") {
		t.Errorf("a trailing Dropout's message = %q", msg)
	}
	e.Select(0)
	e.Add(spec.TypeBatchNormalization)
	if e.Rows[1].Type != spec.TypeBatchNormalization || e.Selected != 1 {
		t.Errorf("Add after row 0 put %s at 1, selected %d", e.Rows[1].Type, e.Selected)
	}
	// The shapes work out, so the totals show although the trailing
	// Dropout makes the model untrainable.
	if e.NonTrainableText != "256" || e.TotalText != "109,898" {
		t.Errorf("non-trainable %q, total %q; want BatchNormalization's 2·128 moving statistics of 4·128", e.NonTrainableText, e.TotalText)
	}
}

func TestInvalidSettingSitsBesideItsLayer(t *testing.T) {
	e := NewEditor(PresetLeNet)
	e.SetField(0, "kernel", "40")
	if msg := e.RowError(0); !strings.Contains(msg, "kernel_size must be between 1 and 15") {
		t.Errorf("message beside layer 1 = %q, want the kernel_size rule", msg)
	}
	if _, err := e.Spec(); err == nil || !strings.HasPrefix(err.Error(), "layer 1 (Conv2D): ") {
		t.Errorf("Spec error = %v, want one naming layer 1 (Conv2D)", err)
	}
	e.SetField(0, "kernel", "5y")
	if msg := e.RowError(0); msg != `kernel must be one whole number (5 for 5×5) or two (3×5), got "5y"` {
		t.Errorf("message for 5y = %q", msg)
	}
	e.SetField(0, "kernel", "3×5")
	if msg := e.RowError(0); msg != "" {
		t.Errorf("a 3×5 kernel gives %q", msg)
	}
	if m, _ := e.Spec(); !reflect.DeepEqual(m.Layers[0].KernelSize, []int{3, 5}) {
		t.Errorf("kernel 3×5 parsed as %v", m.Layers[0].KernelSize)
	}
	e.SetField(2, "kernel", "29")
	if msg := e.RowError(2); !strings.Contains(msg, "kernel_size") {
		t.Errorf("kernel 29 on layer 3: %q", msg)
	}
	e.SetField(2, "kernel", "15")
	if msg := e.RowError(2); !strings.Contains(msg, "kernel 15×15 is larger than its input 14×14") {
		t.Errorf("kernel 15 on a 14×14 input: %q, want it too large", msg)
	}
	e.SetField(4, "rate", "") // Flatten has no rate: ignored
	e.Rows[4] = RowOf(spec.Reshape(-1, 7, 7))
	e.Changed()
	e.SetField(2, "kernel", "5")
	if msg := e.RowError(4); !strings.Contains(msg, "target_shape [-1 7 7] cannot hold") {
		t.Errorf("Reshape -1×7×7 of 16·5·5 values: %q", msg)
	}
}

func TestUndoReturnsExactlyThePreviousModel(t *testing.T) {
	e := NewEditor(PresetLeNet)
	var states []editorState
	record := func() { states = append(states, e.state()) }
	record()
	e.Move(4, 1)
	record()
	e.SetField(0, "filters", "1") // typed over the selected 6
	e.SetField(0, "filters", "12")
	e.SetField(0, "filters", "128")
	e.SetField(0, "filters", "18") // keystrokes in one field: one step
	record()
	e.SetField(0, "filters", "20") // over the selection: a step of its own
	e.SetField(0, "filters", "2")
	record()
	e.SetField(0, "kernel", "3")
	record()
	e.SetTrainable(5, false)
	record()
	e.Remove(2)
	record()
	e.LoadPreset(PresetSeed)
	record()
	e.SetSetting("lr", "0.0")
	e.SetSetting("lr", "0.01")
	record()
	for i := len(states) - 2; i >= 0; i-- {
		if !e.Undo() {
			t.Fatalf("Undo refused at step %d", i)
		}
		if !reflect.DeepEqual(e.state(), states[i]) {
			t.Fatalf("after undo to step %d the state is\n%+v\nwant\n%+v", i, e.state(), states[i])
		}
	}
	if e.Undo() || e.CanUndo() {
		t.Errorf("Undo went past the first state")
	}
	if m, _ := e.Spec(); !reflect.DeepEqual(m, spec.LeNet()) {
		t.Errorf("after undoing everything the spec is not LeNet's")
	}
	for i := 1; i < len(states); i++ {
		if !e.Redo() || !reflect.DeepEqual(e.state(), states[i]) {
			t.Fatalf("redo to step %d gives\n%+v\nwant\n%+v", i, e.state(), states[i])
		}
	}
	if e.Redo() {
		t.Errorf("Redo went past the last state")
	}
	e.Undo()
	e.Add(spec.TypeReLU)
	if e.CanRedo() {
		t.Errorf("a new edit after Undo kept the redo steps")
	}
}

func TestMoveRemoveAndFreeze(t *testing.T) {
	e := NewEditor(PresetSeed)
	e.Move(0, 2)
	if got := []string{e.Rows[0].Units, e.Rows[1].Units, e.Rows[2].Units}; !reflect.DeepEqual(got, []string{"64", "10", "128"}) {
		t.Errorf("Move(0, 2) gives units %v", got)
	}
	if e.Selected != 2 {
		t.Errorf("the moved row is not selected: %d", e.Selected)
	}
	steps := len(e.hist.undo)
	e.Move(0, 3)
	e.Move(-1, 0)
	e.Remove(3)
	e.SetField(9, "units", "1")
	e.SetField(0, "nonsense", "1")
	if len(e.hist.undo) != steps {
		t.Errorf("out-of-range edits were recorded as undo steps")
	}
	e.Remove(2)
	if len(e.Rows) != 2 || e.Selected != 1 {
		t.Errorf("Remove(2) left %d rows, selected %d", len(e.Rows), e.Selected)
	}
	for len(e.Rows) > 0 {
		e.Remove(0)
	}
	if _, err := e.Spec(); err == nil || err.Error() != "the model has no layers" {
		t.Errorf("an empty model gives %v", err)
	}

	e = NewEditor(PresetSeed)
	e.SetTrainable(0, false)
	if e.TotalText != "109,386" || e.TrainableText != "8,906" || e.NonTrainableText != "100,480" {
		t.Errorf("with layer 1 frozen: total %s, trainable %s, non-trainable %s", e.TotalText, e.TrainableText, e.NonTrainableText)
	}
	if m, _ := e.Spec(); !m.Layers[0].Frozen || m.Layers[1].Frozen {
		t.Errorf("Frozen is not in the spec: %+v", m.Layers)
	}
}

func TestKeystroke(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"", "4", true}, {"4", "40", true}, {"40", "4", true}, {"5×5", "5×", true}, {"55", "5×5", true},
		{"5", "40", false}, {"5×5", "4", false}, {"40", "40", false}, {"12", "21", false}, {"0.25", "0.3", false},
	} {
		if got := keystroke(c.a, c.b); got != c.want {
			t.Errorf("keystroke(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

func TestWindowAndShapeParsing(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []int
		ok   bool
	}{
		{"5", []int{5, 5}, true}, {"3x5", []int{3, 5}, true}, {" 3 × 5 ", []int{3, 5}, true},
		{"(2, 2)", []int{2, 2}, true}, {"1 2 3", nil, false}, {"a", nil, false}, {"", nil, false},
	} {
		got, msg := window("kernel", strings.TrimSpace(c.in), true)
		if (msg == "") != c.ok || !reflect.DeepEqual(got, c.want) {
			t.Errorf("window(%q) = %v, %q", c.in, got, msg)
		}
	}
	if got, msg := window("strides", "", false); got != nil || msg != "" {
		t.Errorf("empty strides = %v, %q; want the default", got, msg)
	}
	if got, msg := shape("-1, 7, 7"); msg != "" || !reflect.DeepEqual(got, []int{-1, 7, 7}) {
		t.Errorf("shape(-1, 7, 7) = %v, %q", got, msg)
	}
}
