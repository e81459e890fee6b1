//go:build browser

package browsertest

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/nnplay/nnplay/engine/share"
	"github.com/nnplay/nnplay/engine/tfjs"
)

// Browser tests of My models, the TensorFlow.js buttons and the check on
// 100 test images.

// TestModelsSaveRenameDeleteLoadAcrossReload saves two models, renames
// one, deletes the other (undo, then for good), reloads (the list is
// still there) and loads the kept one back: same summary, same
// probabilities. A foreign file uploaded as a model says what it is and
// changes nothing.
func TestModelsSaveRenameDeleteLoadAcrossReload(t *testing.T) {
	u, _ := openApp(t, 5*time.Minute)
	u.stepN(3)
	summary := u.text("#summary")
	probs := u.drawnProbs()
	u.goTo("keep")
	u.typeInto("#model-save-name", "first")
	u.click("#model-save-as")
	u.waitJS("first saved", 60*time.Second, `!!document.querySelector('`+modelRow("first")+`')`)
	if acc := u.text(modelRow("first") + " .model-acc"); !strings.HasSuffix(acc, "%") {
		t.Errorf("the saved model's test accuracy reads %q; want a percentage", acc)
	}
	if arch := u.text(modelRow("first") + " .model-arch"); arch != "Dense 128 relu → Dense 64 relu → Dense 10 softmax" {
		t.Errorf("architecture %q", arch)
	}

	u.goTo("build")
	u.choose("#preset", "softmax")
	u.stepN(u.batchCounter() + 1)
	u.goTo("keep")
	u.click("#model-save-as") // no name: "Model 2"
	u.waitJS("Model 2 saved", 60*time.Second, `!!document.querySelector('`+modelRow("Model 2")+`')`)
	if got := strings.Join(u.modelNames(), ","); got != "Model 2,first" {
		t.Errorf("My models lists %s; want Model 2,first (newest first)", got)
	}

	// Rename "first" to "mlp".
	u.click(modelRow("first") + " .model-rename")
	// The page focuses the name field and selects its text a moment later;
	// a person types after that.
	u.waitJS("the name field focused", 10*time.Second, `document.activeElement === document.querySelector(".model-row.renaming .model-rename-input")`)
	u.typeInto(".model-row.renaming .model-rename-input", "mlp")
	u.click(".model-row.renaming .model-rename-save")
	u.waitJS("renamed", 10*time.Second, `!!document.querySelector('`+modelRow("mlp")+`')`)

	// Delete "Model 2", undo, delete again.
	u.click(modelRow("Model 2") + " .model-delete")
	u.waitJS("deleted", 10*time.Second, `!document.querySelector('`+modelRow("Model 2")+`') && !!document.querySelector("#model-undo")`)
	u.click("#model-undo")
	u.waitJS("undone", 10*time.Second, `!!document.querySelector('`+modelRow("Model 2")+`')`)
	u.click(modelRow("Model 2") + " .model-delete")
	u.waitJS("deleted again", 10*time.Second, `!document.querySelector('`+modelRow("Model 2")+`')`)

	time.Sleep(time.Second) // IndexedDB writes
	u.Run("reload", chromedp.Reload())
	u.WaitText("#status", 90*time.Second, func(s string) bool { return strings.Contains(s, "Ready to train") })
	u.goTo("keep")
	u.waitJS("My models read back", 30*time.Second, `document.querySelectorAll("#models-list .model-row").length > 0`)
	if got := strings.Join(u.modelNames(), ","); got != "mlp" {
		t.Fatalf("after a reload My models lists %q; want mlp", got)
	}

	// Load it: the seed model with the weights it had.
	u.click(modelRow("mlp") + " .model-load")
	u.WaitText("#share-opened", 60*time.Second, func(s string) bool { return strings.Contains(s, "Loaded “mlp” from My models") })
	u.WaitText("#status", 60*time.Second, func(s string) bool { return strings.Contains(s, "Ready to train") })
	u.goTo("build")
	if got := u.text("#summary"); got != summary {
		t.Errorf("loaded summary differs:\n%s\nwant\n%s", got, summary)
	}
	loaded := u.drawnProbs()
	if strings.Join(loaded, ",") != strings.Join(probs, ",") {
		t.Errorf("loaded model's probabilities %v; want %v", loaded, probs)
	}

	// Foreign files: a PNG and a TF.js model.json as a model file.
	dir := t.TempDir()
	png := filepath.Join(dir, "digit.png")
	js := filepath.Join(dir, "model.json")
	must(t, os.WriteFile(png, []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), 0o644))
	must(t, os.WriteFile(js, []byte(`{"format": "layers-model", "modelTopology": {}, "weightsManifest": []}`), 0o644))
	for _, c := range []struct{ file, want string }{
		{png, "this is not an nnplay model file: it is a PNG image"},
		{js, "it is a TensorFlow.js model.json; import it as a TensorFlow.js model"},
	} {
		u.goTo("keep")
		u.Run("upload "+c.file, chromedp.SetUploadFiles("#share-upload", []string{c.file}, chromedp.ByQuery))
		u.WaitText("#error-banner", 30*time.Second, func(s string) bool { return strings.Contains(s, c.want) })
		if got := u.drawnProbs(); strings.Join(got, ",") != strings.Join(loaded, ",") {
			t.Errorf("after uploading %s the probabilities are %v; want %v (unchanged)", filepath.Base(c.file), got, loaded)
		}
		u.goTo("build")
		if got := u.text("#summary"); got != summary {
			t.Errorf("after uploading %s the summary changed", filepath.Base(c.file))
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestTFJSExportThenImportPredictsTheSame exports the trained model for
// TensorFlow.js (model.json and its .bin, read independently with
// engine/tfjs), imports both files back into a different model: the same
// probabilities and the same check on 100 test images. A model.json with
// a layer nnplay lacks names it, and nothing changes.
func TestTFJSExportThenImportPredictsTheSame(t *testing.T) {
	u, _ := openApp(t, 5*time.Minute)
	u.stepN(4)
	summary := u.text("#summary")
	probs := u.drawnProbs()
	digits, crc, _ := u.check100()

	u.catchDownloads()
	u.goTo("keep")
	u.click("#tfjs-export")
	files := u.downloads(2, 60*time.Second)
	byName := map[string][]byte{}
	for _, f := range files {
		byName[f.Name] = f.Data
	}
	modelJSON, weights := byName["model.json"], byName[tfjs.WeightsFile]
	if modelJSON == nil || weights == nil {
		t.Fatalf("downloaded %v; want model.json and %s", names(files), tfjs.WeightsFile)
	}
	p, err := tfjs.Import(modelJSON, map[string][]byte{tfjs.WeightsFile: weights})
	if err != nil {
		t.Fatalf("the page's export does not import: %v", err)
	}
	if p.Steps != 4 || len(p.Weights) != 6 {
		t.Errorf("the export holds %d steps and %d tensors; want 4 and 6", p.Steps, len(p.Weights))
	}
	dir := t.TempDir()
	must(t, os.WriteFile(filepath.Join(dir, "model.json"), modelJSON, 0o644))
	must(t, os.WriteFile(filepath.Join(dir, tfjs.WeightsFile), weights, 0o644))

	// Another model first, so the import visibly brings this one back.
	u.goTo("build")
	u.choose("#preset", "softmax")
	u.stepN(u.batchCounter() + 1)
	u.goTo("keep")
	u.Run("import the TF.js files", chromedp.SetUploadFiles("#tfjs-import",
		[]string{filepath.Join(dir, "model.json"), filepath.Join(dir, tfjs.WeightsFile)}, chromedp.ByQuery))
	u.WaitText("#share-opened", 60*time.Second, func(s string) bool { return strings.Contains(s, "Opened the TensorFlow.js model model.json") })
	u.WaitText("#status", 60*time.Second, func(s string) bool { return strings.Contains(s, "Ready to train") })
	u.goTo("build")
	if got := u.text("#summary"); got != summary {
		t.Errorf("imported summary differs:\n%s\nwant\n%s", got, summary)
	}
	if got := u.drawnProbs(); strings.Join(got, ",") != strings.Join(probs, ",") {
		t.Errorf("imported model's probabilities %v; want %v", got, probs)
	}
	d2, crc2, _ := u.check100()
	if strings.Join(d2, ",") != strings.Join(digits, ",") || crc2 != crc {
		t.Errorf("after the round trip the check on 100 test images gives crc %s; before %s", crc2, crc)
	}

	// A layer nnplay does not have: the message names it; nothing changes.
	bad := bytes.Replace(modelJSON, []byte(`"class_name": "Dense"`), []byte(`"class_name": "MultiHeadAttention"`), 1)
	must(t, os.WriteFile(filepath.Join(dir, "model.json"), bad, 0o644))
	u.goTo("keep")
	u.Run("import a bad model.json", chromedp.SetUploadFiles("#tfjs-import",
		[]string{filepath.Join(dir, "model.json"), filepath.Join(dir, tfjs.WeightsFile)}, chromedp.ByQuery))
	u.WaitText("#error-banner", 30*time.Second, func(s string) bool {
		return strings.Contains(s, "this TensorFlow.js model cannot be opened") && strings.Contains(s, "nnplay has no MultiHeadAttention layer")
	})
	if got := u.drawnProbs(); strings.Join(got, ",") != strings.Join(probs, ",") {
		t.Errorf("after a refused import the probabilities are %v; want %v (unchanged)", got, probs)
	}
	// Only a .bin: the page says a model.json is needed.
	u.goTo("keep")
	u.Run("import a .bin alone", chromedp.SetUploadFiles("#tfjs-import", []string{filepath.Join(dir, tfjs.WeightsFile)}, chromedp.ByQuery))
	u.WaitText("#error-banner", 30*time.Second, func(s string) bool { return strings.Contains(s, "has no .json file") })
}

func names(fs []download) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Name)
	}
	return out
}

// TestModelsLinkPredicts100TestImagesAlike: train an epoch, share at float32, open
// the link in a fresh browser context: the predictions on the first 100
// test images are identical (digits and the probabilities' CRC); an int8
// link agrees on at least 99 of them.
func TestModelsLinkPredicts100TestImagesAlike(t *testing.T) {
	u, _ := openApp(t, 5*time.Minute)
	u.typeInto("#epochs", "1")
	u.waitEnabled("#train", 30*time.Second)
	u.click("#train")
	u.WaitText("#status", 120*time.Second, func(s string) bool { return strings.Contains(s, "Training finished") })
	digits, crc, right := u.check100()
	t.Logf("the trained model gets %s of the first 100 test images right", right)
	links := map[string]string{}
	for _, p := range []string{"float32", "int8"} {
		u.choose("#share-precision", p)
		u.waitJS("the "+p+" link", 60*time.Second, `document.querySelector("#share-accuracy").textContent !== "" && document.querySelector("#share-make").textContent === "Make link"`)
		links[p] = u.value("#share-link")
		if _, err := share.Decode(links[p]); err != nil {
			t.Fatalf("the %s link does not decode: %v", p, err)
		}
	}
	for _, p := range []string{"float32", "int8"} {
		link := links[p]
		v := openFresh(t, "/"+link[strings.Index(link, "#"):], 3*time.Minute)
		v.goTo("keep")
		v.WaitText("#share-opened", 60*time.Second, func(s string) bool { return strings.Contains(s, p+" weights") })
		v.WaitText("#status", 90*time.Second, func(s string) bool { return strings.Contains(s, "Ready to train") })
		got, gotCRC, _ := v.check100()
		same := 0
		for i := range digits {
			if i < len(got) && got[i] == digits[i] {
				same++
			}
		}
		t.Logf("%s link: %d of 100 predictions agree; probabilities' CRC %s (original %s)", p, same, gotCRC, crc)
		switch {
		case p == "float32" && (same != 100 || gotCRC != crc):
			t.Errorf("float32 link: %d of 100 predictions agree, CRC %s vs %s; want identical", same, gotCRC, crc)
		case p == "int8" && same < 99:
			t.Errorf("int8 link: %d of 100 predictions agree; want at least 99", same)
		}
	}
}
