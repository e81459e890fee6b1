//go:build browser

package browsertest

import (
	"bytes"
	"encoding/base64"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/nnplay/nnplay/engine/modelio"
	"github.com/nnplay/nnplay/engine/nn"
	"github.com/nnplay/nnplay/engine/share"
	"github.com/nnplay/nnplay/engine/spec"
)

// Browser tests of the Share panel: links, reloads, model files.

// stepN clicks Step until the global batch counter reads n.
func (u *user) stepN(n int) {
	u.t.Helper()
	for i := u.batchCounter(); i < n; i++ {
		u.waitEnabled("#step", 60*time.Second)
		u.click("#step")
		u.waitJS("batch "+strconv.Itoa(i+1), 60*time.Second,
			`+document.querySelector("#batch-counter").textContent >= `+strconv.Itoa(i+1))
	}
	u.WaitText("#status", 30*time.Second, func(s string) bool { return strings.Contains(s, "Paused") })
}

// drawnProbs draws a "7" on a cleared pad and returns the probability
// bars' data-p strings once they are there and steady.
func (u *user) drawnProbs() []string {
	u.t.Helper()
	u.goTo("build")
	u.click("#pad-clear")
	u.waitJS("the pad cleared", 10*time.Second, `document.querySelectorAll("#probs .prob").length === 0`)
	u.drawStroke(0.25, 0.25, 0.75, 0.25, 8)
	u.drawStroke(0.75, 0.25, 0.45, 0.8, 8)
	u.waitJS("ten probability bars", 30*time.Second, `document.querySelectorAll("#probs .prob").length === 10`)
	var last []string
	for range 40 {
		var p []string
		u.js("read #probs", `[...document.querySelectorAll("#probs .prob")].map(e => e.dataset.p)`, &p)
		if strings.Join(p, ",") == strings.Join(last, ",") {
			return p
		}
		last = p
		time.Sleep(250 * time.Millisecond)
	}
	return last
}

func mustFloat(s string) float64 {
	f, _ := strconv.ParseFloat(s, 64)
	return f
}

func (u *user) value(sel string) string {
	u.t.Helper()
	var s string
	u.js("read the value of "+sel, `document.querySelector("`+sel+`").value`, &s)
	return s
}

// TestShareLinkOpensTheSameModel trains a few batches, makes a link at
// each precision (logging its length and the decoded copy's accuracy),
// then opens the float16 link in a fresh tab: same summary, same
// probabilities for the same drawing.
func TestShareLinkOpensTheSameModel(t *testing.T) {
	u, _ := openApp(t, 6*time.Minute)
	u.stepN(5)
	u.goTo("keep")
	for _, p := range []string{"float32", "int8", "int8c", "int4", "int4c", "recipe", "float16"} {
		u.choose("#share-precision", p)
		u.waitJS("the "+p+" link", 60*time.Second, `document.querySelector("#share-accuracy").textContent !== "" && document.querySelector("#share-make").textContent === "Make link"`)
		t.Logf("%-8s link %s; %s", p, u.text("#share-length"), u.text("#share-accuracy"))
	}
	link := u.value("#share-link")
	if !strings.Contains(link, "#m=") {
		t.Fatalf("#share-link holds %q; want a URL with #m=", link)
	}
	if _, err := share.Decode(link); err != nil {
		t.Fatalf("the page's link does not decode: %v", err)
	}
	// Away and back: the link box is drawn again with the link.
	u.goTo("build")
	u.goTo("keep")
	if again := u.value("#share-link"); again != link {
		t.Errorf("back on Share & keep the link box holds %.40q; want the link", again)
	}
	u.goTo("build")
	summary := u.text("#summary")
	probs := u.drawnProbs()

	hash := link[strings.Index(link, "#"):]
	v := &user{NewTab(t, server.URL, "/"+hash, 4*time.Minute)}
	v.goTo("keep")
	v.WaitText("#share-opened", 60*time.Second, func(s string) bool {
		return strings.Contains(s, "MLP 128 → 64 → 10 (seed), float16 weights, trained 5 batches")
	})
	v.WaitText("#status", 90*time.Second, func(s string) bool { return strings.Contains(s, "Ready to train") })
	v.goTo("build")
	if got := v.text("#summary"); got != summary {
		t.Errorf("the opened link's summary differs:\n%s\nwant\n%s", got, summary)
	}
	// float16 weights: the same prediction, probabilities within 1e-3.
	got := v.drawnProbs()
	if len(got) != len(probs) {
		t.Fatalf("the opened link shows %d probabilities; want %d", len(got), len(probs))
	}
	best, bestGot := 0, 0
	for k := range probs {
		a, _ := strconv.ParseFloat(probs[k], 64)
		b, _ := strconv.ParseFloat(got[k], 64)
		if math.Abs(a-b) > 1e-3 {
			t.Errorf("digit %d: the opened float16 link gives %v; the original %v (want within 1e-3)", k, b, a)
		}
		if a > mustFloat(probs[best]) {
			best = k
		}
		if b > mustFloat(got[bestGot]) {
			bestGot = k
		}
	}
	if best != bestGot {
		t.Errorf("the opened link predicts %d for the drawing; the original %d", bestGot, best)
	}
	// It trains on from the link's weights.
	v.stepN(6)
}

// TestShareBadLinksKeepThePageWorking opens damaged links: the banner says
// what is wrong and the default model still trains.
func TestShareBadLinksKeepThePageWorking(t *testing.T) {
	good, err := share.Encode(share.Payload{Spec: spec.Seed()}, share.Options{})
	if err != nil {
		t.Fatal(err)
	}
	bin, _ := base64.RawURLEncoding.DecodeString(good)
	bin[3] = share.FormatVersion + 1 // the version byte follows "nnp"
	newer := base64.RawURLEncoding.EncodeToString(bin)
	for _, c := range []struct{ hash, want string }{
		{"#m=garbage", "This model link cannot be opened: this is not an nnplay model link"},
		{"#m=" + good[:len(good)/2], "This model link cannot be opened: the link is"},
		{"#m=" + newer, "made by a newer nnplay"},
	} {
		u, _ := openApp2(t, "/"+c.hash)
		u.WaitText("#error-banner", 10*time.Second, func(s string) bool { return strings.Contains(s, c.want) })
		u.goTo("keep")
		if u.text("#share-opened") != "" {
			t.Errorf("%s: #share-opened says %q; want nothing opened", c.hash, u.text("#share-opened"))
		}
		u.goTo("build")
		u.stepN(1)
	}
}

func openApp2(t *testing.T, path string) (*user, time.Duration) {
	t.Helper()
	start := time.Now()
	u := &user{NewTab(t, server.URL, path, 3*time.Minute)}
	u.WaitText("#status", 90*time.Second, func(s string) bool { return strings.Contains(s, "Ready to train") })
	u.waitEnabled("#train", 10*time.Second)
	return u, time.Since(start)
}

// TestShareReloadRestoresAndFilesRoundTrip: after a step the model is
// autosaved and a reload restores it (same summary and probabilities); a
// downloaded model file uploads back to the same model; a damaged file
// shows modelio's message and changes nothing.
func TestShareReloadRestoresAndFilesRoundTrip(t *testing.T) {
	u, _ := openApp(t, 6*time.Minute)
	u.choose("#preset", "softmax")
	u.stepN(3)
	summary := u.text("#summary")
	probs := u.drawnProbs()
	time.Sleep(2 * time.Second) // the autosave's IndexedDB write
	u.Run("reload", chromedp.Reload())
	u.goTo("keep")
	u.WaitText("#share-restored", 90*time.Second, func(s string) bool { return strings.Contains(s, "Restored your model from ") })
	u.WaitText("#status", 90*time.Second, func(s string) bool { return strings.Contains(s, "Ready to train") })
	t.Logf("after reload: %s", u.text("#share-restored"))
	u.goTo("build")
	if got := u.text("#summary"); got != summary {
		t.Errorf("restored summary differs:\n%s\nwant\n%s", got, summary)
	}
	if got := u.drawnProbs(); strings.Join(got, ",") != strings.Join(probs, ",") {
		t.Errorf("restored probabilities %v; want %v", got, probs)
	}

	// Download: catch the Blob the page saves.
	// (The CSP keeps fetch off blob: URLs, so read the Blob itself.)
	u.js("catch downloads", `(() => { window.__dl = null; window.__blob = null;
		const make = URL.createObjectURL;
		URL.createObjectURL = (b) => { window.__blob = b; return make(b); };
		HTMLAnchorElement.prototype.click = function () {
			const name = this.download;
			window.__blob.arrayBuffer().then(b => {
				let s = ""; for (const x of new Uint8Array(b)) s += String.fromCharCode(x);
				window.__dl = btoa(s); window.__dlName = name; });
		}; return true })()`, nil)
	u.goTo("keep")
	u.click("#share-download")
	u.waitJS("the download", 30*time.Second, `window.__dl !== null`)
	var b64, name string
	u.js("read the download", `window.__dl`, &b64)
	u.js("read the download's name", `window.__dlName`, &name)
	file, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || !strings.HasPrefix(string(file), "nnplay model\n") || !strings.HasSuffix(name, ".nnplay") {
		t.Fatalf("downloaded %q, %d bytes starting %.14q (err %v); want a .nnplay model file", name, len(file), file, err)
	}
	dir := t.TempDir()
	good := filepath.Join(dir, name)
	bad := filepath.Join(dir, "damaged.nnplay")
	if err := os.WriteFile(good, file, 0o644); err != nil {
		t.Fatal(err)
	}
	damaged := append([]byte(nil), file...)
	damaged[len(damaged)-5] ^= 0x10
	if err := os.WriteFile(bad, damaged, 0o644); err != nil {
		t.Fatal(err)
	}

	// A different model first, so the upload visibly changes it back.
	u.goTo("build")
	u.choose("#preset", "seed")
	u.stepN(u.batchCounter() + 1)
	u.goTo("keep")
	u.Run("upload the model file", chromedp.SetUploadFiles("#share-upload", []string{good}, chromedp.ByQuery))
	u.WaitText("#share-opened", 60*time.Second, func(s string) bool { return strings.Contains(s, "Opened "+name) })
	u.WaitText("#status", 60*time.Second, func(s string) bool { return strings.Contains(s, "Ready to train") })
	u.goTo("build")
	if got := u.text("#summary"); got != summary {
		t.Errorf("uploaded model's summary differs:\n%s\nwant\n%s", got, summary)
	}
	after := u.drawnProbs()
	if strings.Join(after, ",") != strings.Join(probs, ",") {
		t.Errorf("uploaded model's probabilities %v; want %v", after, probs)
	}
	u.goTo("keep")
	u.Run("upload a damaged file", chromedp.SetUploadFiles("#share-upload", []string{bad}, chromedp.ByQuery))
	u.WaitText("#error-banner", 30*time.Second, func(s string) bool { return strings.Contains(s, "checksum does not match") })
	u.goTo("build")
	if got := u.drawnProbs(); strings.Join(got, ",") != strings.Join(after, ",") {
		t.Errorf("after a damaged upload the probabilities are %v; want %v (unchanged)", got, after)
	}
}

// TestBadModelFileKeepsTrainingGoing: while the seed model trains, a
// damaged model file opened through the Share panel's file input shows
// the worker's message in the banner, and the run goes on: the batch
// counter keeps moving, the status still says Training and the button
// still says Pause.
func TestBadModelFileKeepsTrainingGoing(t *testing.T) {
	bad := damagedModelFile(t)
	u, _ := openApp(t, 3*time.Minute)
	u.typeInto("#epochs", "100") // a run that lasts the test
	u.click("#train")
	u.waitJS("10 batches", 60*time.Second, `+document.querySelector("#batch-counter").textContent >= 10`)
	u.goTo("keep")
	u.Run("open a damaged model file", chromedp.SetUploadFiles("#share-upload", []string{bad}, chromedp.ByQuery))
	banner := u.WaitText("#error-banner", 30*time.Second, func(s string) bool { return strings.Contains(s, "checksum does not match") })
	t.Logf("banner: %s", banner)
	u.goTo("build")
	at := u.batchCounter()
	u.waitJS("training to go on after the refusal", 10*time.Second, `+document.querySelector("#batch-counter").textContent > `+strconv.Itoa(at))
	if got := u.text("#pause"); got != "Pause" {
		t.Errorf("after the refused file the pause button says %q; want Pause", got)
	}
	if st := u.text("#status"); !strings.Contains(st, "Training…") {
		t.Errorf("after the refused file #status = %q; want it training", st)
	}
	if u.disabled("#pause") {
		t.Errorf("after the refused file Pause is disabled")
	}
}

// TestBadModelFileKeepsTheLessonsRunGoing: the fine-tuning lesson's step
// 1 (a run towards a number of batches) goes on through a damaged model
// file opened meanwhile, and ends with its accuracy, not "Stopped.".
func TestBadModelFileKeepsTheLessonsRunGoing(t *testing.T) {
	bad := damagedModelFile(t)
	u, _ := openApp(t, 4*time.Minute)
	u.goTo("finetune")
	u.scrollTo("#lesson-base")
	u.click("#lesson-base")
	u.goTo("build")
	u.waitJS("5 batches", 60*time.Second, `+document.querySelector("#batch-counter").textContent >= 5`)
	u.goTo("keep")
	u.Run("open a damaged model file", chromedp.SetUploadFiles("#share-upload", []string{bad}, chromedp.ByQuery))
	u.WaitText("#error-banner", 30*time.Second, func(s string) bool { return strings.Contains(s, "checksum does not match") })
	start := time.Now()
	u.goTo("finetune")
	got := u.WaitText("#lesson-base-result", 150*time.Second, func(s string) bool { return s != "" && !strings.HasSuffix(s, "…") })
	t.Logf("step 1 after the refused file (%.1f s): %s", time.Since(start).Seconds(), got)
	if !strings.Contains(got, "right after 300 batches") {
		t.Errorf("step 1 after a refused model file says %q; want it to end after its 300 batches", got)
	}
}

// damagedModelFile writes the seed model's file with one byte changed (its
// checksum no longer matches) and returns its path.
func damagedModelFile(t *testing.T) string {
	t.Helper()
	m, err := nn.Build(spec.Seed())
	if err != nil {
		t.Fatal(err)
	}
	var file bytes.Buffer
	if err := modelio.WriteFile(&file, modelio.ToPayload(m, 0, 0), share.Options{}); err != nil {
		t.Fatal(err)
	}
	damaged := file.Bytes()
	damaged[len(damaged)-5] ^= 0x10
	path := filepath.Join(t.TempDir(), "damaged.nnplay")
	if err := os.WriteFile(path, damaged, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
