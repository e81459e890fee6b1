//go:build browser

package browsertest

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/nnplay/nnplay/engine/nn"
	"github.com/nnplay/nnplay/engine/spec"
)

// Tests of the layer builder, driven as a person drives it: palette
// clicks, typing into the fields, dragging rows, the keyboard.

// TestBuildLeNetByClicking builds the LeNet-5 style model from an empty
// builder (palette clicks and typed settings, not the preset), checks each
// row's name, output shape and parameter count and the totals against
// engine/nn's Summary of spec.LeNet(), then trains it one epoch in the
// page: test accuracy at least 97%.
func TestBuildLeNetByClicking(t *testing.T) {
	u, _ := openApp(t, 20*time.Minute)
	for n := u.rowCount(); n > 0; n-- {
		u.click(row(0) + " .remove")
		u.waitJS("a row to go", 2*time.Second, fmt.Sprintf(`document.querySelectorAll("#layers .layer-row").length === %d`, n-1))
	}
	if why := u.text("#train-blocked"); !strings.Contains(why, "the model has no layers") {
		t.Errorf("with no layers #train-blocked = %q, want it to say the model has no layers", why)
	}
	u.choose("#input-shape", "28,28,1")
	steps := []struct {
		typ    string
		fields [][2]string
	}{
		{"Conv2D", [][2]string{{"filters", "6"}, {"kernel", "5"}, {"padding", "same"}}},
		{"MaxPool2D", nil},
		{"Conv2D", [][2]string{{"filters", "16"}, {"kernel", "5"}}},
		{"MaxPool2D", nil},
		{"Flatten", nil},
		{"Dense", [][2]string{{"units", "120"}}},
		{"Dense", [][2]string{{"units", "84"}}},
		{"Dense", [][2]string{{"units", "10"}, {"activation", "softmax"}}},
	}
	for i, s := range steps {
		u.click(fmt.Sprintf(`#palette button[data-type=%q]`, s.typ))
		u.waitJS("the new row", 2*time.Second, fmt.Sprintf(`document.querySelectorAll("#layers .layer-row").length === %d`, i+1))
		for _, f := range s.fields {
			u.setField(i, f[0], f[1])
		}
	}
	u.waitEnabled("#train", 5*time.Second)

	model, err := nn.Build(spec.LeNet())
	if err != nil {
		t.Fatalf("engine: %v", err)
	}
	summary := model.Summary()
	want := engineRows(t, summary)
	got := u.summaryRows()
	if len(got) != len(want) {
		t.Fatalf("the builder shows %d rows, the engine's summary %d:\n%s", len(got), len(want), summary)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("row %d: builder %q, engine %q", i+1, got[i], want[i])
		}
	}
	for _, c := range []struct{ sel, label string }{
		{"#total-params", "Total params"}, {"#trainable-params", "Trainable params"}, {"#non-trainable-params", "Non-trainable params"},
	} {
		m := regexp.MustCompile(`(?m)^` + c.label + `: ([\d,]+)`).FindStringSubmatch(summary)
		if m == nil {
			t.Fatalf("no %q line in the engine's summary:\n%s", c.label, summary)
		}
		if v := u.text(c.sel); v != m[1] {
			t.Errorf("%s = %q, engine's %s %q", c.sel, v, c.label, m[1])
		}
	}
	if mem := u.text("#memory"); !strings.Contains(mem, "MiB at batch size 64") {
		t.Errorf("#memory = %q, want the estimate at batch size 64", mem)
	}

	u.typeInto("#epochs", "1")
	start := time.Now()
	u.click("#train")
	acc := u.WaitText("#test-accuracy", 15*time.Minute, func(s string) bool { return strings.HasSuffix(s, "%") })
	t.Logf("LeNet (built by clicking), one epoch in the page: %.1f s to the test accuracy %s; %q",
		time.Since(start).Seconds(), acc, u.text("#progress-text"))
	pct, err := strconv.ParseFloat(strings.TrimSuffix(acc, "%"), 64)
	if err != nil || pct < 97 {
		t.Errorf("test accuracy after one epoch of LeNet = %q, want at least 97%%", acc)
	}
}

// TestInvalidLayerSettingBlocksTraining types a kernel of 40 into LeNet's
// first layer: the message appears in that layer's row and Train is
// disabled with the reason; fixing it (by typing, or Ctrl+Z in the field)
// enables Train again. Then a Dense layer without Flatten before it is
// flagged the same way.
func TestInvalidLayerSettingBlocksTraining(t *testing.T) {
	u, _ := openApp(t, 2*time.Minute)
	u.choose("#preset", "lenet")
	u.WaitText("#total-params", 2*time.Second, func(s string) bool { return s == "61,706" })
	u.waitEnabled("#train", 5*time.Second)

	u.setField(0, "kernel", "40")
	msg := u.WaitText(row(0)+" .error", 2*time.Second, func(s string) bool { return s != "" })
	if !strings.Contains(msg, "kernel_size must be between 1 and 15") {
		t.Errorf("layer 1's message = %q, want the kernel_size rule", msg)
	}
	if n := u.count("#summary .error"); n != 1 {
		t.Errorf("%d messages in the summary, want only layer 1's", n)
	}
	if !u.disabled("#train") {
		t.Fatalf("#train is enabled with a 40×40 kernel")
	}
	if why := u.text("#train-blocked"); !strings.Contains(why, "layer 1 (Conv2D): kernel_size") {
		t.Errorf("#train-blocked = %q, want the reason naming layer 1 (Conv2D)", why)
	}
	if s := u.text(row(1) + " .layer-output"); s != "?" {
		t.Errorf("the layer after the bad one shows output %q, want ?", s)
	}

	u.setField(0, "kernel", "5")
	u.waitEnabled("#train", 2*time.Second)
	if n := u.count("#summary .error"); n != 0 {
		t.Errorf("%d messages remain after fixing the kernel", n)
	}
	if p := u.text("#total-params"); p != "61,706" {
		t.Errorf("#total-params = %q after the fix, want 61,706", p)
	}
	// Typing 40 again, then Ctrl+Z in the field: the builder's undo takes
	// back the whole typing, not the browser's per-field undo.
	u.setField(0, "kernel", "40")
	u.WaitText(row(0)+" .error", 2*time.Second, func(s string) bool { return s != "" })
	u.Run("press Ctrl+Z in the kernel field", chromedp.KeyEvent("z", chromedp.KeyModifiers(input.ModifierCtrl)))
	u.waitJS("the kernel to be 5 again", 2*time.Second, fmt.Sprintf(`document.querySelector(%q).value === "5"`, row(0)+` [data-field="kernel"]`))
	u.waitEnabled("#train", 2*time.Second)

	// Without Flatten, Dense meets an image.
	u.click(row(4) + " .remove")
	msg = u.WaitText(row(4)+" .error", 2*time.Second, func(s string) bool { return s != "" })
	if !strings.Contains(msg, "needs a flat input, got shape (None, 5, 5, 16); add Flatten first") {
		t.Errorf("the Dense row's message = %q, want it to ask for Flatten", msg)
	}
	if !u.disabled("#train") {
		t.Errorf("#train is enabled with Dense after a 4-D output")
	}
	u.click("#undo")
	u.waitEnabled("#train", 2*time.Second)
}

// TestReorderAndUndo drags a row by its handle, and moves one with the ↑
// button and the keyboard; after each, undo (Ctrl+Z or the button) brings
// back exactly the previous model: the summary's text and every field.
func TestReorderAndUndo(t *testing.T) {
	u, _ := openApp(t, 2*time.Minute)
	u.choose("#preset", "lenet")
	u.WaitText("#total-params", 2*time.Second, func(s string) bool { return s == "61,706" })
	before := u.summaryState()
	if u.disabled("#undo") || !u.disabled("#redo") {
		t.Errorf("after choosing a preset: undo disabled %v, redo disabled %v; want undo on, redo off", u.disabled("#undo"), u.disabled("#redo"))
	}

	// Drag Flatten (row 5) above the second Conv2D (row 3).
	u.dragRow(4, 2)
	u.waitJS("the drop", 2*time.Second, `document.querySelector('#layers .layer-row[data-index="2"] .layer-name').textContent.startsWith("flatten")`)
	if got := u.rowTypes(); got != "Conv2D MaxPool2D Flatten Conv2D MaxPool2D Dense Dense Dense" {
		t.Errorf("after the drag the layers are %s", got)
	}
	if msg := u.text(row(3) + " .error"); !strings.Contains(msg, "needs a (height, width, channels) input") {
		t.Errorf("Conv2D after Flatten: message %q", msg)
	}
	dragged := u.summaryState()
	u.Run("press Ctrl+Z", chromedp.KeyEvent("z", chromedp.KeyModifiers(input.ModifierCtrl)))
	u.waitSummary("Ctrl+Z to undo the drag", before)
	u.Run("press Ctrl+Shift+Z", chromedp.KeyEvent("z", chromedp.KeyModifiers(input.ModifierCtrl, input.ModifierShift)))
	u.waitSummary("Ctrl+Shift+Z to redo the drag", dragged)
	u.click("#undo")
	u.waitSummary("the undo button", before)

	// ↑ on Dense 120 (row 6) puts it above Flatten; the focus follows it.
	u.click(row(5) + " .up")
	u.waitJS("the move", 2*time.Second, `document.querySelector('#layers .layer-row[data-index="4"] .layer-name').textContent.startsWith("dense")`)
	if got := u.rowTypes(); got != "Conv2D MaxPool2D Conv2D MaxPool2D Dense Flatten Dense Dense" {
		t.Errorf("after ↑ the layers are %s", got)
	}
	if msg := u.text(row(4) + " .error"); !strings.Contains(msg, "needs a flat input") {
		t.Errorf("Dense before Flatten: message %q", msg)
	}
	u.waitJS("the focus to follow the row", 2*time.Second,
		`document.activeElement === document.querySelector('#layers .layer-row[data-index="4"] .up')`)
	moved := u.summaryState()
	// Keyboard: Tab to ↓ and press Enter, which moves it back.
	u.Run("Tab, Enter", chromedp.KeyEvent(kbTab), chromedp.KeyEvent(kbEnter))
	u.waitSummary("↓ by keyboard to restore the order", before)
	u.Run("press Ctrl+Z", chromedp.KeyEvent("z", chromedp.KeyModifiers(input.ModifierCtrl)))
	u.waitSummary("Ctrl+Z to undo ↓", moved)
	u.click("#undo")
	u.waitSummary("undo of ↑", before)
	u.Run("press Ctrl+Y", chromedp.KeyEvent("y", chromedp.KeyModifiers(input.ModifierCtrl)))
	u.waitSummary("Ctrl+Y to redo ↑", moved)
}

// TestTrainableToggleAndPalettePosition freezes a layer (marked, counted
// as non-trainable) and inserts a layer after the selected row.
func TestTrainableToggleAndPalettePosition(t *testing.T) {
	u, _ := openApp(t, 2*time.Minute)
	u.click(row(0) + " .trainable")
	u.WaitText("#non-trainable-params", 2*time.Second, func(s string) bool { return s == "100,480" })
	if got := u.text("#trainable-params"); got != "8,906" {
		t.Errorf("#trainable-params = %q with layer 1 frozen, want 8,906", got)
	}
	if b := u.text(row(0) + " .badge"); b != "Frozen" {
		t.Errorf("the frozen row's badge says %q, want Frozen", b)
	}
	u.click(row(1) + " .layer-output") // select row 2
	u.click(`#palette button[data-type="BatchNormalization"]`)
	u.waitJS("the insert", 2*time.Second, `document.querySelectorAll("#layers .layer-row").length === 4`)
	if got := u.rowTypes(); got != "Dense Dense BatchNormalization Dense" {
		t.Errorf("after inserting with row 2 selected the layers are %s", got)
	}
	if got := u.text(row(2) + " .layer-params"); got != "256" {
		t.Errorf("BatchNormalization of 64 channels has %q params, want 256", got)
	}
	if got := u.text("#non-trainable-params"); got != "100,608" {
		t.Errorf("#non-trainable-params = %q, want 100,480 + 128 moving statistics", got)
	}
}

// TestBiasCheckbox unticks the bias of the seed model's first Dense layer:
// its param count drops by its 128 biases (100,480 → 100,352, as Keras
// counts a Dense with use_bias=False), so does the total; Undo ticks it
// again and Redo unticks it.
func TestBiasCheckbox(t *testing.T) {
	u, _ := openApp(t, 2*time.Minute)
	box := row(0) + ` input[data-field="bias"]`
	checked := func() bool {
		var on bool
		u.js("the bias box", fmt.Sprintf(`document.querySelector(%q).checked`, box), &on)
		return on
	}
	if !checked() {
		t.Fatal("the seed model's first Dense layer has its bias box unticked")
	}
	u.click(box)
	u.WaitText(row(0)+" .layer-params", 2*time.Second, func(s string) bool { return s == "100,352" })
	if got := u.text("#total-params"); got != "109,258" || checked() {
		t.Errorf("without the bias: #total-params = %q (want 109,258), box ticked %v", got, checked())
	}
	u.click("#undo")
	u.WaitText(row(0)+" .layer-params", 2*time.Second, func(s string) bool { return s == "100,480" })
	if !checked() || u.text("#total-params") != "109,386" {
		t.Errorf("after Undo: box ticked %v, #total-params %q; want ticked, 109,386", checked(), u.text("#total-params"))
	}
	u.click("#redo")
	u.WaitText(row(0)+" .layer-params", 2*time.Second, func(s string) bool { return s == "100,352" })
	if checked() {
		t.Error("after Redo the bias box is ticked")
	}
}
