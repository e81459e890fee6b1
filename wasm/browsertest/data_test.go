//go:build browser

package browsertest

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/data/resize"
	"github.com/nnplay/nnplay/engine/data/table"
	"github.com/nnplay/nnplay/engine/modelio"
	"github.com/nnplay/nnplay/engine/share"
	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// Tests of the Data place (issue 14): the user's own data sets drive
// every other place. Training is kept short (few epochs, small sets).

// useBuiltin opens the Data place and loads a built-in data set.
func (u *user) useBuiltin(name string) {
	u.t.Helper()
	u.goTo("data")
	u.waitEnabled("#data-builtin-"+name, 60*time.Second)
	u.click("#data-builtin-" + name)
	u.WaitText("#data-status", 3*time.Minute, func(s string) bool { return strings.HasPrefix(s, "In use: ") && !strings.Contains(s, "MNIST") })
}

// trainOnData goes to Build & train, waits for the model of the data,
// sets the epochs and batch size (0 keeps the preset's), trains and waits
// until it is done.
func (u *user) trainOnData(preset string, epochs, batch int, timeout time.Duration) {
	u.t.Helper()
	u.goTo("build")
	u.waitJS("the preset "+preset, 60*time.Second, fmt.Sprintf(`document.querySelector("#preset").value === %q`, preset))
	if epochs > 0 {
		u.typeInto("#epochs", strconv.Itoa(epochs))
	}
	if batch > 0 {
		u.typeInto("#batch-size", strconv.Itoa(batch))
	}
	u.waitEnabled("#train", 60*time.Second)
	u.click("#train")
	u.WaitText("#status", timeout, func(s string) bool { return strings.Contains(s, "Training finished") })
}

// percentOf reads "97.31%" as 97.31.
func percentOf(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(s), "%"), 64)
	if err != nil {
		t.Fatalf("%q is not a percentage", s)
	}
	return v
}

func TestDataPenguins(t *testing.T) {
	u, _ := openApp(t, 8*time.Minute)
	u.useBuiltin("penguins")
	if s := u.text("#data-summary"); !strings.Contains(s, "3 classes (Adelie, Chinstrap, Gentoo)") {
		t.Errorf("summary: %q", s)
	}
	var bars, cols int
	u.js("count the bars", `document.querySelectorAll("#data-balance .balance-row").length`, &bars)
	u.js("count the columns", `document.querySelectorAll("#data-columns tbody tr").length`, &cols)
	if bars != 3 || cols < 5 {
		t.Errorf("%d class bars (want 3), %d column rows (want at least 5)", bars, cols)
	}
	t.Logf("penguins: %s; %s", u.text("#data-summary"), u.text("#data-report"))
	u.trainOnData("table-mlp", 0, 0, 4*time.Minute)
	acc := percentOf(t, u.WaitText("#test-accuracy", time.Minute, func(s string) bool { return strings.HasSuffix(s, "%") }))
	t.Logf("penguins, table MLP: test accuracy %.2f%%", acc)
	if acc < 95 {
		t.Errorf("penguins test accuracy %.2f%%, want at least 95%%", acc)
	}
	var heads []string
	u.js("read the confusion matrix", `[...document.querySelectorAll("#confusion thead th")].map(th => th.textContent)`, &heads)
	if strings.Join(heads, ",") != "true \\ predicted,Adelie,Chinstrap,Gentoo,recall" {
		t.Errorf("the confusion matrix's columns: %q", heads)
	}
}

// writeImageFolder writes n PNGs per class into dir/<class>/, each of a
// size other than the model's (so fitting is exercised): "across" has
// horizontal stripes, "down" vertical ones, "dots" a checkerboard, each in
// a colour leaning to its class's hue, with noise. It returns the folder.
func writeImageFolder(t *testing.T, dir string, n int) string {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	for _, class := range []string{"across", "down", "dots"} {
		if err := os.MkdirAll(filepath.Join(dir, class), 0o755); err != nil {
			t.Fatal(err)
		}
		for i := range n {
			w, h := 40+rng.IntN(20), 30+rng.IntN(20)
			img := image.NewRGBA(image.Rect(0, 0, w, h))
			period := 4 + rng.IntN(4)
			// Each class leans to one hue, as photos of one kind of thing often do.
			fg := color.RGBA{uint8(80 + rng.IntN(100)), uint8(80 + rng.IntN(100)), uint8(80 + rng.IntN(100)), 255}
			switch class {
			case "across":
				fg.R = 255
			case "down":
				fg.G = 255
			default:
				fg.B = 255
			}
			for y := range h {
				for x := range w {
					on := false
					switch class {
					case "across":
						on = (y/period)%2 == 0
					case "down":
						on = (x/period)%2 == 0
					default:
						on = ((x/period)+(y/period))%2 == 0
					}
					c := color.RGBA{uint8(rng.IntN(40)), uint8(rng.IntN(40)), uint8(rng.IntN(40)), 255}
					if on {
						c = fg
					}
					img.Set(x, y, c)
				}
			}
			f, err := os.Create(filepath.Join(dir, class, fmt.Sprintf("img%03d.png", i)))
			if err != nil {
				t.Fatal(err)
			}
			if err := png.Encode(f, img); err != nil {
				t.Fatal(err)
			}
			f.Close()
		}
	}
	return dir
}

// zipFolder zips dir's files (paths relative to dir) into file.
func zipFolder(t *testing.T, dir, file string) string {
	t.Helper()
	out, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(out)
	err = filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		w, err := zw.Create(filepath.ToSlash(rel))
		if err != nil {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	out.Close()
	return file
}

// upload sets files on a file input of the Data place and waits until
// the upload form shows them.
func (u *user) upload(sel string, files ...string) {
	u.t.Helper()
	u.Run("upload "+strings.Join(files, ", "), chromedp.SetUploadFiles(sel, files, chromedp.ByQuery))
}

// loadUpload presses "Use this data" and waits for the data set.
func (u *user) loadUpload(name string) {
	u.t.Helper()
	u.waitEnabled("#data-load", 60*time.Second)
	u.click("#data-load")
	deadline := time.Now().Add(3 * time.Minute)
	for u.text("#data-status") != "In use: "+name+"." {
		if e := u.text("#data-error"); e != "" {
			u.t.Fatalf("loading %s: %s", name, e)
		}
		if time.Now().After(deadline) {
			u.t.Fatalf("loading %s: after 3 minutes the status is %q", name, u.text("#data-status"))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestDataImageFolderAndZip(t *testing.T) {
	u, _ := openApp(t, 12*time.Minute)
	dir := writeImageFolder(t, filepath.Join(t.TempDir(), "stripes"), 30)
	u.goTo("data")
	u.upload("#data-folder", dir)
	u.WaitText("#data-upload-text", 60*time.Second, func(s string) bool { return strings.Contains(s, "90 files") })
	u.loadUpload("stripes")
	if s := u.text("#data-summary"); !strings.Contains(s, "3 classes (across, dots, down)") || !strings.Contains(s, "32×32 pixels, RGB") {
		t.Errorf("summary: %q", s)
	}
	var samples int
	u.js("count the samples", `document.querySelectorAll("#data-samples canvas").length`, &samples)
	if samples != 24 {
		t.Errorf("%d sample images; want 8 per class", samples)
	}
	u.trainOnData("image-cnn", 6, 8, 5*time.Minute)
	acc := percentOf(t, u.WaitText("#test-accuracy", time.Minute, func(s string) bool { return strings.HasSuffix(s, "%") }))
	t.Logf("image folder (3 classes × 30 PNGs), small CNN, 6 epochs of batch 8: test accuracy %.2f%%", acc)
	if acc < 95 {
		t.Errorf("image folder test accuracy %.2f%%, want at least 95%%", acc)
	}

	zipFile := zipFolder(t, dir, filepath.Join(t.TempDir(), "stripes-zip.zip"))
	u.goTo("data")
	u.upload("#data-upload", zipFile)
	u.WaitText("#data-upload-text", 60*time.Second, func(s string) bool { return strings.Contains(s, "Zip file stripes-zip") })
	u.loadUpload("stripes-zip")
	u.trainOnData("image-cnn", 6, 8, 5*time.Minute)
	acc = percentOf(t, u.WaitText("#test-accuracy", time.Minute, func(s string) bool { return strings.HasSuffix(s, "%") }))
	t.Logf("the same as a zip: test accuracy %.2f%%", acc)
	if acc < 95 {
		t.Errorf("zip test accuracy %.2f%%, want at least 95%%", acc)
	}
}

func TestDataCarsRegression(t *testing.T) {
	u, _ := openApp(t, 8*time.Minute)
	u.useBuiltin("cars")
	if s := u.text("#data-summary"); !strings.Contains(s, "predicting Miles_per_Gallon (regression)") {
		t.Errorf("summary: %q", s)
	}
	t.Logf("cars: %s; %s", u.text("#data-summary"), u.text("#data-report"))
	u.trainOnData("table-mlp", 0, 0, 4*time.Minute)
	if s := u.text("#model-loss"); s != "mean squared error" {
		t.Errorf("the model panel names the loss %q", s)
	}
	r2, err := strconv.ParseFloat(u.WaitText("#reg-r2", time.Minute, func(s string) bool { return s != "" }), 64)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("cars, table MLP (MSE): test R² %.3f, MSE %s, MAE %s, RMSE %s", r2, u.text("#reg-mse"), u.text("#reg-mae"), u.text("#reg-rmse"))
	if r2 < 0.80 {
		t.Errorf("cars test R² %.3f, want at least 0.80", r2)
	}
	var points, bins int
	u.js("read the plots", `+(document.querySelector("#reg-scatter canvas") || {dataset: {}}).dataset.points || 0`, &points)
	u.js("read the histogram", `+(document.querySelector("#reg-residuals canvas") || {dataset: {}}).dataset.bins || 0`, &bins)
	if points < 50 || bins != 20 {
		t.Errorf("the scatter has %d points and the residual histogram %d bins", points, bins)
	}
	// Try it: one field per input column; a car's row gives miles per gallon.
	var fields int
	u.js("count the fields", `document.querySelectorAll("#try-predict").length && document.querySelectorAll("[id^=try-col-]").length`, &fields)
	if fields < 4 {
		t.Fatalf("Try it has %d fields", fields)
	}
	u.js("fill a row", `(() => {
		const row = {"Cylinders": "4", "Displacement": "97", "Horsepower": "88", "Weight_in_lbs": "2130", "Acceleration": "14.5", "Year": "1970-01-01", "Origin": "Japan"};
		for (const el of document.querySelectorAll("[id^=try-col-]")) {
			const v = row[el.dataset.column];
			if (v === undefined) continue;
			el.value = v;
			el.dispatchEvent(new Event(el.tagName === "SELECT" ? "change" : "input", {bubbles: true}));
		}
	})()`, nil)
	u.click("#try-predict")
	v := u.WaitText("#try-result", 30*time.Second, func(s string) bool { return strings.HasPrefix(s, "Miles_per_Gallon: ") })
	t.Logf("Try it on a 1970 Datsun-like row: %s", v)
}

func TestDataShapesCNNBeatsMLP(t *testing.T) {
	u, _ := openApp(t, 14*time.Minute)
	u.useBuiltin("shapes")
	t.Logf("shapes: %s", u.text("#data-summary"))
	u.trainOnData("image-cnn", 15, 0, 8*time.Minute)
	cnn := percentOf(t, u.WaitText("#test-accuracy", time.Minute, func(s string) bool { return strings.HasSuffix(s, "%") }))
	u.choose("#preset", "image-mlp")
	u.trainOnData("image-mlp", 15, 0, 4*time.Minute)
	mlp := percentOf(t, u.WaitText("#test-accuracy", time.Minute, func(s string) bool { return strings.HasSuffix(s, "%") }))
	t.Logf("shapes 32×32 RGB, 15 epochs each: small CNN %.2f%% test accuracy; MLP 64 %.2f%%", cnn, mlp)
	if cnn < 95 {
		t.Errorf("shapes CNN test accuracy %.2f%%, want at least 95%%", cnn)
	}
	if mlp >= cnn {
		t.Errorf("the MLP (%.2f%%) is not behind the CNN (%.2f%%)", mlp, cnn)
	}
}

// copyAs copies src to dir/name.
func copyAs(t *testing.T, src, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, name)
	if err := os.WriteFile(out, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestDataIDXUploadTrainsLikeMNIST(t *testing.T) {
	u, _ := openApp(t, 10*time.Minute)
	dir := t.TempDir()
	mnist := filepath.Join(staticDir, "data", "mnist")
	// MNIST's test files under other names, the labels chosen first and raw.
	labels := copyAs(t, filepath.Join(mnist, "t10k-labels-idx1-ubyte"), dir, "my-labels.bin")
	images := copyAs(t, filepath.Join(mnist, "t10k-images-idx3-ubyte.gz"), dir, "pictures.gz")
	u.goTo("data")
	u.upload("#data-upload", labels, images)
	u.WaitText("#data-upload-text", 60*time.Second, func(s string) bool { return strings.Contains(s, "pictures.gz and my-labels.bin") })
	u.typeInto("#data-classnames", "zero, one, two, three, four, five, six, seven, eight, nine")
	u.typeInto("#data-name", "digits again")
	u.loadUpload("digits again")
	if s := u.text("#data-summary"); !strings.Contains(s, "28×28 pixels, grey, in 10 classes (zero, one,") {
		t.Errorf("summary: %q", s)
	}
	u.trainOnData("image-cnn", 1, 0, 5*time.Minute)
	acc := percentOf(t, u.WaitText("#test-accuracy", time.Minute, func(s string) bool { return strings.HasSuffix(s, "%") }))
	t.Logf("MNIST's 10,000 test images uploaded as idx files (7,000 to train on), small CNN, 1 epoch: test accuracy %.2f%%", acc)
	if acc < 90 {
		t.Errorf("idx upload test accuracy %.2f%%, want at least 90%% (MNIST's own level for one short epoch)", acc)
	}
}

// TestDataAllOfMNISTInOneUpload uploads all 70,000 MNIST images as one idx
// pair (55 MB): base64 in the request's JSON (73 MB) was over the 64 MiB a
// message's text may hold; the files go beside the text (protocol.Wire).
func TestDataAllOfMNISTInOneUpload(t *testing.T) {
	u, _ := openApp(t, 5*time.Minute)
	dir := t.TempDir()
	mnist := filepath.Join(staticDir, "data", "mnist")
	join := func(name string, header int, parts ...string) string {
		var all []byte
		n := 0
		for i, p := range parts {
			b, err := os.ReadFile(filepath.Join(mnist, p))
			if err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				all = append(all, b[:header]...)
			}
			n += int(b[4])<<24 | int(b[5])<<16 | int(b[6])<<8 | int(b[7])
			all = append(all, b[header:]...)
		}
		all[4], all[5], all[6], all[7] = byte(n>>24), byte(n>>16), byte(n>>8), byte(n)
		out := filepath.Join(dir, name)
		if err := os.WriteFile(out, all, 0o644); err != nil {
			t.Fatal(err)
		}
		return out
	}
	images := join("all-images.idx", 16, "train-images-idx3-ubyte", "t10k-images-idx3-ubyte")
	labels := join("all-labels.idx", 8, "train-labels-idx1-ubyte", "t10k-labels-idx1-ubyte")
	if st, err := os.Stat(images); err != nil || st.Size()*4/3 <= protocol.MaxMessageBytes {
		t.Fatalf("the images file (%v) must be over the text's limit as base64", err)
	}
	u.goTo("data")
	u.upload("#data-upload", images, labels)
	u.WaitText("#data-upload-text", 60*time.Second, func(s string) bool { return strings.Contains(s, "all-images.idx") })
	u.typeInto("#data-name", "all of mnist")
	u.loadUpload("all of mnist")
	s := u.text("#data-summary")
	var tr, va, te int
	if _, err := fmt.Sscanf(strings.ReplaceAll(strings.TrimPrefix(s, "all of mnist: "), ",", ""), "%d training %d validation and %d test", &tr, &va, &te); err != nil || tr+va+te != 70000 {
		t.Errorf("summary: %q; want the 70,000 images split", s)
	}
}

// hold presses the mouse on sel for d, as holding a button down.
func (u *user) hold(sel string, d time.Duration) {
	u.t.Helper()
	var r struct{ X, Y, W, H float64 }
	u.Run("scroll "+sel, chromedp.ScrollIntoView(sel, chromedp.ByQuery))
	u.js("locate "+sel, fmt.Sprintf(`(() => { const b = document.querySelector(%q).getBoundingClientRect(); return {X: b.x, Y: b.y, W: b.width, H: b.height} })()`, sel), &r)
	x, y := r.X+r.W/2, r.Y+r.H/2
	u.Run("press "+sel, input.DispatchMouseEvent(input.MouseMoved, x, y), input.DispatchMouseEvent(input.MousePressed, x, y).WithButton(input.Left).WithClickCount(1))
	time.Sleep(d)
	u.Run("release "+sel, input.DispatchMouseEvent(input.MouseReleased, x, y).WithButton(input.Left).WithClickCount(1))
}

func TestDataWebcamRecordsAndTrains(t *testing.T) {
	u, _ := openApp(t, 8*time.Minute)
	u.goTo("data")
	u.click("#cam-start")
	u.waitEnabled("#cam-record-0", 30*time.Second)
	u.waitJS("the camera's picture", 30*time.Second, `(() => { const v = document.querySelector("#cam-video video"); return !!v && v.videoWidth > 0 })()`)
	u.typeInto("#cam-name-0", "left")
	u.typeInto("#cam-name-1", "right")
	u.hold("#cam-record-0", 1200*time.Millisecond)
	u.hold("#cam-record-1", 1200*time.Millisecond)
	u.WaitText("#cam-count-1", 10*time.Second, func(s string) bool { return s != "" && s != "0 frames" && s != "1 frame" })
	var n0, n1, thumbs int
	u.js("count frames", `parseInt(document.querySelector("#cam-count-0").textContent)`, &n0)
	u.js("count frames", `parseInt(document.querySelector("#cam-count-1").textContent)`, &n1)
	u.js("count thumbnails", `document.querySelectorAll("#cam-thumbs canvas").length`, &thumbs)
	t.Logf("recorded %d frames of left and %d of right (%d thumbnails)", n0, n1, thumbs)
	if n0 < 2 || n1 < 2 || thumbs != n0+n1 {
		t.Fatalf("recorded %d and %d frames with %d thumbnails", n0, n1, thumbs)
	}
	// A click on a thumbnail deletes it.
	u.click("#cam-thumbs canvas")
	u.waitJS("one frame fewer", 10*time.Second, fmt.Sprintf(`document.querySelectorAll("#cam-thumbs canvas").length === %d`, n0+n1-1))
	u.waitJS("the preview", 10*time.Second, `!!document.querySelector("#cam-preview canvas")`)
	u.click("#cam-load")
	u.WaitText("#data-status", 2*time.Minute, func(s string) bool { return s == "In use: webcam." })
	if s := u.text("#data-summary"); !strings.Contains(s, "2 classes (left, right)") {
		t.Errorf("summary: %q", s)
	}
	u.trainOnData("image-cnn", 2, 4, 3*time.Minute)
	t.Logf("webcam set: %s", u.text("#test-accuracy"))
	// Try it on a webcam frame.
	class, probs := u.tryPredict("#try-webcam")
	t.Logf("Try it on a webcam frame: %s %v", class, probs)
	if class != "left" && class != "right" {
		t.Errorf("Try it on a webcam frame says %q", class)
	}
}

// fillRow types a raw table row into Try it's fields (by column name).
func (u *user) fillRow(row map[string]string) {
	u.t.Helper()
	b, _ := json.Marshal(row)
	u.js("fill Try it's row", fmt.Sprintf(`(() => {
		const row = %s;
		for (const el of document.querySelectorAll("[id^=try-col-]")) {
			const v = row[el.dataset.column];
			if (v === undefined) continue;
			el.value = v;
			el.dispatchEvent(new Event(el.tagName === "SELECT" ? "change" : "input", {bubbles: true}));
		}
	})()`, b), nil)
}

// tryPredict clicks click (unless "") and reads the new prediction of
// Try it: the class and the probabilities by class name.
func (u *user) tryPredict(click string) (class string, probs map[string]float64) {
	u.t.Helper()
	u.js("forget the last result", `(() => { const e = document.querySelector("#try-probs"); if (e) e.remove(); document.querySelector("#try-result").textContent = "" })()`, nil)
	if click != "" {
		u.click(click)
	}
	u.WaitText("#try-result", 30*time.Second, func(s string) bool { return strings.Contains(s, "%") })
	u.waitJS("the probabilities", 10*time.Second, `document.querySelectorAll("#try-probs li").length > 0`)
	var list []struct {
		Class string
		P     float64
	}
	u.js("read the probabilities", `[...document.querySelectorAll("#try-probs li")].map(li => ({Class: li.dataset.class, P: li.querySelector("meter").value}))`, &list)
	probs = map[string]float64{}
	for _, c := range list {
		probs[c.Class] = c.P
	}
	return list[0].Class, probs
}

// linkOf makes a float32 share link of the model on screen.
func (u *user) linkOf() string {
	u.t.Helper()
	u.goTo("keep")
	u.choose("#share-precision", "float32")
	deadline := time.Now().Add(60 * time.Second)
	for {
		var ok bool
		u.js("the float32 link", `document.querySelector("#share-link").value.includes("#m=") && document.querySelector("#share-make").textContent === "Make link"`, &ok)
		if ok {
			return u.value("#share-link")
		}
		if banner := u.text("#error-banner p"); banner != "" || time.Now().After(deadline) {
			u.t.Fatalf("no float32 link; the banner says %q", banner)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// nativePredict decodes a share link natively and predicts one example
// (its values as the model reads them, from the link's data description).
func nativePredict(t *testing.T, link string, input func(d spec.Data) []float32) (spec.Data, []float32) {
	t.Helper()
	p, err := share.Decode(link)
	if err != nil {
		t.Fatalf("decode the link: %v", err)
	}
	if p.Spec.Data == nil {
		t.Fatalf("the link's model has no data description")
	}
	m, err := modelio.FromPayload(p)
	if err != nil {
		t.Fatal(err)
	}
	x := input(*p.Spec.Data)
	x64 := tensor.New(tensor.WithShape(append([]int{1}, p.Spec.Input...)...), tensor.WithBacking(x))
	return *p.Spec.Data, m.Predict(x64).Float32s()
}

// sameProbs compares the page's probabilities by class with native ones.
func sameProbs(t *testing.T, what string, d spec.Data, page map[string]float64, native []float32) {
	t.Helper()
	for k, name := range d.Classes {
		if math.Abs(page[name]-float64(native[k])) > 1e-5 {
			t.Errorf("%s: class %s has probability %v on the page, %v natively", what, name, page[name], native[k])
		}
	}
}

func TestDataTryItAndShareLinkOfPenguins(t *testing.T) {
	u, _ := openApp(t, 8*time.Minute)
	u.useBuiltin("penguins")
	u.trainOnData("table-mlp", 10, 0, 3*time.Minute)
	// A row between Adelie and Chinstrap, so that no probability is 0 or 1.
	row := map[string]string{"Island": "Dream", "Beak Length (mm)": "44", "Beak Depth (mm)": "18", "Flipper Length (mm)": "193", "Body Mass (g)": "3700", "Sex": ""}
	u.fillRow(row)
	class, probs := u.tryPredict("#try-predict")
	t.Logf("Try it on a raw penguin row: %s %v", class, probs)
	link := u.linkOf()
	d, native := nativePredict(t, link, func(d spec.Data) []float32 {
		cells := make([]string, len(d.Columns))
		for i, c := range d.Columns {
			cells[i] = row[c.Name]
		}
		x, err := table.EncodeRow(d, cells)
		if err != nil {
			t.Fatal(err)
		}
		return x
	})
	sameProbs(t, "Try it against the engine", d, probs, native)

	// The link in a fresh context (no data set loaded) predicts the same
	// for the same raw row.
	hash := link[strings.Index(link, "#"):]
	v := openFresh(t, "/"+hash, 5*time.Minute)
	v.goTo("keep")
	v.WaitText("#share-opened", 90*time.Second, func(s string) bool { return strings.Contains(s, "Opened") })
	v.goTo("build")
	v.waitEnabled("#try-predict", 60*time.Second)
	v.fillRow(row)
	class2, probs2 := v.tryPredict("#try-predict")
	if class2 != class {
		t.Errorf("the link in a fresh context predicts %s; the original %s", class2, class)
	}
	sameProbs(t, "the link in a fresh context against the engine", d, probs2, native)
}

// TestDataBadInputChangesNothing tries each kind of bad input: its message
// is shown, and the data set and the model in use stay as they were.
func TestDataBadInputChangesNothing(t *testing.T) {
	u, _ := openApp(t, 10*time.Minute)
	u.Allow("load data:") // the worker's refusals reach the console as errors
	u.useBuiltin("penguins")
	u.goTo("build")
	u.waitJS("the penguins model", 60*time.Second, `document.querySelector("#preset").value === "table-mlp"`)
	u.waitEnabled("#train", 60*time.Second)
	model := u.text("#summary")
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var wide strings.Builder
	for i := range 300 {
		fmt.Fprintf(&wide, "c%d,", i)
	}
	wide.WriteString("y\n")
	// A class with one example, a target with one value.
	var lonely, constant strings.Builder
	lonely.WriteString("x,y\n")
	constant.WriteString("x,y\n")
	for i := range 20 {
		fmt.Fprintf(&lonely, "%d,%s\n", i, map[bool]string{true: "a", false: "b"}[i%2 == 0])
		fmt.Fprintf(&constant, "%d,same\n", i)
	}
	lonely.WriteString("99,c\n")
	zipOf := func(name string, files map[string][]byte) string {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for n, b := range files {
			w, err := zw.Create(n)
			if err != nil {
				t.Fatal(err)
			}
			w.Write(b)
		}
		zw.Close()
		return write(name, buf.Bytes())
	}
	goodPNG := func() []byte {
		var buf bytes.Buffer
		png.Encode(&buf, image.NewGray(image.Rect(0, 0, 8, 8)))
		return buf.Bytes()
	}()
	cases := []struct {
		name    string
		files   []string
		folder  bool
		load    bool // the problem is found by the worker, after "Use this data"
		message string
	}{
		{"ragged CSV row", []string{write("ragged.csv", []byte("a,b,y\n1,2,x\n3,4,y\n5,6\n"))}, false, false, "line 4 has 2 fields but"},
		{"non-UTF-8 table", []string{write("latin1.csv", []byte("name,y\ncaf\xe9,1\nbar,2\n"))}, false, false, "line 2 is not UTF-8 text"},
		{"too many columns", []string{write("wide.csv", []byte(wide.String()))}, false, false, "more than the limit 256"},
		{"a class with one example", []string{write("lonely.csv", []byte(lonely.String()))}, false, true, `class "c" has 1 example(s)`},
		{"a target with one value", []string{write("constant.csv", []byte(constant.String()))}, false, true, `has only one value, "same"`},
		{"zip bomb", []string{zipOf("bomb.zip", map[string][]byte{"a/big.png": make([]byte, 17<<20), "b/x.png": goodPNG})}, false, true, "more than the limit 16777216 per image"},
		{"nested zip", []string{zipOf("nested.zip", map[string][]byte{"a/inner.zip": []byte("PK\x03\x04"), "b/x.png": goodPNG})}, false, true, "nested archives are refused"},
		{"undecodable images", []string{write("broken/a/1.png", []byte("not a png")), write("broken/a/2.png", []byte("nor this")), write("broken/b/3.png", []byte("GIF89a")), write("broken/b/4.png", goodPNG[:20])}, true, true, "none of the 4 images could be decoded"},
		{"one idx file", []string{copyAs(t, filepath.Join(staticDir, "data", "mnist", "t10k-labels-idx1-ubyte.gz"), dir, "labels.gz")}, false, false, "choose its image file and its label file together"},
	}
	for _, c := range cases {
		u.goTo("data")
		sel := "#data-upload"
		files := c.files
		if c.folder {
			sel, files = "#data-folder", []string{filepath.Join(dir, "broken")}
		}
		u.upload(sel, files...)
		if c.load {
			base := strings.TrimSuffix(filepath.Base(files[0]), filepath.Ext(files[0]))
			u.WaitText("#data-upload-text", 60*time.Second, func(s string) bool { return strings.Contains(s, " "+base) })
			u.waitEnabled("#data-load", 30*time.Second)
			u.click("#data-load")
		}
		msg := u.WaitText("#data-error", 60*time.Second, func(s string) bool { return s != "" })
		if !strings.Contains(msg, c.message) {
			t.Errorf("%s: the message is %q; want it to say %q", c.name, msg, c.message)
		} else {
			t.Logf("%s: %s", c.name, msg)
		}
		if s := u.text("#data-status"); s != "In use: penguins." {
			t.Errorf("%s: the data set in use changed: %q", c.name, s)
		}
		u.goTo("build")
		if got := u.text("#summary"); got != model {
			t.Errorf("%s: the model changed:\n%s\nwant\n%s", c.name, got, model)
		}
	}
	// Undecodable images among good ones are skipped and counted.
	mixed := writeImageFolder(t, filepath.Join(dir, "mixed"), 10)
	write("mixed/across/broken.png", []byte("not a png"))
	u.goTo("data")
	u.upload("#data-folder", mixed)
	u.WaitText("#data-upload-text", 60*time.Second, func(s string) bool { return strings.Contains(s, "Folder mixed") })
	u.loadUpload("mixed")
	if s := u.text("#data-skipped"); !strings.Contains(s, "1 image that could not be decoded was left out") || !strings.Contains(s, "broken.png") {
		t.Errorf("the skipped images: %q", s)
	} else {
		t.Logf("undecodable among good: %s", s)
	}
}

func TestDataTryItOnAnUploadedImage(t *testing.T) {
	u, _ := openApp(t, 8*time.Minute)
	dir := writeImageFolder(t, filepath.Join(t.TempDir(), "stripes"), 30)
	u.goTo("data")
	u.upload("#data-folder", dir)
	u.WaitText("#data-upload-text", 60*time.Second, func(s string) bool { return strings.Contains(s, "90 files") })
	u.loadUpload("stripes")
	u.trainOnData("image-cnn", 3, 8, 5*time.Minute)
	// A new picture, of another size than the training images.
	other := writeImageFolder(t, filepath.Join(t.TempDir(), "other"), 1)
	file := filepath.Join(other, "down", "img000.png")
	u.upload("#try-image", file)
	class, probs := u.tryPredict("")
	t.Logf("Try it on an uploaded %s: %s %v", "down/img000.png", class, probs)
	var seen int
	u.js("what the network saw", `document.querySelectorAll("#try-seen canvas").length`, &seen)
	if seen != 1 {
		t.Errorf("Try it shows %d pictures of what the network saw", seen)
	}
	// The same image dropped on Try it.
	pngBytes, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	u.js("forget the last result", `document.querySelector("#try-result").textContent = ""`, nil)
	u.js("drop the image on Try it", fmt.Sprintf(`(() => {
		const bin = atob(%q), bytes = new Uint8Array(bin.length);
		for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
		const dt = new DataTransfer();
		dt.items.add(new File([bytes], "dropped.png", {type: "image/png"}));
		document.querySelector("#try-drop").dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
	})()`, base64.StdEncoding.EncodeToString(pngBytes)), nil)
	class2, probs2 := u.tryPredict("")
	if class2 != class || probs2[class] != probs[class] {
		t.Errorf("the dropped image gives %s %v; the chosen one %s %v", class2, probs2, class, probs)
	}
	link := u.linkOf()
	d, native := nativePredict(t, link, func(d spec.Data) []float32 {
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		img, err := png.Decode(f)
		if err != nil {
			t.Fatal(err)
		}
		b := img.Bounds()
		rgba := image.NewNRGBA(b)
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				rgba.Set(x, y, img.At(x, y))
			}
		}
		px, err := resize.Fit(rgba.Pix, b.Dx(), b.Dy(), d.Shape[0], d.Shape[2], d.Fit)
		if err != nil {
			t.Fatal(err)
		}
		levels := d.PixelLevels()
		x := make([]float32, len(px))
		for k, p := range px {
			x[k] = levels[k%len(levels)][p]
		}
		return x
	})
	sameProbs(t, "Try it on an image against the engine", d, probs, native)
}

func TestDataMyDataSurvivesReload(t *testing.T) {
	u, _ := openApp(t, 6*time.Minute)
	var csv strings.Builder
	csv.WriteString("width;height;kind\n")
	rng := rand.New(rand.NewPCG(3, 4))
	for range 60 {
		w, h := rng.Float64()*10, rng.Float64()*10
		kind := "flat"
		if h > w {
			kind = "tall"
		}
		fmt.Fprintf(&csv, "%.2f;%.2f;%s\n", w, h, kind)
	}
	file := filepath.Join(t.TempDir(), "boxes.csv")
	if err := os.WriteFile(file, []byte(csv.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	u.goTo("data")
	u.upload("#data-upload", file)
	u.WaitText("#data-upload-text", 60*time.Second, func(s string) bool { return strings.Contains(s, "Table boxes: 60 rows, 3 columns") })
	u.loadUpload("boxes")
	u.click("#data-save")
	u.WaitText("#mydata-note", 30*time.Second, func(s string) bool { return strings.HasPrefix(s, "Kept boxes (") })
	t.Logf("%s", u.text("#mydata-note"))

	u.Run("reload", chromedp.Reload())
	u.WaitText("#status", 90*time.Second, func(s string) bool { return strings.Contains(s, "Ready to train") })
	u.goTo("data")
	u.waitJS("My data after a reload", 30*time.Second, `document.querySelectorAll("#mydata-list .mydata-row").length === 1`)
	if names := u.attr("#mydata-list .mydata-row", "data-name"); names != "boxes" {
		t.Errorf("My data holds %q", names)
	}
	u.renameKept("my boxes")
	u.click("#mydata-list .mydata-use")
	u.WaitText("#data-status", 60*time.Second, func(s string) bool { return s == "In use: my boxes." })
	if s := u.text("#data-summary"); !strings.Contains(s, "2 classes (flat, tall)") {
		t.Errorf("summary of the kept set: %q", s)
	}
	u.click("#mydata-list .mydata-delete")
	u.waitJS("the row to go", 10*time.Second, `document.querySelectorAll("#mydata-list .mydata-row").length === 0`)
	u.Run("reload", chromedp.Reload())
	u.WaitText("#status", 90*time.Second, func(s string) bool { return strings.Contains(s, "Ready to train") })
	u.goTo("data")
	time.Sleep(time.Second)
	var n int
	u.js("count My data", `document.querySelectorAll("#mydata-list .mydata-row").length`, &n)
	if n != 0 {
		t.Errorf("a deleted data set is back after a reload (%d rows)", n)
	}
}

// TestDataMyDataKeepsOlderRecords: a data set kept by an earlier version
// of the page (its request's JSON, the file in base64, inside a JSON
// record) is listed, renamed and used like one kept now; what is kept now
// holds the file's bytes as they are (a Uint8Array part, not base64).
func TestDataMyDataKeepsOlderRecords(t *testing.T) {
	u, _ := openApp(t, 6*time.Minute)
	var csv strings.Builder
	csv.WriteString("width,height,kind\n")
	for i := range 40 {
		w, h := float64(i%7), float64(i%5)
		kind := map[bool]string{true: "tall", false: "flat"}[h > w]
		fmt.Fprintf(&csv, "%.0f,%.0f,%s\n", w, h, kind)
	}
	req, err := json.Marshal(protocol.LoadDataset{Source: protocol.SourceTable, Name: "old boxes", Table: []byte(csv.String())})
	if err != nil {
		t.Fatal(err)
	}
	old, err := json.Marshal(struct {
		Name    string `json:"name"`
		Kind    string `json:"kind"`
		Request []byte `json:"request"`
	}{"old boxes", "table", req})
	if err != nil {
		t.Fatal(err)
	}
	u.goTo("data")
	u.await("keep a record as an earlier version did", fmt.Sprintf(`new Promise((done, fail) => {
		const open = indexedDB.open("nnplay");
		open.onerror = () => fail(open.error);
		open.onsuccess = () => {
			const tx = open.result.transaction("datasets", "readwrite");
			const data = Uint8Array.from(atob(%q), (c) => c.charCodeAt(0));
			tx.objectStore("datasets").put({key: "0000000000001", name: "old boxes", kind: "table", size: data.length, data}, "0000000000001");
			tx.oncomplete = () => { open.result.close(); done(true); };
			tx.onerror = () => fail(tx.error);
		};
	})`, base64.StdEncoding.EncodeToString(old)), nil)
	u.Run("reload", chromedp.Reload())
	u.WaitText("#status", 90*time.Second, func(s string) bool { return strings.Contains(s, "Ready to train") })
	u.goTo("data")
	u.waitJS("the older record listed", 30*time.Second, `document.querySelectorAll("#mydata-list .mydata-row").length === 1`)
	u.renameKept("boxes of old")
	u.click("#mydata-list .mydata-use")
	u.WaitText("#data-status", 60*time.Second, func(s string) bool { return s == "In use: boxes of old." })
	if s := u.text("#data-summary"); !strings.Contains(s, "2 classes (flat, tall)") {
		t.Errorf("summary of the older record's set: %q", s)
	}

	// Kept again now: the table's bytes as they are.
	u.click("#data-save")
	u.WaitText("#mydata-note", 30*time.Second, func(s string) bool { return strings.HasPrefix(s, "Kept boxes of old (") })
	var kept struct {
		Text   string
		Parts  []int
		HasCSV bool
	}
	u.await("read the new record", fmt.Sprintf(`new Promise((done, fail) => {
		const open = indexedDB.open("nnplay");
		open.onsuccess = () => {
			const all = open.result.transaction("datasets").objectStore("datasets").getAll();
			all.onsuccess = () => {
				const r = all.result.find((r) => r.key !== "0000000000001");
				open.result.close();
				if (!r) return fail("no new record");
				done({Text: r.text, Parts: r.parts.map((p) => p.length),
					HasCSV: r.parts.some((p) => new TextDecoder().decode(p) === %q)});
			};
		};
	})`, csv.String()), &kept)
	if !kept.HasCSV || strings.Contains(kept.Text, "width") || !strings.Contains(kept.Text, "boxes of old") {
		t.Errorf("kept now: text %q, parts of %v bytes, the table as it is: %v", kept.Text, kept.Parts, kept.HasCSV)
	}
}

// renameKept types name into the first data set of My data, as a person
// renames it, and waits for the page to say it did.
func (u *user) renameKept(name string) {
	u.t.Helper()
	u.js("rename it", fmt.Sprintf(`(() => { const el = document.querySelector("#mydata-list .mydata-name"); el.value = %q; el.dispatchEvent(new Event("change", {bubbles: true})) })()`, name), nil)
	u.WaitText("#mydata-note", 30*time.Second, func(s string) bool { return s == "Renamed to "+name+"." })
}

func TestDataPadDrawingsAsADataSet(t *testing.T) {
	u, _ := openApp(t, 6*time.Minute)
	for range 3 {
		u.addExample(dash, 1)
		u.addExample(hook, 7)
	}
	u.goTo("data")
	u.WaitText("#data-drawings", 10*time.Second, func(s string) bool { return s == "Your pad drawings (6)" })
	u.click("#data-drawings")
	u.WaitText("#data-status", 60*time.Second, func(s string) bool { return s == "In use: my drawings." })
	s := u.text("#data-summary")
	if !strings.Contains(s, "28×28 pixels, grey, in 2 classes (1, 7)") {
		t.Errorf("summary: %q", s)
	}
	t.Logf("the pad's 6 drawings as a data set: %s", s)
	u.trainOnData("image-cnn", 2, 2, 2*time.Minute)
}

// TestDataReloadKeepsTheModelAndItsData: a penguins model trained, then a
// reload: the autosave brings the model back with its weights, the page
// loads penguins again for it, and Try it predicts the same for the same
// row.
func TestDataReloadKeepsTheModelAndItsData(t *testing.T) {
	u, _ := openApp(t, 6*time.Minute)
	u.useBuiltin("penguins")
	u.trainOnData("table-mlp", 5, 0, 3*time.Minute)
	row := map[string]string{"Island": "Dream", "Beak Length (mm)": "44", "Beak Depth (mm)": "18", "Flipper Length (mm)": "193", "Body Mass (g)": "3700", "Sex": ""}
	u.waitEnabled("#try-predict", 30*time.Second)
	u.fillRow(row)
	class, probs := u.tryPredict("#try-predict")
	time.Sleep(2 * time.Second) // the autosave's IndexedDB write
	u.Run("reload", chromedp.Reload())
	u.goTo("keep")
	u.WaitText("#share-restored", 90*time.Second, func(s string) bool { return strings.Contains(s, "Restored your model from ") })
	u.goTo("data")
	u.WaitText("#data-status", 60*time.Second, func(s string) bool { return s == "In use: penguins." })
	u.goTo("build")
	u.waitJS("the penguins model", 30*time.Second, `document.querySelector("#preset").value === "table-mlp"`)
	u.waitEnabled("#try-predict", 30*time.Second)
	u.fillRow(row)
	class2, probs2 := u.tryPredict("#try-predict")
	if class2 != class {
		t.Errorf("after a reload Try it says %s; before, %s", class2, class)
	}
	for k, p := range probs {
		if math.Abs(probs2[k]-p) > 1e-6 {
			t.Errorf("after a reload %s has probability %v; before, %v", k, probs2[k], p)
		}
	}
	t.Logf("after a reload: %s %v", class2, probs2)
	// Its data set is loaded: it can train.
	u.waitEnabled("#train", 30*time.Second)
}

func TestDataAugmentationPreview(t *testing.T) {
	u, _ := openApp(t, 5*time.Minute)
	u.useBuiltin("shapes-grey")
	if s := u.text("#data-summary"); !strings.Contains(s, "28×28 pixels, grey") {
		t.Errorf("summary: %q", s)
	}
	u.Run("scroll to the augmentation", chromedp.ScrollIntoView("#aug-rotation-on", chromedp.ByQuery))
	u.click("#aug-rotation-on")
	u.waitJS("the preview grid", 30*time.Second, `document.querySelectorAll("#aug-grid .aug-pair canvas").length === 32`)
	var differ bool
	u.js("compare an original and its varied copy", `(() => {
		const [a, b] = document.querySelectorAll("#aug-grid .aug-pair")[0].querySelectorAll("canvas");
		const da = a.getContext("2d").getImageData(0, 0, a.width, a.height).data, db = b.getContext("2d").getImageData(0, 0, b.width, b.height).data;
		return da.some((v, i) => v !== db[i]);
	})()`, &differ)
	if !differ {
		t.Error("the rotated copy is the same as the original")
	}
	u.trainOnData("image-cnn", 1, 0, 3*time.Minute)
	t.Logf("shapes 28×28 grey, rotation ±15°, small CNN, 1 epoch: %s", u.text("#test-accuracy"))
}

// TestDataTableDroppedWithOverrides drops a TSV on the drop zone, skips
// its comment lines, predicts a numeric column as classes, ignores a
// column and fills missing values.
func TestDataTableDroppedWithOverrides(t *testing.T) {
	u, _ := openApp(t, 5*time.Minute)
	var tsv strings.Builder
	tsv.WriteString("# exported from a spreadsheet\n# size and grade of parts\nid\tsize\tcolour\tgrade\tweight\n")
	rng := rand.New(rand.NewPCG(5, 6))
	for i := range 90 {
		size := rng.Float64() * 3
		grade := 1 + int(size)
		colour := []string{"red", "green", "blue"}[rng.IntN(3)]
		weight := fmt.Sprintf("%.1f", size*2+rng.Float64())
		if i%15 == 0 {
			weight = "" // missing: filled with the training split's mean
		}
		fmt.Fprintf(&tsv, "%d\t%.2f\t%s\t%d\t%s\n", i, size, colour, grade, weight)
	}
	b, _ := json.Marshal(tsv.String())
	u.goTo("data")
	u.js("drop a TSV file", fmt.Sprintf(`(() => {
		const dt = new DataTransfer();
		dt.items.add(new File([%s], "parts.tsv", {type: "text/tab-separated-values"}));
		const zone = document.querySelector("#data-drop");
		zone.dispatchEvent(new DragEvent("dragover", {dataTransfer: dt, bubbles: true, cancelable: true}));
		zone.dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
	})()`, b), nil)
	// Read as it is, the comment lines make a ragged table.
	msg := u.WaitText("#data-error", 30*time.Second, func(s string) bool { return s != "" })
	t.Logf("dropped as it is: %s", msg)
	if !strings.Contains(msg, "parts.tsv: line") {
		t.Errorf("the ragged comment lines: %q", msg)
	}
	// The form stays for it: skip the comment lines.
	u.WaitText("#data-upload-text", 30*time.Second, func(s string) bool { return strings.Contains(s, "Table parts") })
	if !u.disabled("#data-load") {
		t.Error("a table that does not read can be loaded")
	}
	u.typeInto("#data-skip", "2")
	u.WaitText("#data-upload-text", 30*time.Second, func(s string) bool { return strings.Contains(s, "Table parts: 90 rows, 5 columns") })
	u.choose("#data-target", "grade")
	u.choose("#data-task", "classification")
	u.choose("#data-kind-0", "ignored")
	u.choose("#data-missing", "fill")
	u.loadUpload("parts")
	if s := u.text("#data-summary"); !strings.Contains(s, "in 3 classes (1, 2, 3)") {
		t.Errorf("summary: %q", s)
	}
	rep := u.text("#data-report")
	t.Logf("%s; %s", u.text("#data-summary"), rep)
	if !strings.Contains(rep, "missing values filled: weight 6") || !strings.Contains(rep, "ignored: id") {
		t.Errorf("report: %q", rep)
	}
	u.trainOnData("table-mlp", 20, 0, 2*time.Minute)
	t.Logf("parts, table MLP, 20 epochs: %s", u.text("#test-accuracy"))
}
